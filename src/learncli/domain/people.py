"""Participants: new registrations, one at a time or from a CSV export."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from learncli.diagnostics import Diagnostic
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
MAX_CSV_BYTES = 10 * 1024 * 1024


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


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text of a CSV export: UTF-8 (with or without BOM), else Windows-1252 as Excel writes."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def read_registrations(path: Path, data: bytes, cohort: Cohort, today: date) -> ImportResult:
    """Parse a registration CSV into participants to add; every problem has a line and column."""
    result = ImportResult()
    if len(data) > MAX_CSV_BYTES:
        result.problems.append(Diagnostic.make("I001", f"the file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,}", path))
        return result
    text, result.encoding = decode_csv(data)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        result.problems.append(Diagnostic.make("I001", "the file contains NUL bytes; is it really a CSV file?", path, line, 1))
        return result
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        result.problems.append(Diagnostic.make("I001", f"cannot read the header: {exc}", path, 1, 1))
        return result
    if not header or not any(h.strip() for h in header):
        result.problems.append(Diagnostic.make("I001", "the file is empty: expected a header row such as name,email,organisation,role,po", path, 1, 1))
        return result
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = HEADER_ALIASES.get(re.sub(r"[^a-z0-9]", "", title.lower()))
        if key and key not in columns:
            columns[key] = index
        elif title.strip():
            result.ignored_columns.append(title.strip())
    has_name = "name" in columns or "first_name" in columns or "last_name" in columns
    missing = [c for c, ok in (("name", has_name), ("email", "email" in columns)) if not ok]
    if missing:
        result.problems.append(
            Diagnostic.make("I001", f"no {' or '.join(missing)} column in the header ({', '.join(h for h in header if h)})", path, 1, 1)
        )
        return result

    seen: dict[str, int] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Diagnostic.make("I002", f"cannot read this row: {exc}", path, start, 1))
            break
        line = start
        if not any(cell.strip() for cell in row):
            continue
        values = _row_values(row, columns)
        values["registered"] = today
        try:
            person = Participant.model_validate(participant_entry(values))
        except ValidationError as exc:
            result.problems.extend(_row_problems(exc, path, line, columns))
            continue
        if person.email in seen:
            result.problems.append(
                Diagnostic.make("I003", f"{person.email} appears twice in the file (also on line {seen[person.email]})", path, line, columns["email"] + 1)
            )
            continue
        seen[person.email] = line
        if cohort.participant(person.email) is not None:
            result.skipped.append((line, f"{person.email} is already in {cohort.id}"))
            continue
        result.rows.append(ImportRow(line, participant_entry(values), person))
    return result


def _row_values(row: list[str], columns: dict[str, int]) -> dict[str, Any]:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    values: dict[str, Any] = {key: cell(key) for key in ("name", "email", "organisation", "role", "po", "billing_email", "billing_name")}
    if not values["name"]:
        values["name"] = " ".join(p for p in (cell("first_name"), cell("last_name")) if p)
    return values


def _row_problems(exc: ValidationError, path: Path, line: int, columns: dict[str, int]) -> list[Diagnostic]:
    out = []
    for error in exc.errors(include_url=False):
        key = str(error["loc"][0]) if error["loc"] else ""
        col = columns.get(key, columns.get("first_name", 0) if key == "name" else 0) + 1
        message = error["msg"] if error["type"] == "learn_invalid" else ("is empty" if error["type"] == "missing" else error["msg"])
        out.append(Diagnostic.make("I002", f"{key or 'row'}: {message}", path, line, col))
    return out
