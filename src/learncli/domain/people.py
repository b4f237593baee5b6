"""Participants: new registrations, one at a time or from a CSV export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from learncli.diagnostics import Diagnostic
from learncli.domain import regforms
from learncli.domain.csvsheet import Column, Sheet, missing_columns, open_sheet
from learncli.errors import Refused
from learncli.models.cohort import Cohort, Participant
from learncli.models.course import Config

#: Order of keys in a participant entry written by learn.
FIELD_ORDER = ("name", "email", "organisation", "role", "po", "billing_name", "billing_email", "billing_address", "discount", "registered", "status")

#: The keys of a participant entry in the order learn writes them, for `participant edit`
#: to put a new key among those a person already has.
ENTRY_ORDER = (
    "name", "display_name", "email", "previous_emails", "organisation", "role", "po",
    "billing_name", "billing_email", "billing_address", "discount", "split", "registered", "transferred_from", "status", "withdrawn", "transferred_to", "aliases", "notes",
)

#: What `participant edit` may change, and which of those may be cleared.
EDITABLE = ("name", "email", "organisation", "role", "po", "billing_name", "billing_email", "billing_address")
CLEARABLE = ("organisation", "role", "po", "billing_name", "billing_email", "billing_address")

#: Registration CSV headers, normalised (lower case, letters and digits only) -> field.
HEADER_ALIASES = regforms.ALIASES

#: The fields `--map FIELD=HEADER` may name.
MAP_FIELDS = (
    "name", "first_name", "last_name", "email", "organisation", "role", "po", "billing_name", "billing_email", "billing_address", "registered", "status",
)


def participant_entry(values: dict[str, Any]) -> dict[str, Any]:
    """The keys of a new participant in file order, without empty ones."""
    return {key: values[key] for key in FIELD_ORDER if values.get(key) not in (None, "", [])}


def check_new(cohort: Cohort, email: str) -> None:
    """Refuse a registration whose email is already in the cohort."""
    existing = cohort.participant(email)
    if existing is not None:
        state = "registered" if existing.active else "withdrawn"
        raise Refused(
            f"{existing.email} is already in {cohort.id} ({existing.name}, {state})",
            hint=None if existing.active else f"to give them their place back: learn participant reinstate {cohort.id} {existing.email}",
        )


def capacity_of(cohort: Cohort, config: Config) -> int | None:
    """The cohort's own capacity, else its course's; None: no limit."""
    course = config.course(cohort.course)
    return cohort.capacity or (course.capacity if course else None)


def places_free(cohort: Cohort, capacity: int | None) -> int | None:
    """How many more people can be given a place (never below 0); None: no limit."""
    return None if not capacity else max(capacity - len(cohort.registered), 0)


def places(registered: int, capacity: int | None) -> str:
    """'5 of 16' places taken, or '5 registered' when the course sets no capacity."""
    return f"{registered} of {capacity}" if capacity else f"{registered} registered"


def over_capacity(cohort: Cohort, capacity: int | None, adding: int) -> str | None:
    if capacity and len(cohort.registered) + adding > capacity:
        return f"{cohort.id} will have {len(cohort.registered) + adding} participants; capacity is {capacity}"
    return None


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def assign_places(rows: list[ImportRow], free: int | None) -> tuple[list[ImportRow], list[ImportRow]]:
    """Split new registrations into those given a place and those who wait: the earliest
    registered (then the earliest in the file) first; `free` None is no limit."""
    if free is None:
        return list(rows), []
    order = sorted(rows, key=lambda r: (r.values.get("registered") or date.max, r.line))
    lucky = {id(r) for r in order[:free]}
    return [r for r in rows if id(r) in lucky], [r for r in rows if id(r) not in lucky]


@dataclass(frozen=True)
class Edit:
    """What `participant edit` changes: the person after, and each field's old and new value."""

    before: Participant
    after: Participant
    #: (field, old, new) for every field whose value changes; None is "not set".
    changes: list[tuple[str, Any, Any]]
    #: The values to write (None: remove the key), in the file's key names.
    values: dict[str, Any]

    @property
    def new_email(self) -> str | None:
        return self.after.email if self.after.email != self.before.email else None


def plan_edit(cohort: Cohort, person: Participant, given: dict[str, Any], clear: list[str]) -> Edit:
    """Check an edit of `person`: `given` maps fields to their new values, `clear` names
    fields to remove. Refused, naming the option, if the result is not a valid entry or
    the new email belongs to someone else in the cohort."""
    from learncli.errors import UsageProblem

    for name in clear:
        if name not in CLEARABLE:
            raise UsageProblem(f"--clear {name}: choose one of {', '.join(CLEARABLE)} (a name and an email cannot be cleared)")
        if name in given:
            raise UsageProblem(f"--clear {name} and --{name.replace('_', '-')} together: give one of them")
    for name, value in given.items():
        if value in ("", []):
            raise UsageProblem(f"--{name.replace('_', '-')} is empty; to remove it, use --clear {name}")
    values: dict[str, Any] = {**given, **{name: None for name in clear}}
    entry = person.model_dump(mode="python", exclude_defaults=True)
    entry.update({k: v for k, v in values.items() if v is not None})
    for name in clear:
        entry.pop(name, None)
    try:
        after = Participant.model_validate(entry)
    except ValidationError as exc:
        problems = "; ".join(f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in exc.errors(include_url=False))
        raise Refused(f"cannot change {person.email} this way: {problems}") from None
    if after.email != person.email:
        other = cohort.participant(after.email)
        if other is not None and other is not person:
            raise Refused(f"{after.email} is already in {cohort.id} ({other.name}); nothing was written")
    changes = [(name, getattr(person, name) or None, getattr(after, name) or None) for name in EDITABLE if name in values]
    changes = [c for c in changes if c[1] != c[2]]
    if after.email != person.email:
        values["email"] = after.email
    return Edit(person, after, changes, {k: v for k, v in values.items() if any(c[0] == k for c in changes)})

