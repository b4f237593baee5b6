"""An index of the cohort files in `.learn-cache/`, keyed by each file's exact bytes.

`learn status`, `cohort list`, the reports and the facilitator-booking check of a
schedule change need a few facts of every cohort (its course, title, dates and times,
facilitators, how many people hold a place, wait or have withdrawn, which sessions have
marks, open commitments), not the whole validated file. Reading and validating thousands
of files to get them took most of a minute, so the facts of each *valid* cohort file are
kept here as JSON, next to a hash of the file's bytes and the file's status (size, times,
inode) when it was hashed. A command looks at each file's status, hashes the files whose
status is not the one remembered (or was too recent to trust), and reads from YAML only
the files whose bytes are not the ones remembered; the index is then written back once.
A file with errors is never indexed: it is read from YAML every time, so its problems
are always reported with their line and column.

The index is a function of the files' bytes and of learn's own code (`cache.code_stamp`);
what depends on courses.yaml (default times, the course's facilitators) or on the date is
worked out when asked, never stored. JSON, not pickle, sealed with a hash of its
content; a missing, stale, corrupt or truncated index is ignored and rebuilt;
`LEARN_NO_CACHE=1` (or a command's `--no-cache`) reads every file from YAML and leaves
the index alone.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learncli.store import cache as store_cache
from learncli.store import stamps

if TYPE_CHECKING:
    from learncli.store.folder import DataFolder, FileResult

#: Bump when what is stored changes shape.
FORMAT = 6
STATUSES = ("registered", "waitlisted", "withdrawn")
NAME = "cohort-index"


def enabled(no_cache: bool = False) -> bool:
    return not (no_cache or os.environ.get("LEARN_NO_CACHE"))


def _key() -> str:
    return f"cohorts:{FORMAT}:{store_cache.code_stamp()}"


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _hm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def summarise(result: FileResult[Any]) -> dict[str, Any]:
    """What the index keeps of one valid cohort file (its `FileResult`, node graph and all)."""
    from learncli.domain.schedule import meeting_order

    cohort = result.model
    return {
        "course": cohort.course,
        "title": cohort.title,
        "capacity": cohort.capacity,
        "facilitators": cohort.facilitators,
        # [number, date, start, end, cancelled, makes_up] in the order the sessions meet
        "sessions": [
            [n, s.date.isoformat(), _hm(s.start), _hm(s.end), s.cancelled, s.makes_up]
            for n in meeting_order(cohort)
            for s in (cohort.sessions[n - 1],)
        ],
        "people": {status: sum(1 for p in cohort.participants if p.status == status) for status in STATUSES},
        "marked": sorted(n for n, marks in cohort.attendance.items() if marks),
        "open_commitments": sum(1 for c in cohort.commitments if c.status == "open" and _holds_place(cohort, c.email)),
        "at": {"course": list(result.source.mark(("course",)))},
    }


def _holds_place(cohort: Any, email: str) -> bool:
    person = cohort.participant(email)
    return person is not None and person.active


@dataclass(frozen=True)
class Meeting:
    """One session of an indexed cohort, as the file gives it (times unresolved)."""

    number: int
    date: date
    start: time | None
    end: time | None
    cancelled: bool
    makes_up: int | None


@dataclass
class Indexed:
    """The remembered facts of one valid cohort file."""

    id: str
    #: The file's path, as text (a Path for each of thousands of files costs time).
    where: str
    #: The hash of the file's bytes these facts are of.
    tag: str
    #: The days of the sessions that will run, in the order they meet (ISO, space-separated).
    days: str
    #: What `cohort list` needs besides: course, title, and how many people are
    #: registered, waitlisted and withdrawn (as in `STATUSES`).
    brief: list[Any] = field(repr=False)
    #: The data folder, where the rest of the facts are kept (see `facts`).
    folder: DataFolder = field(repr=False)
    _facts: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def facts(self) -> dict[str, Any]:
        """Everything `summarise` keeps of the file: kept with the file's validated copy
        (`.learn-cache/cohort-<id>.json`, under the same hash) and read only when asked
        (the booking check, for a cohort meeting on one of the new days); `cohort list`
        and `status` need only the short record. From YAML if that copy has gone."""
        if self._facts is None:
            self._facts = _facts_of(self)
        return self._facts

    @property
    def path(self) -> Path:
        return Path(self.where)

    @property
    def course(self) -> str:
        return self.brief[0]

    @property
    def title(self) -> str | None:
        return self.brief[1]

    @property
    def capacity(self) -> int | None:
        return self.facts["capacity"]

    def display_title(self, course: Any) -> str:
        if self.title:
            return self.title
        return f"{course.title} ({self.id})" if course else self.id

    def facilitator_ids(self, course: Any) -> list[str]:
        if self.facts["facilitators"] is not None:
            return list(self.facts["facilitators"])
        return list(course.facilitators) if course else []

    @property
    def meetings(self) -> list[Meeting]:
        """Every session, in the order they meet."""
        return [
            Meeting(n, date.fromisoformat(d), _time(start), _time(end), cancelled, makes_up)
            for n, d, start, end, cancelled, makes_up in self.facts["sessions"]
        ]

    def _active(self) -> list[str]:
        return self.days.split()

    def _first(self, active: list[str]) -> str:
        return active[0] if active else _listed_first(self)

    def _last(self, active: list[str]) -> str:
        return active[-1] if active else max(s[1] for s in self.facts["sessions"])

    @property
    def first(self) -> date:
        return date.fromisoformat(self._first(self._active()))

    @property
    def last(self) -> date:
        return date.fromisoformat(self._last(self._active()))

    @property
    def span(self) -> tuple[str, str]:
        """The earliest and the latest date of any session (ISO text)."""
        every = [s[1] for s in self.facts["sessions"]]
        return min(every), max(every)

    def listed(self, today: date) -> dict[str, Any]:
        """The facts `cohort list` shows (but the title), worked out in one pass; the days
        as ISO text, which is how the list and its JSON write them."""
        active = self._active()
        people = self.brief
        return {"first": self._first(active), "last": self._last(active), "sessions": len(active),
                "registered": people[2], "withdrawn": people[4], "state": _state(active, today)}

    def next_date(self, today: date) -> date | None:
        """The day of the next session that will run, today included, as `domain.schedule.
        next_session` finds it (in the order they meet); None when none is left."""
        day = today.isoformat()
        return next((date.fromisoformat(d) for d in self._active() if d >= day), None)

    def state(self, today: date) -> str:
        """upcoming, running or finished, as `domain.status` judges it."""
        return _state(self._active(), today)

    @property
    def sessions(self) -> int:
        """How many sessions will run (cancelled ones left out)."""
        return len(self._active())

    def count(self, status: str) -> int:
        """How many people have `status` (registered, waitlisted, withdrawn)."""
        return self.brief[2 + STATUSES.index(status)]

    @property
    def open_commitments(self) -> int:
        """Open commitments of people who hold a place."""
        return self.facts["open_commitments"]

    def position(self, what: str) -> tuple[int, int]:
        line, col = self.facts["at"][what]
        return int(line), int(col)


def _state(active: list[str], today: date) -> str:
    day = today.isoformat()
    if not any(d < day for d in active):
        return "upcoming"
    return "running" if any(d >= day for d in active) else "finished"


def _listed_first(entry: Indexed) -> str:
    """The date of the session listed first (numbered 1)."""
    return next(s[1] for s in entry.facts["sessions"] if s[0] == 1)


def _time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)


@dataclass
class Scan:
    """Every cohort file: the valid ones as indexed facts, the others as read from YAML."""

    entries: dict[str, Indexed] = field(default_factory=dict)
    #: Files with errors (never indexed), read now, with their diagnostics.
    broken: list[FileResult[Any]] = field(default_factory=list)
    #: How many files were read from YAML this time (the rest came from the index).
    read: int = 0
    #: Every cohort id of the folder, in order (those left out by `days` too).
    ids: list[str] = field(default_factory=list)


def scan(folder: DataFolder, *, no_cache: bool = False, days: set[date] | None = None) -> Scan:
    """Every cohort file of `folder`, from the index where the file is the one remembered,
    else from YAML (and then remembered, if valid).

    A file is the one remembered when its bytes hash to the remembered hash, or, to spare
    reading thousands of files, when its status says so (`store.stamps`).

    With `days`, only the cohorts that may have a session on one of them are returned: a
    remembered file by its sessions, any other by its bytes (see `mentioning`), so that
    the first check after a clone need not parse thousands of files that cannot matter.
    """
    from learncli.bounded import read_bounded
    from learncli.store.bulk import reading_many
    from learncli.store.yamlread import MAX_FILE_BYTES

    use = enabled(no_cache)
    known = _load(folder) if use else {}
    relevant = mentioning(days) if days is not None else None
    on_days = {d.isoformat() for d in days} if days is not None else None
    fresh: dict[str, list[Any]] = {}
    changed = False
    out = Scan()
    out.ids = folder.cohort_ids()
    base = str(folder.cohorts_dir)
    with reading_many():
        for cohort_id in out.ids:
            where = os.path.join(base, f"{cohort_id}.yaml")  # ids come from the listing: safe names
            remembered = known.get(cohort_id)
            stamp = stamps.stamp(where)
            if remembered is not None and stamps.unchanged(remembered[1], stamp):
                fresh[cohort_id] = remembered
                if on_days is None or any(d in on_days for d in remembered[2].split()):
                    out.entries[cohort_id] = Indexed(cohort_id, where, remembered[0], remembered[2], remembered[3], folder)
                continue
            path = Path(where)
            seen = stamps.now()  # before the read: an edit after it is seen by its new times
            try:
                raw = read_bounded(path, MAX_FILE_BYTES)
            except OSError:  # too large, not a file: the reader says why, with a position
                raw = None
            if relevant is not None and raw is not None and not relevant(raw):
                if remembered is not None:
                    fresh[cohort_id] = remembered  # not looked at: kept as it was
                continue
            tag = digest(raw) if raw is not None else None
            if tag is not None and remembered is not None and remembered[0] == tag:
                fresh[cohort_id] = [tag, stamps.seen(stamp, seen), remembered[2], remembered[3]]
                changed = True
                out.entries[cohort_id] = Indexed(cohort_id, where, tag, remembered[2], remembered[3], folder)
                continue
            from learncli.models.cohort import Cohort  # only when a file is read

            out.read += 1
            try:
                text = raw.decode("utf-8-sig") if raw is not None else None
            except UnicodeDecodeError:
                text = None
            result = folder.read(path, Cohort, text) if text is not None else folder.read_cohort(cohort_id)
            if result.model is not None:
                result.model._id = cohort_id
            if not result.ok or tag is None or text is None:
                out.broken.append(result)
                result.source.release()
                changed = changed or remembered is not None
                continue
            facts = summarise(result)
            active = " ".join(row[1] for row in facts["sessions"] if not row[4])
            brief = [facts["course"], facts["title"], *(facts["people"][status] for status in STATUSES)]
            fresh[cohort_id] = [tag, stamps.seen(stamp, seen), active, brief]
            changed = True
            out.entries[cohort_id] = Indexed(cohort_id, where, tag, active, brief, folder, facts)
            if use:
                kept = {"facts": facts, "cohort": result.model.model_dump(mode="json")}
                store_cache.save(folder.root, _snapshot(cohort_id), f"{_key()}:{tag}", kept)
            result.source.release()
    if use and (changed or len(fresh) != len(known)):
        store_cache.save_sealed(folder.root, NAME, _key(), json.dumps(fresh, separators=(",", ":")).encode())
    return out


def _snapshot(cohort_id: str) -> str:
    return f"cohort-{cohort_id}"


def model(folder: DataFolder, entry: Indexed) -> Any | None:
    """The validated cohort of an indexed file, rebuilt from the copy of it kept when the
    file was last read from YAML (no parsing, no validating again); None when there is no
    such copy of the file as it is (then read it from YAML)."""
    from learncli.models.cohort import Cohort
    from learncli.store.ledger_cache import _converter

    stored = _stored(folder, entry.id, entry.tag).get("cohort")
    if not isinstance(stored, dict) or list(stored) != list(Cohort.model_fields):
        return None
    try:
        values = {}
        for name, info in Cohort.model_fields.items():
            convert, value = _converter(info.annotation), stored[name]
            values[name] = convert(value) if convert is not None and value is not None else value
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    cohort = Cohort.model_construct(**values)
    cohort._id = entry.id
    return cohort


def mentioning(days: Iterable[date]) -> Callable[[bytes], bool]:
    """A test of a file's bytes that is true of every file that may have a session on one
    of `days`: it names one of them as a YAML date or as the reader accepts one
    (2026-04-14, 2026-4-14, 2026-W16-2), or holds a backslash (an escape in a quoted
    string could spell a date in other characters)."""
    # Every form starts with its year and a dash: a file without that text (most of a
    # folder of many years) is passed over after one search.
    by_year: dict[bytes, set[bytes]] = {}
    for day in days:
        week = day.isocalendar()
        for month in {f"{day.month:02}", str(day.month)}:
            for dom in {f"{day.day:02}", str(day.day)}:
                by_year.setdefault(f"{day.year:04}-".encode(), set()).add(f"{day.year:04}-{month}-{dom}".encode())
        by_year.setdefault(f"{week.year:04}-".encode(), set()).add(f"{week.year:04}-W{week.week:02}-{week.weekday}".encode())
    return lambda raw: b"\\" in raw or any(year in raw and any(n in raw for n in forms) for year, forms in by_year.items())


def _load(folder: DataFolder) -> dict[str, Any]:
    """The remembered files, each `[hash, status, days of the sessions that will run,
    brief]` (see `Indexed`); nothing if the index is missing, damaged (its seal is a hash
    of its content) or of another version of learn."""
    body = store_cache.load_sealed(folder.root, NAME, _key())
    try:
        records = json.loads(body) if body is not None else None
    except ValueError:
        return {}
    return records if isinstance(records, dict) else {}


def _stored(folder: DataFolder, cohort_id: str, tag: str) -> dict[str, Any]:
    """What was kept of a cohort file when it was last read from YAML, if its bytes
    hashed to `tag` ({} if nothing, or something else, was kept)."""
    stored = store_cache.load(folder.root, _snapshot(cohort_id), f"{_key()}:{tag}") if tag else None
    return stored if isinstance(stored, dict) else {}


def _facts_of(entry: Indexed) -> dict[str, Any]:
    """The facts of an indexed file, from its kept copy; else read from YAML again (a
    `DataError` if the file now has errors: it changed since the scan)."""
    facts = _stored(entry.folder, entry.id, entry.tag).get("facts")
    if isinstance(facts, dict):
        return facts
    from learncli.errors import DataError
    from learncli.models.cohort import Cohort

    result = entry.folder.read(entry.path, Cohort)
    if not result.ok:
        raise DataError(f"{entry.path} changed while it was read and now has errors", diagnostics=result.diagnostics)
    result.model._id = entry.id
    return summarise(result)


def unlisted(result: FileResult[Any], what: str) -> str:
    """The line a command prints for a cohort file with errors it leaves out: the first
    error where it is (`path:line:col: CODE ...`), and how to see them all."""
    errors = sorted((d for d in result.diagnostics if d.is_error), key=lambda d: d.sort_key())
    first = errors[0].format() if errors else str(result.path)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{first}{more}\n  {result.path.name} has errors and is not {what}; run `learn validate`"


def emails(folder: DataFolder, cohort_id: str) -> list[str] | None:
    """Every participant's address of one cohort, in the file's order, from the copy of the
    cohort kept when its file was last read, if the file is still that one (reads that
    file and the copy; never YAML, never the models); else None."""
    from learncli.bounded import read_bounded
    from learncli.store.yamlread import MAX_FILE_BYTES

    if not enabled():
        return None
    try:
        tag = digest(read_bounded(folder.cohort_path(cohort_id), MAX_FILE_BYTES))
    except OSError:
        return None
    stored = _stored(folder, cohort_id, tag).get("cohort")
    try:
        found = [person["email"] for person in stored["participants"]]
    except (TypeError, KeyError):
        return None
    return found if all(type(e) is str for e in found) else None


def bookings(entry: Indexed, config: Any) -> list[Any]:
    """`domain.rules.bookings` of an indexed cohort: each facilitator in each session
    that will run, with its times resolved in the course's zone."""
    from zoneinfo import ZoneInfo

    from learncli.domain.rules import Booking

    course = config.course(entry.course)
    zone = ZoneInfo(config.timezone)
    facilitators = entry.facilitator_ids(course)
    out = []
    for m in entry.meetings:
        if m.cancelled:
            continue
        start = m.start or (course.start if course else time(9, 30))
        end = m.end or (course.end if course else time(12, 30))
        for fid in facilitators:
            out.append(
                Booking(entry.id, m.number, fid, datetime.combine(m.date, start, tzinfo=zone), datetime.combine(m.date, end, tzinfo=zone))
            )
    return out
