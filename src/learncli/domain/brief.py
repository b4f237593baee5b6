"""The facilitators' brief for one session: everything to know before it starts.

Pure: the cohort, the settings and (from the invoice ledger) who has not paid, in; one
`SessionBrief` out, which the terminal view and the templates (`session-brief.html`,
`session-brief.md`) render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from learncli.domain.commitments import previous_session
from learncli.domain.lookup import find_session
from learncli.domain.schedule import by_number, planned_count, session_times
from learncli.models.cohort import ATTENDED, AttendanceMark, Cohort, Commitment
from learncli.models.course import Config


@dataclass(frozen=True, slots=True)
class Unpaid:
    """Money not yet received: an invoice not (fully) paid, or (invoice None) a registered
    participant who has not been invoiced yet, for the course fee."""

    email: str
    invoice: str | None
    balance: Decimal
    currency: str = "GBP"
    due: date | None = None


@dataclass
class BriefPerson:
    #: As written (the tables); `display_name` is how the brief's sentences name them.
    name: str
    display_name: str
    email: str
    organisation: str | None
    role: str | None
    notes: str | None
    #: Their mark at the previous session (None: no mark, or no previous session).
    previous_mark: AttendanceMark | None
    #: Absent, excused or unmarked at a previous session that has a record.
    missed_previous: bool
    #: The commitment made after the previous session, if any.
    commitment: Commitment | None
    #: Commitments from earlier gaps that were never reviewed.
    earlier_open: list[Commitment] = field(default_factory=list)
    unpaid: list[Unpaid] = field(default_factory=list)


@dataclass
class SessionBrief:
    cohort: str
    title: str
    course: str
    number: int
    of: int
    date: date
    start: datetime
    end: datetime
    timezone: str
    theme: str | None
    session_note: str | None
    cancelled: bool
    today: date
    facilitators: list[str]
    zoom_url: str | None
    meeting_id: str | None
    passcode: str | None
    #: The session before this one that ran (None for the first).
    previous: int | None
    previous_date: date | None
    previous_theme: str | None
    #: Whether any attendance was recorded for the previous session.
    previous_recorded: bool
    people: list[BriefPerson]
    withdrawn: list[str]
    #: The same people as `withdrawn`, as a sentence names them.
    withdrawn_display_names: list[str]
    #: None when no payment information was given (no invoice ledger): the brief then
    #: says so instead of claiming that everyone has paid.
    unpaid: list[Unpaid] | None
    notes: str | None
    #: The cancelled session this one makes up, if it is a make-up.
    makes_up: int | None = None

    @property
    def label(self) -> str:
        """`session 5 of 6`; for a make-up, `session 7, making up session 3`."""
        if self.makes_up:
            return f"session {self.number}, making up session {self.makes_up}"
        return f"session {self.number} of {self.of}"

    @property
    def days(self) -> int:
        return (self.date - self.today).days

    @property
    def missed(self) -> list[BriefPerson]:
        return [p for p in self.people if p.missed_previous]

    @property
    def with_commitment(self) -> list[BriefPerson]:
        return [p for p in self.people if p.commitment is not None]

    @property
    def without_commitment(self) -> list[BriefPerson]:
        return [p for p in self.people if p.commitment is None] if self.previous else []

    @property
    def unpaid_lines(self) -> list[tuple[str, Unpaid]]:
        """(the person's name, or the email when not a registered participant; invoice)."""
        names = {p.email: p.name for p in self.people}
        return [(names.get(u.email.strip().lower(), u.email), u) for u in self.unpaid or []]

    @property
    def to_review(self) -> int:
        return sum(1 for p in self.people if p.commitment is not None and p.commitment.status == "open")


def build_brief(
    cohort: Cohort,
    config: Config,
    number: int,
    today: date,
    unpaid: Sequence[Unpaid] | None = None,
) -> SessionBrief:
    """The brief for session `number`.

    `unpaid`: the invoices not yet paid for this cohort, one `Unpaid(email, invoice,
    balance, currency, due)` each, from the invoice ledger; each is shown against the
    participant with that email. Give None when there is no ledger to ask: the brief then
    says that payments are unknown. An empty list means everyone has paid.
    """
    find_session(cohort, number)
    course = config.course(cohort.course)
    times = session_times(cohort, course, config.timezone)
    this = by_number(times, number)
    previous = previous_session(cohort, number)
    before = by_number(times, previous) if previous else None
    marks = cohort.attendance.get(previous, {}) if previous else {}
    recorded = bool(marks)
    owed: dict[str, list[Unpaid]] = {}
    for item in unpaid or ():
        owed.setdefault(item.email.strip().lower(), []).append(item)

    people = []
    for person in cohort.registered:
        mark = marks.get(person.email)
        theirs = [c for c in cohort.commitments if c.email == person.email]
        commitment = next((c for c in theirs if previous is not None and c.session == previous), None)
        earlier = [c for c in theirs if c.status == "open" and previous is not None and c.session < previous]
        people.append(
            BriefPerson(
                name=person.name,
                display_name=person.prose_name,
                email=person.email,
                organisation=person.organisation,
                role=person.role,
                notes=person.notes,
                previous_mark=mark,
                missed_previous=recorded and (mark is None or mark.status not in ATTENDED),
                commitment=commitment,
                earlier_open=earlier,
                unpaid=owed.get(person.email, []),
            )
        )
    names = [config.facilitator(f).name if config.facilitator(f) else f for f in cohort.facilitator_ids(course)]
    zoom = cohort.zoom
    return SessionBrief(
        cohort=cohort.id,
        title=cohort.display_title(course),
        course=course.title if course else cohort.course,
        number=number,
        of=planned_count(cohort),
        date=this.date,
        start=this.start,
        end=this.end,
        timezone=config.timezone,
        theme=this.theme,
        session_note=this.session.note,
        cancelled=this.cancelled,
        today=today,
        facilitators=names,
        zoom_url=zoom.url if zoom else None,
        meeting_id=zoom.meeting_id if zoom else None,
        passcode=zoom.passcode if zoom else None,
        previous=previous,
        previous_date=before.date if before else None,
        previous_theme=before.theme if before else None,
        previous_recorded=recorded,
        people=people,
        withdrawn=[p.name for p in cohort.withdrawn_people],
        withdrawn_display_names=[p.prose_name for p in cohort.withdrawn_people],
        unpaid=None if unpaid is None else list(unpaid),
        notes=cohort.notes,
        makes_up=this.session.makes_up,
    )
