"""`learn participant ...`: add, import, list, withdraw, reinstate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from learncli.cli._common import CohortArg, DryRunOpt, EmailArg, JsonOpt, group, parse_date_option, parse_map_options, read_input_file, state

if TYPE_CHECKING:
    from learncli.models.cohort import Cohort
    from learncli.models.course import Config

app = group("The people registered on a cohort.")


@app.command("add")
def participant_add(
    ctx: typer.Context,
    cohort_id: CohortArg,
    name: Annotated[str, typer.Option("--name", help="Full name as it should appear on invoices.", show_default=False)],
    email: Annotated[str, typer.Option("--email", help="Email address (identifies the person).", show_default=False)],
    organisation: Annotated[str | None, typer.Option("--organisation", help="Employer or organisation.", show_default=False)] = None,
    role: Annotated[str | None, typer.Option("--role", help="Job title or role.", show_default=False)] = None,
    po: Annotated[str | None, typer.Option("--po", help="Purchase-order number for the invoice.", show_default=False)] = None,
    billing_email: Annotated[str | None, typer.Option("--billing-email", help="Send the invoice here instead.", show_default=False)] = None,
    billing_name: Annotated[str | None, typer.Option("--billing-name", help="Bill to this name (e.g. Accounts Payable).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Register one participant on a cohort.

    Example: learn participant add 2026-autumn --name "O'Neil, Ann" --email ann@example.org --po PO-1234
    """
    from pydantic import ValidationError

    from learncli.cli._output import did, print_changes, warn
    from learncli.domain import people
    from learncli.errors import Refused
    from learncli.models.cohort import Cohort, Participant
    from learncli.store import edits

    app_state = state(ctx)
    folder = app_state.folder
    values = {
        "name": name, "email": email, "organisation": organisation, "role": role, "po": po,
        "billing_email": billing_email, "billing_name": billing_name, "registered": app_state.today,
    }
    entry = people.participant_entry(values)
    try:
        person = Participant.model_validate(entry)
    except ValidationError as exc:
        problems = "; ".join(f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in exc.errors(include_url=False))
        raise Refused(f"cannot register this participant: {problems}") from None
    entry["email"] = person.email
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        people.check_new(cohort, person.email)
        edits.add_participant(tx.edit(folder.cohort_path(cohort_id), Cohort), entry)
    places = _places(len(cohort.registered) + 1, _capacity(cohort, config))
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("registered", "register", f"{person.name} <{person.email}> on {cohort_id} ({places})"))
    capacity_note = people.over_capacity(cohort, _capacity(cohort, config), 1)
    if capacity_note:
        warn(capacity_note)


