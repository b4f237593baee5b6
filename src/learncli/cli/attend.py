"""`learn attend ...`: mark, unmark, import (Zoom's participants report), report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from learncli.cli._common import CohortArg, DryRunOpt, JsonOpt, SessionArg, group, one_of, read_input_file, state

if TYPE_CHECKING:
    from learncli.domain.attendance import AttendanceGrid

app = group("Attendance per session: from Zoom reports or by hand.")

STATUSES = "present|late|left-early|absent|excused"


@app.command("mark")
def attend_mark(
    ctx: typer.Context,
    cohort_id: CohortArg,
    session: SessionArg,
    emails: Annotated[list[str], typer.Argument(metavar="EMAIL...", help="Participants' email addresses.", show_default=False)],
    status: Annotated[str, typer.Option("--status", metavar=STATUSES, help="The mark to set.", show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the mark).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Set marks by hand for one or more participants.

    A mark set by hand is kept when a Zoom report is imported later (unless the import
    is told --replace). `excused` may be set before the session.

    Example: learn attend mark 2026-autumn 6 ann.oneil@example.org --status excused --note "at a conference"
    """
    from learncli.cli._output import did, print_changes, warn
    from learncli.domain.lookup import find_participant, find_session
    from learncli.domain.schedule import fmt_day
    from learncli.errors import Refused
    from learncli.models.cohort import ATTENDANCE_STATUSES, Cohort
    from learncli.store import edits

    wanted = one_of("--status", status, ATTENDANCE_STATUSES)
    _check_line(note, "--note")
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        index = find_session(cohort, session)
        if cohort.sessions[index].cancelled:
            raise Refused(f"session {session} of {cohort_id} is cancelled; there is no attendance to record")
        marks: dict[str, Any] = {}
        existing = cohort.attendance.get(session, {})
        names: list[str] = []
        for email in emails:
            person = find_participant(cohort, email)
            if not person.active:
                raise Refused(f"{person.email} {person.no_place(cohort_id)}; nothing was written")
            old = existing.get(person.email)
            kept_note = note if note is not None else (old.note if old is not None else None)
            marks[person.email] = {"status": wanted, "note": kept_note} if kept_note else wanted
            names.append(f"{person.name} (was {old.status})" if old is not None and old.status != wanted else person.name)
        edits.set_marks(tx.edit(folder.cohort_path(cohort_id), Cohort), session, marks)
    day = cohort.sessions[index].date
    # Names may hold commas ("O'Neil, Ann"), so people are separated by semicolons.
    rest = f"{wanted} for session {session} of {cohort_id} ({fmt_day(day)}): {'; '.join(names)}"
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("marked", "mark", rest))
    if wanted != "excused" and day > app_state.today:
        warn(f"session {session} is on {day.isoformat()}, still to come; only 'excused' is usually known in advance")


@app.command("unmark")
def attend_unmark(
    ctx: typer.Context,
    cohort_id: CohortArg,
    session: SessionArg,
    emails: Annotated[list[str], typer.Argument(metavar="EMAIL...", help="Participants' email addresses.", show_default=False)],
    dry_run: DryRunOpt = False,
) -> None:
    """Remove marks set by mistake, for one or more participants.

    The session then has no mark for them, as before it was held; a later Zoom import
    marks them from the report. Refused (nothing written) if one of them has no mark.

    Example: learn attend unmark 2026-autumn 6 ann.oneil@example.org
    """
    from learncli.cli._output import did, print_changes
    from learncli.domain.lookup import find_participant, find_session
    from learncli.domain.schedule import fmt_day
    from learncli.errors import Refused
    from learncli.models.cohort import Cohort
    from learncli.store import edits

    folder = state(ctx).folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        index = find_session(cohort, session)
        existing = cohort.attendance.get(session, {})
        names: list[str] = []
        found: list[str] = []
        for email in emails:
            person = find_participant(cohort, email)
            old = existing.get(person.email)
            found.append(person.email)
            if old is None:
                raise Refused(f"{person.email} has no mark for session {session} of {cohort_id}; nothing was written")
            names.append(f"{person.name} (was {old.status})")
        edits.remove_marks(tx.edit(folder.cohort_path(cohort_id), Cohort), session, found)
    rest = f"session {session} of {cohort_id} ({fmt_day(cohort.sessions[index].date)}): {'; '.join(names)}"
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("removed the marks of", "remove the marks of", rest))


