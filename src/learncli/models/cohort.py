"""`cohorts/<id>.yaml`: one run of a course, its sessions, people, attendance, commitments."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr

from learncli import prose_names
from learncli.models.course import Course
from learncli.models.types import (
    Capacity,
    Minutes,
    SessionNumber,
    Code,
    Date,
    Email,
    Id,
    Line,
    Money,
    StrictModel,
    Text,
    Time,
    Url,
)

ParticipantStatus = Literal["registered", "waitlisted", "withdrawn"]
AttendanceStatus = Literal["present", "late", "left-early", "absent", "excused"]
ATTENDANCE_STATUSES: tuple[str, ...] = ("present", "late", "left-early", "absent", "excused")
#: Statuses that count as having taken part in the session.
ATTENDED: frozenset[str] = frozenset({"present", "late", "left-early"})
Factor = Literal["capability", "motivation", "opportunity"]
FACTORS: tuple[str, ...] = ("capability", "motivation", "opportunity")
CommitmentStatus = Literal["open", "done", "partly", "not-done", "dropped"]
REVIEW_STATUSES: tuple[str, ...] = ("done", "partly", "not-done", "dropped")


class Zoom(StrictModel):
    url: Url | None = None
    meeting_id: Code | None = None
    passcode: Code | None = None


class Session(StrictModel):
    """One meeting. Its number is its place in the list (1-based) and never changes."""

    date: Date
    start: Time | None = None
    end: Time | None = None
    theme: Line | None = None
    note: Text | None = None
    cancelled: bool = False
    #: The number of the cancelled session this one replaces (a make-up session).
    makes_up: SessionNumber | None = None


class Discount(StrictModel):
    """Taken off the course fee on this person's invoice, with the reason it shows."""

    amount: Money
    reason: Line


class Share(StrictModel):
    """One part of a split fee, invoiced on its own. Without billing fields of its own a
    share is billed to the participant; the first share falls back to the participant's
    PO and billing contact."""

    amount: Money
    po: Code | None = None
    billing_name: Line | None = None
    billing_email: Email | None = None
    billing_address: list[Line] = Field(default_factory=list)

    @property
    def has_billing(self) -> bool:
        return bool(self.billing_name or self.billing_email or self.billing_address)


class Participant(StrictModel):
    #: As written on invoices and in tables, sort form allowed: `O'Neil, Ann`.
    name: Line
    email: Email
    #: How sentences name them, when the rule in `prose_names` gets it wrong.
    display_name: Line | None = None
    organisation: Line | None = None
    role: Line | None = None
    po: Code | None = None
    billing_name: Line | None = None
    billing_email: Email | None = None
    billing_address: list[Line] = Field(default_factory=list)
    discount: Discount | None = None
    #: The fee split between payers: one invoice per share (see `domain.billing`).
    split: list[Share] | None = Field(None, min_length=1)
    status: ParticipantStatus = "registered"
    registered: Date | None = None
    withdrawn: Date | None = None
    #: The cohort they moved to when they withdrew by `learn participant transfer`, and
    #: (on their new place) the cohort they came from: its invoice's money follows them.
    transferred_to: Id | None = None
    transferred_from: Id | None = None
    #: Other names this person appears under in Zoom reports ("Ann's iPad").
    aliases: list[Line] = Field(default_factory=list)
    #: Addresses this person had before `learn participant edit --email` changed it; the
    #: ledger's invoices, fixed when issued, still name the old one.
    previous_emails: list[Email] = Field(default_factory=list)
    notes: Text | None = None

    @property
    def has_billing(self) -> bool:
        """Has a billing contact of their own (someone else is billed for them)."""
        return bool(self.billing_name or self.billing_email or self.billing_address)

    @property
    def active(self) -> bool:
        """Has a place: registered, neither waiting for one nor withdrawn."""
        return self.status == "registered"

    @property
    def waiting(self) -> bool:
        return self.status == "waitlisted"

    @property
    def has_withdrawn(self) -> bool:
        return self.status == "withdrawn"

    def no_place(self, cohort_id: str) -> str:
        """Why someone without a place gets no mark, email or invoice, as a phrase."""
        return f"is on the waiting list of {cohort_id}" if self.waiting else f"has withdrawn from {cohort_id}"

    @property
    def emails(self) -> tuple[str, ...]:
        """Every address this person is known by in the cohort, the current one first."""
        return (self.email, *self.previous_emails)

    @property
    def prose_name(self) -> str:
        """The name in a sentence: `display_name`, else `Ann O'Neil` for `O'Neil, Ann`."""
        return self.display_name or prose_names.display_name(self.name)

    @property
    def first_name(self) -> str:
        """The name in a greeting: `Ann` (from `display_name` when there is one)."""
        return prose_names.first_name(self.display_name or self.name)


