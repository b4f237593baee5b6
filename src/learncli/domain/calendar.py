"""A cohort's sessions as calendar events, and when their SEQUENCE must rise.

Pure: no files, no printing, no iCalendar library. `plan_events` turns a cohort into one
`SessionEvent` per session, holding everything a participant sees in their calendar
(times, title, description, Zoom details, organiser, cancellation). `apply_sequences`
compares those with the records of the previous export: an event whose fingerprint
differs gets the next SEQUENCE, so calendar apps replace the old copy instead of adding
a second one. That works however the cohort changed: `learn cohort reschedule`, `learn
cohort cancel-session`, or a hand edit of the file.

A participant who withdraws is taken off each session still to come with a CANCEL that
names only them (`uninvite`). RFC 5546 asks that it carry a SEQUENCE above the one of
the invitation they had, yet nothing changed for anyone else, so their event keeps its
SEQUENCE: the uninvitation's own is recorded with the session, and any later change of
the session, or the person's return (`learn participant reinstate`), goes above it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from learncli.domain.commitments import previous_session, review_session
from learncli.domain.schedule import SessionTimes, fmt_day, planned_count, session_times
from learncli.errors import Refused
from learncli.models.calendar_state import MAX_SEQUENCE, SessionRecord
from learncli.models.cohort import Cohort, Participant
from learncli.models.course import Config, Course


@dataclass(frozen=True, slots=True)
class Organizer:
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """One session as every attendee sees it (nothing here is specific to one person)."""

    number: int
    uid: str
    start: datetime
    end: datetime
    cancelled: bool
    summary: str
    description: str
    location: str
    url: str | None
    organizer: Organizer
    categories: tuple[str, ...]
    sequence: int = 0

    @property
    def zone(self) -> str:
        return str(self.start.tzinfo)

    @property
    def when(self) -> str:
        """`2026-09-23 09:30-12:30 Europe/London`, plus `cancelled`: for the state file."""
        text = f"{self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} {self.zone}"
        return f"{text} cancelled" if self.cancelled else text

    def fingerprint(self) -> str:
        """A digest of every attendee-visible detail; equal fingerprints, same event.

        Left out on purpose: the SEQUENCE itself, the DTSTAMP, the attendee (one per
        invitation) and the reminder alarm (a preference of the reader's calendar, not
        a change to the session).
        """
        details = [
            self.uid,
            self.start.isoformat(),
            self.end.isoformat(),
            self.zone,
            self.cancelled,
            self.summary,
            self.description,
            self.location,
            self.url,
            self.organizer.name,
            self.organizer.email,
            list(self.categories),
        ]
        canonical = json.dumps(details, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CohortEvents:
    """Every session of one cohort as events, with the SEQUENCE this export gives them."""

    cohort: Cohort
    course: Course
    calendar_name: str
    zone: str
    alarm_minutes: int
    events: tuple[SessionEvent, ...]
    #: Sessions whose event changed since the last export (their SEQUENCE rose).
    changed: tuple[int, ...] = ()
    #: Sessions exported for the first time.
    new: tuple[int, ...] = ()
    #: The records to keep for this cohort after this export.
    records: Mapping[int, SessionRecord] = field(default_factory=dict)

    def event(self, number: int) -> SessionEvent:
        return next(e for e in self.events if e.number == number)

    def uninvitation(self, number: int, email: str) -> SessionEvent:
        """Session `number` as the CANCEL that takes `email` off it carries it: the
        SEQUENCE recorded by `uninvite` (KeyError if none was)."""
        return replace(self.event(number), sequence=self.records[number].uninvited[email])

    @property
    def active(self) -> tuple[SessionEvent, ...]:
        return tuple(e for e in self.events if not e.cancelled)

    @property
    def cancelled(self) -> tuple[SessionEvent, ...]:
        return tuple(e for e in self.events if e.cancelled)


def sessions_to_drop(events: CohortEvents, person: Participant, today: date) -> tuple[SessionEvent, ...]:
    """The sessions a withdrawn participant's calendar should no longer hold: every one on
    or after the day they withdrew (today, if no day is recorded). Earlier ones stay, as
    a record of what they came to."""
    since = person.withdrawn or today
    return tuple(e for e in events.events if e.start.date() >= since)


def event_uid(cohort_id: str, course_id: str, number: int, domain: str) -> str:
    """The same on every export of the same cohort and session: `2026-autumn-session-3.leading-with-learning@example.org`."""
    return f"{cohort_id}-session-{number}.{course_id}@{domain}"


def plan_events(cohort: Cohort, course: Course, config: Config) -> list[SessionEvent]:
    """One event per session of `cohort`, each with SEQUENCE 0 and its computed UID."""
    organizer = Organizer(config.organisation.name, config.organisation.email)
    domain = organizer.email.rpartition("@")[2]
    times = session_times(cohort, course, config.timezone)
    facilitators = _facilitator_line(cohort, course, config)
    total = planned_count(cohort)
    out = []
    for slot in times:
        out.append(
            SessionEvent(
                number=slot.number,
                uid=event_uid(cohort.id, course.id, slot.number, domain),
                start=slot.start,
                end=slot.end,
                cancelled=slot.cancelled,
                summary=_summary(course, slot),
                description=_description(cohort, course, slot, total, facilitators, config.timezone),
                location=_location(cohort),
                url=cohort.zoom.url if cohort.zoom and cohort.zoom.url else None,
                organizer=organizer,
                categories=(course.title,),
            )
        )
    return out


def apply_sequences(
    planned: list[SessionEvent], previous: Mapping[int, SessionRecord], invited: Collection[str] = ()
) -> tuple[list[SessionEvent], dict[int, SessionRecord], list[int], list[int]]:
    """Give each planned event its SEQUENCE, given the records of the last export.

    Returns the events, the records to keep, the numbers whose SEQUENCE rose, and the
    numbers exported for the first time. A UID once recorded is kept even if the way it
    is computed would now give another (say, after the organisation's email changed), and
    records of sessions no longer in the file are kept, so a session that comes back
    continues its sequence.

    A change goes above every SEQUENCE the event has carried, an uninvitation's
    included. `invited` are the emails of the people invited now: one of them who was
    uninvited from a session is back, and their new invitation must be above the
    cancellation they were sent; that raises the session's SEQUENCE (for everyone: an
    event has one SEQUENCE, and the list of attendees did change).
    """
    events: list[SessionEvent] = []
    records: dict[int, SessionRecord] = dict(previous)
    changed: list[int] = []
    new: list[int] = []
    for event in planned:
        old = previous.get(event.number)
        if old is not None:
            event = replace(event, uid=old.uid)
        fingerprint = event.fingerprint()
        uninvited = {email: seq for email, seq in old.uninvited.items() if email not in invited} if old else {}
        if old is None:
            sequence = 0
            new.append(event.number)
        elif old.fingerprint == fingerprint and uninvited == old.uninvited:
            sequence = old.sequence
        else:
            sequence = _next_sequence(event.number, old.highest)
            changed.append(event.number)
        record = SessionRecord(uid=event.uid, sequence=sequence, fingerprint=fingerprint, when=event.when, uninvited=uninvited)
        records[event.number] = record
        events.append(replace(event, sequence=sequence))
    return events, dict(sorted(records.items())), changed, new


def uninvite(events: CohortEvents, email: str, numbers: Iterable[int]) -> CohortEvents:
    """`events` with the cancellation that takes `email` off each session in `numbers`
    recorded, each with its SEQUENCE: one above the event's, the first time (above any
    invitation they had; the same for everyone uninvited before the session changes
    again); after that the same, so writing it again gives the same file, until the
    session changes (then one above that change)."""
    records = dict(events.records)
    for number in numbers:
        record = records[number]
        given = record.uninvited.get(email)
        if given is None or given <= record.sequence:
            given = _next_sequence(number, record.sequence)
            records[number] = record.model_copy(update={"uninvited": {**record.uninvited, email: given}})
    return replace(events, records=records)


def _next_sequence(number: int, highest: int) -> int:
    if highest >= MAX_SEQUENCE:
        raise Refused(
            f"session {number}'s event has changed {highest:,} times, the most a calendar's SEQUENCE can count",
            hint="set its sequence: back to a small number in its calendar-state file, and send the invitation again",
        )
    return highest + 1


def cohort_events(cohort: Cohort, course: Course, config: Config, previous: Mapping[int, SessionRecord]) -> CohortEvents:
    """The cohort's events with their sequences, and the records to keep afterwards."""
    invited = {person.email for person in cohort.registered}
    events, records, changed, new = apply_sequences(plan_events(cohort, course, config), previous, invited)
    return CohortEvents(
        cohort=cohort,
        course=course,
        calendar_name=cohort.display_title(course),
        zone=config.timezone,
        alarm_minutes=config.calendar.alarm_minutes,
        events=tuple(events),
        changed=tuple(changed),
        new=tuple(new),
        records=records,
    )


