"""`learn participant export|forget|purge`: subject access, erasure, and purging finished
cohorts (registered on the participant group by `cli.participant`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learncli.cli._common import CohortArg, DryRunOpt, EmailArg, JsonOpt, parse_date_option, state


def participant_export(
    ctx: typer.Context,
    email: EmailArg,
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write the JSON document to FILE.", show_default=False)] = None,
    json_output: JsonOpt = False,
) -> None:
    """Everything held about one person (a subject access request): each cohort with
    their details, attendance, commitments, the emails sent to them, their calendar
    state and generated files, and their invoices, payments and credit notes.

    Text by default; --json prints the JSON document (its shape is in the README);
    -o FILE writes it to FILE.

    Example: learn participant export rory.mcallister@example.org -o rory.json
    """
    import json

    from learncli.actions.privacy import export
    from learncli.cli._output import note, print_json, say

    app_state = state(ctx)
    document = export(app_state.folder, email)
    if output is not None:
        with app_state.folder.transaction() as tx:
            tx.output(output, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        note(f"wrote everything held about {document['email']} to {output}")
        return
    if json_output:
        print_json(document)
        return
    for cohort in document["cohorts"]:
        person = cohort["participant"]
        say(f"{cohort['cohort']} ({cohort['title']}, {cohort['first_session']} to {cohort['last_session']}; kept until {cohort['kept_until']})")
        for key, value in person.items():
            say(f"  {key}: {value}")
        for number, mark in cohort["attendance"].items():
            say(f"  session {number}: {mark['status']}")
        for c in cohort["commitments"]:
            say(f"  commitment after session {c['session']}: {c['text']} ({c['status']})")
        for m in cohort["emails_sent"]:
            say(f"  email {m['kind']} {m['status']} {m['started']}")
        for f in cohort["files"]:
            say(f"  file {f}")
    for item in document["invoices"]:
        inv = item["invoice"]
        say(f"invoice {inv['invoice']} issued {inv['issued']} {inv['currency']} {inv['total']} ({item['status']}; kept until {item['kept_until']})")


def participant_forget(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    dry_run: DryRunOpt = False,
) -> None:
    """Erase one person (an erasure request): their entry, aliases, attendance and
    commitments in the cohort file, their lines in the send log and calendar state, and
    their files under out/. The cohort's figures keep them as counts (`forgotten:`).
    Their invoices stay in the ledger as long as the law requires; the command says
    which and until when.

    Example: learn participant forget 2026-spring hannah.price@example.org --dry-run
    """
    from learncli.actions.privacy import forget

    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        erasure = forget(folder, tx, cohort_id, [email], app_state.today)
    _tell([erasure], erasure.reduced, tx.changes, folder.root, dry_run)


def participant_purge(
    ctx: typer.Context,
    before: Annotated[str, typer.Option("--before", metavar="DATE", help="Purge every cohort whose last session is before DATE.", show_default=False)],
    dry_run: DryRunOpt = False,
) -> None:
    """Erase everyone of every cohort whose last session is before DATE, as `forget`
    does for one person; invoices whose ledger retention is over are reduced to what the
    accounts need (number, dates, amounts, cohort), names and addresses removed.
    --dry-run lists what would go.

    Example: learn participant purge --before 2025-01-01 --dry-run
    """
    from learncli.actions.privacy import purge

    app_state = state(ctx)
    day = parse_date_option(before, "--before")
    assert day is not None
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        done = purge(folder, tx, day, app_state.today)
    _tell(done.erasures, done.reduced, tx.changes, folder.root, dry_run)


def _tell(erasures: list, reduced: list[str], changes: list, root: Path, dry_run: bool) -> None:  # type: ignore[type-arg]
    from learncli.cli._output import note, print_changes, say

    verb = "would erase" if dry_run else "erased"
    for erasure in erasures:
        names = ", ".join(f"{p.name} <{p.email}>" for p in erasure.people) or "nobody (no participants left)"
        say(f"{verb} from {erasure.cohort}: {names}")
        for kept in erasure.kept:
            say(f"  kept in the ledger: {kept.number} (issued {kept.issued.isoformat()}) until {kept.until.isoformat()}, as the accounts require")
    if reduced:
        say(f"{'would reduce' if dry_run else 'reduced'} {len(reduced)} invoice(s) past the ledger's retention to number, dates, amounts and cohort: {', '.join(reduced)}")
    if not erasures and not reduced:
        note("nothing to purge")
    print_changes(changes, root, dry_run=dry_run)
