"""What `learn status` shows: one summary per cohort, computed from the models alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from learncli.domain.attendance import attendance_grid
from learncli.domain.schedule import SessionTimes, next_session, session_times
from learncli.models.cohort import Cohort
from learncli.models.course import Config

if TYPE_CHECKING:
    from learncli.domain.invoicing import InvoiceSummary, Ledger


@dataclass
class NextSession:
    number: int
    date: date
    start: str
    end: str
    theme: str | None
    days: int
    #: The cancelled session this one makes up, if it is a make-up.
    makes_up: int | None = None


@dataclass
class CohortStatus:
    id: str
    title: str
    course: str
    state: str  # upcoming, running, finished
    first: date
    last: date
    sessions: int
    sessions_done: int
    next: NextSession | None
    registered: int
    withdrawn: int
    waiting: int
    capacity: int | None
    #: Attended over expected (registered people x recorded sessions, excused left
    #: out), in percent; the same figure as `learn attend report`.
    attendance_percent: int | None
    sessions_without_attendance: int
    open_commitments: int
    #: Registered people who missed at least one recorded session (absent, excused, unmarked).
    missed_a_session: int = 0
    #: Invoiced / paid / overdue, when the ledger was read (None: not looked at).
    invoices: InvoiceSummary | None = None


def cohort_status(cohort: Cohort, config: Config, today: date, ledger: Ledger | None = None) -> CohortStatus:
    course = config.course(cohort.course)
    times = session_times(cohort, course, config.timezone)
    active = [t for t in times if not t.cancelled]
    upcoming = next_session(times, today)
    grid = attendance_grid(cohort, course, config.timezone, today)
    done = [t for t in active if t.date < today]
    if not done:
        state = "upcoming"
    elif upcoming is None:
        state = "finished"
    else:
        state = "running"
    return CohortStatus(
        id=cohort.id,
        title=cohort.display_title(course),
        course=course.title if course else cohort.course,
        state=state,
        first=active[0].date if active else cohort.first_date,
        last=active[-1].date if active else cohort.last_date,
        sessions=len(active),
        sessions_done=len(done),
        next=_next(upcoming, today),
        registered=len(cohort.registered),
        withdrawn=len(cohort.withdrawn_people),
        waiting=len(cohort.waiting_list),
        capacity=cohort.capacity or (course.capacity if course else None),
        attendance_percent=grid.rate,
        sessions_without_attendance=sum(1 for t in done if not cohort.attendance.get(t.number)),
        open_commitments=sum(1 for c in cohort.commitments if c.status == "open" and _is_registered(cohort, c.email)),
        missed_a_session=len(grid.missed_someone),
        invoices=_invoices(ledger, cohort, today),
    )


def _invoices(ledger: Ledger | None, cohort: Cohort, today: date) -> InvoiceSummary | None:
    if ledger is None:
        return None
    from learncli.domain.invoicing import cohort_invoices

    return cohort_invoices(ledger, cohort, today)


def _is_registered(cohort: Cohort, email: str) -> bool:
    person = cohort.participant(email)
    return person is not None and person.active


def _next(upcoming: SessionTimes | None, today: date) -> NextSession | None:
    if upcoming is None:
        return None
    return NextSession(
        number=upcoming.number,
        date=upcoming.date,
        start=upcoming.start.strftime("%H:%M"),
        end=upcoming.end.strftime("%H:%M"),
        theme=upcoming.theme,
        days=(upcoming.date - today).days,
        makes_up=upcoming.session.makes_up,
    )


#: How long after its last session a finished cohort is still shown (follow-ups due).
RECENT_DAYS = 14


def is_current(status: CohortStatus, today: date, recent_days: int = RECENT_DAYS) -> bool:
    """Running, upcoming, or finished within the last `recent_days` (follow-ups still due)."""
    return status.state != "finished" or (today - status.last).days <= recent_days
