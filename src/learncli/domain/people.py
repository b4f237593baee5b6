"""Participants: new registrations, one at a time or from a CSV export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from learncli.diagnostics import Diagnostic
from learncli.domain.csvsheet import Sheet, missing_columns, open_sheet
from learncli.errors import Refused
from learncli.models.cohort import Cohort, Participant

#: Order of keys in a participant entry written by learn.
FIELD_ORDER = ("name", "email", "organisation", "role", "po", "billing_name", "billing_email", "registered")

#: Registration CSV headers, normalised (lower case, letters and digits only) -> field.
HEADER_ALIASES: dict[str, str] = {
    "name": "name", "fullname": "name", "participant": "name", "participantname": "name", "yourname": "name",
    "firstname": "first_name", "givenname": "first_name", "forename": "first_name",
    "lastname": "last_name", "surname": "last_name", "familyname": "last_name",
    "email": "email", "emailaddress": "email", "email1": "email", "workemail": "email", "youremail": "email",
    "organisation": "organisation", "organization": "organisation", "org": "organisation",
    "employer": "organisation", "company": "organisation",
    "role": "role", "jobtitle": "role", "position": "role", "job": "role", "jobrole": "role",
    "po": "po", "ponumber": "po", "pono": "po", "purchaseorder": "po", "purchaseordernumber": "po", "poref": "po",
    "billingemail": "billing_email", "invoiceemail": "billing_email", "financeemail": "billing_email",
    "billingcontactemail": "billing_email", "invoiceto": "billing_email",
    "billingname": "billing_name", "billingcontact": "billing_name", "billingcontactname": "billing_name",
    "financecontact": "billing_name",
}


def participant_entry(values: dict[str, Any]) -> dict[str, Any]:
    """The keys of a new participant in file order, without empty ones."""
    return {key: values[key] for key in FIELD_ORDER if values.get(key) not in (None, "")}


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


def read_registrations(path: Path, data: bytes, cohort: Cohort, today: date) -> ImportResult:
    """Parse a registration CSV into participants to add; every problem has a line and column."""
    result = ImportResult()
    sheet, result.problems = open_sheet(path, data, HEADER_ALIASES, "name,email,organisation,role,po")
    if sheet is None:
        return result
    result.encoding, result.ignored_columns = sheet.encoding, sheet.ignored
    missing = missing_columns(sheet, {"name": ("name", "first_name", "last_name"), "email": ("email",)})
    if missing is not None:
        result.problems.append(missing)
        return result

    seen: dict[str, int] = {}
    for line, row in sheet.rows():
        values = _row_values(sheet, row)
        values["registered"] = today
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


def _row_values(sheet: Sheet, row: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {key: sheet.cell(row, key) for key in ("name", "email", "organisation", "role", "po", "billing_email", "billing_name")}
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
