"""Finding what the command line names, with a helpful message when it is not there."""

from __future__ import annotations

import difflib

from learncli.errors import NotFound
from learncli.models.cohort import Cohort, Participant
from learncli.models.course import Config, Course


def _suggest(wanted: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"known: {', '.join(known)}" if known else None


def find_course(config: Config, course_id: str) -> Course:
    course = config.course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r} in courses.yaml", hint=_suggest(course_id, [c.id for c in config.courses]))
    return course


def find_participant(cohort: Cohort, email: str) -> Participant:
    person = cohort.participant(email)
    if person is None:
        raise NotFound(
            f"{email} is not a participant of {cohort.id}",
            hint=_suggest(email.strip().lower(), [p.email for p in cohort.participants]),
        )
    return person


def find_session(cohort: Cohort, number: int) -> int:
    """Check a session number against the cohort; returns its 0-based index."""
    if not 1 <= number <= len(cohort.sessions):
        raise NotFound(f"{cohort.id} has sessions 1 to {len(cohort.sessions)}; there is no session {number}")
    return number - 1
