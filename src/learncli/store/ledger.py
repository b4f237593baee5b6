"""The invoice ledger on disk: `invoices/<year>.yaml`, read whole, written only by appending.

Every change to the ledger is a new entry (an invoice, a credit note or a payment) added
at the end of the file for the year of its date. Appending rewrites nothing a person
wrote, so comments and layout survive trivially, and the cost of a write does not grow
with the history: recording one payment in a year of 500 invoices touches one file and
parses it once (to validate it), instead of a ruamel round trip of the whole year.

New entries are written in the same hand-written style as the rest of the file: plain
scalars where YAML reads them back unchanged, single quotes where it would not (`NO`,
`9:30`, `O'Neil`, `#1`, a leading `-`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from learncli.diagnostics import Diagnostic
from learncli.domain.invoicing import Ledger, Located
from learncli.errors import DataError, Refused
from learncli.models.invoice import Entry, LedgerFile, entry_date

if TYPE_CHECKING:
    from learncli.store.folder import DataFolder, FileResult, Transaction

_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
#: Outside what YAML allows raw in a stream (its "printable" set), or a line break YAML
#: 1.1 would fold (NEL, LS, PS), or the byte-order mark: written as an escape.
_UNPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ENTRIES_LINE = re.compile(r"^entries:[ \t]*(?P<value>[^#\n]*?)[ \t]*(?:#[^\n]*)?$", re.MULTILINE)


def header(year: int) -> str:
    return (
        f"# The invoice ledger for {year}: every invoice, credit note, payment, refund and payout\n"
        f"# dated in {year}, in the order they were recorded. `learn invoice run/credit/void` and\n"
        "# `learn payment record/refund/payout` add entries at the end; you may also add entries by\n"
        "# hand (`learn validate` checks them). An issued invoice is never changed, deleted or\n"
        "# renumbered: void it (which adds a credit note) and issue a new one.\n"
        "\n"
        "entries:\n"
    )


@dataclass
class LedgerRead:
    """Every ledger file read: the ledger built from the valid ones, and all problems."""

    ledger: Ledger
    files: list[FileResult[Any]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def read_ledger(
    folder: DataFolder, *, use_cache: bool = True, cohort: str | Collection[str] | None = None, today: date | None = None
) -> LedgerRead:
    """Read every file of the ledger. Never raises for bad content.

    Files that have not changed since they were last read valid come from the cache
    (`store.ledger_cache`); `use_cache=False` reads every one from YAML.

    With `cohort`, the ledger returned may hold only what concerns that cohort: its
    invoices and the payments and credit notes that name them, and every number in use
    (so the next number is the same as with the whole ledger). That is all that is built
    when every file is in the cache (and so valid); otherwise the whole ledger is read,
    which answers the same questions. For commands about one cohort: emails, the session
    brief, an invoice run (`learn validate` always checks the whole ledger). `cohort` may
    also be several ids (`learn status`, for the cohorts it shows): then the ledger is for
    reading only, and does not know every number in use.

    With `today`, the accounts are the ledger as of that day (see `Ledger`): every
    command passes `--today`, so nothing dated later is counted.
    """
    from learncli.store import ledger_cache
    from learncli.store.bulk import reading_many

    if cohort is not None and use_cache and ledger_cache.enabled():
        part = ledger_cache.cohort_part(folder, folder.ledger_paths(), cohort, numbers=isinstance(cohort, str))
        if part is not None:
            items, numbers = part
            return LedgerRead(Ledger(items, other_numbers=numbers, today=today))
    with reading_many():
        if use_cache and ledger_cache.enabled():
            ledger_cache.start_reading()
            files = [_read_file(folder, path) for path in folder.ledger_paths()]
        else:
            files = [ledger_cache.compact(folder.read(path, LedgerFile)) for path in folder.ledger_paths()]
    items: list[Located] = []
    for result in files:
        if result.model is None or not result.model.entries:
            continue
        for index, entry in enumerate(result.model.entries):
            items.append(Located(entry, result.path, index, result.source))
    diagnostics = [d for result in files for d in result.diagnostics]
    return LedgerRead(Ledger(items, today=today), files, diagnostics)


def _read_file(folder: DataFolder, path: Path) -> FileResult[Any]:
    """One ledger file, from the cache when its content is the one remembered."""
    from learncli.bounded import read_bounded
    from learncli.store import ledger_cache
    from learncli.store.yamlread import MAX_FILE_BYTES

    file_key, raw = ledger_cache.key_of(folder, path)
    if file_key is not None:
        found = ledger_cache.load_keyed(folder, path, file_key)
        if found is not None:
            return found
    try:
        raw = raw if raw is not None else read_bounded(path, MAX_FILE_BYTES)
    except OSError:  # too large, not a file, unreadable: never hashed
        return folder.read(path, LedgerFile)  # reports why, with a position
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return folder.read(path, LedgerFile)
    result = folder.read(path, LedgerFile, text)
    return ledger_cache.save(folder, path, raw, result) or ledger_cache.compact(result)


def load_ledger(folder: DataFolder, *, cohort: str | None = None, today: date | None = None) -> Ledger:
    """The whole ledger (with `cohort`, possibly only that cohort's part: see
    `read_ledger`), or `DataError` if any file of it is invalid.

    Commands that write must see every entry (a number missed is a number reused), so
    they refuse to work on a ledger with errors.
    """
    read = read_ledger(folder, cohort=cohort, today=today)
    if not read.ok:
        errors = sum(d.is_error for d in read.diagnostics)
        raise DataError(
            f"the invoice ledger has {errors} error(s); fix them first",
            hint="run `learn validate` to see them all",
            diagnostics=[d for d in read.diagnostics if d.is_error],
        )
    return read.ledger


def ledger_path(folder: DataFolder, day: date) -> Path:
    """The file an entry dated `day` is appended to."""
    return folder.invoices_dir / f"{day.year}.yaml"


def append_entries(tx: Transaction, folder: DataFolder, entries: list[Entry]) -> list[Path]:
    """Add `entries` at the end of the ledger files for their years; returns the files.

    Each file is validated before it is written: the whole new text when the transaction
    commits, or, when the file as it is on disk is known valid (it is in the ledger cache
    under its exact content) and laid out so that new items can only extend its list,
    just the new entries, read back from the text about to be written (`_checked_append`).
    """
    by_file: dict[Path, list[Entry]] = {}
    for entry in entries:
        by_file.setdefault(ledger_path(folder, entry_date(entry)), []).append(entry)
    known: dict[Path, tuple[str, FileResult[Any]]] = {}
    for path, group in by_file.items():
        current = tx.current(path)
        start, dash = _ready(current, entry_date(group[0]).year)
        text = start + "".join("\n" + entry_text(entry, dash) for entry in group)
        checked = _checked_append(folder, path, current, start, text, dash, group)
        if checked is None:
            tx.replace(path, text, LedgerFile)
        else:
            tx.replace(path, text, None)  # validated above
            known[path] = (text, checked)
    tx.after_commit(lambda: _remember(folder, tx, list(by_file), known))
    return list(by_file)


def _checked_append(
    folder: DataFolder, path: Path, current: str | None, start: str, text: str, dash: int, group: list[Entry]
) -> FileResult[Any] | None:
    """The reading of `text` (= `start` + new entries), without reading `start` again, or
    None when that cannot be vouched for (the caller then validates the whole text)."""
    from learncli.bounded import read_bounded
    from learncli.store import ledger_cache
    from learncli.store.yamlread import MAX_FILE_BYTES, read_yaml

    if current is None or start not in (current, current + "\n") or not ledger_cache.enabled():
        return None
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
        if raw.decode("utf-8-sig") != current:
            return None  # already changed in this transaction, or changed on disk since
    except (OSError, UnicodeDecodeError):
        return None
    before = ledger_cache.remembered(folder, path, raw)
    if before is None or before.source.appendable != dash:
        return None
    added = text[len(start):]
    piece = read_yaml(path, added)
    if piece.diagnostics or not isinstance(piece.data, list) or len(piece.data) != len(group):
        return None
    try:
        parsed = LedgerFile.model_validate({"entries": piece.data})
    except ValueError:
        return None
    marks = ledger_cache.item_marks(piece.source.root.value, start.count("\n"))
    if parsed.entries != group or marks is None:
        return None
    return ledger_cache.appended(folder, path, before, parsed.entries, marks)


def _remember(folder: DataFolder, tx: Transaction, paths: list[Path], known: dict[Path, tuple[str, FileResult[Any]]]) -> None:
    """Put the ledger files just written into the cache: each was read to validate it (in
    whole or the entries added), so the next command need not read it again."""
    from learncli.store import ledger_cache

    if not ledger_cache.enabled():
        return
    for path in paths:
        text = tx.text(path)
        checked = tx.checked.get(path)
        if checked is None and path in known and known[path][0] == text:
            checked = known[path][1]
        if checked is not None:
            ledger_cache.save(folder, path, text.encode("utf-8"), checked)


def _ready(current: str | None, year: int) -> tuple[str, int]:
    """The file's text made ready for new items at its end, and the column of their dashes."""
    if current is None:
        return header(year), 2
    if current and not current.endswith("\n"):
        current += "\n"
    current = _without_document_end(current)
    match = _ENTRIES_LINE.search(current)
    if match is None:
        if _has_content(current):
            raise Refused("a ledger file has no `entries:` list at the top level; fix it (see `learn validate`)")
        return current + ("\n" if current.strip() else "") + "entries:\n", 2
    value = match.group("value").strip()
    if value in ("", "~", "null", "[]"):
        dash = _dash_column(current, match.end())
        if value:
            current = current[: match.start("value")] + current[match.end("value"):]
        return current, dash
    raise Refused("the ledger's `entries:` is written inline; write it as a block list (one `- ` item per entry)")


