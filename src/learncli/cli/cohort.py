"""`learn cohort ...`: list, show, add, reschedule, cancel-session, add-session."""

from __future__ import annotations

import sys
from datetime import date, time
from typing import TYPE_CHECKING, Annotated

import typer

from learncli.cli._common import CohortArg, CourseArg, DryRunOpt, JsonOpt, SessionArg, group, parse_date_option, state

if TYPE_CHECKING:
    from learncli.domain.schedule import ProposedDate

app = group("Cohorts: one run of a course each, in cohorts/<id>.yaml.")


@app.command("list")
def cohort_list(
    ctx: typer.Context,
    json_output: JsonOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read every cohort file from YAML, not from the index.")] = False,
) -> None:
    """List every cohort with its dates, size and state (upcoming, running, finished).

    Answered from the index of cohort files in .learn-cache/ (a file is read again when
    its bytes change).

    Example: learn cohort list
    """
    from learncli.cli._output import console, note, print_json
    from learncli.render.tables import cohort_list_table, cohort_list_text
    from learncli.store import cohort_index

    app_state = state(ctx)
    config = app_state.folder.config()
    found = cohort_index.scan(app_state.folder, no_cache=no_cache)
    for result in found.broken:
        if result.model is None:
            note(cohort_index.unlisted(result, "listed"))
    rows = []
    for cohort_id in found.ids:
        entry = found.entries.get(cohort_id)
        if entry is not None:
            # the title is in the JSON only (the table leaves it out)
            title = entry.display_title(config.course(entry.course)) if json_output else None
            rows.append({"id": entry.id, "title": title, "course": entry.course, **entry.listed(app_state.today)})
        else:
            result = next(r for r in found.broken if r.path.stem == cohort_id)
            if result.model is not None:
                rows.append(_listed_from_model(result.model, config, app_state.today))
    if json_output:
        print_json(rows)
        return
    text = None if sys.stdout.isatty() else cohort_list_text(rows)
    if text is not None:
        sys.stdout.write(text)
    else:
        console().print(cohort_list_table(rows))


def _listed_from_model(cohort: object, config: object, today: object) -> dict[str, object]:
    """The row of a cohort whose file has errors yet loads (the index keeps only valid files)."""
    from learncli.domain.status import cohort_status

    s = cohort_status(cohort, config, today)  # type: ignore[arg-type]
    return {"id": s.id, "title": s.title, "course": cohort.course, "first": s.first, "last": s.last,  # type: ignore[attr-defined]
            "sessions": s.sessions, "registered": s.registered, "withdrawn": s.withdrawn, "state": s.state}


@app.command("show")
def cohort_show(ctx: typer.Context, cohort_id: CohortArg, json_output: JsonOpt = False) -> None:
    """Show one cohort: course, facilitators, Zoom details and every session in local time.

    Example: learn cohort show 2026-autumn
    """
    from learncli.cli._output import console, print_json
    from learncli.domain.schedule import session_times
    from learncli.render.tables import cohort_detail

    app_state = state(ctx)
    config = app_state.folder.config()
    cohort = app_state.folder.cohort(cohort_id)
    course = config.course(cohort.course)
    times = session_times(cohort, course, config.timezone)
    if json_output:
        data = cohort.model_dump(mode="python")
        data["id"] = cohort.id
        data["timezone"] = config.timezone
        data["schedule"] = [
            {"number": t.number, "date": t.date, "start": t.start, "end": t.end, "theme": t.theme, "cancelled": t.cancelled}
            for t in times
        ]
        print_json(data)
        return
    console().print(cohort_detail(cohort, course, config, times))


