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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from learncli.diagnostics import Diagnostic
from learncli.limits import MAX_IMPORT_ROWS

MAX_CSV_BYTES = 10 * 1024 * 1024


#: What every CSV learn writes starts with: the UTF-8 byte-order mark, which is how Excel
#: tells UTF-8 ("CSV UTF-8", the format it writes itself) from the local code page.
BOM = "\ufeff"


#: A negative amount, which a spreadsheet reads as a number and never runs.
_NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?")


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula: `=`, `+`, `-`, `@` (and tab
    or carriage return) at the start get a leading apostrophe; a plain negative number
    (`-287.50`, a credit in an accounts import) is left as it is."""
    if _NEGATIVE_NUMBER.fullmatch(cell):
        return cell
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
#: How far down a file its header row is looked for: Zoom puts a report block above it,
#: and a webinar report lists the host and every panelist before the attendees.
HEADER_SEARCH_ROWS = 100
_DELIMITER_SAMPLE_ROWS = HEADER_SEARCH_ROWS + 50


def choose_delimiter(text: str, pick_header: Callable[[list[list[str]]], int] | None = None) -> str:
    """Comma, semicolon or tab: the one that splits the header row into the most fields
    with the following rows the same width, each tried by reading the file as RFC 4180
    (so a delimiter inside a quoted field never counts). Ties go to the comma, then the
    semicolon. The header row is the first, or with `pick_header` the one it picks from
    the top rows, so that a report block above the header (Zoom's) does not decide.

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
        start = pick_header(rows) if pick_header is not None else 0
        width = len(rows[start])
        score = (int(width > 1), sum(len(row) == width for row in rows[start + 1 :]), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def header_key(title: str) -> str:
    """`E-mail Address` -> `emailaddress`: how headers are looked up in an alias table."""
    return re.sub(r"[^a-z0-9]", "", title.lower())


#: Values that say nobody answered: a Microsoft Forms respondent of an open form is
#: `anonymous`, and such a column never wins over one with real answers.
_NOT_AN_ANSWER = {"", "anonymous", "anon", "n/a", "na", "-", "--", "none", "null"}
#: What a form writes in its own respondent columns when it does not know who answered.
#: A column holding only these is never read; one holding "-" or "n/a" alone still is,
#: because then someone typed exactly that and it is theirs to keep.
_NOBODY = {"", "anonymous", "anon"}
#: Answers to a yes/no question: never the value of a text field (a name, an organisation,
#: a PO), so "Will your organisation raise a purchase order?" never wins the PO.
_YES_NO = {"yes", "no", "y", "n", "true", "false", "maybe", "not sure", "don't know", "dont know"}
#: A question answered yes or no: it starts as one and ends with a question mark.
_YES_NO_QUESTION = re.compile(r"^(is|are|was|were|will|would|do|does|did|can|could|should|shall|has|have|may)\b")

#: How exactly a header names its field, best first: the whole header is the field's name;
#: a question title contains its keyword; a yes/no question only mentions it.
HEADER, QUESTION, YES_NO_QUESTION = "header", "question title", "yes/no question"
_RANK = {HEADER: 2, QUESTION: 1, YES_NO_QUESTION: 0}


def words_of(title: str) -> str:
    """`Line manager's e-mail?` -> `line manager s e mail`: how keyword patterns see a header."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split())


def is_yes_no(value: str) -> bool:
    return " ".join(value.lower().replace(".", "").split()) in _YES_NO


@dataclass
class HeaderRules:
    """How a sheet's headers name fields: exact `aliases` (normalised headers), then
    `keywords` (regular expressions tried in order on the header's words in lower case,
    for question titles such as "Purchase order number (if your organisation needs one)"),
    and per field a test of whether a cell holds a real value (`real`)."""

    aliases: dict[str, str]
    keywords: tuple[tuple[str, str], ...] = ()
    real: dict[str, Callable[[str], bool]] = field(default_factory=dict)
    #: (pattern, why): headers that hold no field of this sheet whatever keyword they
    #: contain (a buyer's or a manager's details, a place's name), unless --map says so.
    elsewhere: tuple[tuple[str, str], ...] = ()
    #: Fields of free text, which a yes/no answer never fills.
    text_fields: frozenset[str] = frozenset()
    #: Fields read from every column that names them, in order, one line each (an address
    #: given as "Billing Address 1", "Billing City", "Billing Postcode").
    multi: frozenset[str] = frozenset()
    #: field -> the fields it is made of: a whole name gives way to first and last name
    #: when those headers name the person more exactly (Zoom's "User Name (Original Name)").
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def field_of(self, title: str) -> tuple[str | None, str]:
        """(field, how it was recognised: HEADER, QUESTION or YES_NO_QUESTION) for one
        header; (None, why) when it names no field."""
        key = header_key(title)
        if key in self.aliases:
            return self.aliases[key], HEADER
        text = words_of(title)
        for pattern, why in self.elsewhere:
            if re.search(pattern, text):
                return None, why
        for pattern, name in self.keywords:
            if re.search(pattern, text):
                weak = title.strip().endswith("?") and _YES_NO_QUESTION.match(text)
                return name, YES_NO_QUESTION if weak else QUESTION
        return None, ""

    def is_real(self, name: str, value: str) -> bool:
        value = value.strip()
        if value.lower() in _NOT_AN_ANSWER or (name in self.text_fields and is_yes_no(value)):
            return False
        test = self.real.get(name)
        return test(value) if test else True


@dataclass
class Column:
    """What one column of the sheet was taken for, and why: shown by --dry-run."""

    index: int
    header: str
    field: str | None
    why: str


@dataclass
class Sheet:
    """A CSV export opened for reading: which column holds which field, and its rows."""

    path: Path
    encoding: str
    header: list[str]
    #: field -> index of its column.
    columns: dict[str, int]
    #: Headers that name no known field, for telling the user they were not used.
    ignored: list[str]
    problems: list[Diagnostic]
    records: list[tuple[int, list[str]]] = field(default_factory=list, repr=False)
    #: Every column of the header, with the field it was taken for and why.
    mapping: list[Column] = field(default_factory=list)

    @cached_property
    def groups(self) -> dict[str, list[int]]:
        """field -> every column read for it, left to right (several for a `multi` field)."""
        out: dict[str, list[int]] = {}
        for column in self.mapping:
            if column.field:
                out.setdefault(column.field, []).append(column.index)
        return out

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the row starts, its cells), blank rows left out."""
        yield from self.records

    def cell(self, row: list[str], key: str) -> str:
        index = self.columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    def lines(self, row: list[str], key: str) -> list[str]:
        """The lines of every column read for `key`, in order: a cell written on several
        lines gives each of them, and empty lines are left out."""
        cells = (row[index] for index in self.groups.get(key, []) if index < len(row))
        return [line.strip() for cell in cells for line in cell.splitlines() if line.strip()]

    def col(self, key: str) -> int:
        """The 1-based column of `key` (1 when the sheet has no such column)."""
        return self.columns.get(key, 0) + 1


def open_sheet(
    path: Path,
    data: bytes,
    aliases: dict[str, str] | HeaderRules,
    example: str,
    *,
    mapped: dict[str, str] | None = None,
    anchor: str | None = None,
) -> tuple[Sheet | None, list[Diagnostic]]:
    """Open `data` (the bytes of `path`) as a sheet with fields named through `aliases`.

    `mapped` (field -> header, from --map) overrides what the headers say; an empty
    header there means the field is read from no column. `anchor`: a field the header
    row must name; rows above the first that does (a report's preamble) are skipped.
    Returns the sheet, or None and the problems (I001) when the file cannot be read as
    a table at all or has more rows than one cohort's import (`MAX_IMPORT_ROWS`, at the
    first row past it). `example` is a header line shown when the file has none.
    """
    rules = aliases if isinstance(aliases, HeaderRules) else HeaderRules(aliases)

    def fail(message: str, line: int = 0, col: int = 0) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic.make("I001", message, path, line, col)]

    if len(data) > MAX_CSV_BYTES:
        return fail(f"the file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,}")
    text, encoding = decode_csv(data)
    if "\x00" in text:
        return fail("the file contains NUL bytes; is it really a CSV file?", text.count("\n", 0, text.index("\x00")) + 1, 1)
    pick = None if anchor is None else (lambda rows: _header_row(rules, anchor, rows))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=choose_delimiter(text, pick), **RFC4180)
    records: list[tuple[int, list[str]]] = []
    problems: list[Diagnostic] = []
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if not records:
                return fail(f"cannot read the header: {exc}", 1, 1)
            problems.append(Diagnostic.make("I002", f"cannot read this row: {exc}", path, line, 1))
            break
        if any(cell.strip() for cell in row) or not records:
            records.append((line, row))
        if len(records) > HEADER_SEARCH_ROWS + MAX_IMPORT_ROWS + 1:
            break  # past the limit wherever the header is: the rest is not read
    if not records or not any(h.strip() for h in records[0][1]):
        return fail(f"the file is empty: expected a header row such as {example}", 1, 1)
    start = 0 if pick is None else pick([row for _, row in records])
    header = records[start][1]
    body = [(line, row) for line, row in records[start + 1 :] if any(cell.strip() for cell in row)]
    if len(body) > MAX_IMPORT_ROWS:
        return fail(
            f"more than {MAX_IMPORT_ROWS:,} rows: one cohort's import is far smaller; "
            "is this the right export? (split it, or keep only this cohort's rows)",
            body[MAX_IMPORT_ROWS][0],
            1,
        )
    mapping, problem = _resolve(rules, header, body, mapped or {}, path)
    if problem is not None:
        return None, [problem]
    columns: dict[str, int] = {}
    for column in mapping:
        if column.field:
            columns.setdefault(column.field, column.index)
    ignored = [c.header.strip() for c in mapping if not c.field and c.header.strip()]
    return Sheet(path, encoding, header, columns, ignored, problems, body, mapping), []