@app.command("import")
def attend_import(
    ctx: typer.Context,
    cohort_id: CohortArg,
    session: SessionArg,
    report: Annotated[Path, typer.Argument(metavar="REPORT.csv", help="Zoom's participants report for that session (CSV).", show_default=False)],
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", metavar="'ZOOM NAME=EMAIL'", help="Add this Zoom name to the person's aliases (in the file) and use it now. Repeatable.", show_default=False),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Also replace marks that were set by hand.")] = False,
    zone: Annotated[str | None, typer.Option("--zone", help="Time zone of the report's times (default: the one in courses.yaml).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Mark a session's attendance from Zoom's participants report.

    Rows are matched to participants by email, then by the aliases in the cohort file,
    then by name. Each person's joins are merged; the minutes inside the session window
    give the status (thresholds from the course's attendance settings). Registered people
    not in the report are marked absent. Rows that match nobody, and the facilitators'
    own rows, are listed, not marked. Importing the same report again changes nothing.

    Example: learn attend import 2026-autumn 5 participants_87654321098.csv --alias "Galaxy S21=chidi.okafor@example.org"
    """
    from learncli.cli._output import console, note, print_changes
    from learncli.domain.attendance import plan_import
    from learncli.domain.csvsheet import decode_csv
    from learncli.domain.lookup import find_session
    from learncli.domain.schedule import by_number, fmt_day, session_times
    from learncli.domain.zoom import MAX_REPORT_BYTES, parse_report
    from learncli.errors import DataError, Refused, UsageProblem
    from learncli.models.cohort import Cohort
    from learncli.models.course import Config
    from learncli.models.types import known_zone
    from learncli.render.attendance import import_summary
    from learncli.store import edits

    data = read_input_file(report, MAX_REPORT_BYTES)
    extra = _aliases(alias or [])
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        course = folder.course_for(config, cohort)
        find_session(cohort, session)
        times = by_number(session_times(cohort, course, config.timezone), session)
        if times.cancelled:
            raise Refused(f"session {session} of {cohort_id} is cancelled; there is no attendance to import")
        if times.end <= times.start:
            raise Refused(f"session {session} ends before it starts; fix its times first (learn validate)")
        report_zone = zone or config.timezone
        if not known_zone(report_zone):
            raise UsageProblem(f"--zone {report_zone!r} is not a time zone name such as Europe/London")
        text, encoding = decode_csv(data)
        parsed = parse_report(text, report, zone=report_zone, expected=times.date)
        if parsed.problems:
            raise DataError(f"{report} cannot be imported; nothing was written", diagnostics=parsed.problems)
        if not parsed.rows:
            raise Refused(f"{report} lists nobody; nothing was written")
        days = parsed.dates
        if days and times.date not in days:
            held = ", ".join(fmt_day(d) for d in sorted(days))
            others = [t.number for t in session_times(cohort, course, config.timezone) if t.date in days]
            hint = f"it looks like the report of session {others[0]}" if others else "check the report and the session number"
            raise Refused(f"{report} is of a meeting on {held}, but session {session} was on {fmt_day(times.date)}; nothing was written", hint=hint)
        _check_alias_targets(extra, cohort, config)
        plan = plan_import(parsed, cohort, config, times, course.attendance, extra_aliases=extra, replace=replace)
        if not plan.seen and not plan.withdrawn:
            raise Refused(
                f"nobody in {report} is a participant of {cohort_id}; nothing was written",
                hint="is it the report of another meeting? To record that nobody came, use `learn attend mark ... --status absent`",
            )
        path = folder.cohort_path(cohort_id)
        doc = tx.edit(path, Cohort)
        config_doc = None
        for name, email in extra.items():
            if cohort.participant(email) is not None:
                edits.add_alias(edits.find_participant_item(doc, email), name)
            else:
                config_doc = config_doc if config_doc is not None else tx.edit(folder.courses_path, Config)
                edits.add_alias(edits.find_facilitator_item(config_doc, email), name)
        edits.set_marks(doc, session, plan.marks)
    if encoding != "utf-8":
        note(f"read {report} as {encoding} (it is not UTF-8)")
    if parsed.day_first is not None:
        note(f"dates read as {'day/month/year' if parsed.day_first else 'month/day/year'}; times in {report_zone}")
    import_summary(console(), plan, cohort_id=cohort_id, report=str(report), dry_run=dry_run)
    print_changes(tx.changes, folder.root, dry_run=dry_run)


@app.command("report")
def attend_report(
    ctx: typer.Context,
    cohort_id: CohortArg,
    csv_file: Annotated[Path | None, typer.Option("--csv", metavar="FILE", help="Also write the grid as CSV to FILE ('-' for standard output).", show_default=False)] = None,
    json_output: JsonOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """The attendance grid, rates, and who missed a session.

    One row per registered participant, one column per session.

    Symbols: ✓ present, L late, E left early, ✗ absent, x excused, ? no mark for a
    recorded session. The rate leaves excused sessions out; the course expects everyone at
    every session, so each missed session (absent, excused or unmarked) is listed.

    Example: learn attend report 2026-autumn --csv out/attendance.csv
    """
    from learncli.cli._output import console, note, print_json
    from learncli.domain.attendance import attendance_grid, grid_csv
    from learncli.render.attendance import grid_view

    app_state = state(ctx)
    folder = app_state.folder
    config = folder.config()
    cohort = folder.cohort(cohort_id)
    grid = attendance_grid(cohort, config.course(cohort.course), config.timezone, app_state.today)
    if csv_file is not None:
        content = grid_csv(grid)
        if str(csv_file) == "-":
            import sys

            sys.stdout.flush()
            sys.stdout.buffer.write(content.encode("utf-8"))  # UTF-8 whatever the locale says
            sys.stdout.buffer.flush()
            return
        with folder.transaction(dry_run=dry_run) as tx:
            tx.output(csv_file, content)
        if dry_run:
            note(f"would write {csv_file} ({len(content.encode()):,} bytes); dry run: nothing was written")
        else:
            note(f"wrote {csv_file}")
    if json_output:
        print_json(grid_json(grid, app_state.today))
        return
    grid_view(console(), grid, title=cohort.display_title(config.course(cohort.course)))


def grid_json(grid: AttendanceGrid, today: Any) -> dict[str, Any]:
    """The stable `--json` shape of `learn attend report` (documented in the README)."""
    return {
        "cohort": grid.cohort,
        "today": today,
        "rate": grid.rate,
        "sessions": [
            {"number": s.number, "date": s.date, "theme": s.theme, "cancelled": s.cancelled, "recorded": s.recorded, "counted": s.counted,
             "makes_up": s.makes_up, "erased": s.erased}
            for s in grid.sessions
        ],
        "unrecorded_sessions": grid.unrecorded,
        "participants": [
            {
                "email": p.email,
                "name": p.name,
                "marks": [
                    {"session": s.number, "status": m.status if m else None, "minutes": m.minutes if m else None, "note": m.note if m else None}
                    for s, m in zip(grid.sessions, p.marks)
                ],
                "attended": p.attended,
                "excused": p.excused,
                "counted": p.counted,
                "rate": p.rate,
                "missed": [{"session": m.session, "status": m.status} for m in p.missed],
            }
            for p in grid.people
        ],
    }


def _aliases(values: list[str]) -> dict[str, str]:
    """`--alias "Zoom Name=email"` -> {zoom name: email}."""
    from learncli.errors import UsageProblem

    out: dict[str, str] = {}
    for value in values:
        name, sep, email = value.rpartition("=")
        if not sep or not name.strip() or "@" not in email:
            raise UsageProblem(f"--alias {value!r}: write it as \"Zoom Name=email@example.org\"")
        _check_line(name, "--alias")
        out[name.strip()] = email.strip().lower()
    return out


def _check_alias_targets(extra: dict[str, str], cohort: Any, config: Any) -> None:
    """Every `--alias` names a participant of the cohort or a facilitator."""
    from learncli.domain.lookup import find_participant
    from learncli.errors import NotFound

    facilitators = {f.email for f in config.facilitators}
    for name, email in extra.items():
        if email in facilitators:
            continue
        try:
            find_participant(cohort, email)
        except NotFound as exc:
            raise NotFound(f"--alias {name!r}: {exc}", hint=exc.hint) from None


def _check_line(value: str | None, option: str) -> None:
    from pydantic_core import PydanticCustomError

    from learncli.errors import UsageProblem
    from learncli.models.types import _line

    if value is None:
        return
    try:
        _line(value)
    except PydanticCustomError as exc:
        raise UsageProblem(f"{option} {value!r}: {exc.message()}") from None
