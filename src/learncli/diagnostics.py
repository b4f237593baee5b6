"""Diagnostics are values: a problem, where it is, how bad it is.

Loaders and rules return lists of `Diagnostic`; nothing here prints. One formatter makes
the `path:line:col: CODE severity: message` lines editors jump to, one makes JSON.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every code `learn` can report, with its severity and a one-line summary. Codes are
#: stable: scripts may match on them. The README's table is checked against this one.
CODES: dict[str, tuple[Severity, str]] = {
    # Y: reading the file
    "Y001": (E, "YAML syntax error"),
    "Y002": (E, "duplicate key in a mapping"),
    "Y003": (E, "unsupported YAML tag (for example !!python/object)"),
    "Y004": (E, "file too large, nested too deeply, or expands to too many values"),
    "Y005": (E, "file is not UTF-8 text"),
    "Y006": (E, "file cannot be read"),
    "Y007": (E, "a mapping key that is not a plain value"),
    # F: the shape of the data (schema)
    "F001": (E, "unknown key"),
    "F002": (E, "required key missing"),
    "F003": (E, "wrong type or invalid value"),
    "F004": (E, "YAML read a value differently from how it looks (quote it)"),
    "F005": (E, "invalid identifier (used in file names)"),
    "F006": (E, "file name and content disagree"),
    "F007": (E, "more schema errors in one file than are listed"),
    "F008": (E, "a sync service's conflict copy of a data file (not read as data)"),
    # R: references between files
    "R001": (E, "cohort names a course that does not exist"),
    "R002": (E, "cohort or course names a facilitator that does not exist"),
    "R003": (E, "invoice names a cohort that does not exist"),
    "R004": (E, "invoice names a participant not in its cohort"),
    "R005": (E, "duplicate id"),
    # D: dates and schedule
    "D001": (E, "fewer sessions than the course, and none of them cancelled"),
    "D002": (E, "dates of the planned sessions (make-ups aside) not strictly increasing"),
    "D003": (E, "session on a weekend"),
    "D004": (E, "session on a public holiday"),
    "D005": (W, "sessions closer together than the course's minimum gap"),
    "D006": (W, "cohort spans longer than the course's maximum"),
    "D007": (I, "session on a different weekday from the rest"),
    "D008": (I, "sessions straddle a clock change"),
    "D009": (E, "facilitator booked into two overlapping sessions"),
    "D010": (E, "session ends before it starts"),
    "D011": (W, "a cancelled session has not been made up"),
    "D012": (I, "more sessions will run than the course has (an extra session)"),
    "D013": (E, "a make-up session that names no cancelled session, one already made up, or meets before it or on another session's day"),
    # P: people
    "P001": (E, "duplicate participant email in a cohort"),
    "P002": (W, "cohort over capacity"),
    "P003": (W, "finished cohort kept past the retention period (learn participant purge)"),
    "P004": (E, "the shares of a split fee do not add up to what the participant owes"),
    # M: money
    "M001": (E, "duplicate invoice number"),
    "M002": (W, "gap in the invoice number sequence"),
    "M003": (W, "invoice unpaid after its due date"),
    "M004": (E, "payment, refund or credit note for an invoice that is not in the ledger"),
    "M005": (E, "payments more than the invoice's total, or a payment to a void invoice"),
    "M006": (E, "credit notes for more than the invoice's total, or after it was credited in full"),
    "M007": (W, "two live invoices for one participant of one cohort"),
    "M008": (W, "ledger entry in the file of another year"),
    "M020": (W, "payment or refund dated before its invoice was issued"),
    "M021": (W, "payment, refund or payout dated after today (not counted)"),
    "M022": (E, "refunds more than was received on the invoice"),
    "M023": (E, "allocation naming a wrong invoice, or moving more than is held"),
    "M009": (E, "a year's series of invoice numbers has run out"),
    # A / C: attendance and commitments
    "A001": (E, "attendance for a session that does not exist"),
    "A002": (E, "attendance for someone who is not a participant"),
    "A003": (W, "past session with no attendance recorded"),
    "A004": (W, "attendance other than excused for a cancelled or future session"),
    "C001": (E, "commitment for a session that does not exist"),
    "C002": (E, "commitment for someone who is not a participant"),
    "C003": (W, "two commitments by one person for the same gap"),
    # I: files given to an import command (CSV)
    "I001": (E, "import file cannot be read (encoding, header, size)"),
    "I002": (E, "invalid value in an import row"),
    "I003": (E, "the same person twice in an import file"),
    # S: settings still the example's or the skeleton's
    "S001": (W, "organisation details are still placeholders"),
    "S002": (W, "payment details are still placeholders, or missing"),
    # T: templates
    "T001": (E, "a template that cannot be rendered (syntax, undefined value, unsafe access)"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one place. `line` and `col` are 1-based; 0 means unknown."""

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str

    @classmethod
    def make(
        cls,
        code: str,
        message: str,
        path: str | os.PathLike[str],
        line: int = 1,
        col: int = 1,
        severity: Severity | None = None,
    ) -> Diagnostic:
        # Every message names a place: a problem with the file as a whole is at its start.
        return cls(
            path=str(path),
            line=max(line, 1),
            col=max(col, 1),
            code=code,
            severity=severity or CODES[code][0],
            message=message,
        )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.line, self.col, self.severity.rank, self.code)

    def format(self, base: Path | None = None) -> str:
        """`path:line:col: CODE severity: message`, the form editors and CI read."""
        where = f"{display_path(self.path, base)}:{self.line or 1}:{self.col or 1}"
        return f"{where}: {self.code} {self.severity.value}: {self.message}"

    def to_record(self) -> dict[str, object]:
        """Everything, as plain values (for caches); `from_record` reverses it."""
        return {"path": self.path, "line": self.line, "col": self.col, "code": self.code,
                "severity": self.severity.value, "message": self.message}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Diagnostic:
        return cls(
            path=str(record["path"]),
            line=int(record["line"]),
            col=int(record["col"]),
            code=str(record["code"]),
            severity=Severity(record["severity"]),
            message=str(record["message"]),
        )

    def to_json(self, base: Path | None = None) -> dict[str, object]:
        return {
            "path": display_path(self.path, base),
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


def display_path(path: str, base: Path | None = None) -> str:
    """Show a path relative to the working folder when it is inside it."""
    base = base or Path.cwd()
    try:
        # The folder resolved, the name kept: a message about a link names the link.
        where = Path(path)
        return str((where.parent.resolve() / where.name).relative_to(base.resolve()))
    except (ValueError, OSError):
        return str(path)


def count(diags: list[Diagnostic]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "info": 0}
    for d in diags:
        out[d.severity.value] += 1
    return out