@app.command("import")
def participant_import(
    ctx: typer.Context,
    cohort_id: CohortArg,
    file: Annotated[Path, typer.Argument(help="CSV with a header: name, email, organisation, role, PO number, billing email.", show_default=False)],
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Import the good rows even when some rows are invalid.")] = False,
    map_options: Annotated[list[str] | None, typer.Option("--map", metavar="FIELD=HEADER", help="Read FIELD from the column headed HEADER (repeatable; FIELD= reads it from none). Fields: name, first_name, last_name, email, organisation, role, po, billing_name, billing_email, billing_address, registered, status.", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Register everyone in a CSV export (a form, a ticketing report or a spreadsheet).

    Google Forms, Microsoft Forms, Eventbrite, Zoom registration, Typeform, Jotform and
    Tally exports load as they come: headers and question titles are matched loosely
    ("Email address", "Organization", "Purchase order number (if any)", "First name" +
    "Surname", "Billing address" ...). Where two columns could hold a field, the one
    with real values wins (a yes/no answer is no organisation or PO), then the one whose
    header names the field most exactly. The registration date is the file's timestamp,
    order date or registration time. Rows whose approval or attendee status is denied,
    pending, cancelled, refunded or transferred are skipped and listed. People already on the cohort are skipped, so
    importing the same export again adds only the new rows. Any invalid row stops the
    whole import (nothing is written) unless --skip-invalid is given; --dry-run also
    shows how each column was read.

    Example: learn participant import 2026-autumn registrations.csv --map po="Order reference" --dry-run
    """
    from learncli.cli._output import console, import_notes, note, print_changes, refuse_or_show_import_problems, show_mapping, warn
    from learncli.domain import people
    from learncli.domain.csvsheet import MAX_CSV_BYTES
    from learncli.models.cohort import Cohort
    from learncli.render.tables import participant_table
    from learncli.store import edits

    mapped = parse_map_options(map_options, people.MAP_FIELDS)
    data = read_input_file(file, MAX_CSV_BYTES)
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        result = people.read_registrations(file, data, cohort, app_state.today, zone=config.timezone, mapped=mapped)
        if dry_run and result.mapping:
            show_mapping(file, result.mapping)
        refuse_or_show_import_problems(file, result.problems, bool(result.rows), skip_invalid)
        if result.date_column:
            order = {True: "day/month/year", False: "month/day/year", None: "as written"}[result.day_first]
            note(f"registration dates from column {result.date_column!r}, read {order}; times in {config.timezone}")
        doc = tx.edit(folder.cohort_path(cohort_id), Cohort) if result.rows else None
        for row in result.rows:
            entry = dict(row.values)
            entry["email"] = row.participant.email
            edits.add_participant(doc, entry)
    import_notes(file, result.encoding, result.ignored_columns, result.skipped)
    if result.rows:
        places = _places(len(cohort.registered) + len(result.rows), _capacity(cohort, config))
        title = f"{'Would register' if dry_run else 'Registered'} {len(result.rows)} participant(s) on {cohort_id} ({places})"
        console().print(participant_table([r.participant for r in result.rows], title=title))
    print_changes(tx.changes, folder.root, dry_run=dry_run)
    capacity_note = people.over_capacity(cohort, _capacity(cohort, config), len(result.rows))
    if capacity_note:
        warn(capacity_note)


@app.command("list")
def participant_list(
    ctx: typer.Context,
    cohort_id: CohortArg,
    registered_only: Annotated[bool, typer.Option("--registered", help="Leave out withdrawn participants.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """List a cohort's participants (withdrawn ones dimmed).

    Example: learn participant list 2026-autumn --json
    """
    from learncli.cli._output import console, print_json
    from learncli.render.tables import participant_table

    cohort = state(ctx).folder.cohort(cohort_id)
    shown = cohort.registered if registered_only else cohort.participants
    if json_output:
        print_json([p.model_dump(mode="python") for p in shown])
        return
    console().print(participant_table(shown, title=f"{cohort.id}: {len(cohort.registered)} registered"))


@app.command("withdraw")
def participant_withdraw(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    on: Annotated[str | None, typer.Option("--date", metavar="DATE", help="Date of withdrawal (default: today).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Mark a participant as withdrawn. They stay in the file (and the ledger) for the record.

    Example: learn participant withdraw 2026-autumn tom.whitfield@example.org
    """
    from learncli.cli._output import did, note, print_changes
    from learncli.domain.lookup import find_participant
    from learncli.models.cohort import Cohort
    from learncli.store import edits

    app_state = state(ctx)
    day = parse_date_option(on, "--date") or app_state.today
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        person = find_participant(cohort, email)
        if not person.active:
            note(f"{person.email} is already withdrawn from {cohort_id}")
            return
        edits.withdraw_participant(tx.edit(folder.cohort_path(cohort_id), Cohort), person.email, day)
        config = folder.config()
    places = _places(len(cohort.registered) - 1, _capacity(cohort, config))
    done = did("withdrew", "withdraw", f"{person.name} <{person.email}> from {cohort_id} on {day.isoformat()} ({places} remain)")
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=done)


@app.command("reinstate")
def participant_reinstate(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    dry_run: DryRunOpt = False,
) -> None:
    """Undo a withdrawal: the participant is registered again.

    Their attendance, commitments and invoices were kept and count again. If their
    invoice was voided when they left, `learn invoice run` issues a new one.

    Example: learn participant reinstate 2026-autumn tom.whitfield@example.org
    """
    from learncli.cli._output import did, note, print_changes, warn
    from learncli.domain import people
    from learncli.domain.lookup import find_participant
    from learncli.errors import Refused
    from learncli.models.cohort import Cohort
    from learncli.store import edits
    from learncli.store.ledger import load_ledger

    folder = state(ctx).folder
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        person = find_participant(cohort, email)
        if person.active:
            raise Refused(f"{person.email} is not withdrawn from {cohort_id}; there is nothing to undo")
        edits.reinstate_participant(tx.edit(folder.cohort_path(cohort_id), Cohort), person.email)
        ledger = load_ledger(folder, cohort=cohort_id)
    capacity = _capacity(cohort, config)
    done = did("reinstated", "reinstate", f"{person.name} <{person.email}> on {cohort_id} ({_places(len(cohort.registered) + 1, capacity)})")
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=done)
    capacity_note = people.over_capacity(cohort, capacity, 1)
    if capacity_note:
        warn(capacity_note)
    accounts = ledger.all(cohort=cohort_id, participant=person.email)
    if accounts and all(a.void for a in accounts):
        note(f"their invoice was voided when they withdrew; `learn invoice run {cohort_id}` issues a new one")


def _places(registered: int, capacity: int | None) -> str:
    """'5 of 16' places taken, or '5 registered' when the course sets no capacity."""
    return f"{registered} of {capacity}" if capacity else f"{registered} registered"


def _capacity(cohort: Cohort, config: Config) -> int | None:
    course = config.course(cohort.course)
    return cohort.capacity or (course.capacity if course else None)
