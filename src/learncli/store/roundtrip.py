"""Editing hand-written YAML without losing what the person wrote.

ruamel.yaml's round-trip mode keeps comments, blank lines, key order and quoting. This
module adds what it lacks for our files:

* the file's own indentation is detected and kept (ruamel applies one style to all);
* new text that YAML 1.1 would misread (`NO`, `9:30`, `010`, `null`) is quoted, since
  the files are read back with PyYAML;
* appending to a list moves the comments and blank lines that followed the old last item
  so that they still sit above whatever came next in the file;
* `Decimal` amounts are written as plain numbers (`575.00`), never floats.

Reads for every other purpose go through `yamlread`, which is 20x faster.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

_RESOLVER = pyyaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long line someone wrote
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    y.representer.add_representer(Decimal, _represent_decimal)
    # One date object shared by several new entries (everyone imported today) must not
    # come out as `&id001 2026-11-23` and `*id001`: plain values are never aliased.
    default_ignore = y.representer.ignore_aliases
    y.representer.ignore_aliases = lambda data: isinstance(data, date | Decimal) or default_ignore(data)
    return y


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:float", str(value))


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) as this file uses them."""
    mapping = sequence = offset = None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for parent, child in zip(lines, lines[1:]):
        if not parent.rstrip().endswith(":"):
            continue
        parent_indent = len(parent) - len(parent.lstrip(" "))
        if parent.lstrip().startswith("- "):
            parent_indent += 2 + len(parent.lstrip()[2:]) - len(parent.lstrip()[2:].lstrip(" "))
        child_indent = len(child) - len(child.lstrip(" "))
        step = child_indent - parent_indent
        is_item = child.lstrip().startswith("- ")
        if step < 0 or (step == 0 and not is_item):
            continue
        if is_item:
            if offset is None:
                offset = step
                after_dash = child.lstrip()[1:]
                sequence = step + 1 + (len(after_dash) - len(after_dash.lstrip(" ")))
        elif mapping is None:
            mapping = step
        if mapping is not None and offset is not None:
            break
    mapping = mapping or 2
    if offset is None:
        offset, sequence = 2, 4
    return mapping, sequence or offset + 2, offset


