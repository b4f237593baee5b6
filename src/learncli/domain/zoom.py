"""Reading Zoom's meeting participants report (CSV), in every form Zoom writes it.

Pure: text in, rows out, with every problem as a `Diagnostic` (file, line, column); never
an exception for anything a file may contain. What varies between exports:

* header spellings and case (`Name (Original Name)`, `Name (original name)`, `User
  Email`, `Join time`, `Duration (minutes)`), extra columns (`Guest`, `Recording
  Consent`, `In Waiting Room`) and their order;
* the "meeting data" block before the participants (`Meeting ID,Topic,Start Time,End
  Time,...`, one row, a blank line), read for the meeting's own times;
* the "unique users" form: one row per person with `Total Duration (Minutes)`, with or
  without join and leave times; otherwise one row per join;
* dates as `11/18/2026 09:28:12 AM` (month first, 12-hour clock) or `18/11/2026
  09:28:12` (day first), also ISO `2026-11-18 09:28:12`;
* a UTF-8 byte-order mark; commas, or the semicolons a spreadsheet may save instead.

Which of day and month comes first is decided once for the whole file: a number above
12 settles it; failing that, the reading that puts the meeting on the expected date
(the session's); failing that, an AM/PM clock means month first (Zoom's US style),
otherwise day first.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from learncli.diagnostics import Diagnostic
from learncli.domain.csvsheet import MAX_CSV_BYTES, header_key
from learncli.limits import MAX_REPORT_ROWS

MAX_REPORT_BYTES = MAX_CSV_BYTES
#: How far down the file the participants header may be (after the meeting block).
HEADER_SEARCH_ROWS = 40

#: Header text, lower case with letters and digits only -> what the column holds.
COLUMNS: dict[str, str] = {
    "nameoriginalname": "name", "name": "name", "participant": "name", "participantname": "name",
    "username": "name", "usernameoriginalname": "name", "displayname": "name",
    "useremail": "email", "email": "email", "emailaddress": "email", "participantemail": "email",
    "jointime": "join", "join": "join", "firstjointime": "join",
    "leavetime": "leave", "leave": "leave", "lastleavetime": "leave",
    "durationminutes": "duration", "duration": "duration", "durationmins": "duration",
    "totaldurationminutes": "total", "totalduration": "total", "totaldurationmins": "total",
    "guest": "guest",
    "inwaitingroom": "waiting",
}
MEETING_COLUMNS: dict[str, str] = {
    "meetingid": "id", "topic": "topic", "starttime": "start", "endtime": "end",
}

_DMY = re.compile(
    r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})[ T,]+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?$"
)
_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})[ T]+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?$"
)


@dataclass(frozen=True, slots=True)
class ZoomRow:
    """One row of the participants table: one join of one person (or one person, in the
    unique-users form). Times are zone-aware."""

    line: int
    name: str
    email: str | None
    join: datetime | None
    leave: datetime | None
    #: Minutes as Zoom counted them (`Duration` or `Total Duration`), if the column exists.
    duration: int | None
    guest: bool | None
    #: Time spent in the waiting room (Zoom lists it as a row of its own); not attendance.
    waiting_room: bool = False


@dataclass(frozen=True, slots=True)
class Meeting:
    """The "meeting data" block, when the export has one."""

    id: str | None
    topic: str | None
    start: datetime | None
    end: datetime | None


@dataclass
class ZoomReport:
    rows: list[ZoomRow] = field(default_factory=list)
    meeting: Meeting | None = None
    #: True: the unique-users form (one row per person, total minutes).
    unique_users: bool = False
    #: True: dates read day first (18/11/2026); False: month first; None: no such dates.
    day_first: bool | None = None
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def dates(self) -> set[date]:
        """The calendar days the joins (or the meeting) happened on."""
        found = {r.join.date() for r in self.rows if r.join is not None}
        if not found and self.meeting is not None and self.meeting.start is not None:
            found.add(self.meeting.start.date())
        return found


@dataclass
class _RawTime:
    """A date-time cell split into numbers, before day/month order is decided."""

    line: int
    col: int
    text: str
    a: int = 0  # first number of a slashed date (month or day)
    b: int = 0
    year: int = 0
    iso: tuple[int, int] | None = None  # (month, day) of an ISO date
    hour: int = 0
    minute: int = 0
    second: int = 0
    ampm: str | None = None


def _split_time(text: str, line: int, col: int) -> _RawTime | None:
    text = text.strip()
    raw = _RawTime(line, col, text)
    match = _DMY.match(text)
    if match:
        raw.a, raw.b = int(match["a"]), int(match["b"])
        year = int(match["y"])
        raw.year = year + 2000 if len(match["y"]) == 2 else year
    else:
        match = _ISO.match(text)
        if not match:
            return None
        raw.year, raw.iso = int(match["y"]), (int(match["mo"]), int(match["d"]))
    raw.hour, raw.minute = int(match["h"]), int(match["m"])
    raw.second = int(match["s"] or 0)
    raw.ampm = match["ampm"][0].upper() if match["ampm"] else None
    return raw


def _to_datetime(raw: _RawTime, day_first: bool, zone: ZoneInfo) -> datetime | None:
    if raw.iso is not None:
        month, day = raw.iso
    else:
        day, month = (raw.a, raw.b) if day_first else (raw.b, raw.a)
    hour = raw.hour
    if raw.ampm is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if raw.ampm == "P" else 0)
    try:
        return datetime(raw.year, month, day, hour, raw.minute, raw.second, tzinfo=zone)
    except ValueError:
        return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def decide_day_first(times: list[_RawTime], expected: date | None) -> bool | None:
    """Whether `a/b/yyyy` dates are day first; None when no such date is in the file."""
    slashed = [t for t in times if t.iso is None]
    if not slashed:
        return None
    if any(t.a > 12 for t in slashed):
        return True
    if any(t.b > 12 for t in slashed):
        return False
    if expected is not None:
        as_dmy = sum(_valid(t.year, t.b, t.a) and date(t.year, t.b, t.a) == expected for t in slashed)
        as_mdy = sum(_valid(t.year, t.a, t.b) and date(t.year, t.a, t.b) == expected for t in slashed)
        if as_dmy != as_mdy:
            return as_dmy > as_mdy
    return not any(t.ampm for t in slashed)


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, cells); csv.Error propagates."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        yield start, row


def _find_header(text: str) -> tuple[str, int, list[str], dict[str, int], tuple[list[str], list[str]] | None] | None:
    """(delimiter, header line, header cells, column -> index, meeting block) or None."""
    for delimiter in (",", ";", "\t"):
        meeting: tuple[list[str], list[str]] | None = None
        previous: list[str] | None = None
        try:
            for count, (line, row) in enumerate(_rows(text, delimiter)):
                if count >= HEADER_SEARCH_ROWS:
                    break
                columns: dict[str, int] = {}
                for index, k in enumerate(_key_list(row)):
                    what = COLUMNS.get(k)
                    if what and what not in columns:
                        columns[what] = index
                if "name" in columns and ({"join", "leave"} <= columns.keys() or {"duration", "total"} & columns.keys()):
                    return delimiter, line, row, columns, meeting
                if previous is not None and {MEETING_COLUMNS.get(k) for k in _key_list(previous)} >= {"id", "start"}:
                    meeting = (previous, row)
                previous = row if any(cell.strip() for cell in row) else previous
        except csv.Error:
            continue
    return None


def _key_list(row: list[str]) -> list[str]:
    return [header_key(cell) for cell in row]


def _yes(text: str) -> bool | None:
    value = text.strip().lower()
    if value in {"yes", "y", "true", "1"}:
        return True
    if value in {"no", "n", "false", "0"}:
        return False
    return None


def parse_report(text: str, path: str | Path, *, zone: str, expected: date | None = None) -> ZoomReport:
    """Read a participants report. `zone`: the zone its times are in (the course's);
    `expected`: the session's date, used to tell 11/12 from 12/11."""
    report = ZoomReport()
    where = str(path)

    def problem(code: str, message: str, line: int = 0, col: int = 0) -> ZoomReport:
        report.problems.append(Diagnostic.make(code, message, where, line, col))
        return report

    if len(text) > MAX_REPORT_BYTES:
        return problem("I001", f"the file has {len(text):,} characters; a participants report is far smaller (limit {MAX_REPORT_BYTES:,})")
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        return problem("I001", "the file contains NUL bytes; is it really a CSV export?", text.count("\n", 0, text.index("\x00")) + 1, 1)
    if not text.strip():
        return problem("I001", "the file is empty; expected Zoom's participants report (CSV)", 1, 1)
    found = _find_header(text)
    if found is None:
        return problem(
            "I001",
            "no participants header found: expected columns such as "
            "'Name (Original Name), User Email, Join Time, Leave Time, Duration (Minutes)'",
            1,
            1,
        )
    delimiter, header_line, header, columns, meeting_block = found
    report.unique_users = "total" in columns
    report.ignored_columns = [h.strip() for i, h in enumerate(header) if h.strip() and i not in columns.values()]
    tz = ZoneInfo(zone)

    # First pass: split every cell, collecting date-times to decide the day order.
    pending: list[tuple[int, list[str]]] = []
    raw_times: list[_RawTime] = []
    meeting_raw: dict[str, _RawTime | None] = {}
    if meeting_block is not None:
        head, values = meeting_block
        for index, k in enumerate(_key_list(head)):
            what = MEETING_COLUMNS.get(k)
            if what in {"start", "end"} and index < len(values):
                raw = _split_time(values[index], 0, index + 1)
                meeting_raw[what] = raw
                if raw is not None:
                    raw_times.append(raw)
    try:
        for line, row in _rows(text, delimiter):
            if line <= header_line:
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(pending) == MAX_REPORT_ROWS:
                return problem(
                    "I001",
                    f"more than {MAX_REPORT_ROWS:,} rows: a participants report of one session is far smaller; "
                    "is this the right export?",
                    line,
                    1,
                )
            pending.append((line, row))
    except csv.Error as exc:
        return problem("I001", f"cannot read the file as CSV: {exc}", header_line, 1)

    def cell(row: list[str], what: str) -> str:
        index = columns.get(what)
        return row[index].strip() if index is not None and index < len(row) else ""

    parsed: list[tuple[int, list[str], dict[str, _RawTime | None]]] = []
    for line, row in pending:
        times: dict[str, _RawTime | None] = {}
        for what in ("join", "leave"):
            if what not in columns:
                continue
            value = cell(row, what)
            raw = _split_time(value, line, columns[what] + 1) if value else None
            if value and raw is None:
                problem("I002", f"{header[columns[what]].strip()}: {value!r} is not a date and time such as 11/18/2026 09:28:12 AM", line, columns[what] + 1)
            times[what] = raw
            if raw is not None:
                raw_times.append(raw)
        parsed.append((line, row, times))

    report.day_first = decide_day_first(raw_times, expected)
    day_first = bool(report.day_first)
    if meeting_block is not None:
        head, values = meeting_block
        info = {MEETING_COLUMNS[k]: values[i].strip() for i, k in enumerate(_key_list(head)) if k in MEETING_COLUMNS and i < len(values)}
        start_raw, end_raw = meeting_raw.get("start"), meeting_raw.get("end")
        report.meeting = Meeting(
            id=info.get("id") or None,
            topic=info.get("topic") or None,
            start=_to_datetime(start_raw, day_first, tz) if start_raw else None,
            end=_to_datetime(end_raw, day_first, tz) if end_raw else None,
        )

    for line, row, times in parsed:
        name = cell(row, "name")
        email = cell(row, "email").lower() or None
        if not name and not email:
            problem("I002", "a row with neither a name nor an email", line, columns["name"] + 1)
            continue
        moments: dict[str, datetime | None] = {}
        for what, raw in times.items():
            moments[what] = None
            if raw is None:
                continue
            moment = _to_datetime(raw, day_first, tz)
            if moment is None:
                order = "day/month/year" if day_first else "month/day/year"
                problem("I002", f"{header[columns[what]].strip()}: {raw.text!r} is not a valid date and time (read as {order})", line, raw.col)
            moments[what] = moment
        join, leave = moments.get("join"), moments.get("leave")
        if ("join" in columns) != ("leave" in columns):
            join = leave = None  # half a pair tells nothing about the window
        elif "join" in columns and (join is None or leave is None):
            if not any(p.line == line for p in report.problems):
                missing = "Join Time" if join is None else "Leave Time"
                problem("I002", f"{missing} is empty", line, columns["join" if join is None else "leave"] + 1)
            continue
        if join is not None and leave is not None and leave < join:
            problem("I002", f"left ({leave:%H:%M:%S}) before joining ({join:%H:%M:%S})", line, columns["leave"] + 1)
            continue
        duration: int | None = None
        what = "total" if "total" in columns else "duration"
        text_minutes = cell(row, what)
        if text_minutes:
            number = text_minutes.replace(",", "")
            duration = int(Decimal(number)) if re.fullmatch(r"\d{1,9}(\.\d{1,9})?", number) else None
            if duration is None and join is None:
                problem("I002", f"{header[columns[what]].strip()}: {text_minutes!r} is not a number of minutes", line, columns[what] + 1)
                continue
        elif join is None:
            problem("I002", f"{header[columns[what]].strip()} is empty", line, columns[what] + 1)
            continue
        report.rows.append(
            ZoomRow(
                line=line,
                name=name,
                email=email,
                join=join,
                leave=leave,
                duration=duration,
                guest=_yes(cell(row, "guest")) if "guest" in columns else None,
                waiting_room=bool(_yes(cell(row, "waiting"))) if "waiting" in columns else False,
            )
        )
    return report