@app.command("add")
def cohort_add(
    ctx: typer.Context,
    course_id: CourseArg,
    start: Annotated[str | None, typer.Option("--start", metavar="DATE", help="Date of session 1 (YYYY-MM-DD).", show_default=False)] = None,
    every: Annotated[int | None, typer.Option("--every", metavar="DAYS", min=1, max=366, help="Days between sessions (default: the course's, usually 14).", show_default=False)] = None,
    dates: Annotated[str | None, typer.Option("--dates", metavar="D1,D2,...", help="Exact session dates instead of a rhythm.", show_default=False)] = None,
    cohort_id: Annotated[str | None, typer.Option("--id", help="Cohort id (default: year and season of the start, e.g. 2027-spring).", show_default=False)] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title (default: course title and season).", show_default=False)] = None,
    like: Annotated[str | None, typer.Option("--like", metavar="COHORT", help="Copy facilitators and capacity from this cohort.", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Plan a new cohort: propose dates, check them, write cohorts/ID.yaml.

    Dates come every --every days from --start; a date on a weekend or public holiday
    moves to the next working day without moving the others. The file is checked
    against every rule before it is written, and an existing cohort is never replaced.

    Example: learn cohort add leading-with-learning --start 2027-04-13 --id 2027-spring
    """
    from learncli.checks import check_cohort_text
    from learncli.cli._output import console, did, print_changes, print_diagnostics
    from learncli.domain import planning
    from learncli.domain.lookup import find_course
    from learncli.errors import DataError, Refused, UsageProblem
    from learncli.models.cohort import Cohort
    from learncli.render.tables import proposal_table
    from learncli.store import edits
    from learncli.store.folder import check_id

    if cohort_id is not None:
        check_id(cohort_id, "--id")  # given but empty is an error, not "use the default"
    app_state = state(ctx)
    folder = app_state.folder
    config = folder.config()
    course = find_course(config, course_id)
    template = folder.cohort(like) if like is not None else None
    if dates:
        from learncli.domain.schedule import parse_date_list

        try:
            chosen = parse_date_list(dates)
        except ValueError as exc:
            raise UsageProblem(f"--dates: {exc}") from None
        proposals = planning.fixed_dates(chosen)
    elif start:
        first = parse_date_option(start, "--start")
        assert first is not None
        proposals = planning.propose(config, course, first, every)
    else:
        raise UsageProblem("give --start DATE (and optionally --every DAYS) or --dates D1,D2,...")

    if not proposals:
        raise UsageProblem("--dates: give at least one date")
    plan = planning.plan_cohort(course, proposals, cohort_id=cohort_id, title=title, like=template)
    check_id(plan.cohort_id)
    path = folder.cohort_path(plan.cohort_id)
    if path.exists():
        raise Refused(f"cohort {plan.cohort_id} already exists ({path}); nothing was written", hint="choose another --id")
    text = edits.new_cohort_text(
        course_id=course.id,
        course_title=course.title,
        title=plan.title,
        facilitators=plan.facilitators,
        dates=[(p.date, course.themes[p.number - 1] if p.number <= len(course.themes) else "", _moved(p)) for p in proposals],
        capacity=plan.capacity,
        created=app_state.today,
    )
    console().print(proposal_table(proposals, course.themes))
    with folder.transaction(dry_run=dry_run) as tx:
        diagnostics = check_cohort_text(folder, config, plan.cohort_id, text, app_state.today)
        if any(d.is_error for d in diagnostics):
            raise DataError("these dates break the rules above; nothing was written", diagnostics=diagnostics)
        print_diagnostics(diagnostics)
        tx.create(path, text, Cohort)
    from learncli.domain.schedule import fmt_day

    span = f"{fmt_day(proposals[0].date)} to {fmt_day(proposals[-1].date)}" if len(proposals) > 1 else fmt_day(proposals[0].date)
    rest = f"cohort {plan.cohort_id} of {course.id}: {len(proposals)} session(s), {span}"
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("created", "create", rest))


@app.command("reschedule")
def cohort_reschedule(
    ctx: typer.Context,
    cohort_id: CohortArg,
    session: SessionArg,
    new_date: Annotated[str, typer.Argument(metavar="DATE", help="The new date (YYYY-MM-DD).", show_default=False)],
    start: Annotated[str | None, typer.Option("--start", metavar="HH:MM", help="New start time for this session only.", show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="HH:MM", help="New end time for this session only.", show_default=False)] = None,
    reinstate: Annotated[bool, typer.Option("--reinstate", help="The session was cancelled and runs after all, on DATE (its cancellation note goes).")] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Move one session to another date (and optionally other times).

    The change is checked against the rules (weekends, holidays, order, other cohorts'
    bookings) before it is written; comments in the file are kept. Export the calendar
    again afterwards: calendar apps then move the event instead of adding a new one. A
    cancelled session is moved only with --reinstate, which brings it back.

    Example: learn cohort reschedule 2026-spring 3 2026-05-06
    """
    from learncli.actions.sessions import new_problems
    from learncli.cli._output import did, note, print_changes, print_diagnostics
    from learncli.domain.lookup import find_session
    from learncli.domain.schedule import fmt_day
    from learncli.errors import Refused
    from learncli.models.cohort import Cohort
    from learncli.store import edits

    day, start_time, end_time = _when(new_date, start, end)
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        old = cohort.sessions[find_session(cohort, session)]
        if old.cancelled and not reinstate:
            raise Refused(
                f"session {session} of {cohort_id} is cancelled; nothing was written",
                hint=f"if it runs after all, add --reinstate: learn cohort reschedule {cohort_id} {session} {day.isoformat()} --reinstate",
            )
        if reinstate and not old.cancelled:
            raise Refused(f"session {session} of {cohort_id} is not cancelled; --reinstate is for a cancelled session")
        path = folder.cohort_path(cohort_id)
        doc = tx.edit(path, Cohort)
        edits.reschedule_session(doc, session, day, start_time, end_time)
        if reinstate:
            edits.reinstate_session(doc, session)
        print_diagnostics(new_problems(folder, config, cohort_id, tx.text(path), app_state.today))
    rest = f"session {session} of {cohort_id} from {fmt_day(old.date)} to {fmt_day(day)}"
    done = did("reinstated", "reinstate", f"cancelled {rest}") if reinstate else did("moved", "move", rest)
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=done)
    if tx.changes and not dry_run:
        note(f"run `learn calendar export {cohort_id}` to update calendars")


@app.command("cancel-session")
def cohort_cancel_session(
    ctx: typer.Context,
    cohort_id: CohortArg,
    session: SessionArg,
    note_text: Annotated[str | None, typer.Option("--note", help="Why, for the record and the calendar.", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Mark a session as cancelled (it stays in the file with `cancelled: true`).

    Export the calendar again (with --cancel for the cancellation notices).
    Example: learn cohort cancel-session 2026-autumn 6 --note "facilitator ill"
    """
    from learncli.cli._output import did, note, print_changes
    from learncli.domain.lookup import find_session
    from learncli.domain.schedule import fmt_day
    from learncli.models.cohort import Cohort
    from learncli.store import edits

    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        index = find_session(cohort, session)
        if cohort.sessions[index].cancelled:
            note(f"session {session} of {cohort_id} is already cancelled")
            return
        edits.cancel_session(tx.edit(folder.cohort_path(cohort_id), Cohort), session, note_text)
    rest = f"session {session} of {cohort_id} ({fmt_day(cohort.sessions[index].date)})" + (f": {note_text}" if note_text else "")
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("cancelled", "cancel", rest))
    if tx.changes and not dry_run:
        note(f"run `learn calendar export {cohort_id} --cancel` to send the cancellation")


@app.command("add-session")
def cohort_add_session(
    ctx: typer.Context,
    cohort_id: CohortArg,
    new_date: Annotated[str, typer.Argument(metavar="DATE", help="The date of the new session (YYYY-MM-DD).", show_default=False)],
    start: Annotated[str | None, typer.Option("--start", metavar="HH:MM", help="Start time, if not the course's.", show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="HH:MM", help="End time, if not the course's.", show_default=False)] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="Its theme (a make-up has the theme of the session it replaces unless given).", show_default=False)] = None,
    makes_up: Annotated[int | None, typer.Option("--makes-up", metavar="N", min=1, help="It makes up cancelled session N.", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Add a session at the end of the list: a make-up for a cancelled one, or an extra.

    The new session takes the next number (the others keep theirs) and is checked by
    every schedule rule before it is written: a working day, no facilitator booked
    elsewhere at the time and, with --makes-up N, a session N that is cancelled, not
    made up already, and earlier than the make-up. A make-up counts for the session it
    replaces: in the course's number of sessions, in attendance and completion.
    Export the calendar again and send the update afterwards.

    Example: learn cohort add-session 2026-autumn 2026-12-09 --makes-up 6
    """
    from learncli.actions.sessions import add_session
    from learncli.cli._output import did, note, print_changes, print_diagnostics
    from learncli.domain.schedule import fmt_day

    day, start_time, end_time = _when(new_date, start, end)
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        added = add_session(
            folder, tx, cohort_id, day, start=start_time, end=end_time, theme=theme, makes_up=makes_up, today=app_state.today
        )
        print_diagnostics(added.notices)
    rest = f"session {added.number} of {cohort_id} on {fmt_day(added.date)}"
    rest += f", making up session {added.makes_up}" if added.makes_up else ""
    rest += f" ({added.theme})" if added.theme else ""
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("added", "add", rest))
    if tx.changes and not dry_run:
        note(f"run `learn calendar export {cohort_id}` to add it to calendars")


def _moved(proposal: ProposedDate) -> str | None:
    from learncli.domain.schedule import fmt_day

    if proposal.moved_from is None:
        return None
    return f"moved from {fmt_day(proposal.moved_from)}: {proposal.reason}" if proposal.reason else f"moved from {fmt_day(proposal.moved_from)}"


def _when(new_date: str, start: str | None, end: str | None) -> tuple[date, time | None, time | None]:
    """The DATE argument and the --start/--end options of a session, checked."""
    day = parse_date_option(new_date, "DATE")
    assert day is not None
    return day, _time_option(start, "--start"), _time_option(end, "--end")


def _time_option(value: str | None, name: str) -> time | None:
    if value is None:
        return None
    from pydantic_core import PydanticCustomError

    from learncli.models.types import parse_time

    try:
        return parse_time(value)
    except PydanticCustomError as exc:
        raise typer.BadParameter(exc.message(), param_hint=name) from None
