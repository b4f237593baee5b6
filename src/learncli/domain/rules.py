"""The rules `learn validate` checks across files. Pure: models and positions in, diagnostics out."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from learncli.diagnostics import Diagnostic
from learncli.domain.billing import check_split
from learncli.domain.schedule import Holidays, clock_changes, fmt_day, holiday_region_problem, session_times
from learncli.models.cohort import Cohort
from learncli.models.course import Config, Course

if TYPE_CHECKING:
    from learncli.positions import Positions


@dataclass
class CohortInput:
    """A cohort as the rules see it: its id, model and where its values are in the file."""

    id: str
    cohort: Cohort
    source: Positions


@dataclass
class Checker:
    """Collects diagnostics with positions taken from a file (`Positions`)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def at(self, source: Positions, loc: tuple[Any, ...], code: str, message: str, *, key: bool = False) -> None:
        line, col = source.mark(loc, key=key)
        self.diagnostics.append(Diagnostic.make(code, message, source.path, line, col))


def check_config(config: Config, source: Positions) -> list[Diagnostic]:
    """Rules inside `courses.yaml`: unique ids, known facilitators, a known holiday region."""
    check = Checker()
    for kind, items in (("facilitator", config.facilitators), ("course", config.courses)):
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in seen:
                check.at(source, (kind + "s", index, "id"), "R005", f"{kind} id {item.id!r} is used twice (first as {kind} #{seen[item.id] + 1})")
            seen.setdefault(item.id, index)
    known = {f.id for f in config.facilitators}
    for c_index, course in enumerate(config.courses):
        for f_index, fid in enumerate(course.facilitators):
            if fid not in known:
                check.at(source, ("courses", c_index, "facilitators", f_index), "R002", f"course {course.id!r} names facilitator {fid!r}, who is not in facilitators")
    problem = holiday_region_problem(config.holidays)
    if problem:
        check.at(source, ("holidays", "subdivision" if "region" in problem else "country"), "F003", f"holidays: {problem}")
    return check.diagnostics


def check_cohort(item: CohortInput, config: Config, today: date) -> list[Diagnostic]:
    """Every rule that concerns one cohort on its own."""
    check = Checker()
    cohort, source = item.cohort, item.source
    course = config.course(cohort.course)
    if course is None:
        known = ", ".join(c.id for c in config.courses) or "none defined"
        check.at(source, ("course",), "R001", f"course {cohort.course!r} is not in courses.yaml (courses: {known})")
    known_facilitators = {f.id for f in config.facilitators}
    for index, fid in enumerate(cohort.facilitators or []):
        if fid not in known_facilitators:
            check.at(source, ("facilitators", index), "R002", f"facilitator {fid!r} is not in courses.yaml")
    _check_schedule(check, item, config, course)
    _check_people(check, item, course)
    _check_attendance(check, item, today)
    _check_retention(check, item, config, today)
    return check.diagnostics


