"""Who completed a cohort: every session attended, and every commitment reviewed.

The course expects each participant at all of its sessions, with an action committed to
in each gap between them and talked through at the next session. A participant has
completed the cohort when the last session has been held and recorded, they attended
every session that was not cancelled (present, late or left early all count), and no
commitment of theirs is still open after the session that was to review it. An excused
absence does not count as attended unless the facilitators say it was made up (a
catch-up call, say): `made_up` counts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from learncli.domain.commitments import review_session
from learncli.errors import Refused
from learncli.domain.schedule import session_times
from learncli.models.cohort import ATTENDED, Cohort
from learncli.models.course import Course

CompletionState = Literal["complete", "on-track", "incomplete", "not-recorded"]


@dataclass
class Gap:
    """A session a participant did not attend: absent, excused, or no mark for it."""

    session: int
    date: date
    status: str | None


@dataclass
class CompletionLine:
    email: str
    name: str
    organisation: str | None
    state: CompletionState
    attended: int
    #: Sessions not cancelled and held so far (recorded or not).
    held: int
    missed: list[Gap] = field(default_factory=list)
    #: Excused absences counted as made up (with `made_up`).
    made_up: list[int] = field(default_factory=list)
    #: Their commitments that have a session to review them (not those after the last).
    commitments: int = 0
    reviewed: int = 0
    #: Sessions after which a commitment of theirs is still open, though its review is past.
    unreviewed: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.state == "complete"


@dataclass
class Completion:
    cohort: str
    title: str
    course: str
    today: date
    first: date
    last: date
    sessions: int
    #: The theme of each session that is not cancelled, in order.
    themes: list[str | None]
    #: The first session (not cancelled) still to come or with no attendance recorded:
    #: (number, date); None once the cohort is finished.
    open_session: tuple[int, date] | None
    #: Past sessions (not cancelled) with no attendance recorded: nobody can be judged on them.
    unrecorded: list[int]
    lines: list[CompletionLine]

    @property
    def finished(self) -> bool:
        """Every session not cancelled is past and has attendance recorded."""
        return self.open_session is None

    @property
    def completed(self) -> list[CompletionLine]:
        return [line for line in self.lines if line.complete]


def completion(cohort: Cohort, course: Course | None, zone: str, today: date, *, made_up: bool = False) -> Completion:
    """Each registered participant's completion of `cohort` as of `today`.

    Refused when every session is cancelled: there is nothing to complete."""
    times = [t for t in session_times(cohort, course, zone) if not t.cancelled]
    if not times:
        raise Refused(f"every session of {cohort.id} is cancelled, so there is nothing to complete")
    held = [t for t in times if t.date <= today]
    unrecorded = [t.number for t in held if not cohort.attendance.get(t.number) and t.date < today]
    open_session = next(((t.number, t.date) for t in times if t.date > today or not cohort.attendance.get(t.number)), None)
    finished = open_session is None
    lines = []
    for person in cohort.registered:
        attended, gaps, caught_up = 0, [], []
        for slot in held:
            marks = cohort.attendance.get(slot.number)
            if not marks:
                continue  # not recorded (yet): neither attended nor missed
            mark = marks.get(person.email)
            status = mark.status if mark is not None else None
            if status in ATTENDED:
                attended += 1
            elif status == "excused" and made_up:
                attended += 1
                caught_up.append(slot.number)
            else:
                gaps.append(Gap(slot.number, slot.date, status))
        # A commitment made after the last session has no session to review it: it is
        # the action they carry on with, and does not count here.
        theirs = [
            (c, review)
            for c in cohort.commitments
            if c.email == person.email and (review := review_session(cohort, c.session) if c.session <= len(cohort.sessions) else None)
        ]
        unreviewed = [c.session for c, review in theirs if c.status == "open" and cohort.sessions[review - 1].date < today]
        if gaps:
            state: CompletionState = "incomplete"
        elif unrecorded:
            state = "not-recorded"
        elif finished and not unreviewed:
            state = "complete"
        elif finished:
            state = "incomplete"
        else:
            state = "on-track"
        lines.append(
            CompletionLine(
                email=person.email,
                name=person.name,
                organisation=person.organisation,
                state=state,
                attended=attended,
                held=len(held),
                missed=gaps,
                made_up=caught_up,
                commitments=len(theirs),
                reviewed=sum(c.status != "open" for c, _ in theirs),
                unreviewed=sorted(unreviewed),
            )
        )
    dates = [t.date for t in times]
    return Completion(
        cohort=cohort.id,
        title=cohort.display_title(course),
        course=course.title if course else cohort.course,
        today=today,
        first=min(dates),
        last=max(dates),
        sessions=len(times),
        themes=[t.theme for t in times],
        open_session=open_session,
        unrecorded=unrecorded,
        lines=lines,
    )
