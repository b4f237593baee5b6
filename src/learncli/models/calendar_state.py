"""`calendar-state.yaml`: what each exported calendar event last looked like.

Kept by `learn calendar export`, not by people. For every session it has exported, the
event's UID, its SEQUENCE and a fingerprint of everything attendees see; the next export
compares against it to decide whether the SEQUENCE must rise.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from learncli.models.types import Id, Line, StrictModel


class SessionRecord(StrictModel):
    """One session's event as last exported."""

    uid: Line
    sequence: int = Field(ge=0)
    fingerprint: Line
    #: For people reading a git diff: the session's date and times when it was exported.
    when: Line | None = None


class CalendarState(StrictModel):
    version: Literal[1] = 1
    #: Cohort id -> session number -> record.
    cohorts: dict[Id, dict[int, SessionRecord]] = Field(default_factory=dict)