def _check_schedule(check: Checker, item: CohortInput, config: Config, course: Course | None) -> None:
    cohort, source = item.cohort, item.source
    times = session_times(cohort, course, config.timezone)
    active = [t for t in times if not t.cancelled]
    if course is not None:
        expected = course.session_count
        made_up = {t.session.makes_up for t in active}
        missing = [t.number for t in times if t.cancelled and t.session.makes_up is None and t.number not in made_up]
        if len(active) < expected and not missing:
            check.at(source, ("sessions",), "D001", f"{len(active)} session(s) scheduled; {course.title} has {expected}")
        elif len(active) < expected:
            check.at(
                source,
                ("sessions",),
                "D011",
                f"session {_numbers(missing)} cancelled and not made up: {len(active)} of {expected} will run "
                f"(learn cohort add-session ... --makes-up N adds a make-up)",
            )
        elif len(active) > expected:
            check.at(
                source,
                ("sessions",),
                "D012",
                f"{len(active)} sessions will run; {course.title} has {expected}, so {len(active) - expected} is an extra "
                "(a session that replaces a cancelled one says which with makes_up)",
            )
    _check_make_ups(check, item)

    holidays = Holidays(config.holidays)
    for t in times:
        loc = ("sessions", t.number - 1, "date")
        if t.end <= t.start:
            check.at(source, ("sessions", t.number - 1), "D010", f"session {t.number} ends ({t.end:%H:%M}) before it starts ({t.start:%H:%M})")
        if t.cancelled:
            continue
        if t.date.weekday() >= 5:
            check.at(source, loc, "D003", f"session {t.number} is on {fmt_day(t.date)}, a {t.date:%A}")
        name = holidays.name(t.date)
        if name:
            check.at(source, loc, "D004", f"session {t.number} is on {fmt_day(t.date)}, a public holiday ({name})")

    # The planned sessions meet in the order they are listed; make-ups are placed by date.
    planned = sorted((t for t in times if t.session.makes_up is None), key=lambda t: t.number)
    for previous, current in zip(planned, planned[1:]):
        if current.date <= previous.date:
            check.at(
                source,
                ("sessions", current.number - 1, "date"),
                "D002",
                f"session {current.number} ({fmt_day(current.date)}) is not after session {previous.number} ({fmt_day(previous.date)})",
            )

    if course is None or len(active) < 2:
        return
    rules = course.scheduling
    for previous, current in zip(active, active[1:]):
        gap = (current.date - previous.date).days
        if 0 < gap < rules.min_gap_days:
            check.at(
                source,
                ("sessions", current.number - 1, "date"),
                "D005",
                f"session {current.number} is {gap} day(s) after session {previous.number}; the course asks for at least {rules.min_gap_days}",
            )
    span = (active[-1].date - active[0].date).days
    if span > rules.max_span_days:
        check.at(source, ("sessions",), "D006", f"the sessions span {span} days; the course allows at most {rules.max_span_days}")

    weekdays = Counter(t.date.weekday() for t in active)
    usual = _usual_weekday(rules.weekday, weekdays)
    if usual is not None:
        for t in active:
            if t.date.weekday() != usual:
                check.at(
                    source,
                    ("sessions", t.number - 1, "date"),
                    "D007",
                    f"session {t.number} is on {fmt_day(t.date)}, a {t.date:%A}; the others are on {_weekday_plural(usual)}",
                )

    changes = clock_changes(config.timezone, active[0].date, active[-1].date)
    if changes and len({t.start.utcoffset() for t in active}) > 1:
        when = ", ".join(fmt_day(day) for day in changes[:4])
        if len(changes) > 4:
            when += f" and {len(changes) - 4} more times"
        local = active[0].start.strftime("%H:%M")
        check.at(
            source,
            ("sessions",),
            "D008",
            f"the clocks change on {when} during this cohort: sessions stay at {local} {config.timezone} time, so their UTC time moves",
        )


def _check_make_ups(check: Checker, item: CohortInput) -> None:
    """A make-up (`makes_up: N`) replaces a cancelled session N that no other make-up
    replaces; it meets after N, and not on the day of another session of the cohort."""
    cohort, source = item.cohort, item.source
    sessions = cohort.sessions
    replaced_by: dict[int, int] = {}
    for number, session in enumerate(sessions, start=1):
        target = session.makes_up
        if target is None:
            continue
        loc = ("sessions", number - 1, "makes_up")
        if target == number or target > len(sessions):
            why = "a session cannot make up itself" if target == number else f"the cohort has sessions 1 to {len(sessions)}"
            check.at(source, loc, "D013", f"session {number} makes up session {target}, but {why}")
            continue
        original = sessions[target - 1]
        if original.makes_up is not None:
            check.at(source, loc, "D013", f"session {number} makes up session {target}, itself a make-up; name the session both replace ({original.makes_up})")
            continue
        if not original.cancelled:
            check.at(source, loc, "D013", f"session {number} makes up session {target}, which is not cancelled")
            continue
        if session.cancelled:
            continue  # a cancelled make-up replaces nothing; another may take its place
        if target in replaced_by:
            check.at(source, loc, "D013", f"session {number} makes up session {target}, which session {replaced_by[target]} already makes up")
            continue
        replaced_by[target] = number
        if session.date <= original.date:
            check.at(
                source,
                ("sessions", number - 1, "date"),
                "D013",
                f"session {number} ({fmt_day(session.date)}) makes up session {target} but does not come after it ({fmt_day(original.date)}); "
                "to hold a session earlier, reschedule it",
            )
        same_day = [n for n, other in enumerate(sessions, start=1) if n != number and not other.cancelled and other.date == session.date]
        if same_day:
            check.at(source, ("sessions", number - 1, "date"), "D013", f"session {number} is on {fmt_day(session.date)}, the day of session {same_day[0]}")