# --- the texts people read ----------------------------------------------------------


def _summary(course: Course, slot: SessionTimes) -> str:
    title = f"{course.title} — Session {slot.number}"
    if slot.theme:
        title += f": {slot.theme}"
    # Some calendar apps show a cancelled event like any other; the title says it too.
    return f"Cancelled: {title}" if slot.cancelled else title


def _location(cohort: Cohort) -> str:
    if cohort.zoom and cohort.zoom.url:
        return cohort.zoom.url
    return "Online (Zoom link to follow)"


def _facilitator_line(cohort: Cohort, course: Course, config: Config) -> str | None:
    names = []
    for facilitator_id in cohort.facilitator_ids(course):
        person = config.facilitator(facilitator_id)
        if person is None:
            continue
        names.append(f"{person.name} ({person.organisation})" if person.organisation else person.name)
    if not names:
        return None
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"With {joined}."


def _description(cohort: Cohort, course: Course, slot: SessionTimes, total: int, facilitators: str | None, zone: str) -> str:
    made_up = slot.session.makes_up
    heading = f"Session {slot.number} (making up session {made_up})" if made_up else f"Session {slot.number} of {total}"
    if slot.theme:
        heading += f": {slot.theme}"
    lines = [heading, cohort.display_title(course)]
    lines.append(f"{fmt_day(slot.date)}, {slot.start:%H:%M}–{slot.end:%H:%M} ({zone} time)")
    if facilitators:
        lines.append(facilitators)
    if slot.cancelled:
        lines += ["", "This session is cancelled."]
    if slot.session.note:
        lines += ["", f"Note: {slot.session.note.strip()}"]
    if slot.cancelled:
        return "\n".join(lines)

    lines.append("")
    zoom = cohort.zoom
    if zoom and zoom.url:
        lines.append(f"Join on Zoom: {zoom.url}")
        if zoom.meeting_id:
            lines.append(f"Meeting ID: {zoom.meeting_id}")
        if zoom.passcode:
            lines.append(f"Passcode: {zoom.passcode}")
    else:
        lines.append("The Zoom link will follow; this event is updated when it does.")

    if made_up:
        # Between the sessions it meets between, whatever their numbers.
        around = previous_session(cohort, slot.number), review_session(cohort, slot.number)
    else:
        # By number, so that cancelling or adding one session leaves the others' events as they were.
        around = (slot.number - 1 or None), (slot.number + 1 if slot.number < total else None)
    lines += ["", _commitment_line(*around)]
    return "\n".join(lines)


def _commitment_line(previous: int | None, following: int | None) -> str:
    """The course asks everyone to try out one action between sessions: the one chosen at
    the session that met before (not cancelled) is talked through, and the next chosen."""
    if previous is None and following is None:
        return "Before we close, each of us chooses one action to try out afterwards."
    if previous is None:
        return f"Between sessions: before we close, each of us chooses one action to try out before session {following}."
    if following is not None:
        return (
            f"Between sessions: come ready to tell the group how your action from session {previous} went; "
            f"before we close, each of us chooses the next one to try out before session {following}."
        )
    return (
        f"Between sessions: come ready to tell the group how your action from session {previous} went; "
        "in this last session each of us chooses how to keep the learning going after the course."
    )
