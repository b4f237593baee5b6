"""Planning a new cohort: its dates, id, title and facilitators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from learncli.domain.schedule import Holidays, ProposedDate, propose_dates
from learncli.models.cohort import Cohort
from learncli.models.course import Config, Course

SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
           6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


@dataclass(frozen=True)
class CohortPlan:
    cohort_id: str
    title: str
    facilitators: list[str]
    capacity: int | None
    dates: list[ProposedDate]


def propose(config: Config, course: Course, start: date, every: int | None) -> list[ProposedDate]:
    """The course's number of sessions, every `every` days (default: the course's rhythm)."""
    step = every or course.scheduling.every_days
    return propose_dates(start, course.session_count, step, Holidays(config.holidays))


def fixed_dates(dates: list[date]) -> list[ProposedDate]:
    return [ProposedDate(number=i, date=d) for i, d in enumerate(dates, start=1)]


def plan_cohort(
    course: Course,
    dates: list[ProposedDate],
    *,
    cohort_id: str | None,
    title: str | None,
    like: Cohort | None,
) -> CohortPlan:
    first = dates[0].date
    season = SEASONS[first.month]
    return CohortPlan(
        cohort_id=cohort_id or f"{first.year}-{season}",
        title=title or f"{course.title} — {season.capitalize()} {first.year}",
        facilitators=like.facilitator_ids(course) if like else list(course.facilitators),
        capacity=like.capacity if like else None,
        dates=dates,
    )