class RoundTrip:
    """One file's text, loaded for editing; `dump()` gives the edited text back."""

    def __init__(self, text: str) -> None:
        self.original = text
        self._yaml = _yaml(*guess_indent(text))
        self.data: Any = self._yaml.load(text) if text.strip() else CommentedMap()

    def dump(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()


def plain(value: Any) -> Any:
    """Turn a Python value into what ruamel should write, safe for a YAML 1.1 reader."""
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            if item is not None:
                out[key] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return CommentedSeq(plain(item) for item in value)
    if isinstance(value, str):
        return text_scalar(value)
    if isinstance(value, bool | int | Decimal | date) or value is None:
        return value
    raise TypeError(f"cannot write {type(value).__name__} to YAML")


def text_scalar(value: str) -> Any:
    """A string written so that both YAML 1.1 and 1.2 readers get the same string back."""
    if value != value.strip() or _RESOLVER.resolve(pyyaml.ScalarNode, value, (True, False)) != _STR_TAG:
        return SingleQuotedScalarString(value)
    if re.match(r"^[-+]?\d[\d_]*(:[0-5]?\d)+", value) or re.match(r"^[-+]?0\d", value):
        return SingleQuotedScalarString(value)
    return value


def append(seq: CommentedSeq, item: Any) -> None:
    """Append `item` to a block list, keeping comments that followed the old last item below it."""
    item = plain(item)
    moved: str | None = None
    if len(seq):
        separated = _items_separated_by_blank_line(seq)
        holder, slot = _last_comment_slot(seq, len(seq) - 1)
        token = _token(holder, slot)
        if token is not None:
            # "# eol comment\n" stays with the old item; blank lines and comments after it
            # belonged to whatever followed the list, so they move below the new item.
            eol, _, rest = token.value.partition("\n")
            token.value = eol + "\n" + ("\n" if separated else "")
            moved = "\n" + rest if rest else None
        elif separated:
            _set_token(holder, slot, "\n\n")
    seq.append(item)  # (appending renumbers the list's comment slots, so set them after)
    if moved is not None:
        holder, slot = _last_comment_slot(seq, len(seq) - 1)
        _set_token(holder, slot, moved)


def remove_item(mapping: CommentedMap, key: Any, index: int) -> str:
    """Remove item `index` of the block list `mapping[key]`, with the comments above it
    (they were about it). The blank lines and comments after it belong to whatever
    follows: they move below the item before it or, for the first item, above the new
    first one; when no item is left they are returned for the caller to place
    (`keep_after`)."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    seq = mapping[key]
    holder, slot = _last_comment_slot(seq, index)
    token = _token(holder, slot)
    rest = token.value.partition("\n")[2] if token is not None else ""
    eol = ""
    if index > 0:
        before_holder, before_slot = _last_comment_slot(seq, index - 1)
        before = _token(before_holder, before_slot)
        eol = before.value.partition("\n")[0] if before is not None else ""
    del seq[index]
    if index > 0:
        _set_token(*_last_comment_slot(seq, index - 1), eol + "\n" + rest)
        return ""
    above = mapping.ca.items.get(key)
    if above and len(above) > 3:
        comments = [line for line in rest.splitlines() if line.strip().startswith("#")]
        tokens = [CommentToken(line.strip() + "\n", CommentMark(len(line) - len(line.lstrip())), None) for line in comments]
        above[3] = tokens or None
        if seq.ca.comment:
            seq.ca.comment[1] = tokens or None
    return rest if not len(seq) else ""


def keep_after(mapping: CommentedMap, key: Any, rest: str) -> None:
    """Put `rest` (blank lines and comments) right after the value of `key`."""
    if rest:
        _set_token(mapping, key, "\n" + rest)


def _items_separated_by_blank_line(seq: CommentedSeq) -> bool:
    if len(seq) < 2:
        return False
    holder, slot = _last_comment_slot(seq, len(seq) - 2)
    token = _token(holder, slot)
    return bool(token is not None and token.value.partition("\n")[2].startswith("\n"))


def _last_comment_slot(seq: CommentedSeq, index: int) -> tuple[Any, Any]:
    item = seq[index]
    holder, slot = _last_comment_slot_of(item)
    return (holder, slot) if holder is not None else (seq, index)


def _last_comment_slot_of(node: Any) -> tuple[Any, Any]:
    """The container and key whose trailing comment is the last thing in `node`.

    A flow collection (`{status: late, minutes: 150}`) is one line: its comment belongs
    to the entry holding it, not inside the braces."""
    if isinstance(node, CommentedMap | CommentedSeq) and node.fa.flow_style():
        return None, None
    if isinstance(node, CommentedMap) and len(node):
        key = list(node.keys())[-1]
        deeper = _last_comment_slot_of(node[key])
        return deeper if deeper[0] is not None else (node, key)
    if isinstance(node, CommentedSeq) and len(node):
        deeper = _last_comment_slot_of(node[-1])
        return deeper if deeper[0] is not None else (node, len(node) - 1)
    return None, None


def _token(holder: Any, slot: Any) -> Any:
    entry = holder.ca.items.get(slot)
    if not entry:
        return None
    index = 2 if isinstance(holder, CommentedMap) else 0
    return entry[index] if len(entry) > index else None


def _set_token(holder: Any, slot: Any, value: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    token = CommentToken(value, CommentMark(0), None)
    if isinstance(holder, CommentedMap):
        holder.ca.items[slot] = [None, None, token, None]
    else:
        holder.ca.items[slot] = [token, None, None, None]


def drop_key(mapping: CommentedMap, key: Any) -> None:
    """Remove `key` from a block mapping. The end-of-line comment of its line goes with
    it; the blank lines and comments that followed that line stay where they were, below
    the entry before it (so the blank line between two participants survives when the
    last key of one of them is removed)."""
    keys = list(mapping.keys())
    index = keys.index(key)
    token = _token(*_key_slot(mapping, key))
    rest = token.value.partition("\n")[2] if token is not None else ""
    del mapping[key]
    mapping.ca.items.pop(key, None)
    if not rest or index == 0:
        return
    holder, slot = _key_slot(mapping, keys[index - 1])
    before = _token(holder, slot)
    _set_token(holder, slot, (before.value if before is not None else "\n") + rest)


def rename_key(mapping: CommentedMap, old: Any, new: Any) -> None:
    """Give a key of a block mapping a new name, keeping its place, its value and the
    comments on and after its line."""
    index = list(mapping.keys()).index(old)
    comment = mapping.ca.items.pop(old, None)
    value = mapping[old]
    del mapping[old]
    mapping.insert(index, new, value)
    if comment is not None:
        mapping.ca.items[new] = comment


def _key_slot(mapping: CommentedMap, key: Any) -> tuple[Any, Any]:
    holder, slot = _last_comment_slot_of(mapping[key])
    return (holder, slot) if holder is not None else (mapping, key)


def put_key(mapping: CommentedMap, key: Any, value: Any, *, before: Any = None) -> None:
    """Add `key` to a block mapping (before the key `before`, else at the end).

    Comments and blank lines that followed the old last entry belonged to whatever came
    after the mapping in the file, so, as with `append`, they move below the new entry.
    """
    value = plain(value)
    if before is not None and before in mapping:
        mapping.insert(list(mapping.keys()).index(before), key, value)
        return
    moved: str | None = None
    if len(mapping):
        holder, slot = _last_comment_slot_of(mapping)
        token = _token(holder, slot) if holder is not None else None
        if token is not None:
            eol, _, rest = token.value.partition("\n")
            token.value = eol + "\n"
            moved = "\n" + rest if rest else None
    mapping[key] = value
    if moved is not None:
        holder, slot = _last_comment_slot_of(mapping)
        _set_token(holder, slot, moved)


def insert(seq: CommentedSeq, index: int, item: Any) -> None:
    """Insert `item` into a block list before position `index`; in a list whose items
    are separated by blank lines, the new one is followed by one too."""
    separated = _items_separated_by_blank_line(seq)
    seq.insert(index, plain(item))
    if separated:
        holder, slot = _last_comment_slot(seq, index)
        token = _token(holder, slot)
        if token is None or not token.value.partition("\n")[2].startswith("\n"):
            _set_token(holder, slot, (token.value.partition("\n")[0] if token is not None else "") + "\n\n")


def replace_text(mapping: CommentedMap, key: Any, value: str) -> None:
    """Give a text value of a block mapping new text, keeping how it was quoted and the
    gap between it and the comment at the end of its line."""
    old = mapping[key]
    mapping[key] = type(old)(value) if isinstance(old, str) and type(old) is not str else text_scalar(value)
    token = _token(mapping, key)
    mark = getattr(token, "start_mark", None)
    if mark is not None and hasattr(mark, "column"):
        mark.column = max(0, mark.column + len(value) - len(str(old)))
