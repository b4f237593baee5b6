"""`calendar-state/<cohort>.yaml`: what each exported calendar event last looked like.

Kept by `learn calendar export`, not by people, one file per cohort. For every session it
has exported, the event's UID, its SEQUENCE and a fingerprint of everything attendees
see; the next export compares against it to decide whether the SEQUENCE must rise.
Folders from before kept every cohort in one `calendar-state.yaml` (`CalendarState`),
which is still read for a cohort that has no file of its own yet.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from learncli.models.types import Id, Line, StrictModel

#: RFC 5545 makes SEQUENCE a 32-bit integer, and calendar libraries refuse more.
MAX_SEQUENCE = 2_147_483_647
SequenceNumber = Annotated[int, Field(ge=0, le=MAX_SEQUENCE)]


class SessionRecord(StrictModel):
    """One session's event as last exported."""

    uid: Line
    sequence: SequenceNumber
    fingerprint: Line
    #: For people reading a git diff: the session's date and times when it was exported.
    when: Line | None = None
    #: Withdrawn participants whose cancellation of this session was written (RFC 5546
    #: uninvites one attendee with a CANCEL that carries no STATUS), each with the
    #: SEQUENCE it carried: above the invitation they had, and below any later change.
    uninvited: dict[Line, SequenceNumber] = Field(default_factory=dict)

    @property
    def highest(self) -> int:
        """The highest SEQUENCE any file about this event has carried so far."""
        return max([self.sequence, *self.uninvited.values()])


class CohortCalendarState(StrictModel):
    """`calendar-state/<cohort>.yaml`: one cohort's sessions."""

    version: Literal[1] = 1
    #: Session number -> record.
    sessions: dict[int, SessionRecord] = Field(default_factory=dict)


class CalendarState(StrictModel):
    """The older `calendar-state.yaml`, every cohort in one file (read, no longer written)."""

    version: Literal[1] = 1
    #: Cohort id -> session number -> record.
    cohorts: dict[Id, dict[int, SessionRecord]] = Field(default_factory=dict)