def _numbers(numbers: list[int]) -> str:
    """`3`, `3 and 5`, `2, 3 and 5`."""
    text = [str(n) for n in numbers]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " and " + text[-1]


def _usual_weekday(configured: str | None, weekdays: Counter[int]) -> int | None:
    from learncli.models.course import WEEKDAYS

    if configured:
        return WEEKDAYS.index(configured)
    if len(weekdays) < 2:
        return None
    (top, top_count), (_, second_count) = weekdays.most_common(2)
    return top if top_count > second_count and top_count > sum(weekdays.values()) / 2 else None


def _weekday_plural(weekday: int) -> str:
    return ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"][weekday]


def _check_people(check: Checker, item: CohortInput, course: Course | None) -> None:
    cohort, source = item.cohort, item.source
    first: dict[str, int] = {}
    for index, person in enumerate(cohort.participants):
        if person.email in first:
            check.at(
                source,
                ("participants", index, "email"),
                "P001",
                f"{person.email} is listed twice (also participant #{first[person.email] + 1}); each person needs one entry",
            )
        first.setdefault(person.email, index)
        if person.split and course is not None:
            problem = check_split(person, course)
            if problem:
                check.at(source, ("participants", index, "split"), "P004", problem, key=True)
    capacity = cohort.capacity or (course.capacity if course else None)
    registered = len(cohort.registered)
    if capacity and registered > capacity:
        check.at(source, ("participants",), "P002", f"{registered} participants registered; capacity is {capacity}")


def _check_retention(check: Checker, item: CohortInput, config: Config, today: date) -> None:
    from learncli.domain.privacy import people_kept_until, retention_cutoff

    cohort = item.cohort
    if not (cohort.participants or cohort.attendance or cohort.commitments):
        return
    until = people_kept_until(cohort, config.retention)
    if until < today:
        check.at(
            item.source, ("participants",) if cohort.participants else (), "P003",
            f"{item.id} finished on {fmt_day(cohort.last_date)}; its people were to be kept until {fmt_day(until)}: "
            f"`learn participant purge --before {retention_cutoff(today, config.retention).isoformat()}` erases them (the ledger keeps its invoices)",
        )


def _check_attendance(check: Checker, item: CohortInput, today: date) -> None:
    cohort, source = item.cohort, item.source
    count = len(cohort.sessions)
    emails = {p.email for p in cohort.participants}
    for session, marks in cohort.attendance.items():
        if not 1 <= session <= count:
            check.at(source, ("attendance", session), "A001", f"attendance for session {session}, but the cohort has sessions 1 to {count}", key=True)
            continue
        for email in marks:
            if email not in emails:
                check.at(source, ("attendance", session, email), "A002", f"attendance for {email}, who is not a participant of this cohort", key=True)
    for number, session in enumerate(cohort.sessions, start=1):
        marks = cohort.attendance.get(number) or {}
        taken = [email for email, mark in marks.items() if mark.status != "excused"]
        if taken and (session.cancelled or session.date > today):
            why = "is cancelled" if session.cancelled else f"has not happened yet ({fmt_day(session.date)})"
            check.at(source, ("attendance", number), "A004", f"attendance recorded for session {number}, which {why}; only 'excused' can be known in advance", key=True)
        if session.cancelled or session.date >= today:
            continue
        if not marks and cohort.registered:
            check.at(source, ("sessions", number - 1, "date"), "A003", f"session {number} ({fmt_day(session.date)}) has passed with no attendance recorded")
    first_of: dict[tuple[str, int], int] = {}
    for index, commitment in enumerate(cohort.commitments):
        if not 1 <= commitment.session <= count:
            check.at(source, ("commitments", index, "session"), "C001", f"commitment after session {commitment.session}, but the cohort has sessions 1 to {count}")
        if commitment.email not in emails:
            check.at(source, ("commitments", index, "email"), "C002", f"commitment for {commitment.email}, who is not a participant of this cohort")
        key = (commitment.email, commitment.session)
        if key in first_of:
            check.at(
                source,
                ("commitments", index, "session"),
                "C003",
                f"{commitment.email} has a second commitment after session {commitment.session} (the first is commitment #{first_of[key] + 1}); keep one per gap so the review knows which",
            )
        first_of.setdefault(key, index)


