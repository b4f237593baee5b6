"""`cohorts/<id>.yaml`: one run of a course, its sessions, people, attendance, commitments."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr

from learncli import prose_names
from learncli.models.course import Course
from learncli.models.types import (
    Code,
    Date,
    Email,
    Id,
    Line,
    StrictModel,
    Text,
    Time,
    Url,
)

ParticipantStatus = Literal["registered", "withdrawn"]
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
    status: ParticipantStatus = "registered"
    registered: Date | None = None
    withdrawn: Date | None = None
    #: Other names this person appears under in Zoom reports ("Ann's iPad").
    aliases: list[Line] = Field(default_factory=list)
    notes: Text | None = None

    @property
    def active(self) -> bool:
        return self.status == "registered"

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
    minutes: int | None = Field(None, ge=0)
    note: Text | None = None


Mark = Annotated[AttendanceMark, BeforeValidator(_mark)]


class Commitment(StrictModel):
    """An action a participant commits to in the gap after session `session`."""

    email: Email
    session: int = Field(ge=1)
    text: Text
    factor: Factor | None = None
    status: CommitmentStatus = "open"
    note: Text | None = None
    reviewed: Date | None = None


class Cohort(StrictModel):
    course: Id
    title: Line | None = None
    #: Facilitator ids; when absent, the course's facilitators run the cohort.
    facilitators: list[Id] | None = None
    capacity: int | None = Field(None, ge=1)
    zoom: Zoom | None = None
    sessions: list[Session] = Field(min_length=1)
    participants: list[Participant] = Field(default_factory=list)
    #: Session number -> participant email -> mark.
    attendance: dict[int, dict[Email, Mark]] = Field(default_factory=dict)
    commitments: list[Commitment] = Field(default_factory=list)
    notes: Text | None = None

    _id: str = PrivateAttr(default="")

    @property
    def id(self) -> str:
        """The cohort's id is its file name (`cohorts/<id>.yaml`)."""
        return self._id

    def participant(self, email: str) -> Participant | None:
        wanted = email.strip().lower()
        return next((p for p in self.participants if p.email == wanted), None)

    @property
    def registered(self) -> list[Participant]:
        return [p for p in self.participants if p.active]

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
        return self.sessions[-1].date
