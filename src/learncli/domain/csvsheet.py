"""Reading a spreadsheet export (CSV) whose headers people name as they like.

Registration and commitment imports share this: the size cap, UTF-8 (with or without a
BOM) or else Windows-1252 as Excel writes it, read as RFC 4180 with comma, semicolon or
tab as separator, headers matched loosely through an alias table, and every problem as a
diagnostic with the file's line and column. Zoom's reports have a layout of their own (`domain.zoom`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learncli.diagnostics import Diagnostic

MAX_CSV_BYTES = 10 * 1024 * 1024


#: What every CSV learn writes starts with: the UTF-8 byte-order mark, which is how Excel
#: tells UTF-8 ("CSV UTF-8", the format it writes itself) from the local code page.
BOM = "\ufeff"


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula: `=`, `+`, `-`, `@` (and tab
    or carriage return) at the start get a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def write_sheet(rows: Iterator[list[str]] | list[list[str]]) -> str:
    """`rows` as the CSV a spreadsheet opens as written: a byte-order mark, RFC 4180
    quoting, CRLF line ends, and no cell that could run as a formula."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text of a CSV export: UTF-8 (with or without BOM), else Windows-1252 as Excel writes."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


#: How every import reads a CSV file, whatever program wrote it (RFC 4180): fields in
#: double quotes may hold the delimiter, line breaks and doubled quotes (`""` is one `"`);
#: nothing else is special. Only the delimiter is chosen per file.
RFC4180: dict[str, Any] = {"quotechar": '"', "doublequote": True, "escapechar": None, "skipinitialspace": False, "strict": False}
DELIMITERS = (",", ";", "\t")
_DELIMITER_SAMPLE_ROWS = 50


def choose_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first row into the most fields with
    the following rows the same width, each tried by reading the file as RFC 4180 (so a
    delimiter inside a quoted field never counts). Ties go to the comma, then the semicolon.

    csv.Sniffer is not used: it also guesses quoting rules, and a wrong guess (doubled
    quotes read as two fields) silently moves values into the wrong columns."""
    best, best_score = ",", (-1, -1, -1)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, **RFC4180)
        rows: list[list[str]] = []
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append(row)
                if len(rows) >= _DELIMITER_SAMPLE_ROWS:
                    break
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        score = (int(width > 1), sum(len(row) == width for row in rows[1:]), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def header_key(title: str) -> str:
    """`E-mail Address` -> `emailaddress`: how headers are looked up in an alias table."""
    return re.sub(r"[^a-z0-9]", "", title.lower())


@dataclass
class Sheet:
    """A CSV export opened for reading: which column holds which field, and its rows."""

    path: Path
    encoding: str
    header: list[str]
    #: field -> index of its column (the first column that names it).
    columns: dict[str, int]
    #: Headers that name no known field, for telling the user they were not used.
    ignored: list[str]
    problems: list[Diagnostic]
    _reader: Any = field(repr=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the row starts, its cells), blank rows left out. A row the CSV reader
        cannot read becomes an I002 problem and ends the reading."""
        while True:
            line = self._reader.line_num + 1
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.problems.append(Diagnostic.make("I002", f"cannot read this row: {exc}", self.path, line, 1))
                return
            if any(cell.strip() for cell in row):
                yield line, row

    def cell(self, row: list[str], key: str) -> str:
        index = self.columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    def col(self, key: str) -> int:
        """The 1-based column of `key` (1 when the sheet has no such column)."""
        return self.columns.get(key, 0) + 1


def open_sheet(path: Path, data: bytes, aliases: dict[str, str], example: str) -> tuple[Sheet | None, list[Diagnostic]]:
    """Open `data` (the bytes of `path`) as a sheet with fields named through `aliases`.

    Returns the sheet, or None and the problems (I001) when the file cannot be read as
    a table at all. `example` is a header line shown when the file has none.
    """
    def fail(message: str, line: int = 0, col: int = 0) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic.make("I001", message, path, line, col)]

    if len(data) > MAX_CSV_BYTES:
        return fail(f"the file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,}")
    text, encoding = decode_csv(data)
    if "\x00" in text:
        return fail("the file contains NUL bytes; is it really a CSV file?", text.count("\n", 0, text.index("\x00")) + 1, 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=choose_delimiter(text), **RFC4180)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return fail(f"cannot read the header: {exc}", 1, 1)
    if not header or not any(h.strip() for h in header):
        return fail(f"the file is empty: expected a header row such as {example}", 1, 1)
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        key = aliases.get(header_key(title))
        if key and key not in columns:
            columns[key] = index
        elif title.strip():
            ignored.append(title.strip())
    return Sheet(path, encoding, header, columns, ignored, [], reader), []


def missing_columns(sheet: Sheet, needed: dict[str, tuple[str, ...]]) -> Diagnostic | None:
    """I001 naming each needed column the sheet lacks: `needed` maps what to call it to
    the fields any one of which will do ({"name": ("name", "first_name", "last_name")})."""
    missing = [label for label, fields in needed.items() if not any(key in sheet.columns for key in fields)]
    if not missing:
        return None
    shown = ", ".join(h for h in sheet.header if h)
    what = f"{missing[0]} column" if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]} columns"
    return Diagnostic.make("I001", f"no {what} in the header ({shown})", sheet.path, 1, 1)
