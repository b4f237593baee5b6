"""Attendance: marks from a Zoom report, and the grid of who came to which session.

Pure: models in, plans and summaries out. The course expects every participant at every
session, so the grid names everyone who missed one (absent, excused or unmarked).

A mark that carries `minutes` came from a Zoom report; a mark without them was set by a
person (`learn attend mark` or by hand). Importing a report replaces earlier imported
marks, fills in missing ones, and keeps marks set by a person unless told to replace them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

from learncli.domain.matching import Matcher, words
from learncli.domain.schedule import SessionTimes, session_times
from learncli.domain.zoom import ZoomReport, ZoomRow
from learncli.models.cohort import ATTENDED, AttendanceMark, Cohort, Participant
from learncli.models.course import AttendanceRules, Config, Course

#: One character per status, for the grid.
SYMBOLS: dict[str, str] = {
    "present": "✓",
    "late": "L",
    "left-early": "E",
    "absent": "✗",
    "excused": "x",
}
NO_MARK = "?"


# --- from a report to marks -------------------------------------------------------


@dataclass
class Seen:
    """One participant as the report shows them (all their joins merged)."""

    email: str
    name: str
    matched_by: str  # email, alias or name
    lines: list[int]
    joined: datetime | None
    left: datetime | None
    minutes: int
    status: str


@dataclass
class Unmatched:
    """Rows that belong to nobody in the cohort (one entry per name and email)."""

    name: str
    email: str | None
    lines: list[int]
    guest: bool | None
    minutes: int
    reason: str | None = None


@dataclass
class FacilitatorRows:
    id: str
    name: str
    lines: list[int]


@dataclass
class Kept:
    """A mark set by a person that the import left alone."""

    email: str
    name: str
    status: str
    report_status: str


@dataclass
class ImportPlan:
    session: SessionTimes
    #: What to write: participant email -> {"status": ..., "minutes": ..., "note": ...}.
    marks: dict[str, dict[str, object]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    #: Registered participants the report does not show (marked absent unless kept).
    missing: list[Participant] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    #: Withdrawn participants who still joined: reported, not marked.
    withdrawn: list[Seen] = field(default_factory=list)
    facilitators: list[FacilitatorRows] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Union of intervals: rejoins and a second device at the same time count once."""
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def judge(seconds: float, joined: datetime | None, left: datetime | None, session: SessionTimes, rules: AttendanceRules) -> str:
    """The status for time spent inside the session window.

    Absent under `absent_below` of the session (or no time at all); late when the first
    moment inside came more than `late_after_minutes` after the start; left early when the
    last was more than `left_early_minutes` before the end. Both: whichever cost more time.
    """
    length = (session.end - session.start).total_seconds()
    if seconds <= 0 or Fraction(round(seconds)) < rules.absent_below * Fraction(round(length)):
        return "absent"
    late_by = (joined - session.start) if joined is not None else timedelta(0)
    early_by = (session.end - left) if left is not None else timedelta(0)
    late = late_by > timedelta(minutes=rules.late_after_minutes)
    early = early_by > timedelta(minutes=rules.left_early_minutes)
    if late and early:
        return "late" if late_by >= early_by else "left-early"
    if late:
        return "late"
    if early:
        return "left-early"
    return "present"


def build_matcher(cohort: Cohort, config: Config, extra_aliases: dict[str, str] | None = None) -> Matcher:
    """Participants by email, aliases and name; facilitators as `facilitator:<id>`."""
    extra: dict[str, list[str]] = {}
    for alias, email in (extra_aliases or {}).items():
        extra.setdefault(email.strip().lower(), []).append(alias)
    matcher = Matcher()
    for person in cohort.participants:
        matcher.add(person.email, emails=[person.email], aliases=[*person.aliases, *extra.get(person.email, [])], names=[person.name, *([person.display_name] if person.display_name else [])])
    for facilitator in config.facilitators:
        matcher.add(
            f"facilitator:{facilitator.id}",
            emails=[facilitator.email],
            aliases=[*facilitator.aliases, *extra.get(facilitator.email, [])],
            names=[facilitator.name],
        )
    return matcher