def _without_document_end(text: str) -> str:
    """`text` without the `...` lines (YAML's end of document) after its last content:
    entries appended after one would start a second document, which no ledger may have.
    Every such marker goes, however many there are among the final blank and comment
    lines; comments stay, those written on a marker's line too."""
    lines = text.splitlines(keepends=True)
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "..." or stripped.startswith(("... ", "...\t")):
            comment = stripped.find("#")
            if comment < 0:
                del lines[index]
            else:  # `... # closed 2026`: the marker goes, the comment stays
                lines[index] = stripped[comment:] + "\n"
            continue
        break
    return "".join(lines)


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def _dash_column(text: str, after: int) -> int:
    for line in text[after:].splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") or stripped == "-":
            return len(line) - len(stripped)
        break
    return 2


def entry_text(entry: Entry, dash: int = 2) -> str:
    """One entry as hand-written YAML, as an item of a block list whose dashes are at `dash`."""
    data = entry.model_dump(mode="python", exclude_defaults=True)
    lines = _mapping_lines(data, dash + 2)
    first = " " * dash + "- " + lines[0].lstrip(" ")
    return "\n".join([first, *lines[1:]]) + "\n"


def _mapping_lines(data: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out.extend(_mapping_lines(value, indent + 2))
        elif isinstance(value, list):
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    inner = _mapping_lines(item, indent + 4)
                    out.append(f"{pad}  - {inner[0].lstrip(' ')}")
                    out.extend(inner[1:])
                else:
                    out.append(f"{pad}  - {scalar(item)}")
        else:
            out.append(f"{pad}{key}: {scalar(value)}")
    return out


def scalar(value: Any) -> str:
    """A value as a YAML scalar that reads back (with `store.yamlread`) as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        if _UNPRINTABLE.search(value):
            return _double_quoted(value)
        return value if _plain_ok(value) else "'" + value.replace("'", "''") + "'"
    raise TypeError(f"cannot write {type(value).__name__} to the ledger")


def _double_quoted(value: str) -> str:
    """Characters a YAML stream may not hold raw (C1 controls, a BOM) written as escapes."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in '\\"':
            out.append("\\" + ch)
        elif _UNPRINTABLE.match(ch) or ch == "\t":
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _plain_ok(value: str) -> bool:
    if not value or value != value.strip() or value[0] in "-?:,[]{}#&*!|>'\"%@`":
        return False
    if ": " in value or " #" in value or value.endswith(":") or "\t" in value:
        return False
    if re.match(r"^[-+]?\d[\d_]*(:[0-5]?\d)+", value) or re.match(r"^[-+]?0\d", value):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG

