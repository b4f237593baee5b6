"""The session brief in the terminal (Rich), and its `--json` shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from learncli.domain.brief import SessionBrief
from learncli.domain.schedule import fmt_day
from learncli.render.tables import money

if TYPE_CHECKING:
    from rich.console import Console


def _long(day: Any) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _days(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    return f"{-days} day(s) ago"


def brief_view(out: Console, brief: SessionBrief) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def section(title: str) -> None:
        out.print()
        out.print(Text(title, style="bold underline"))

    heading = Text(f"{brief.title}: {brief.label}", style="bold")
    if brief.cancelled:
        heading.append("  CANCELLED", style="bold red")
    out.print(heading)
    out.print(Text(f"{_long(brief.date)}, {brief.start:%H:%M}–{brief.end:%H:%M} {brief.timezone} ({_days(brief.days)})"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    if brief.theme:
        grid.add_row("theme", Text(brief.theme))
    grid.add_row("facilitators", Text(", ".join(brief.facilitators) or "none named"))
    if brief.zoom_url:
        extra = "".join(x for x in (f" · meeting {brief.meeting_id}" if brief.meeting_id else "", f" · passcode {brief.passcode}" if brief.passcode else ""))
        grid.add_row("zoom", Text(brief.zoom_url + extra))
    if brief.session_note:
        grid.add_row("note", Text(brief.session_note))
    out.print(grid)

    section(f"Registered ({len(brief.people)})")
    columns = ["participant", "organisation", "role"] + ([f"session {brief.previous}"] if brief.previous else [])
    people = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in columns:
        people.add_column(column)
    for p in brief.people:
        row: list[Any] = [Text(p.name), Text(p.organisation or ""), Text(p.role or "")]
        if brief.previous:
            mark = p.previous_mark.status if p.previous_mark else ("no mark" if brief.previous_recorded else "")
            row.append(Text(mark, style="yellow" if p.missed_previous else ""))
        people.add_row(*row)
    out.print(people)
    if brief.withdrawn:
        out.print(Text(f"Withdrawn: {', '.join(brief.withdrawn_display_names)}", style="dim"))

    if brief.previous:
        section(f"Missed session {brief.previous}")
        if not brief.previous_recorded:
            out.print(Text(f"No attendance recorded for session {brief.previous} ({fmt_day(brief.previous_date)}) yet.", style="yellow"))  # type: ignore[arg-type]
        elif brief.missed:
            for p in brief.missed:
                mark = p.previous_mark
                why = mark.status if mark else "no mark"
                if mark and mark.note:
                    why += f": {mark.note}"
                out.print(Text(f"  {p.display_name} ({why})"))
        else:
            out.print(Text("Everyone was there."))

        section(f"Commitments from after session {brief.previous}")
        if brief.with_commitment:
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
            for column in ("participant", "factor", "commitment", "review"):
                table.add_column(column)
            for p in brief.with_commitment:
                c = p.commitment
                assert c is not None
                review = Text("to ask about", style="cyan") if c.status == "open" else Text(c.status)
                if c.note:
                    review.append(f": {c.note}", style="dim")
                table.add_row(Text(p.name), c.factor or "", Text(c.text), review)
            out.print(table)
            if brief.without_commitment:
                out.print(Text(f"No commitment recorded: {', '.join(p.display_name for p in brief.without_commitment)}", style="yellow"))
        else:
            out.print(Text(f"No commitments recorded after session {brief.previous}."))
        earlier = [(p, c) for p in brief.people for c in p.earlier_open]
        if earlier:
            out.print(Text("Still open from earlier gaps:", style="yellow"))
            for p, c in earlier:
                out.print(Text(f"  {p.display_name} (after session {c.session}): {c.text}"))

    section("Payments")
    if brief.unpaid is None:
        out.print(Text("Not known: the invoice ledger has errors (see learn validate).", style="dim"))
    elif brief.unpaid_lines:
        for name, u in brief.unpaid_lines:
            due = f", due {fmt_day(u.due)}" if u.due else ""
            out.print(Text(f"  {name}: {u.invoice or 'not invoiced yet'}, {money(u.balance, u.currency)} outstanding{due}", style="yellow"))
    else:
        out.print(Text("Everyone has paid."))

    noted = [p for p in brief.people if p.notes]
    if brief.notes or noted:
        section("Notes")
        if brief.notes:
            out.print(Text(brief.notes.strip()))
        for p in noted:
            out.print(Text(f"  {p.display_name}: {' '.join((p.notes or '').split())}"))


def _mark(mark: Any) -> dict[str, Any] | None:
    return None if mark is None else {"status": mark.status, "minutes": mark.minutes, "note": mark.note}


def _commitment(c: Any) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"session": c.session, "text": c.text, "factor": c.factor, "status": c.status, "note": c.note, "reviewed": c.reviewed}


def brief_json(brief: SessionBrief) -> dict[str, Any]:
    """The stable `--json` shape of `learn session brief` (documented in the README)."""
    return {
        "cohort": brief.cohort,
        "title": brief.title,
        "course": brief.course,
        "session": brief.number,
        "of": brief.of,
        "makes_up": brief.makes_up,
        "date": brief.date,
        "start": f"{brief.start:%H:%M}",
        "end": f"{brief.end:%H:%M}",
        "timezone": brief.timezone,
        "days": brief.days,
        "theme": brief.theme,
        "note": brief.session_note,
        "cancelled": brief.cancelled,
        "facilitators": brief.facilitators,
        "zoom": {"url": brief.zoom_url, "meeting_id": brief.meeting_id, "passcode": brief.passcode},
        "previous": None if brief.previous is None else {
            "session": brief.previous, "date": brief.previous_date, "theme": brief.previous_theme, "recorded": brief.previous_recorded,
        },
        "participants": [
            {
                "email": p.email,
                "name": p.name,
                "display_name": p.display_name,
                "organisation": p.organisation,
                "role": p.role,
                "notes": p.notes,
                "previous_mark": _mark(p.previous_mark),
                "missed_previous": p.missed_previous,
                "commitment": _commitment(p.commitment),
                "earlier_open": [_commitment(c) for c in p.earlier_open],
                "unpaid": [{"invoice": u.invoice, "balance": u.balance, "currency": u.currency, "due": u.due} for u in p.unpaid],
            }
            for p in brief.people
        ],
        "withdrawn": brief.withdrawn,
        "unpaid": None if brief.unpaid is None else [
            {"name": name, "email": u.email, "invoice": u.invoice, "balance": u.balance, "currency": u.currency, "due": u.due}
            for name, u in brief.unpaid_lines
        ],
        "notes": brief.notes,
    }