def plan_import(
    report: ZoomReport,
    cohort: Cohort,
    config: Config,
    session: SessionTimes,
    rules: AttendanceRules,
    *,
    extra_aliases: dict[str, str] | None = None,
    replace: bool = False,
) -> ImportPlan:
    """Match every row of `report` and work out each registered participant's mark."""
    plan = ImportPlan(session=session)
    matcher = build_matcher(cohort, config, extra_aliases)
    by_key: dict[str, list[ZoomRow]] = {}
    how: dict[str, str] = {}
    unmatched: dict[tuple[tuple[str, ...], str | None], Unmatched] = {}
    # The rows of each unmatched group, gathered as they are met: one pass over the report.
    unmatched_rows: dict[tuple[tuple[str, ...], str | None], list[ZoomRow]] = {}
    for row in report.rows:
        found, reason = matcher.match(row.name, row.email)
        if found is None:
            group_key = (words(row.name), row.email)
            entry = unmatched.get(group_key)
            if entry is None:
                entry = unmatched[group_key] = Unmatched(row.name, row.email, [], row.guest, 0, reason)
            entry.lines.append(row.line)
            unmatched_rows.setdefault(group_key, []).append(row)
            continue
        by_key.setdefault(found.key, []).append(row)
        how.setdefault(found.key, found.by)

    for group_key, group in unmatched.items():
        seconds, _, _ = _rows_time(unmatched_rows[group_key], session, report.unique_users)
        group.minutes = round(seconds / 60)
    plan.unmatched = sorted(unmatched.values(), key=lambda u: u.lines[0])

    for key, rows in by_key.items():
        if key.startswith("facilitator:"):
            fid = key.removeprefix("facilitator:")
            person = config.facilitator(fid)
            plan.facilitators.append(FacilitatorRows(fid, person.name if person else fid, [r.line for r in rows]))

    existing = cohort.attendance.get(session.number, {})
    for person in cohort.participants:
        rows = by_key.get(person.email)
        if rows is None:
            if person.active:
                plan.missing.append(person)
                _decide(plan, person, existing.get(person.email), "absent", 0, replace)
            continue
        seconds, joined, left = _rows_time(rows, session, report.unique_users)
        status = judge(seconds, joined, left, session, rules)
        seen = Seen(person.email, person.name, how[person.email], [r.line for r in rows], joined, left, round(seconds / 60), status)
        if not person.active:
            plan.withdrawn.append(seen)
            continue
        plan.seen.append(seen)
        _decide(plan, person, existing.get(person.email), status, seen.minutes, replace)
    return plan


def _rows_time(rows: list[ZoomRow], session: SessionTimes, unique: bool) -> tuple[float, datetime | None, datetime | None]:
    timed = [r for r in rows if r.join is not None and r.leave is not None and not r.waiting_room]
    if any(r.join is not None for r in rows):
        clipped = [(max(r.join, session.start), min(r.leave, session.end)) for r in timed]  # type: ignore[type-var]
        merged = _merge([(a, b) for a, b in clipped if b > a])
        if not merged:
            return 0.0, None, None
        seconds = sum((b - a).total_seconds() for a, b in merged)
        if unique:
            # Unique-users form: join and leave are the first and the last; the total
            # says how much of the time in between the person was actually there.
            totals = [r.duration for r in timed if r.duration is not None]
            if totals:
                seconds = min(seconds, 60.0 * sum(totals))
        return seconds, merged[0][0], merged[-1][1]
    length = (session.end - session.start).total_seconds()
    total = sum(r.duration or 0 for r in rows if not r.waiting_room)
    return min(60.0 * total, length), None, None


def _decide(plan: ImportPlan, person: Participant, old: AttendanceMark | None, status: str, minutes: int, replace: bool) -> None:
    if old is not None and old.minutes is None and not replace:
        if old.status != status:
            plan.kept.append(Kept(person.email, person.name, old.status, status))
        return
    value: dict[str, object] = {"status": status, "minutes": minutes}
    if old is not None and old.note:
        value["note"] = old.note
    plan.marks[person.email] = value


# --- the grid ----------------------------------------------------------------------


