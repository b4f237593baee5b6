"""Rich tables for the list and show commands. Builders only: the CLI prints them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from learncli.domain.schedule import SessionTimes, fmt_day
from learncli.money import CURRENCY_SYMBOLS, money  # noqa: F401  (re-exported for the renderers)
from learncli.render.table import new_table

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from learncli.domain.schedule import ProposedDate
    from learncli.models.cohort import Cohort, Participant
    from learncli.models.course import Config, Course
    from learncli.models.email_log import LoggedMessage


def course_table(courses: list[Course]) -> Table:
    table = new_table("id", "title", "sessions", "time", "fee", title="Courses")
    for c in courses:
        table.add_row(c.id, c.title, str(c.session_count), f"{c.start:%H:%M}–{c.end:%H:%M}", money(c.fee, c.currency))
    return table


def course_detail(course: Course, config: Config) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    grid = _grid()
    grid.add_row("id", course.id)
    grid.add_row("title", course.title)
    grid.add_row("sessions", f"{course.session_count}, {course.start:%H:%M}–{course.end:%H:%M} {config.timezone}")
    grid.add_row("fee", money(course.fee, course.currency))
    if course.contribution:
        grid.add_row("contribution", f"{money(course.contribution.amount, course.currency)} per participant to {course.contribution.recipient}")
    if course.capacity:
        grid.add_row("capacity", str(course.capacity))
    names = [config.facilitator(f).name if config.facilitator(f) else f for f in course.facilitators]
    grid.add_row("facilitators", ", ".join(names) or "—")
    rules = course.scheduling
    grid.add_row("scheduling", f"every {rules.every_days} days; gaps of at least {rules.min_gap_days}; at most {rules.max_span_days} days in all")
    themes = new_table("#", "theme")
    for number, theme in enumerate(course.themes, start=1):
        themes.add_row(str(number), theme)
    parts: list[Any] = [Text(course.title, style="bold"), grid]
    if course.summary:
        parts += [Text(""), Text(" ".join(course.summary.split()))]
    parts += [Text(""), themes]
    return Group(*parts)


def _grid() -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    return grid


def session_table(times: list[SessionTimes], title: str | None = None) -> Table:
    table = new_table("#", "date", "time", "theme", "note", title=title)
    for t in times:
        note = "CANCELLED" if t.cancelled else ""
        if t.session.note:
            note = f"{note} {t.session.note}".strip()
        table.add_row(str(t.number), fmt_day(t.date), f"{t.start:%H:%M}–{t.end:%H:%M}", t.theme or "", note)
    return table


def proposal_table(dates: list[ProposedDate], themes: list[str]) -> Table:
    table = new_table("#", "date", "theme", "moved", title="Proposed sessions")
    for p in dates:
        moved = f"from {fmt_day(p.moved_from)} ({p.reason})" if p.moved_from and p.reason else ""
        theme = themes[p.number - 1] if p.number <= len(themes) else ""
        table.add_row(str(p.number), fmt_day(p.date), theme, moved)
    return table


COHORT_LIST = ("id", "course", "first", "last", "sessions", "registered", "state")


def _cohort_list_cells(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [row["id"], row["course"], str(row["first"]), str(row["last"]), str(row["sessions"]),
         str(row["registered"]), row["state"]]
        for row in rows
    ]


def cohort_list_table(rows: list[dict[str, Any]]) -> Table:
    table = new_table(*COHORT_LIST, title="Cohorts")
    for cells in _cohort_list_cells(rows):
        table.add_row(*cells)
    return table


def cohort_list_text(rows: list[dict[str, Any]]) -> str | None:
    """The text `cohort_list_table` prints in a pipe or a file (as wide as its content,
    trailing blanks trimmed), written directly: Rich measures every cell of a table twice,
    seconds for thousands of cohorts. None when a cell is not plain printable ASCII (Rich
    then measures it) or there are no rows."""
    cells = _cohort_list_cells(rows)
    if not cells or not all(c.isascii() and c.isprintable() for row in cells for c in row):
        return None
    lines = [list(COHORT_LIST), *cells]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COHORT_LIST))]

    def line(values: list[str]) -> str:
        return (" " + "   ".join(v.ljust(w) for v, w in zip(values, widths))).rstrip()

    rule = " " + "\u2500" * (sum(widths) + 3 * (len(widths) - 1))
    return "\n".join(["Cohorts", "", line(lines[0]), rule, *(line(c) for c in cells), ""]) + "\n"


def cohort_detail(cohort: Cohort, course: Course | None, config: Config, times: list[SessionTimes]) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    grid = _grid()
    grid.add_row("id", cohort.id)
    grid.add_row("course", course.title if course else cohort.course)
    names = [config.facilitator(f).name if config.facilitator(f) else f for f in cohort.facilitator_ids(course)]
    grid.add_row("facilitators", ", ".join(names) or "—")
    zoom = cohort.zoom
    if zoom and zoom.url:
        grid.add_row("zoom", zoom.url)
        details = ", ".join(x for x in (f"meeting {zoom.meeting_id}" if zoom.meeting_id else "", f"passcode {zoom.passcode}" if zoom.passcode else "") if x)
        if details:
            grid.add_row("", details)
    else:
        grid.add_row("zoom", "no link yet (add zoom: url: to the cohort file)")
    counts = [(len(cohort.registered), "registered"), (len(cohort.waiting_list), "on the waiting list"), (len(cohort.withdrawn_people), "withdrawn")]
    grid.add_row("participants", ", ".join(f"{n} {what}" for i, (n, what) in enumerate(counts) if n or not i))
    parts: list[Any] = [Text(cohort.display_title(course), style="bold"), grid, Text(""), session_table(times)]
    if cohort.notes:
        parts += [Text(cohort.notes)]
    return Group(*parts)


def participant_table(people: list[Participant], title: str | None = None, waiting: list[Participant] | None = None) -> Table:
    """People as rows; those in `waiting` show their place on the waiting list."""
    place = {p.email: n for n, p in enumerate(waiting or [], start=1)}
    table = new_table("name", "email", "organisation", "role", "PO", "bill to", "status", title=title)
    for p in people:
        bill_to = p.billing_email or ""
        table.add_row(
            p.name,
            p.email,
            p.organisation or "",
            p.role or "",
            p.po or "",
            bill_to,
            f"waiting ({place[p.email]})" if p.email in place else p.status + (f" (to {p.transferred_to})" if p.transferred_to else ""),
            style="dim" if p.has_withdrawn else None,
        )
    return table


def email_log_table(records: list[LoggedMessage], names: dict[str, str], zone: str, title: str | None = None) -> Table:
    """The send log: one row per attempt, times in the course's zone."""
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone)
    table = new_table("sent", "kind", "email", "name", "status", "subject", "message id", title=title)
    for m in records:
        kind = f"{m.kind} {m.session}" if m.session is not None else m.kind
        status = m.status + (f": {m.error}" if m.error else "")
        table.add_row(
            f"{m.started.astimezone(local):%a %d %b %Y %H:%M}", kind, m.to, names.get(m.to, ""), status, m.subject or "", m.message_id,
            style="red" if m.status == "failed" else ("yellow" if m.status == "sending" else None),
        )
    return table