def _header_row(rules: HeaderRules, anchor: str, rows: list[list[str]]) -> int:
    """Which of the top `rows` is the header: of those naming the `anchor` field, the one
    naming the most fields (ties: the first), so that a Zoom webinar report's host block
    (a name and an email) gives way to its attendees' header below; 0 when none names it."""
    best, most = 0, 0
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        named = {rules.field_of(title)[0] for title in row if title.strip()}
        if anchor in named and len(named - {None}) > most:
            best, most = position, len(named - {None})
    return best


def _resolve(rules: HeaderRules, header: list[str], body: list[tuple[int, list[str]]], mapped: dict[str, str], path: Path) -> tuple[list[Column], Diagnostic | None]:
    """Which column holds which field. --map first; then for each field, of the columns
    whose headers name it, the one that holds real values, then names it most exactly
    (a whole header, a question title, a yes/no question), then holds the most real
    values, then is leftmost. A column with no real value in any row never wins while
    the file has rows; alone, it is still read if anyone wrote anything but a form's
    "anonymous" in it (unless it asks a yes/no question), so that what was written is
    kept and a bad value is reported, not lost. A `multi` field reads every column with
    real values; a whole field gives way to its `parts` when they are named more exactly."""
    mapping = [Column(index, title, None, "not used") for index, title in enumerate(header)]
    #: index of a column read -> how exactly its header names its field (--map: above all).
    rank: dict[int, int] = {}
    taken: dict[str, int] = {}
    for name, wanted in mapped.items():
        if not wanted.strip():
            taken[name] = -1
            continue
        index = _find_header(header, wanted)
        if index is None:
            shown = ", ".join(h for h in header if h.strip())
            return mapping, Diagnostic.make("I001", f"--map {name}={wanted}: no such column in the header ({shown})", path, 1, 1)
        taken[name] = index
        mapping[index].field, mapping[index].why = name, "--map"
        rank[index] = len(_RANK)
    candidates: dict[str, list[tuple[int, str]]] = {}
    for column in mapping:
        if column.field is not None:
            continue
        name, how = rules.field_of(column.header)
        if name is None:
            column.why = f"not used: {how}" if how else column.why
            continue
        if name in taken:
            column.why = f"not used: {name} is set by --map" if taken[name] >= 0 else f"not used: --map {name}= leaves it out"
            continue
        candidates.setdefault(name, []).append((column.index, how))
    for name, found in candidates.items():
        counts = {index: sum(rules.is_real(name, row[index]) for _, row in body if index < len(row)) for index, _ in found}
        best, best_how = max(found, key=lambda item: (counts[item[0]] > 0, _RANK[item[1]], counts[item[0]], -item[0]))
        for index, how in found:
            column = mapping[index]
            answered = any(index < len(row) and row[index].strip().lower() not in _NOBODY for _, row in body)
            lone = len(found) == 1 and answered and how != YES_NO_QUESTION
            if body and counts[index] == 0 and not lone:
                column.why = f"not used: no real {name} in any row"
            elif name in rules.multi or index == best:
                column.field, rank[index] = name, _RANK[how]
                others = [str(i + 1) for i, _ in found if i != index]
                column.why = how if not others or name in rules.multi else f"{how}, {counts[index]} value(s): chosen over column {', '.join(others)}"
            elif _RANK[how] < _RANK[best_how]:
                column.why = f"not used: column {best + 1} names {name} more exactly ({best_how})"
            else:
                column.why = f"not used: column {best + 1} has more {name} values"
    for whole, parts in rules.parts.items():
        read = [c for c in mapping if c.field == whole]
        better = [c for c in mapping if c.field in parts and read and rank[c.index] > rank[read[0].index]]
        if read and better:
            read[0].field = None
            read[0].why = f"not used: {whole} is made of {' and '.join(c.header.strip() for c in better)}, which name it more exactly"
    return mapping, None


def _find_header(header: list[str], wanted: str) -> int | None:
    exact = [i for i, title in enumerate(header) if " ".join(title.split()).casefold() == " ".join(wanted.split()).casefold()]
    if exact:
        return exact[0]
    loose = [i for i, title in enumerate(header) if header_key(title) and header_key(title) == header_key(wanted)]
    return loose[0] if loose else None


def missing_columns(sheet: Sheet, needed: dict[str, tuple[str, ...]]) -> Diagnostic | None:
    """I001 naming each needed column the sheet lacks: `needed` maps what to call it to
    the fields any one of which will do ({"name": ("name", "first_name", "last_name")})."""
    missing = [label for label, fields in needed.items() if not any(key in sheet.columns for key in fields)]
    if not missing:
        return None
    shown = ", ".join(h for h in sheet.header if h)
    what = f"{missing[0]} column" if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]} columns"
    return Diagnostic.make("I001", f"no {what} in the header ({shown})", sheet.path, 1, 1)