@dataclass
class SessionColumn:
    number: int
    date: date
    theme: str | None
    cancelled: bool
    #: Some attendance is recorded for it.
    recorded: bool
    #: Counted in the rates: not cancelled, and recorded.
    counted: bool
    #: Past, not cancelled, and nothing recorded: a gap in the record.
    unrecorded: bool
    #: The cancelled session this one makes up, if it is a make-up.
    makes_up: int | None = None
    #: Marks of people erased since (`forgotten:` in the cohort file): status -> how many.
    erased: dict[str, int] = field(default_factory=dict)


@dataclass
class Missed:
    session: int
    #: absent, excused, or None when the person has no mark for a recorded session.
    status: str | None


@dataclass
class PersonRow:
    email: str
    name: str
    #: One entry per session, in order; None where there is no mark.
    marks: list[AttendanceMark | None]
    attended: int
    excused: int
    #: Sessions counted for this person (recorded, not cancelled).
    counted: int
    #: Attended over counted sessions not excused, in percent; None if nothing counts yet.
    rate: int | None
    missed: list[Missed]


@dataclass
class AttendanceGrid:
    cohort: str
    sessions: list[SessionColumn]
    people: list[PersonRow]
    #: The cohort's rate over everyone's counted sessions (excused ones left out).
    rate: int | None

    @property
    def missed_someone(self) -> list[PersonRow]:
        return [p for p in self.people if p.missed]

    @property
    def unrecorded(self) -> list[int]:
        return [s.number for s in self.sessions if s.unrecorded]


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def attendance_grid(cohort: Cohort, course: Course | None, zone: str, today: date) -> AttendanceGrid:
    """Registered participants x sessions, with each person's rate and missed sessions."""
    times = session_times(cohort, course, zone)
    erased = cohort.forgotten.attendance if cohort.forgotten is not None else {}
    columns = []
    for t in times:
        recorded = bool(cohort.attendance.get(t.number)) or bool(erased.get(t.number))
        columns.append(
            SessionColumn(
                number=t.number,
                date=t.date,
                theme=t.theme,
                cancelled=t.cancelled,
                recorded=recorded,
                counted=recorded and not t.cancelled,
                unrecorded=not recorded and not t.cancelled and t.date < today,
                makes_up=t.session.makes_up,
                erased=dict(erased.get(t.number, {})),
            )
        )
    people = []
    # The erased people's marks still count in the cohort's rate, without their rows.
    total_attended = sum(n for c in columns if c.counted for status, n in c.erased.items() if status in ATTENDED)
    total_expected = sum(n for c in columns if c.counted for status, n in c.erased.items() if status != "excused")
    for person in cohort.registered:
        marks = [cohort.attendance.get(c.number, {}).get(person.email) for c in columns]
        attended = excused = counted = 0
        missed = []
        for column, mark in zip(columns, marks):
            if not column.counted:
                continue
            counted += 1
            status = mark.status if mark is not None else None
            if status in ATTENDED:
                attended += 1
                continue
            if status == "excused":
                excused += 1
            missed.append(Missed(column.number, status))
        total_attended += attended
        total_expected += counted - excused
        people.append(
            PersonRow(
                email=person.email,
                name=person.name,
                marks=marks,
                attended=attended,
                excused=excused,
                counted=counted,
                rate=_percent(attended, counted - excused),
                missed=missed,
            )
        )
    return AttendanceGrid(cohort=cohort.id, sessions=columns, people=people, rate=_percent(total_attended, total_expected))


def grid_csv(grid: AttendanceGrid) -> str:
    """The grid as CSV for a spreadsheet: one row per person, a status word per session
    ("cancelled" for a cancelled one), then the count, the rate and the misses."""
    from learncli.domain.csvsheet import write_sheet

    rows = [["name", "email", *(f"session {c.number}" for c in grid.sessions), "attended", "rate %", "missed"]]
    for person in grid.people:
        cells = [person.name, person.email]
        cells += ["cancelled" if c.cancelled else m.status if m is not None else "" for c, m in zip(grid.sessions, person.marks)]
        cells += [str(person.attended), "" if person.rate is None else str(person.rate)]
        cells.append("; ".join(f"{m.session} ({m.status or 'no mark'})" for m in person.missed))
        rows.append(cells)
    return write_sheet(rows)
