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

#: Order of keys in a participant entry written by learn.
FIELD_ORDER = ("name", "email", "organisation", "role", "po", "billing_name", "billing_email", "billing_address", "registered")

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
            hint=None if existing.active else "edit the cohort file to set their status back to registered",
        )


def over_capacity(cohort: Cohort, capacity: int | None, adding: int) -> str | None:
    if capacity and len(cohort.registered) + adding > capacity:
        return f"{cohort.id} will have {len(cohort.registered) + adding} participants; capacity is {capacity}"
    return None


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
