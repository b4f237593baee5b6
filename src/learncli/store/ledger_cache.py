"""Validated ledger files remembered in `.learn-cache/`, keyed by their content.

Every invoice and payment command needs the whole ledger (a number missed is a number
reused), and years of history mean tens of thousands of entries: reading them from YAML
and validating them took seconds on every command, almost all of it for files that have
not changed since the last command. So each ledger file that is valid is remembered as
JSON, with the positions of its entries (for messages that point at a line), under a key
made of the file's exact bytes and learn's own code: a changed file, however small the
change and whatever its modification time, has another key and is read from YAML again;
so is every file after learn is upgraded or edited. To spare hashing megabytes on
every command, a file's status is kept with its hash and trusted the way git's index
trusts it (`store.stamps`, keys in `store.ledger_keys`). A file with errors is never
remembered. When learn itself appends to a ledger file, the file it wrote (already parsed
once, to validate it) is remembered at once, so the next command finds it.

JSON, not pickle: the cache lives in the data folder, and loading it must never be able
to run code. A missing, stale, corrupt or unwritable cache is ignored (`LEARN_NO_CACHE=1`
turns it off); it only ever saves time.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel

from learncli.models.invoice import AllocationEntry, CreditNoteEntry, InvoiceEntry, LedgerFile, PaymentEntry, PayoutEntry, RefundEntry
from learncli.store import cache as store_cache
from learncli.store import ledger_keys
from learncli.store.ledger_keys import enabled, key  # noqa: F401 - also the callers' way in
from learncli.store.yamlread import Source, read_yaml

if TYPE_CHECKING:
    from learncli.domain.invoicing import Located
    from learncli.store.folder import DataFolder, FileResult

KINDS: dict[str, type[BaseModel]] = {
    "invoice": InvoiceEntry,
    "credit_note": CreditNoteEntry,
    "payment": PaymentEntry,
    "refund": RefundEntry,
    "payout": PayoutEntry,
    "allocation": AllocationEntry,
}


def _name(path: Path) -> str:
    return ledger_keys.cache_name(path)


@dataclass
class CachedSource(Source):
    """Positions of a remembered file: each entry's, and each of its keys' values, from
    the table (decoded only when a message first asks); anything else, or everything if
    the table is unusable, by reading the file again."""

    table: list[dict[str, list[int]]] | None = field(default=None, kw_only=True)
    table_text: str | None = field(default=None, repr=False, kw_only=True)
    #: The column of the dashes of `entries:` when new entries can be appended at the end
    #: of the file as they are (see `_appendable`), else None.
    appendable: int | None = field(default=None, kw_only=True)
    #: What `save` stores for this reading, when it is already known (see `appended`).
    stored: dict[str, Any] | None = field(default=None, repr=False, kw_only=True)
    #: The cache key this reading was loaded or saved under ("" if neither).
    key: str = field(default="", repr=False, kw_only=True)

    @property
    def marks(self) -> list[dict[str, list[int]]]:
        if self.table is None:
            self.table = json.loads(self.table_text or "[]")
        return self.table

    def marks_text(self) -> str:
        return self.table_text if self.table is None and self.table_text is not None else _dumps(self.marks)

    def mark(self, loc: tuple[Any, ...] = (), *, key: bool = False) -> tuple[int, int]:
        if not key and len(loc) in (2, 3) and loc[0] == "entries" and isinstance(loc[1], int):
            try:
                table = self.marks[loc[1]]
                line, col = table.get(str(loc[2]), table[""]) if len(loc) == 3 else table[""]
                if type(line) is int and type(col) is int:
                    return (line, col)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                pass
        return super().mark(loc, key=key)

    def node(self, loc: tuple[Any, ...]) -> tuple[Any, Any, int]:
        if self.root is None:
            self.root = read_yaml(self.path).source.root
        return super().node(loc)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


#: What this read of the ledger loaded or saved: (file, key) -> reading. A command that
#: reads the ledger and then appends to it finds the file here.
_MEMO: dict[tuple[str, str], Any] = {}


def start_reading() -> None:
    """A new read of the whole ledger: forget what an earlier one kept in memory."""
    _MEMO.clear()


def _remember_here(path: Path, file_key: str, result: FileResult[Any]) -> None:
    if len(_MEMO) >= 64:
        _MEMO.clear()
    _MEMO[(str(path), file_key)] = result


def load(folder: DataFolder, path: Path, raw: bytes) -> FileResult[Any] | None:
    """The remembered reading of `path`, if its content (`raw`) is the one remembered."""
    return load_keyed(folder, path, key(raw))


def load_keyed(folder: DataFolder, path: Path, file_key: str) -> FileResult[Any] | None:
    """The remembered reading of `path` under the key of its content (see `key_of`)."""
    return _MEMO.get((str(path), file_key)) or _load(folder, path, file_key)


def key_of(folder: DataFolder, path: Path) -> tuple[str | None, bytes | None]:
    """`ledger_keys.key_of` in `folder`."""
    return ledger_keys.key_of(folder.root, path)


def _load(folder: DataFolder, path: Path, file_key: str) -> FileResult[Any] | None:
    from learncli.store.folder import FileResult

    stored = store_cache.load(folder.root, _name(path), file_key)
    if not isinstance(stored, dict):
        return None
    try:
        makers = _makers(stored)
        entries = [makers[kind](row) for kind, row in stored["entries"]]
        model = LedgerFile.model_construct(entries=entries if stored["listed"] else None)
        source = _source(path, file_key, stored)
    except (KeyError, TypeError, ValueError, IndexError, InvalidOperation, AttributeError):
        return None
    result = FileResult(path, model, source, [])
    _remember_here(path, file_key, result)
    return result


def cohort_part(
    folder: DataFolder, paths: list[Path], cohort: str | Collection[str], *, numbers: bool = True
) -> tuple[list[Located], set[str]] | None:
    """The entries about one cohort (or each of several), built from the cache alone: its
    invoices, and the payments and credit notes that name them, each where it is in its
    file; and every invoice and credit-note number in the ledger (so that no number is
    issued twice).

    None unless every file in `paths` is remembered as it is now (then the caller reads
    the whole ledger, which also remembers it for next time). The rows of the other
    cohorts are looked at (one field each) but never built into models: with years of
    history, building every entry is most of what reading the ledger costs.

    A file whose small record of references (`_save_refs`) shows nothing about these
    cohorts is not loaded at all; every number in use is taken from those records.
    Without `numbers` (a reader that issues nothing: `learn status`), the set of every
    number is left empty.
    """
    from learncli.domain.invoicing import Located

    wanted = {cohort} if isinstance(cohort, str) else set(cohort)
    keys: list[tuple[Path, str]] = []
    for path in paths:
        found, _ = key_of(folder, path)
        if found is None:
            return None
        keys.append((path, found))
    found = _wanted_files(folder, keys, wanted)
    refs, every = found if found is not None else (None, set())
    remembered: list[tuple[Path, str, dict[str, Any]]] = []
    for path, file_key in keys:
        if refs is not None and path not in refs:
            continue
        stored = store_cache.load(folder.root, _name(path), file_key)
        if not isinstance(stored, dict):
            return None
        remembered.append((path, file_key, stored))
        if refs is None:
            _save_refs(folder, path, file_key, stored)
    items: list[Located] = []
    try:
        numbers_of: set[str] = set()
        for _, _, stored in remembered:
            fields = stored["fields"]
            at_cohort, at_number = fields["invoice"].index("cohort"), fields["invoice"].index("invoice")
            at_credit = fields["credit_note"].index("credit_note")
            for kind, row in stored["entries"]:
                if kind == "invoice":
                    if refs is None:
                        every.add(row[at_number])
                    if row[at_cohort] in wanted:
                        numbers_of.add(row[at_number])
                elif kind == "credit_note" and refs is None:
                    every.add(row[at_credit])
        for path, file_key, stored in remembered:
            fields = stored["fields"]
            naming = {
                "invoice": fields["invoice"].index("invoice"),
                "payment": fields["payment"].index("payment"),
                "credit_note": fields["credit_note"].index("cancels"),
                "refund": fields["refund"].index("refund"),
                # A payout names no invoice: it is no cohort's (see `contributions`).
                "payout": fields["payout"].index("payout"),
                "allocation": fields["allocation"].index("allocation"),
            }
            # An allocation names two invoices: it is the cohort's if either is.
            moved_from = fields["allocation"].index("from_invoice")
            makers = _makers(stored)
            source = _source(path, file_key, stored)
            for index, (kind, row) in enumerate(stored["entries"]):
                if row[naming[kind]] in numbers_of or (kind == "allocation" and row[moved_from] in numbers_of):
                    items.append(Located(makers[kind](row), path, index, source))
    except (KeyError, TypeError, ValueError, IndexError, InvalidOperation, AttributeError):
        return None
    return items, every if numbers else set()


def _refs_name(path: Path) -> str:
    return ledger_keys.refs_name(path)


def _save_refs(folder: DataFolder, path: Path, file_key: str, stored: dict[str, Any]) -> None:
    """Remember, next to a file's entries, which cohorts its invoices are for (and their
    numbers) and which invoice numbers its payments and credit notes name: a reader
    interested in a few cohorts then loads only the files that concern them."""
    try:
        fields = stored["fields"]
        at_cohort, at_number = fields["invoice"].index("cohort"), fields["invoice"].index("invoice")
        # The invoices each kind of entry names (a payout names none: it is no cohort's).
        naming = {
            "payment": [fields["payment"].index("payment")],
            "credit_note": [fields["credit_note"].index("cancels")],
            "refund": [fields["refund"].index("refund")],
            "allocation": [fields["allocation"].index("allocation"), fields["allocation"].index("from_invoice")],
            "payout": [],
        }
        at_credit = fields["credit_note"].index("credit_note")
        cohorts: dict[str, list[str]] = {}
        named: set[str] = set()
        credit_notes: list[str] = []
        for kind, row in stored["entries"]:
            if kind == "invoice":
                cohorts.setdefault(row[at_cohort], []).append(row[at_number])
            else:
                named.update(row[at] for at in naming[kind])
                if kind == "credit_note":
                    credit_notes.append(row[at_credit])
    except (KeyError, TypeError, ValueError, IndexError):
        return
    record = {"cohorts": cohorts, "named": sorted(named), "credit_notes": credit_notes}
    store_cache.save(folder.root, _refs_name(path), file_key, record)


def _wanted_files(folder: DataFolder, keys: list[tuple[Path, str]], wanted: set[str]) -> tuple[set[Path], set[str]] | None:
    """The files that hold an invoice of one of the `wanted` cohorts, or an entry naming
    one, and every invoice and credit-note number of the ledger, by the files' records of
    references; None if any record is missing."""
    records = []
    for path, file_key in keys:
        refs = store_cache.load(folder.root, _refs_name(path), file_key)
        if not (isinstance(refs, dict) and isinstance(refs.get("cohorts"), dict) and isinstance(refs.get("named"), list)
                and isinstance(refs.get("credit_notes"), list)):
            return None
        records.append((path, refs))
    every: set[str] = set()
    for _, refs in records:
        listed = ledger_keys.numbers_in(refs)
        if listed is None:
            return None
        every |= listed
    try:
        ours = {number for _, refs in records for c in wanted for number in refs["cohorts"].get(c, [])}
        paths = {path for path, refs in records if ours & set(refs["named"]) or any(c in refs["cohorts"] for c in wanted)}
    except TypeError:
        return None
    return paths, every


def _makers(stored: dict[str, Any]) -> dict[str, Any]:
    """A function per kind of entry from a stored row to the entry."""
    return {kind: _maker(KINDS[kind], names) for kind, names in stored["fields"].items()}


def _source(path: Path, file_key: str, stored: dict[str, Any]) -> CachedSource:
    """The positions of a remembered file's entries (`TypeError` if the record is not one
    learn wrote)."""
    appendable, table_text = stored["appendable"], stored["marks"]
    if (appendable is not None and type(appendable) is not int) or type(table_text) is not str:
        raise TypeError("not a stored table of positions")
    return CachedSource(path, None, table_text=table_text, appendable=appendable, key=file_key)


def compact(result: FileResult[Any]) -> FileResult[Any]:
    """`result` holding the table of its entries' positions instead of the file's node
    graph, which takes several times the memory of the entries themselves."""
    from learncli.store.folder import FileResult

    if isinstance(result.source, CachedSource):
        return result
    entries = result.model.entries if result.model is not None else None
    marks = _marks(result.source, len(entries or [])) if result.model is not None else None
    if marks is None:
        result.source.release()
        return result
    return FileResult(result.path, result.model, CachedSource(result.path, None, table=marks), result.diagnostics)


def save(folder: DataFolder, path: Path, raw: bytes, result: FileResult[Any]) -> FileResult[Any] | None:
    """Remember a reading of `path` (content `raw`) if the file is valid; returns the
    reading as a later `load` gives it (positions in a table), or None."""
    from learncli.store.folder import FileResult

    if result.model is None or result.diagnostics:
        return None
    entries = result.model.entries
    if isinstance(result.source, CachedSource) and result.source.stored is not None:
        value = result.source.stored
        result.source.stored = None
        return _store(folder, path, key(raw), result, value)
    if isinstance(result.source, CachedSource):
        marks_text, appendable = result.source.marks_text(), result.source.appendable
    else:
        marks = _marks(result.source, len(entries or []))
        if marks is None:
            return None
        try:
            appendable = _appendable(result.source, raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return None
        marks_text = _dumps(marks)
    value = {
        "listed": entries is not None,
        "fields": {kind: list(model.model_fields) for kind, model in KINDS.items()},
        "entries": [_row(entry) for entry in entries or []],
        "marks": marks_text,
        "appendable": appendable,
    }
    source = CachedSource(path, None, table_text=marks_text, appendable=appendable)
    return _store(folder, path, key(raw), FileResult(path, result.model, source, []), value)


def _store(folder: DataFolder, path: Path, file_key: str, result: FileResult[Any], value: dict[str, Any]) -> FileResult[Any]:
    store_cache.save(folder.root, _name(path), file_key, value)
    _save_refs(folder, path, file_key, value)
    result.source.key = file_key
    _remember_here(path, file_key, result)
    return result


def _row(entry: BaseModel) -> list[Any]:
    return [_kind(entry), list(entry.model_dump(mode="json").values())]


def remembered(folder: DataFolder, path: Path, raw: bytes) -> FileResult[Any] | None:
    """`load`, for a file about to be appended to: only if new items can follow it as is."""
    found = load(folder, path, raw)
    if found is None or found.source.appendable is None or found.model.entries is None:
        return None
    return found


def appended(
    folder: DataFolder, path: Path, before: FileResult[Any], new_entries: list[BaseModel], new_marks: list[dict[str, list[int]]]
) -> FileResult[Any]:
    """The reading of the file made by appending `new_entries` (found at `new_marks`) to
    `before` (from `remembered`), ready to be saved without dumping every entry again."""
    from learncli.store.folder import FileResult

    old_marks = before.source.marks_text()
    joined = _dumps(new_marks) if old_marks == "[]" else old_marks[:-1] + "," + _dumps(new_marks)[1:]
    # The stored rows of the file as it was, read again (one file) rather than kept in
    # memory for every file of the ledger in case it is the one appended to.
    stored = store_cache.load(folder.root, _name(path), before.source.key) if before.source.key else None
    value = None
    if isinstance(stored, dict) and isinstance(stored.get("entries"), list):
        value = {**stored, "entries": [*stored["entries"], *(_row(e) for e in new_entries)], "marks": joined}
    source = CachedSource(path, None, table_text=joined, appendable=before.source.appendable, stored=value)
    return FileResult(path, LedgerFile.model_construct(entries=[*before.model.entries, *new_entries]), source, [])


def _kind(entry: BaseModel) -> str:
    return next(k for k, cls in KINDS.items() if type(entry) is cls)


def _marks(source: Source, count: int) -> list[dict[str, list[int]]] | None:
    """Line and column of every entry and of each of its keys' values, as `Source.mark`
    finds them; None when the file is laid out in a way the table cannot describe."""
    root = source.root
    if not isinstance(root, yaml.MappingNode):
        return [] if count == 0 and root is not None else None
    listed = None
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
            return None
        if key_node.value == "entries":
            listed = value_node
    if count == 0:
        return []
    if not isinstance(listed, yaml.SequenceNode) or len(listed.value) != count:
        return None
    return item_marks(listed.value)


def item_marks(items: list[Any], lines_before: int = 0) -> list[dict[str, list[int]]] | None:
    """The table of `_marks` for the item nodes of `entries`, `lines_before` lines down."""
    out = []
    for item in items:
        if not isinstance(item, yaml.MappingNode):
            return None
        table = {"": [item.start_mark.line + 1 + lines_before, item.start_mark.column + 1]}
        for key_node, value_node in item.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                return None
            table[key_node.value] = [value_node.start_mark.line + 1 + lines_before, value_node.start_mark.column + 1]
        out.append(table)
    return out


def _appendable(source: Source, text: str) -> int | None:
    """The column of the dashes of `entries:` if items written at that column at the end
    of `text` can only become further items of that list; else None.

    That holds when `entries:` is the last key of the file, its value a block list with
    at least one item, and every line after the start of its last item is blank, a
    comment, or indented further than the dashes (so still inside that item): no other
    key, no `...` or `---`, nothing a new line at the dashes' column could continue.
    """
    root = source.root
    if not isinstance(root, yaml.MappingNode) or not root.value:
        return None
    key_node, listed = root.value[-1]
    if not isinstance(key_node, yaml.ScalarNode) or key_node.value != "entries" or key_node.tag.endswith(":merge"):
        return None
    if not isinstance(listed, yaml.SequenceNode) or not listed.value or listed.flow_style:
        return None
    lines = text.split("\n")
    columns = {_dash(lines, item) for item in (listed.value[0], listed.value[-1])}
    if len(columns) != 1 or None in columns:
        return None
    [column] = columns
    for line in lines[listed.value[-1].start_mark.line + 1:]:
        content = line.strip()
        if content and not content.startswith("#") and len(line) - len(line.lstrip(" ")) <= column:
            return None
    return column


def _dash(lines: list[str], item: Any) -> int | None:
    """The column of the `- ` that starts list item `item` (its node starts after it)."""
    mark = item.start_mark
    if mark.line >= len(lines):
        return None
    before = lines[mark.line][: mark.column].rstrip(" ")
    if not before.endswith("-") or before[:-1].strip(" "):
        return None
    return len(before) - 1


# --- models back from JSON, without validating them again -------------------------------


def _maker(model: type[BaseModel], names: Any) -> Any:
    """A function from a stored row (the values of `names`, in order) to an entry."""
    fields, plan = _plan(model)
    if tuple(names) != fields:
        raise KeyError(f"the stored fields of {model.__name__} are not its fields")

    def make(row: list[Any]) -> BaseModel:
        values = dict(zip(fields, row, strict=True))
        for name, convert in plan:
            value = values[name]
            if value is not None:
                values[name] = convert(value)
        return _build(model, values)

    return make


def _construct(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """A nested model (a bill-to, a line) from its JSON mapping (left as it is: the
    stored value may be saved again)."""
    fields, plan = _plan(model)
    if not isinstance(data, dict) or tuple(data) != fields:
        raise KeyError(f"not the fields of {model.__name__}")
    data = dict(data)
    for name, convert in plan:
        value = data[name]
        if value is not None:
            data[name] = convert(value)
    return _build(model, data)


def _build(model: type[BaseModel], values: dict[str, Any]) -> BaseModel:
    """`model.model_construct(**values)` for values that name every field, without the
    per-field bookkeeping it does for the general case: a quarter of the time, for tens
    of thousands of entries. Checked against `model_construct` before first use."""
    if not _fast_ok():
        return model.model_construct(**values)
    instance = model.__new__(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


_set = object.__setattr__


@cache
def _fast_ok() -> bool:
    """Whether this pydantic's models built by `_build` are exactly `model_construct`'s."""
    sample = {"payment": "X-1", "date": date(2026, 1, 2), "amount": Decimal("1.00"), "method": "bank", "reference": None, "note": None}
    try:
        fast = PaymentEntry.__new__(PaymentEntry)
        _set(fast, "__dict__", dict(sample))
        _set(fast, "__pydantic_fields_set__", set(sample))
        _set(fast, "__pydantic_extra__", None)
        _set(fast, "__pydantic_private__", None)
        slow = PaymentEntry.model_construct(**sample)
        return all(
            getattr(fast, name, None) == getattr(slow, name, None)
            for name in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
        ) and set(vars(slow)) == set(sample) and fast.model_dump() == slow.model_dump() and fast == slow
    except Exception:  # any surprise: use the public way
        return False


@cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[tuple[str, Any], ...]]:
    """The model's fields in order, and those whose JSON form is not already their value,
    each with its converter."""
    if model.model_config.get("extra") != "forbid" or model.__private_attributes__:
        raise TypeError(f"cannot rebuild {model.__name__}")
    plan = ((name, _converter(info.annotation)) for name, info in model.model_fields.items())
    return tuple(model.model_fields), tuple((name, convert) for name, convert in plan if convert is not None)


def _converter(annotation: Any) -> Any:
    """How a JSON value (`model_dump(mode="json")`) becomes the field's value again; None
    when it already is (text, whole numbers, yes/no, one of a few words)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _converter(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"cannot rebuild {annotation!r}")
        return _converter(members[0])  # None stays None: see `_construct`
    if origin is list:
        item = _converter(typing.get_args(annotation)[0])
        return None if item is None else (lambda value: [item(v) for v in value])
    if origin is dict:
        key_type, value_type = typing.get_args(annotation)
        if typing.get_origin(key_type) is typing.Annotated:
            key_type = typing.get_args(key_type)[0]
        if key_type not in (str, int):
            raise TypeError(f"cannot rebuild {annotation!r}")
        value = _converter(value_type) or (lambda v: v)
        key = int if key_type is int else str  # JSON's keys are text
        return lambda mapping: {key(k): value(v) for k, v in mapping.items()}
    if origin is Literal or annotation in (str, int, bool):
        return None
    if annotation is time:
        return time.fromisoformat
    if annotation is date:
        return date.fromisoformat
    if annotation is Decimal:
        return _decimal
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: _construct(annotation, value)
    raise TypeError(f"cannot rebuild {annotation!r}")


def _decimal(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise TypeError("expected a decimal as text")
    return Decimal(value)
