"""`calendar-state/<cohort>.yaml`: what each exported calendar event last looked like.

Kept by `learn calendar export`, not by people, one file per cohort. For every session it
has exported, the event's UID, its SEQUENCE and a fingerprint of everything attendees
see; the next export compares against it to decide whether the SEQUENCE must rise.
Folders from before kept every cohort in one `calendar-state.yaml` (`CalendarState`),
which is still read for a cohort that has no file of its own yet.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from learncli.models.types import Id, Line, StrictModel

#: RFC 5545 makes SEQUENCE a 32-bit integer, and calendar libraries refuse more.
MAX_SEQUENCE = 2_147_483_647


class SessionRecord(StrictModel):
    """One session's event as last exported."""

    uid: Line
    sequence: int = Field(ge=0, le=MAX_SEQUENCE)
    fingerprint: Line
    #: For people reading a git diff: the session's date and times when it was exported.
    when: Line | None = None


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
