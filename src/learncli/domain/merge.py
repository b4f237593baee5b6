"""Three-way merge of learn's data by meaning: what git's `learn` merge driver decides.

Two facilitators change copies of the same file; git hands over the common ancestor
(base) and both versions. Text merges see two edits to neighbouring lines as a clash and
two appended invoices as one; here each file is plain data (mappings, lists, scalars) and
lists are matched by what identifies their items, not by position:

* participants by email, commitments by person and session, sessions by number;
* the ledger's entries by number (a payment by what it pays, when and how much), new
  entries of both sides kept, in date order;
* the email log's messages by message id; courses and facilitators by id;
* a session's calendar event exported on both sides: the record with the higher SEQUENCE;
* short lists of names (aliases, facilitators of a cohort) as sets.

Mappings (attendance per session and person, calendar state per session) merge key by
key. A value changed on one side only takes that side's value; changed the same way on
both, that value; changed two ways, a `Conflict` naming the thing, the field and both
values, and the result keeps ours. Pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: A key or item absent from one version.
MISSING: Any = _Missing()


@dataclass(frozen=True)
class ListRule:
    """How the items of one list are told apart, and how one is named in a message."""

    key: Callable[[Any, int], Hashable | None]
    name: Callable[[Hashable], str]
    #: Items new on either side go after the old ones, sorted by this (the ledger).
    new_in_order: Callable[[Any], Any] | None = None
    #: An item added on both sides, differently, is one conflict, not one per field: two
    #: invoices that got the same number are two documents, not two versions of one.
    added_whole: bool = False


def _lower(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _field(name: str) -> Callable[[Any, int], Hashable | None]:
    return lambda item, _: _lower(item.get(name)) if isinstance(item, dict) else None


def _commitment(item: Any, _: int) -> Hashable | None:
    if not isinstance(item, dict) or _lower(item.get("email")) is None:
        return None
    return (_lower(item.get("email")), str(item.get("session")))


def _entry(item: Any, _: int) -> Hashable | None:
    if not isinstance(item, dict):
        return None
    for kind in ("invoice", "credit_note"):
        if item.get(kind) is not None:
            return (kind, str(item[kind]))
    if item.get("payment") is not None:
        return ("payment", str(item["payment"]), str(item.get("date")), str(item.get("amount")), str(item.get("method")), str(item.get("reference")))
    return None


def _entry_name(key: Any) -> str:
    kind, number, *rest = key
    if kind == "payment":
        return f"payment of {number} on {rest[0]}"
    return f"{kind.replace('_', ' ')} {number}"


def _entry_date(item: Any) -> tuple[str, int]:
    day = item.get("issued") or item.get("date")
    return (day.isoformat() if isinstance(day, date) else str(day), 0)


def _itself(item: Any, _: int) -> Hashable | None:
    return item if isinstance(item, str | int) and not isinstance(item, bool) else None


_BY_ID = ListRule(_field("id"), lambda key: str(key))
_AS_SET = ListRule(_itself, lambda key: repr(key))

#: List rules by the name of the key holding the list.
RULES: dict[str, ListRule] = {
    "participants": ListRule(_field("email"), lambda key: f"participant {key}"),
    "commitments": ListRule(_commitment, lambda key: f"commitment of {key[0]} after session {key[1]}"),
    "sessions": ListRule(lambda _, index: index + 1, lambda key: f"session {key}"),
    "entries": ListRule(_entry, _entry_name, new_in_order=_entry_date, added_whole=True),
    "messages": ListRule(_field("message_id"), lambda key: f"message {key}"),
    "courses": _BY_ID,
    "facilitators": ListRule(lambda item, i: _BY_ID.key(item, i) or _itself(item, i), lambda key: f"facilitator {key}"),
    "aliases": _AS_SET,
    "previous_emails": _AS_SET,
    "cc": _AS_SET,
}


@dataclass(frozen=True)
class Conflict:
    """One thing changed two ways: where (as names a person reads), and the three values."""

    where: tuple[str, ...]
    base: Any
    ours: Any
    theirs: Any
    #: The same place as steps through the data: a mapping's key, or (list name, item key).
    path: tuple[Any, ...] = field(default=(), compare=False)

    def message(self) -> str:
        ours, theirs = self.ours, self.theirs
        if isinstance(ours, dict) and isinstance(theirs, dict):
            # Two versions of a whole item: only where they differ, or the line runs on.
            differ = [k for k in {**ours, **theirs} if ours.get(k, MISSING) != theirs.get(k, MISSING)][:4]
            ours, theirs = ({k: side.get(k, MISSING) for k in differ} for side in (ours, theirs))
        return f"{describe(self.where)}: ours {shown(ours)}, theirs {shown(theirs)} (was {shown(self.base)})"


def describe(where: tuple[str, ...]) -> str:
    """`('attendance', '5', 'chidi@x')` as "attendance of chidi@x at session 5"."""
    if len(where) >= 3 and where[0] == "attendance":
        rest = " ".join(where[3:])
        return f"attendance of {where[2]} at session {where[1]}" + (f", {rest}" if rest else "")
    return ", ".join(where) if where else "the whole file"


def shown(value: Any) -> str:
    """A value as a message shows it: text quoted, (none) for an absent one."""
    if value is MISSING:
        return "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, date):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


@dataclass
class Merged:
    value: Any
    conflicts: list[Conflict] = field(default_factory=list)


def merge(base: Any, ours: Any, theirs: Any) -> Merged:
    """Merge two versions of one file's data against their common ancestor."""
    conflicts: list[Conflict] = []
    value = _merge(base, ours, theirs, (), (), None, conflicts)
    return Merged(value, conflicts)


