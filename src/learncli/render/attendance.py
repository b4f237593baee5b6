"""Rich views of attendance and commitments: the grid, an import's outcome, the list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from learncli.domain.attendance import NO_MARK, SYMBOLS, AttendanceGrid, ImportPlan
from learncli.domain.schedule import fmt_day
from learncli.render.table import new_table

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from learncli.domain.commitments import CommitmentView
    from learncli.domain.completion import Completion

LEGEND = "✓ present  L late  E left early  ✗ absent  x excused  ? no mark"


def _lines(numbers: list[int]) -> str:
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(map(str, numbers))


def grid_view(out: Console, grid: AttendanceGrid, title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"Attendance: {title}"), title_justify="left", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("participant")
    for column in grid.sessions:
        table.add_column(str(column.number), justify="center", style="dim" if column.cancelled else None)
    table.add_column("rate", justify="right")
    table.add_column("missed")
    for person in grid.people:
        cells = []
        for column, mark in zip(grid.sessions, person.marks):
            if column.cancelled:
                cells.append("–")
            elif mark is not None:
                cells.append(SYMBOLS[mark.status])
            elif column.counted or column.unrecorded:
                cells.append(NO_MARK)
            else:
                cells.append("")
        rate = "" if person.rate is None else f"{person.rate}%"
        missed = ", ".join(f"{m.session} ({m.status or 'no mark'})" for m in person.missed)
        table.add_row(Text(person.name), *cells, rate, Text(missed, style="yellow" if missed else ""))
    out.print(table)
    out.print(Text(LEGEND + ("  – cancelled" if any(c.cancelled for c in grid.sessions) else ""), style="dim"))
    counted = sum(1 for c in grid.sessions if c.counted)
    summary = f"{counted} session(s) recorded"
    if grid.rate is not None:
        summary += f"; attendance {grid.rate}% (excused sessions left out)"
    erased = max((sum(c.erased.values()) for c in grid.sessions), default=0)
    if erased:
        summary += f"; the marks of up to {erased} erased participant(s) per session are counted, without their names"
    out.print(Text(summary))
    if grid.unrecorded:
        out.print(Text(f"no attendance recorded for past session(s) {', '.join(map(str, grid.unrecorded))}", style="yellow"))
    missed = grid.missed_someone
    if missed:
        out.print(Text(f"{len(missed)} of {len(grid.people)} missed a session; the course expects everyone at every one.", style="yellow"))
    elif counted:
        out.print(Text("Everyone has been at every recorded session."))


def import_summary(out: Console, plan: ImportPlan, *, cohort_id: str, report: str, dry_run: bool) -> None:
    from rich.text import Text

    s = plan.session
    out.print(Text(f"Session {s.number} of {cohort_id}: {fmt_day(s.date)}, {s.start:%H:%M}–{s.end:%H:%M}", style="bold"))
    table = new_table("participant", "matched by", "joined", "left", "minutes", "mark", "report rows")
    for seen in sorted(plan.seen, key=lambda x: x.name.casefold()):
        table.add_row(
            Text(seen.name),
            seen.matched_by,
            f"{seen.joined:%H:%M}" if seen.joined else "",
            f"{seen.left:%H:%M}" if seen.left else "",
            str(seen.minutes),
            seen.status,
            _lines(seen.lines),
        )
    for person in plan.missing:
        table.add_row(Text(person.name), "", "", "", "0", "absent", "not in the report", style="yellow")
    out.print(table)
    for kept in plan.kept:
        out.print(Text(f"kept {kept.name}'s mark '{kept.status}' (set by hand; the report says {kept.report_status}; --replace to overwrite)"))
    for seen in plan.withdrawn:
        out.print(Text(f"{seen.name} has withdrawn but joined ({_lines(seen.lines)}); not marked"))
    if plan.facilitators:
        names = ", ".join(f"{f.name} ({_lines(f.lines)})" for f in plan.facilitators)
        out.print(Text(f"facilitators, not marked: {names}", style="dim"))
    if plan.unmatched:
        out.print(Text(f"{len(plan.unmatched)} name(s) in the report matched nobody and were not marked:", style="yellow"))
        for row in plan.unmatched:
            what = [f"{row.minutes} min"]
            if row.email:
                what.append(row.email)
            elif row.guest:
                what.append("guest, no email")
            if row.reason:
                what.append(row.reason)
            out.print(Text(f"  {row.name!r} ({'; '.join(what)}), {_lines(row.lines)}"))
        example = plan.unmatched[0].name.replace('"', "'")
        out.print(
            Text(
                f'hint: if one of them is a participant, import again with --alias "{example}=THEIR EMAIL"'
                f" (repeatable), or add the name to their aliases: in cohorts/{cohort_id}.yaml",
                style="dim",
            )
        )


def commitments_table(views: list[CommitmentView], title: str | None = None) -> Table:
    from rich.text import Text

    table = new_table("participant", "after", "review at", "factor", "commitment", "status", title=title)
    styles = {"open": "cyan", "done": "green", "partly": "yellow", "not-done": "red", "dropped": "dim"}
    for v in views:
        status = Text(v.status, style=styles.get(v.status, ""))
        if v.note:
            status.append(f" · {v.note}", style="dim")
        table.add_row(
            Text(v.name),
            str(v.session),
            str(v.review_at) if v.review_at else "—",
            v.factor or "",
            Text(v.text),
            status,
        )
    return table


def completion_table(report: Completion) -> Table:
    """One row per registered participant: their state, attendance and commitments."""
    labels = {"complete": "complete", "on-track": "on track", "incomplete": "not complete", "not-recorded": "attendance not recorded"}
    when = "finished" if report.finished else f"as of {fmt_day(report.today)}"
    table = new_table("participant", "state", "attended", "missed", "commitments reviewed", title=f"Completion of {report.cohort} ({when})")
    for line in report.lines:
        missed = ", ".join(f"{gap.session} ({gap.status or 'no mark'})" for gap in line.missed)
        if line.made_up:
            missed = ", ".join(filter(None, [missed, "made up: " + ", ".join(map(str, line.made_up))]))
        reviewed = f"{line.reviewed} of {line.commitments}"
        if line.unreviewed:
            reviewed += f" (open after session {', '.join(map(str, line.unreviewed))})"
        table.add_row(line.name, labels[line.state], f"{line.attended} of {line.held}", missed, reviewed, style="green" if line.complete else None)
    return table
