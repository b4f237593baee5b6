"""`learn session ...`: the facilitators' brief before a session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from learncli.cli._common import CohortArg, DryRunOpt, JsonOpt, SessionArg, group, one_of, state

if TYPE_CHECKING:
    from datetime import date

    from learncli.domain.brief import Unpaid
    from learncli.models.cohort import Cohort
    from learncli.models.course import Config
    from learncli.store.folder import DataFolder

app = group("Sessions: the facilitators' brief before each one.")

FORMATS = ("text", "html", "md")


@app.command("brief")
def session_brief(
    ctx: typer.Context,
    cohort_id: CohortArg,
    session: SessionArg,
    output_format: Annotated[str, typer.Option("--format", metavar="text|html|md", help="text (the terminal), or a page from templates/session-brief.html or .md.")] = "text",
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write here ('-' for standard output). Default: the terminal for text, out/briefs/ for html and md.", show_default=False)] = None,
    json_output: JsonOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """The one page to read before a session: when, who is coming, who missed the last one,
    each person's commitment from the gap before it, who has not paid, notes.

    Example: learn --today 2026-11-30 session brief 2026-autumn 6 --format html
    """
    from learncli.cli._output import console, print_changes, print_json
    from learncli.domain.brief import build_brief
    from learncli.render.brief import brief_json, brief_view

    wanted = one_of("--format", output_format, FORMATS)
    app_state = state(ctx)
    folder = app_state.folder
    config = folder.config()
    cohort = folder.cohort(cohort_id)
    brief = build_brief(cohort, config, session, app_state.today, unpaid=_unpaid(folder, cohort, config, app_state.today))
    if json_output:
        print_json(brief_json(brief))
        return
    if wanted == "text":
        if output is None or str(output) == "-":
            brief_view(console(), brief)
            return
        from io import StringIO

        from rich.console import Console

        buffer = StringIO()
        brief_view(Console(file=buffer, width=100, color_system=None, highlight=False), brief)
        content = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
    else:
        from learncli.render.templating import Templates

        content = Templates(folder.templates_dir).render(f"session-brief.{wanted}", brief=brief)
        if output is not None and str(output) == "-":
            import sys

            sys.stdout.write(content)
            return
    target = output or folder.out_dir / "briefs" / f"{cohort_id}-session-{session}.{wanted}"
    with folder.transaction(dry_run=dry_run) as tx:
        tx.output(target, content)
    print_changes(tx.changes, folder.root, dry_run=dry_run)


def _unpaid(folder: DataFolder, cohort: Cohort, config: Config, today: date) -> list[Unpaid] | None:
    """Who still owes money: unpaid invoices of the cohort, and registered participants
    not invoiced yet (for the course fee). None (unknown) if the ledger has errors."""
    from learncli.cli._output import warn
    from learncli.domain.brief import Unpaid
    from learncli.domain.billing import amount_to_invoice
    from learncli.domain.invoicing import not_invoiced, unpaid
    from learncli.store.ledger import read_ledger

    ledger = read_ledger(folder, cohort=cohort.id, today=today)
    if not ledger.ok:
        warn("the invoice ledger has errors (run `learn validate`), so the brief cannot say who has paid")
        return None
    owed = [
        Unpaid(email=email, invoice=a.number, balance=a.balance, currency=a.currency, due=a.due)
        for a in unpaid(ledger.ledger, cohort=cohort.id)
        for email in a.people
    ]
    course = config.course(cohort.course)
    if course is not None:
        owed += [
            Unpaid(email=p.email, invoice=None, balance=amount_to_invoice(course, config, p), currency=course.currency)
            for p in not_invoiced(ledger.ledger, cohort)
        ]
    return owed
