"""Session dates and times: resolving them in the course's zone, holidays, proposing dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from learncli.errors import Refused
from learncli.limits import MAX_DATE, date_problem
from learncli.models.cohort import Cohort, Session
from learncli.models.course import Course, HolidayRules


@dataclass(frozen=True, slots=True)
class SessionTimes:
    """A session's number, theme and zone-aware start and end, resolved from its course."""

    number: int
    session: Session
    theme: str | None
    start: datetime
    end: datetime

    @property
    def date(self) -> date:
        return self.session.date

    @property
    def cancelled(self) -> bool:
        return self.session.cancelled


def session_times(cohort: Cohort, course: Course | None, zone_name: str) -> list[SessionTimes]:
    """Every session of `cohort` with per-session overrides applied, in the order they
    meet (`meeting_order`); find one by its number with `by_number`.

    A make-up session without a theme of its own has the theme of the session it makes up.
    """
    zone = ZoneInfo(zone_name)
    themes = course.themes if course else []

    def theme_of(number: int) -> str | None:
        session = cohort.sessions[number - 1]
        if session.theme:
            return session.theme
        if session.makes_up is not None and session.makes_up != number and 1 <= session.makes_up <= len(cohort.sessions):
            made_up = cohort.sessions[session.makes_up - 1]
            if made_up.makes_up is None:  # not a chain of make-ups (validate reports one)
                return theme_of(session.makes_up)
        return themes[number - 1] if number <= len(themes) else None

    out = []
    for number in meeting_order(cohort):
        session = cohort.sessions[number - 1]
        start: time = session.start or (course.start if course else time(9, 30))
        end: time = session.end or (course.end if course else time(12, 30))
        out.append(
            SessionTimes(
                number=number,
                session=session,
                theme=theme_of(number),
                start=datetime.combine(session.date, start, tzinfo=zone),
                end=datetime.combine(session.date, end, tzinfo=zone),
            )
        )
    return out


def meeting_order(cohort: Cohort) -> list[int]:
    """Session numbers in the order the sessions meet.

    The planned sessions keep the order of the list (validate checks that their dates
    increase); a make-up session, appended at the end of the list, takes its place after
    the last session that meets on or before its day. Everything that speaks of the
    "previous" or "next" session goes by this order, not by the numbers.
    """
    order = [n for n, s in enumerate(cohort.sessions, start=1) if s.makes_up is None]
    for number, session in enumerate(cohort.sessions, start=1):
        if session.makes_up is None:
            continue
        at = len(order)
        while at and cohort.sessions[order[at - 1] - 1].date > session.date:
            at -= 1
        order.insert(at, number)
    return order


def planned_count(cohort: Cohort) -> int:
    """How many sessions the cohort has, make-ups aside: the N in "session 4 of N"."""
    return sum(1 for s in cohort.sessions if s.makes_up is None)


def by_number(times: list[SessionTimes], number: int) -> SessionTimes:
    """The session numbered `number` among `times` (which are in meeting order)."""
    return next(t for t in times if t.number == number)


def next_session(times: list[SessionTimes], today: date) -> SessionTimes | None:
    """The first session on or after `today` that is not cancelled."""
    return next((t for t in times if t.date >= today and not t.cancelled), None)


class Holidays:
    """Public holidays of one region plus the organisation's own closures."""

    def __init__(self, rules: HolidayRules) -> None:
        self.rules = rules
        self._extra = {h.date: h.name for h in rules.extra}

    def name(self, day: date) -> str | None:
        """The holiday's name if `day` is one, else None."""
        if day in self._extra:
            return self._extra[day]
        table = _country_table(self.rules.country, self.rules.subdivision, day.year)
        return table.get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.name(day) is None


@lru_cache(maxsize=64)
def _country_table(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    import holidays  # ~100 ms to import; only the commands that need it pay

    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        return {}
    return {day: name for day, name in table.items()}


def holiday_region_problem(rules: HolidayRules) -> str | None:
    """Why the configured country/region is unknown to the holidays package, if it is."""
    import holidays

    supported = holidays.list_supported_countries()
    if rules.country not in supported:
        return f"the holidays package knows no country {rules.country!r}"
    if rules.subdivision and rules.subdivision not in supported[rules.country]:
        choices = ", ".join(supported[rules.country]) or "none"
        return f"{rules.country} has no region {rules.subdivision!r} (choose from: {choices})"
    return None


@dataclass(frozen=True, slots=True)
class ProposedDate:
    number: int
    date: date
    #: Why the date moved from the regular rhythm, if it did.
    moved_from: date | None = None
    reason: str | None = None


def propose_dates(start: date, count: int, every_days: int, holidays: Holidays) -> list[ProposedDate]:
    """`count` dates `every_days` apart from `start`.

    A date on a weekend or holiday moves to the next working day; the later dates keep
    the original rhythm (moving one session does not shift the rest).
    """
    if date_problem(start) or every_days * (count - 1) >= (MAX_DATE - start).days:
        raise Refused(f"sessions every {every_days} days from {start.isoformat()} would run past {MAX_DATE.isoformat()}, the last date learn works with")
    out: list[ProposedDate] = []
    previous: date | None = None
    for index in range(count):
        planned = start + timedelta(days=every_days * index)
        day = planned
        reasons: list[str] = []
        while not holidays.is_working_day(day) or (previous is not None and day <= previous):
            name = holidays.name(day)
            if name:
                reasons.append(name)
            elif day.weekday() >= 5 and "weekend" not in reasons:
                reasons.append("weekend")
            day += timedelta(days=1)
        previous = day
        out.append(
            ProposedDate(
                number=index + 1,
                date=day,
                moved_from=planned if day != planned else None,
                reason="; ".join(reasons) if reasons else None,
            )
        )
    return out


def parse_date_list(text: str) -> list[date]:
    """`2027-04-13,2027-04-27` -> dates; raises ValueError naming the bad one."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            day = date.fromisoformat(part)
        except ValueError:
            raise ValueError(f"{part!r} is not a date (YYYY-MM-DD)") from None
        problem = date_problem(day)
        if problem:
            raise ValueError(problem)
        out.append(day)
    return out


def clock_changes(zone_name: str, first: date, last: date) -> list[date]:
    """Days between `first` and `last` on which the zone's UTC offset changes."""
    zone = ZoneInfo(zone_name)

    def offset(day: date) -> timedelta | None:
        return datetime.combine(day, time(12), tzinfo=zone).utcoffset()

    # A week at a time, looking inside a week only when the offset moved across it: zones
    # change at most twice a year, so a cohort spanning decades costs a few thousand steps.
    changes = []
    start, previous = first, offset(first)
    while start < last:
        end = min(start + timedelta(days=7), last)
        if offset(end) != previous:
            day = start + timedelta(days=1)
            while day <= end:
                now = offset(day)
                if now != previous:
                    changes.append(day)
                    previous = now
                day += timedelta(days=1)
        start = end
    return changes


def fmt_day(day: date) -> str:
    """`Tue 14 Apr 2026`: how dates are shown to people."""
    return f"{day:%a} {day.day} {day:%b %Y}"