def _merge(base: Any, ours: Any, theirs: Any, where: tuple[str, ...], path: tuple[Any, ...], key: Any, conflicts: list[Conflict]) -> Any:
    if ours == theirs:
        return ours
    if base == ours:
        return theirs
    if base == theirs:
        return ours
    if isinstance(ours, dict) and isinstance(theirs, dict) and (base is MISSING or isinstance(base, dict)):
        inner: list[Conflict] = []
        merged = _merge_mappings({} if base is MISSING else base, ours, theirs, where, path, inner)
        if inner and _is_event_record(ours) and _is_event_record(theirs) and _highest(ours) != _highest(theirs):
            # Both exported the session's event after different changes: the record with
            # the higher SEQUENCE is the one calendars last heard of, and the next export
            # compares against it (so a change it lacks still raises the SEQUENCE).
            return ours if _highest(ours) > _highest(theirs) else theirs
        conflicts.extend(inner)
        return merged
    rule = RULES.get(key) if isinstance(key, str) else None
    if rule is not None and isinstance(ours, list) and isinstance(theirs, list) and (base is MISSING or isinstance(base, list)):
        keyed = [_keyed(items, rule) for items in ([] if base is MISSING else base, ours, theirs)]
        if all(k is not None for k in keyed):
            return _merge_lists(*keyed, rule, where, path, key, conflicts)  # type: ignore[misc]
    conflicts.append(Conflict(where, base, ours, theirs, path))
    return ours


def _is_event_record(value: dict) -> bool:
    """A session's record in calendar-state/: its event's UID and SEQUENCE."""
    return isinstance(value.get("uid"), str) and isinstance(value.get("sequence"), int)


def _highest(record: dict) -> int:
    uninvited = record.get("uninvited")
    more = [v for v in uninvited.values() if isinstance(v, int)] if isinstance(uninvited, dict) else []
    return max([record["sequence"], *more])


def _merge_mappings(base: dict, ours: dict, theirs: dict, where: tuple[str, ...], path: tuple[Any, ...], conflicts: list[Conflict]) -> dict:
    out: dict = {}
    for key in ordered(list(ours), list(theirs)):
        value = _merge(base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING), (*where, str(key)), (*path, key), key, conflicts)
        if value is not MISSING:
            out[key] = value
    return out


def _keyed(items: list, rule: ListRule) -> dict | None:
    """The items by key, or None when one has no key or two share one."""
    out: dict = {}
    for index, item in enumerate(items):
        k = rule.key(item, index)
        if k is None or k in out:
            return None
        out[k] = item
    return out


def _merge_lists(
    base: dict, ours: dict, theirs: dict, rule: ListRule, where: tuple[str, ...], path: tuple[Any, ...], key: str, conflicts: list[Conflict]
) -> list:
    merged: dict = {}
    for k in ordered(list(ours), list(theirs)):
        name = rule.name(k) if rule is not _AS_SET else key
        if rule.added_whole and k not in base and k in ours and k in theirs and ours[k] != theirs[k]:
            conflicts.append(Conflict((*where, name), MISSING, ours[k], theirs[k], (*path, (key, k))))
            merged[k] = ours[k]
            continue
        value = _merge(base.get(k, MISSING), ours.get(k, MISSING), theirs.get(k, MISSING), (*where, name), (*path, (key, k)), None, conflicts)
        if value is not MISSING:
            merged[k] = value
    if rule.new_in_order is None:
        return list(merged.values())
    old = [v for k, v in merged.items() if k in base]
    new = sorted((v for k, v in merged.items() if k not in base), key=rule.new_in_order)
    return old + new


def ordered(ours: list, theirs: list) -> list:
    """Ours' keys in their order, each key new in theirs placed after the key it follows
    there (or first, when it is theirs' first)."""
    out = list(ours)
    for index, k in enumerate(theirs):
        if k in out:
            continue
        before = next((p for p in reversed(theirs[:index]) if p in out), None)
        out.insert(out.index(before) + 1 if before is not None else 0, k)
    return out


def list_key(name: Any, items: list) -> Callable[[Any, int], Hashable | None] | None:
    """How the items of list `name` are matched, when every item has a key of its own."""
    rule = RULES.get(name) if isinstance(name, str) else None
    return rule.key if rule is not None and _keyed(items, rule) is not None else None