@dataclass
class ImportRow:
    line: int
    values: dict[str, Any]
    participant: Participant


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    encoding: str = "utf-8"
    #: Every column of the file and what it was taken for (shown by --dry-run).
    mapping: list[Column] = field(default_factory=list)
    #: The header of the column the registration dates came from, if any.
    date_column: str | None = None
    #: True: numeric dates read day first; False: month first; None: no such dates.
    day_first: bool | None = None


def read_registrations(
    path: Path, data: bytes, cohort: Cohort, today: date, *, zone: str = "Europe/London", mapped: dict[str, str] | None = None
) -> ImportResult:
    """Parse a registration CSV into participants to add; every problem has a line and column.

    The registration date is the file's own (form timestamp, order date, registration
    time) in the course's `zone`, else `today`. Rows whose approval or attendee status
    says there is no place are skipped and listed."""
    result = ImportResult()
    sheet, result.problems = open_sheet(path, data, regforms.rules(), "name,email,organisation,role,po", mapped=mapped, anchor="email")
    if sheet is None:
        return result
    result.encoding, result.ignored_columns, result.mapping = sheet.encoding, sheet.ignored, sheet.mapping
    missing = missing_columns(sheet, {"name": ("name", "first_name", "last_name"), "email": ("email",)})
    if missing is not None:
        result.problems.append(missing)
        return result
    dates = _registration_dates(sheet, zone, result)

    seen: dict[str, int] = {}
    for line, row in sheet.rows():
        status = sheet.cell(row, "status")
        if status and regforms.not_a_place(status):
            who = sheet.cell(row, "email") or sheet.cell(row, "name") or f"row {line}"
            result.skipped.append((line, f"{who}: {sheet.header[sheet.columns['status']].strip()} is {status!r}"))
            continue
        values = _row_values(sheet, row)
        registered = dates.get(line, today)
        if registered is None:
            result.problems.append(
                Diagnostic.make("I002", f"registered: {sheet.cell(row, 'registered')!r} is not a date and time", path, line, sheet.col("registered"))
            )
            continue
        values["registered"] = registered
        try:
            person = Participant.model_validate(participant_entry(values))
        except ValidationError as exc:
            result.problems.extend(_row_problems(exc, path, line, sheet.columns))
            continue
        if person.email in seen:
            result.problems.append(
                Diagnostic.make("I003", f"{person.email} appears twice in the file (also on line {seen[person.email]})", path, line, sheet.col("email"))
            )
            continue
        seen[person.email] = line
        if cohort.participant(person.email) is not None:
            result.skipped.append((line, f"{person.email} is already in {cohort.id}"))
            continue
        result.rows.append(ImportRow(line, participant_entry(values), person))
    result.problems.extend(sheet.problems)
    return result


def _registration_dates(sheet: Sheet, zone: str, result: ImportResult) -> dict[int, date | None]:
    """line -> registration date (None: the cell is not a date); lines with an empty
    cell are left out (they are registered today)."""
    if "registered" not in sheet.columns:
        return {}
    title = sheet.header[sheet.columns["registered"]]
    result.date_column = title.strip()
    raws = {}
    for line, row in sheet.rows():
        cell = sheet.cell(row, "registered")
        if cell:
            raws[line] = regforms.split_time(cell)
    result.day_first = regforms.decide_day_first([r for r in raws.values() if r is not None], zone)
    utc = regforms.header_says_utc(title)
    return {
        line: regforms.registration_date(raw, bool(result.day_first), zone, utc) if raw is not None else None
        for line, raw in raws.items()
    }


def _row_values(sheet: Sheet, row: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {key: sheet.cell(row, key) for key in ("name", "email", "organisation", "role", "po", "billing_email", "billing_name")}
    values["billing_address"] = sheet.lines(row, "billing_address")
    if not values["name"]:
        values["name"] = " ".join(p for p in (sheet.cell(row, "first_name"), sheet.cell(row, "last_name")) if p)
    return values


def _row_problems(exc: ValidationError, path: Path, line: int, columns: dict[str, int]) -> list[Diagnostic]:
    out = []
    for error in exc.errors(include_url=False):
        key = str(error["loc"][0]) if error["loc"] else ""
        col = columns.get(key, columns.get("first_name", 0) if key == "name" else 0) + 1
        message = error["msg"] if error["type"] == "learn_invalid" else ("is empty" if error["type"] == "missing" else error["msg"])
        out.append(Diagnostic.make("I002", f"{key or 'row'}: {message}", path, line, col))
    return out
