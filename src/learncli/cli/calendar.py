"""`learn calendar export`: iCalendar files for a cohort's sessions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from learncli.cli._common import CohortArg, DryRunOpt, group, state

if TYPE_CHECKING:
    from learncli.actions.participant_calendars import Leaving
    from learncli.domain.calendar import CohortEvents

app = group("Calendars: .ics files of a cohort's sessions that update in place when a session moves.")


@app.command("export")
def calendar_export(
    ctx: typer.Context,
    cohort_id: CohortArg,
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE|-",
            help="Where to write the cohort's calendar (default: out/calendars/COHORT.ics in the data folder); - for standard output.",
            show_default=False,
        ),
    ] = None,
    per_participant: Annotated[
        Path | None,
        typer.Option(
            "--per-participant",
            metavar="DIR",
            help="Also write each registered participant's invitations (METHOD:REQUEST) into DIR, one file per session, "
            "named after their email: EMAIL-session-N.ics.",
            show_default=False,
        ),
    ] = None,
    cancel: Annotated[
        bool,
        typer.Option(
            "--cancel",
            help="Also write a notice for each cancelled session next to the calendar (METHOD:PUBLISH, STATUS:CANCELLED); "
            "with --per-participant, a cancellation (METHOD:CANCEL) of it for each participant, and one of every session "
            "from the day they withdrew for each withdrawn participant, in place of their invitations.",
        ),
    ] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Write a cohort's sessions as an iCalendar (.ics) file for calendar apps.

    One event per session at its local time in the course's time zone, with the Zoom
    link, meeting id and passcode, the organiser and a reminder. Every session keeps its
    UID from one export to the next; when a session changes (rescheduled, cancelled, or
    its file edited by hand) its SEQUENCE rises, so calendar apps move the event they
    already have instead of adding a second one. What was exported is remembered in
    calendar-state/COHORT.yaml in the data folder: commit it with the rest.

    With --per-participant DIR, each registered participant also gets an invitation to
    each session, EMAIL-session-N.ics (withdrawn participants get none). With --cancel,
    every cancelled session gets a notice next to the calendar, and in DIR a
    cancellation for each participant in place of the invitation; each withdrawn
    participant gets a cancellation of every session from the day they withdrew, which
    takes them alone off it, and their invitations are removed from DIR.

    Example: learn calendar export 2026-autumn --per-participant invitations --cancel
    """
    import sys
    from datetime import datetime, timezone

    from learncli.actions.participant_calendars import cancellation_path, participant_files
    from learncli.cli._output import did, print_changes, say
    from learncli.errors import UsageProblem
    from learncli.render.ics import publish_ics
    from learncli.store.calendar_state import sequenced_events

    to_stdout = output == "-"
    if to_stdout and cancel:
        raise UsageProblem("--cancel writes one file per cancelled session, so it needs a file: give -o FILE, or leave -o out")
    app_state = state(ctx)
    folder = app_state.folder
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    calendar_bytes = b""
    leaving: list[Leaving] = []
    with folder.transaction(dry_run=dry_run) as tx:
        events = sequenced_events(folder, tx, cohort_id)
        calendar_bytes = publish_ics(events, stamp=stamp)
        target = Path(output) if output and not to_stdout else folder.out_dir / "calendars" / f"{cohort_id}.ics"
        if not to_stdout:
            tx.output(target, calendar_bytes)
        if cancel:
            for event in events.cancelled:
                tx.output(cancellation_path(target, event.number), publish_ics(events, [event.number], stamp=stamp))
        if per_participant is not None:
            folder.refuse_data_file(per_participant)
            if per_participant.exists() and not per_participant.is_dir():
                raise UsageProblem(f"--per-participant {per_participant}: that is a file; give a folder (it is created if need be)")
            events, leaving = participant_files(
                folder, tx, events, per_participant, cancel=cancel, today=app_state.today, stamp=stamp
            )

    done = None
    if not to_stdout:  # standard output is the calendar itself otherwise
        invited = len(events.cohort.registered) if per_participant is not None and events.active else 0
        rest = f"{len(events.active)} session(s) of {cohort_id}" + (
            f", with an invitation to each for {invited} participant(s)" if invited else ""
        )
        done = did("exported", "export", rest)
    if tx.changes or not to_stdout:  # "nothing to change" would land in the calendar
        print_changes(tx.changes, folder.root, dry_run=dry_run, done=done)
    if to_stdout:
        if dry_run:
            say(f"would write the calendar to standard output ({len(calendar_bytes):,} bytes)")
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(calendar_bytes)
            sys.stdout.flush()
    _explain(events, cohort_id, per_participant=per_participant, cancel=cancel, leaving=leaving)


def _explain(
    events: CohortEvents,
    cohort_id: str,
    *,
    per_participant: Path | None,
    cancel: bool,
    leaving: list[Leaving],
) -> None:
    """What the facilitator should know after an export (on stderr: stdout may be the .ics)."""
    from learncli.cli._output import note, warn
    from learncli.domain.schedule import fmt_day

    cohort = events.cohort
    if not (cohort.zoom and cohort.zoom.url):
        warn(
            f"{cohort_id} has no Zoom link yet (zoom: url: in cohorts/{cohort_id}.yaml), so the events say "
            "'Zoom link to follow'; add it and export again, and the events already in calendars update in place"
        )
    if events.changed:
        listed = ", ".join(f"{n} (SEQUENCE {events.event(n).sequence})" for n in events.changed)
        note(f"changed since the last export: session {listed}; calendar apps will update these events")
    cancelled = [e.number for e in events.cancelled]
    if cancelled and not cancel:
        note(f"cancelled: session {', '.join(map(str, cancelled))}; add --cancel to write the cancellation notices")
    if cancel and not cancelled and not leaving:
        note(f"no session of {cohort_id} is cancelled and nobody has withdrawn, so there are no cancellation notices to write")
    if per_participant is not None:
        withdrawn = [p.name for p in cohort.withdrawn_people]
        if not cohort.registered:
            note(f"{cohort_id} has no registered participants, so there are no invitations to write")
        elif not events.active:
            warn(f"every session of {cohort_id} is cancelled, so no invitations were written")
        if withdrawn:
            note(f"no invitation for withdrawn participants: {', '.join(withdrawn)}")
    if leaving and cancel:
        for entry in leaving:
            dropped = entry.sessions
            note(
                f"{entry.person.name} withdrew: cancellations of session {', '.join(str(e.number) for e in dropped)} "
                f"(from {fmt_day(dropped[0].start.date())}) to send them, so the invitations leave their calendar"
            )
    elif leaving:
        note("add --cancel to also write, for each withdrawn participant, a cancellation of the sessions they no longer come to")