def overlap_positions(cohort: Cohort) -> list[tuple[Any, ...]]:
    """Where `check_facilitator_overlaps` may point in a cohort's file: its sessions' dates."""
    return [("sessions", index, "date") for index in range(len(cohort.sessions))]


def check_facilitator_overlaps(items: list[CohortInput], config: Config) -> list[Diagnostic]:
    """A facilitator cannot run two sessions of different cohorts at the same time."""
    check = Checker()
    booked: dict[tuple[str, date], list[tuple[datetime, datetime, CohortInput, int]]] = defaultdict(list)
    for item in items:
        course = config.course(item.cohort.course)
        for t in session_times(item.cohort, course, config.timezone):
            if t.cancelled:
                continue
            for fid in item.cohort.facilitator_ids(course):
                for start, end, other, number in booked[(fid, t.date)]:
                    if other.id != item.id and start < t.end and t.start < end:
                        person = config.facilitator(fid)
                        name = person.name if person else fid
                        when = fmt_day(t.date)
                        # Reported in both files: either cohort may be the one to move.
                        check.at(
                            item.source,
                            ("sessions", t.number - 1, "date"),
                            "D009",
                            f"{name} is booked into session {t.number} here and session {number} of {other.id} at the same time ({when})",
                        )
                        check.at(
                            other.source,
                            ("sessions", number - 1, "date"),
                            "D009",
                            f"{name} is booked into session {number} here and session {t.number} of {item.id} at the same time ({when})",
                        )
                booked[(fid, t.date)].append((t.start, t.end, item, t.number))
    return check.diagnostics


@dataclass(frozen=True, slots=True)
class Booking:
    """One facilitator in one session: what a double booking is checked against."""

    cohort: str
    number: int
    facilitator: str
    start: datetime
    end: datetime


def bookings(cohort_id: str, cohort: Cohort, config: Config) -> list[Booking]:
    """Every (facilitator, session) of a cohort that will run."""
    course = config.course(cohort.course)
    facilitators = cohort.facilitator_ids(course)
    return [
        Booking(cohort_id, t.number, fid, t.start, t.end)
        for t in session_times(cohort, course, config.timezone)
        if not t.cancelled
        for fid in facilitators
    ]


def check_against_bookings(item: CohortInput, config: Config, others: list[Booking]) -> list[Diagnostic]:
    """Double bookings of `item`'s facilitators against other cohorts' sessions, reported
    in `item`'s file only (what a command changing one cohort needs to know)."""
    check = Checker()
    booked: dict[tuple[str, date], list[Booking]] = defaultdict(list)
    for booking in others:
        if booking.cohort != item.id:
            booked[(booking.facilitator, booking.start.date())].append(booking)
    for mine in bookings(item.id, item.cohort, config):
        for other in booked.get((mine.facilitator, mine.start.date()), []):
            if other.start < mine.end and mine.start < other.end:
                person = config.facilitator(mine.facilitator)
                name = person.name if person else mine.facilitator
                check.at(
                    item.source,
                    ("sessions", mine.number - 1, "date"),
                    "D009",
                    f"{name} is booked into session {mine.number} here and session {other.number} of {other.cohort} "
                    f"at the same time ({fmt_day(mine.start.date())})",
                )
    return check.diagnostics