def _mark(value: Any) -> Any:
    return {"status": value} if isinstance(value, str) else value


class AttendanceMark(StrictModel):
    """`present`, or a mapping when there is more to say (minutes from Zoom, a note)."""

    status: AttendanceStatus
    minutes: Minutes | None = None
    note: Text | None = None


Mark = Annotated[AttendanceMark, BeforeValidator(_mark)]


class Commitment(StrictModel):
    """An action a participant commits to in the gap after session `session`."""

    email: Email
    session: SessionNumber
    text: Text
    factor: Factor | None = None
    status: CommitmentStatus = "open"
    note: Text | None = None
    reviewed: Date | None = None


class Forgotten(StrictModel):
    """What is left of the people erased from a cohort (`learn participant forget` and
    `purge`): counts without names, so the cohort's figures stay as they were."""

    people: int = Field(0, ge=0)
    #: Session number -> status -> how many erased people had that mark.
    attendance: dict[int, dict[AttendanceStatus, Annotated[int, Field(ge=1)]]] = Field(default_factory=dict)
    #: Commitment status -> how many of the erased people's commitments had it.
    commitments: dict[CommitmentStatus, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    #: The ledger's invoices for erased people: kept, no longer matched to anyone here.
    invoices: list[Code] = Field(default_factory=list)


class Cohort(StrictModel):
    course: Id
    title: Line | None = None
    #: Facilitator ids; when absent, the course's facilitators run the cohort.
    facilitators: list[Id] | None = None
    capacity: Capacity | None = None
    zoom: Zoom | None = None
    sessions: list[Session] = Field(min_length=1)
    participants: list[Participant] = Field(default_factory=list)
    #: Session number -> participant email -> mark.
    attendance: dict[SessionNumber, dict[Email, Mark]] = Field(default_factory=dict)
    commitments: list[Commitment] = Field(default_factory=list)
    notes: Text | None = None
    forgotten: Forgotten | None = None

    _id: str = PrivateAttr(default="")

    @property
    def id(self) -> str:
        """The cohort's id is its file name (`cohorts/<id>.yaml`)."""
        return self._id

    def participant(self, email: str) -> Participant | None:
        """The participant with this address, or who had it before an edit."""
        wanted = email.strip().lower()
        found = next((p for p in self.participants if p.email == wanted), None)
        return found or next((p for p in self.participants if wanted in p.previous_emails), None)

    @property
    def registered(self) -> list[Participant]:
        return [p for p in self.participants if p.active]

    @property
    def waiting_list(self) -> list[Participant]:
        """Who waits for a place, first come first served: by registration date, then
        by their place in the file (a date-less entry waits behind the dated ones)."""
        waiting = [(p.registered or date.max, index, p) for index, p in enumerate(self.participants) if p.waiting]
        return [p for _, _, p in sorted(waiting, key=lambda item: item[:2])]

    @property
    def withdrawn_people(self) -> list[Participant]:
        return [p for p in self.participants if p.has_withdrawn]

    def facilitator_ids(self, course: Course | None) -> list[str]:
        if self.facilitators is not None:
            return list(self.facilitators)
        return list(course.facilitators) if course else []

    def display_title(self, course: Course | None) -> str:
        if self.title:
            return self.title
        return f"{course.title} ({self.id})" if course else self.id

    @property
    def first_date(self) -> date:
        return self.sessions[0].date

    @property
    def last_date(self) -> date:
        # A make-up listed last may meet before the session listed before it.
        return max(s.date for s in self.sessions)
