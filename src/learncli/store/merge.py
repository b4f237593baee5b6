"""Merging three versions of one of learn's YAML files, keeping what people wrote.

`domain.merge` decides the merged data; here OURS, loaded round-trip, is made to hold it
with the fewest edits: values that did not change are not touched, so every comment,
blank line, key order and quoting of OURS survives, and what THEIRS added is put where
it stood relative to its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from learncli.domain.merge import Conflict, list_key, merge, shown as _shown
from learncli.store.roundtrip import RoundTrip, append, drop_key, insert, plain, put_key


def to_plain(node: Any) -> Any:
    """A round-trip node as plain Python values (ruamel's floats as Decimal)."""
    if isinstance(node, dict):
        return {to_plain(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, float):
        return _decimal(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, str):
        return str(node)
    return node


def _decimal(number: float) -> Decimal:
    """A float as read by ruamel, as the Decimal its text wrote (`10.00`, not `10.0`)."""
    value = Decimal(repr(number))
    width, dot = getattr(number, "_width", None), getattr(number, "_prec", None)
    if getattr(number, "_exp", None) is None and isinstance(width, int) and isinstance(dot, int) and 0 <= dot < width:
        places = width - dot - 1
        if places > 0:
            value = value.quantize(Decimal(1).scaleb(-places))
    return value


@dataclass
class MergeResult:
    text: str
    conflicts: list[Conflict]


def merge_texts(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge THEIRS into OURS against BASE. Raises ruamel's YAMLError when one of the
    three is not YAML (the caller falls back to a merge by lines)."""
    documents = [RoundTrip(text) for text in (base, ours, theirs)]
    base_data, ours_data, theirs_data = (to_plain(d.data) for d in documents)
    merged = merge(base_data, ours_data, theirs_data)
    target = documents[1]
    if isinstance(target.data, CommentedMap) and isinstance(merged.value, dict):
        _update_mapping(target.data, merged.value)
        for conflict in merged.conflicts:
            _mark(target.data, conflict)
    else:
        target.data = plain(merged.value)
    return MergeResult(target.dump(), merged.conflicts)


def _mark(doc: CommentedMap, conflict: Conflict) -> None:
    """A comment at the end of the line where both changed a value, saying what theirs
    was, for whoever resolves it (when that line has no comment of its own)."""
    node: Any = doc
    for step in conflict.path[:-1]:
        node = _step(node, step)
        if node is None:
            return
    last = conflict.path[-1] if conflict.path else None
    if not isinstance(node, CommentedMap) or node.fa.flow_style() or isinstance(last, tuple):
        return
    key = next((k for k in node if to_plain(k) == last), None)
    if key is None or isinstance(node[key], CommentedMap | CommentedSeq):
        return
    marker = f"# learn merge: CONFLICT, theirs: {_shown(conflict.theirs)}"
    entry = node.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None:
        node.yaml_add_eol_comment(marker, key)
    elif token.value.startswith("\n"):
        # No comment on the line, only what follows it (blank lines, the next comments).
        token.value = " " + marker + token.value


def _step(node: Any, step: Any) -> Any:
    if isinstance(step, tuple) and isinstance(node, CommentedSeq):
        name, wanted = step
        key = list_key(name, to_plain(list(node)))
        found = [item for index, item in enumerate(node) if key is not None and key(to_plain(item), index) == wanted]
        return found[0] if found else None
    if isinstance(node, CommentedMap):
        return next((node[k] for k in node if to_plain(k) == step), None)
    return None


def _update_mapping(node: CommentedMap, value: dict) -> None:
    for key in [k for k in node if to_plain(k) not in value]:
        drop_key(node, key)
    present = {to_plain(k): k for k in node}
    keys = list(value)
    for index, key in enumerate(keys):
        if key in present:
            _update_slot(node, present[key], value[key], key)
            continue
        before = next((present[k] for k in keys[index + 1 :] if k in present), None)
        put_key(node, key, value[key], before=before)
        present[key] = key


def _update_slot(container: Any, slot: Any, value: Any, name: Any) -> None:
    """Make `container[slot]` hold `value`, editing in place what can be."""
    current = container[slot]
    if to_plain(current) == value:
        return
    if isinstance(current, CommentedMap) and isinstance(value, dict):
        _update_mapping(current, value)
    elif not (isinstance(current, CommentedSeq) and isinstance(value, list) and _update_list(current, value, name)):
        container[slot] = plain(value)


def _update_list(node: CommentedSeq, value: list, name: Any) -> bool:
    """Match items by the list's key (domain.merge.RULES); False when they have none."""
    key = list_key(name, value)
    current_key = list_key(name, to_plain(list(node)))
    if key is None or current_key is None:
        return False
    wanted = [key(item, index) for index, item in enumerate(value)]
    for index in reversed(range(len(node))):
        if current_key(to_plain(node[index]), index) not in wanted:
            del node[index]
    for index, (k, item) in enumerate(zip(wanted, value)):
        have = [current_key(to_plain(n), i) for i, n in enumerate(node)]
        if k in have:
            _update_slot(node, have.index(k), item, None)
            continue
        before = next((p for p in reversed(wanted[:index]) if p in have), None)
        at = have.index(before) + 1 if before is not None else 0
        if node.fa.flow_style():
            node.insert(at, plain(item))
        elif at >= len(node):
            append(node, item)
        else:
            insert(node, at, item)
    return True


def model_for(path: Path) -> Any:
    """The model a data file of this name is checked against, or None."""
    from learncli.models.calendar_state import CohortCalendarState
    from learncli.models.cohort import Cohort
    from learncli.models.course import Config
    from learncli.models.email_log import EmailLog
    from learncli.models.invoice import LedgerFile

    if path.name == "courses.yaml":
        return Config
    return {"cohorts": Cohort, "invoices": LedgerFile, "calendar-state": CohortCalendarState, "email-log": EmailLog}.get(path.parent.name)

