"""Reading YAML with positions, safely, fast.

PyYAML's C parser composes the node graph (every node keeps its start mark); this module
turns nodes into plain Python values itself instead of using PyYAML's constructor, for
four reasons:

* Positions. The node graph is kept beside the values, so any error found later (by the
  Pydantic models or by the rules) can be traced back to `line:col` with `Source.mark`.
* Safety. Only the core tags are accepted (`!!python/...` and every custom tag are
  errors), duplicate keys are errors, aliases may not expand a small file into a huge
  value (billion laughs), and absurd nesting is refused before it reaches the C parser,
  which would otherwise overflow its stack.
* Meaning. YAML 1.1 reads `9:30` as the integer 570, `010` as 8 and `NO` as false. Here
  `9:30` and `010` stay the text they look like (what YAML 1.2 does), and booleans stay
  booleans so that a text field given `NO` is reported with a hint to quote it.
* Money. Numbers with a decimal point become `Decimal` built from the source text, so
  `191.67` is exactly 191.67 and no float ever touches an amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from learncli.bounded import NotRegularFile, TooLarge, read_bounded
from learncli.diagnostics import Diagnostic

try:  # the C parser is 10x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Plain scalar text -> its implicit tag, as PyYAML's resolver decides it.
_TAGS: dict[str, str] = {}
_TAGS_MAX = 200_000


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """PyYAML's loader, remembering the tag it resolves for each short plain scalar.

    Even the C parser asks the Python resolver for the tag of every plain scalar, and the
    resolver tries its regular expressions one by one: a third of all the reading time
    in a large folder, spent again and again on the same values (`present`, dates,
    `GBP`, amounts, addresses). The answer depends only on the text, so it is kept.
    """

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            tag = _TAGS.get(value)  # type: ignore[arg-type]
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 64:  # type: ignore[arg-type]
                    if len(_TAGS) >= _TAGS_MAX:
                        _TAGS.clear()  # start again with what the files at hand repeat
                    _TAGS[value] = tag  # type: ignore[index]
            return tag
        return super().resolve(kind, value, implicit)

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _SEQ, _MAP, _MERGE = (_TAG + t for t in ("timestamp", "seq", "map", "merge"))
_VALUE = _TAG + "value"

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEXAGESIMAL_RE = re.compile(r"^[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.[\d_]*)?$")
_LEADING_ZERO_RE = re.compile(r"^[-+]?0[\d_]+$")
_TRUE = {"true", "True", "TRUE"}


class YamlProblem(Exception):
    """Raised inside the reader; always turned into a `Diagnostic` before it leaves."""

    def __init__(self, code: str, message: str, node: yaml.Node | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node


@dataclass
class Source:
    """A file's node graph: maps a path of keys and indexes back to `line:col`."""

    path: Path
    root: yaml.Node | None
    #: Each mapping's keys, indexed once: (key text -> (key node, value node), merged nodes).
    #: Looking a key up by scanning would make reporting an error in each of n keys of one
    #: mapping take n * n steps (a file of 100,000 unknown keys: an hour).
    _keys: dict[int, tuple[dict[str, tuple[yaml.Node, yaml.Node]], list[yaml.Node]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    #: After `release()`: the positions kept, and the text to read again for any other.
    _kept: dict[tuple[Any, ...], tuple[int, int]] | None = field(default=None, repr=False, kw_only=True)
    _text: str | None = field(default=None, repr=False, kw_only=True)

    def release(self, keep: Iterable[tuple[Any, ...]] = (), text: str | None = None) -> None:
        """Let go of the node graph (most of the memory a read file takes: a folder of
        thousands of files need not hold them all), keeping the positions of `keep`.
        Any other position is found by reading the file (or `text`, if it was read from
        a text) again, when it is asked for."""
        if self.root is None or self._kept is not None:
            return
        self._kept = {loc: self.mark(loc) for loc in keep}
        self._text = text
        self.root = None
        self._keys = {}  # it holds the nodes too (and ids of freed nodes get reused)

    def node(self, loc: tuple[Any, ...]) -> tuple[yaml.Node | None, yaml.Node | None, int]:
        """Follow `loc` as far as it goes: (value node, key node, how many steps matched)."""
        if self.root is None and self._kept is not None:
            self.root = read_yaml(self.path, self._text).source.root
        node, key_node, depth = self.root, None, 0
        for step in loc:
            found = self._child(node, step)
            if found is None:
                break
            key_node, node = found
            depth += 1
        return node, key_node, depth

    def mark(self, loc: tuple[Any, ...] = (), *, key: bool = False) -> tuple[int, int]:
        """1-based `(line, col)` of the value at `loc` (or of its key), nearest known."""
        if self._kept is not None and not key and loc in self._kept:
            return self._kept[loc]
        node, key_node, _ = self.node(loc)
        target = key_node if key and key_node is not None else node
        if target is None:
            return (1, 1)
        return (target.start_mark.line + 1, target.start_mark.column + 1)

    def raw(self, loc: tuple[Any, ...]) -> tuple[str, str] | None:
        """The (tag, source text) of the plain scalar at exactly `loc`, if it is one."""
        node, _, depth = self.node(loc)
        if depth != len(loc) or not isinstance(node, yaml.ScalarNode):
            return None
        return node.tag, node.value

    def _child(self, node: yaml.Node | None, step: Any, seen: frozenset[int] = frozenset()) -> tuple[yaml.Node | None, yaml.Node] | None:
        if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                return None, node.value[step]
            return None
        if isinstance(node, yaml.MappingNode) and id(node) not in seen:
            keys, merged = self._index(node)
            found = keys.get(str(step))
            if found is not None:
                return found
            for source in merged:
                for candidate in source.value if isinstance(source, yaml.SequenceNode) else [source]:
                    deeper = self._child(candidate, step, seen | {id(node)})
                    if deeper is not None:
                        return deeper
        return None

    def _index(self, node: yaml.MappingNode) -> tuple[dict[str, tuple[yaml.Node, yaml.Node]], list[yaml.Node]]:
        cached = self._keys.get(id(node))
        if cached is None:
            keys: dict[str, tuple[yaml.Node, yaml.Node]] = {}
            merged: list[yaml.Node] = []
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    merged.append(value_node)
                elif isinstance(key_node, yaml.ScalarNode):
                    try:
                        key = _scalar(key_node)
                    except YamlProblem:
                        continue
                    keys.setdefault(str(key), (key_node, value_node))
            cached = self._keys[id(node)] = (keys, merged)
        return cached


@dataclass
class Loaded:
    """What reading one file gives: its value (None when unreadable) and its problems."""

    path: Path
    data: Any
    source: Source
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def read_yaml(path: Path, text: str | None = None) -> Loaded:
    """Read one YAML file. Never raises for bad content: problems come back as diagnostics."""
    source = Source(path, None)
    if text is None:
        try:
            raw = read_bounded(path, MAX_FILE_BYTES)
        except TooLarge as exc:
            return _fail(path, source, "Y004", exc.detail)
        except NotRegularFile as exc:
            return _fail(path, source, "Y006", f"this is {exc.kind}, not a YAML file")
        except FileNotFoundError:
            what = "a link to a file that does not exist" if path.is_symlink() else "file not found"
            return _fail(path, source, "Y006", what)
        except OSError as exc:
            return _fail(path, source, "Y006", f"cannot read file: {exc.strerror or exc}")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            return _fail(path, source, "Y005", f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8", line, col)
    elif len(text) > MAX_FILE_BYTES:
        return _fail(path, source, "Y004", f"file is over the limit of {MAX_FILE_BYTES:,} bytes")

    depth = _nesting_bound(text)
    if depth > 1000:
        return _fail(path, source, "Y004", f"the file nests too deeply (up to about {depth} levels)")
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "YAML syntax error"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return _fail(path, source, "Y001", _tidy(message), line, col)
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        line, col = _offset_to_mark(text, getattr(exc, "position", None))
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        return _fail(path, source, "Y001", _tidy(f"cannot read the file: {reason}"), line, col)
    except RecursionError:
        return _fail(path, source, "Y004", "the file nests too deeply")

    source.root = root
    # A file cannot hold more values than it has characters unless aliases repeat
    # blocks; this cap stops an alias bomb long before it fills the memory.
    builder = _Builder(path, limit=len(text) + 10_000)
    try:
        data = builder.build(root) if root is not None else None
    except YamlProblem as problem:
        line, col = _node_mark(problem.node)
        builder.diagnostics.append(Diagnostic.make(problem.code, problem.message, path, line, col))
        data = None
    return Loaded(path, data, source, builder.diagnostics)


def _fail(path: Path, source: Source, code: str, message: str, line: int = 1, col: int = 1) -> Loaded:
    return Loaded(path, None, source, [Diagnostic.make(code, message, path, line, col)])


def _tidy(message: str) -> str:
    return " ".join(message.split())


def _offset_to_mark(text: str, position: int | None) -> tuple[int, int]:
    if position is None:
        return (0, 0)
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _node_mark(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return (0, 0)
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _nesting_bound(text: str) -> int:
    """A cheap upper bound on how deep the YAML can nest, refined only when it is large.

    libyaml recurses once per level and crashes the process somewhere past 50,000 levels
    (and slows quadratically long before), so a deep file must be refused before parsing.
    Block nesting needs indentation (or `- ` / `? ` per level) on one line; flow nesting
    needs one bracket per level.
    """
    brackets = text.count("[") + text.count("{")
    longest = max(map(len, text.split("\n")), default=0)
    if brackets + longest <= 1000:
        return brackets + longest
    depth = deepest = 0
    for ch in re.sub(r"[^\[\]{}]", "", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    block = 0
    for match in re.finditer(r"^( *)((?:[-?](?: +|$))*)", text, re.MULTILINE):
        block = max(block, len(match.group(1)) + len(match.group(2)))
    return deepest + block


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in _TRUE or value.lower() in {"true", "yes", "y", "on"}
    if tag == _INT:
        if _SEXAGESIMAL_RE.match(value) or _LEADING_ZERO_RE.match(value):
            return value  # 9:30 and 010 mean what they look like (YAML 1.2)
        text = value.replace("_", "")
        try:
            if text.lower().startswith(("0x", "-0x", "+0x")):
                return int(text, 16)
            if text.lower().startswith(("0b", "-0b", "+0b")):
                return int(text, 2)
            if text.lower().startswith(("0o", "-0o", "+0o")):
                return int(text, 8)
            return int(text)
        except ValueError:
            return value
    if tag == _FLOAT:
        if ":" in value:
            return value
        lowered = value.lower()
        if lowered in {".inf", "+.inf", "-.inf", ".nan"}:
            return float(lowered.replace(".", ""))
        try:
            return Decimal(value.replace("_", ""))
        except InvalidOperation:
            return value
    if tag == _TIMESTAMP:
        if _DATE_RE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value  # 2026-02-30: the model says why it is not a date
        return value
    if tag == _VALUE:
        return value
    raise YamlProblem("Y003", f"the tag {_show_tag(tag)} is not allowed in learn's files", node)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _Builder:
    """Turns a node graph into dicts, lists and scalars, collecting problems as it goes."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.values = 0
        self.limit = limit

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem("Y004", f"the data nests more than {MAX_DEPTH} levels deep", node)
        self.values += 1
        if self.values > self.limit:
            raise YamlProblem("Y004", "the file expands to too many values (are aliases repeating a large block?)", node)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise YamlProblem("Y003", f"the tag {_show_tag(node.tag)} is not allowed in learn's files", node)
            return [self.build(item, depth + 1) for item in node.value]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise YamlProblem("Y003", f"the tag {_show_tag(node.tag)} is not allowed in learn's files", node)
            return self._mapping(node, depth)
        raise YamlProblem("Y003", "unexpected YAML node", node)  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[tuple[type, Any], yaml.Node] = {}
        merges: list[dict[Any, Any]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.extend(self._merge_sources(value_node, depth))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _node_mark(key_node)
                self.diagnostics.append(
                    Diagnostic.make("Y007", "a key must be a plain value, not a list or mapping", self.path, line, col)
                )
                continue
            key = _scalar(key_node)
            if isinstance(key, bool):  # never a valid key here; keep the text so 1 and true differ
                key = key_node.value
            identity = (type(key), key)  # 1 and true are different keys, though 1 == True
            if identity in seen:
                first_line, _ = _node_mark(seen[identity])
                line, col = _node_mark(key_node)
                self.diagnostics.append(
                    Diagnostic.make(
                        "Y002",
                        f"duplicate key {key_node.value!r} (first at line {first_line}); only one may stay",
                        self.path,
                        line,
                        col,
                    )
                )
                continue
            seen[identity] = key_node
            result[key] = self.build(value_node, depth + 1)
        for merged in merges:
            for key, value in merged.items():
                result.setdefault(key, value)
        return result

    def _merge_sources(self, node: yaml.Node, depth: int) -> list[dict[Any, Any]]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise YamlProblem("Y003", "a merge key (<<) must refer to a mapping", source)
            out.append(self.build(source, depth + 1))
        return out
