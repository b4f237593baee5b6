"""`learn report ...`: contributions owed, revenue, and the payment gate."""

from __future__ import annotations

from typing import Annotated

import typer

from learncli.cli._common import CohortArg, JsonOpt, group, state

app = group("Reports from the invoice ledger: contributions owed, revenue, the payment gate before a start.")

YearOpt = Annotated[int | None, typer.Option("--year", metavar="YEAR", min=1900, max=9999, help="Only this calendar year (default: all).", show_default=False)]


def cohort_courses(folder: object) -> dict[str, str]:
    """Each cohort's course, from the index of cohort files (and files with errors that load)."""
    from learncli.store import cohort_index

    found = cohort_index.scan(folder)  # type: ignore[arg-type]
    courses = {entry.id: entry.course for entry in found.entries.values()}
    courses.update({r.model.id: r.model.course for r in found.broken if r.model is not None})
    return courses


@app.command("contributions")
def report_contributions(ctx: typer.Context, year: YearOpt = None, json_output: JsonOpt = False) -> None:
    """What is owed to each course's contribution recipient (its amount per paid invoice), paid out, and the balance.

    An invoice counts once settled with money received, in the year of its last payment
    (with --year); payouts (learn payment payout) in the year of their date. For Leading
    with Learning: £25 per paid participant to the HLS Collaborative.

    Example: learn report contributions --year 2026 --json
    """
    from learncli.cli._output import console, print_json, warn
    from learncli.domain.accounts import contributions
    from learncli.render.invoices import contributions_table
    from learncli.store.ledger import load_ledger

    app_state = state(ctx)
    folder = app_state.folder
    config = folder.config()
    ledger = load_ledger(folder, today=app_state.today)
    report = contributions(ledger, config, cohort_courses(folder), year)
    if json_output:
        print_json(report.json())
        return
    console().print(contributions_table(report))
    for cohort_id in report.unknown_cohorts:
        warn(f"paid invoices for {cohort_id} are not counted: its cohort file or course is missing")


@app.command("revenue")
def report_revenue(ctx: typer.Context, year: YearOpt = None, json_output: JsonOpt = False) -> None:
    """Invoiced, credited, received (bank, card, other), refunded, outstanding and overdue, per cohort.

    With --year, each amount counts in the year of its own date (issue, credit note or
    payment); outstanding and overdue are today's balances (see --today).

    Example: learn --today 2026-11-23 report revenue --year 2026
    """
    from learncli.cli._output import console, print_json
    from learncli.domain.accounts import revenue
    from learncli.render.invoices import revenue_table
    from learncli.store.ledger import load_ledger

    app_state = state(ctx)
    report = revenue(load_ledger(app_state.folder, today=app_state.today), app_state.today, year)
    if json_output:
        print_json(report)
        return
    console().print(revenue_table(report))


@app.command("payment-gate")
def report_payment_gate(ctx: typer.Context, cohort_id: CohortArg, json_output: JsonOpt = False) -> None:
    """Before a cohort starts: who has paid, who has not, and who still needs a PO number.

    Look 21, 14 and 7 days before the first session: payment is due the course's payment
    terms before it (14 days), and the joining email is held for anyone unpaid. Each
    registered participant gets a line: their invoice, paid / part paid / unpaid / not
    invoiced, what is owed, the due date, the PO number (or "needed" where an employer
    pays without one), and what to do next.

    Example: learn --today 2026-09-02 report payment-gate 2026-autumn
    """
    from dataclasses import asdict

    from learncli.cli._output import console, note, print_json
    from learncli.domain.gate import payment_gate
    from learncli.render.invoices import gate_table
    from learncli.store.ledger import load_ledger

    app_state = state(ctx)
    folder = app_state.folder
    config = folder.config()
    cohort = folder.cohort(cohort_id)
    course = folder.course_for(config, cohort)
    ledger = load_ledger(folder, cohort=cohort.id, today=app_state.today)
    gate = payment_gate(cohort, course, config, ledger, app_state.today)
    if json_output:
        print_json({**asdict(gate), "waiting": len(gate.waiting)})
        return
    console().print(gate_table(gate))
    if any(line.state == "not-invoiced" for line in gate.lines):
        note(f"to invoice everyone who has no invoice yet: learn invoice run {cohort.id}")
    if any(line.invoice and not line.clear for line in gate.lines):
        note(f"to draft the reminders: learn email render payment-reminder {cohort.id} (then learn email send ...)")
    if gate.waiting and gate.days_to_start > 0:
        note("joining emails are held for anyone not paid in full, unless --include-unpaid")
