"""The `learn status` screen."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from learncli.domain.schedule import fmt_day
from learncli.domain.status import CohortStatus

if TYPE_CHECKING:
    from learncli.actions.status import Left
    from learncli.domain.invoicing import InvoiceSummary

if TYPE_CHECKING:
    from rich.console import Console


def days_phrase(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def render_status(out: Console, statuses: list[CohortStatus], today: date, hidden: int = 0, more: Left | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    out.print(Text(f"Today is {fmt_day(today)}.", style="dim"))
    if not statuses:
        out.print("No current or upcoming cohorts." + (" Use --all to see finished ones." if hidden else ""))
        return
    for status in statuses:
        out.print()
        heading = Text()
        heading.append(status.title, style="bold")
        heading.append(f"  ({status.id})", style="dim")
        heading.append(f"  {status.state}", style={"running": "green", "upcoming": "cyan"}.get(status.state, "dim"))
        out.print(heading)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, value in _rows(status):
            grid.add_row(label, value)
        out.print(grid)
    if more is not None and more.count:
        out.print()
        out.print(Text(more_line(more), style="dim"))
    if hidden:
        out.print()
        out.print(Text(f"{hidden} finished cohort(s) not shown; use --all.", style="dim"))


def more_line(more: Left) -> str:
    """`215 more current cohort(s) not shown (76 running, 124 upcoming; their next
    sessions from Mon 23 Nov 2026 to Tue 23 Feb 2027); ...`"""
    counted = ", ".join(f"{n} {state}" for state, n in more.states.items())
    when = f"; their next sessions from {fmt_day(more.first)} to {fmt_day(more.last)}" if more.first and more.last else ""
    return (f"{more.count} more current cohort(s) not shown ({counted}{when}); "
            "`learn status --limit 0` shows them all, `learn cohort list` lists every cohort.")


def invoices_phrase(summary: InvoiceSummary) -> str:
    """`9 invoiced: 7 paid, 2 unpaid (£1,150.00), 1 overdue (£575.00); 1 not invoiced yet`."""
    from learncli.render.tables import money

    if not summary.invoiced:
        text = "none issued yet"
    else:
        c = summary.currency or "GBP"
        parts = [f"{summary.paid} paid"]
        if summary.unpaid:
            parts.append(f"{summary.unpaid} unpaid ({money(summary.outstanding, c)})")
        if summary.overdue:
            parts.append(f"{summary.overdue} overdue ({money(summary.overdue_amount, c)})")
        text = f"{summary.invoiced} invoiced: " + ", ".join(parts)
    if summary.not_invoiced:
        text += f"; {summary.not_invoiced} registered participant(s) not invoiced yet"
    return text


def _rows(status: CohortStatus) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if status.next is not None:
        nxt = status.next
        theme = f" · {nxt.theme}" if nxt.theme else ""
        rows.append(
            (
                "next",
                f"session {nxt.number} {f'(making up session {nxt.makes_up})' if nxt.makes_up else f'of {status.sessions}'}: {fmt_day(nxt.date)}, {nxt.start}–{nxt.end}{theme} ({days_phrase(nxt.days)})",
            )
        )
    else:
        rows.append(("sessions", f"all {status.sessions} done; last on {fmt_day(status.last)}"))
    people = f"{status.registered} registered"
    if status.waiting:
        people += f", {status.waiting} on the waiting list"
    if status.withdrawn:
        people += f", {status.withdrawn} withdrawn"
    if status.capacity:
        people += f" (capacity {status.capacity})"
    rows.append(("people", people))
    if status.invoices is not None:
        rows.append(("invoices", invoices_phrase(status.invoices)))
    if status.sessions_done:
        if status.attendance_percent is None:
            attendance = "none recorded yet"
        else:
            attendance = f"{status.attendance_percent}% over {status.sessions_done} session(s)"
        if status.missed_a_session:
            attendance += f"; {status.missed_a_session} missed a session"
        if status.sessions_without_attendance:
            attendance += f"; {status.sessions_without_attendance} past session(s) with no record"
        rows.append(("attendance", attendance))
    rows.append(("commitments", f"{status.open_commitments} open"))
    return rows
