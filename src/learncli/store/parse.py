"""From a read YAML file to a validated model, with every schema error at its line and column."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from learncli.diagnostics import Diagnostic
from learncli.models.types import kind_of, shown
from learncli.store.yamlread import Loaded, Source

M = TypeVar("M", bound=BaseModel)

_BOOL_WORDS = {"y", "yes", "n", "no", "on", "off", "true", "false"}


def parse_model(loaded: Loaded, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    """Validate the data of `loaded` against `model`. All problems are reported, none raised."""
    diagnostics = list(loaded.diagnostics)
    if loaded.data is None:
        if not diagnostics:
            diagnostics.append(Diagnostic.make("F003", "the file is empty", loaded.path, 1, 1))
        return None, diagnostics
    if any(d.is_error for d in diagnostics):
        # Duplicate keys or bad tags: the data is not what the person wrote; validate
        # anyway to report schema errors too, but do not hand out a model.
        _, more = _validate(loaded, model)
        return None, diagnostics + more
    result, more = _validate(loaded, model)
    return result, diagnostics + more


def _validate(loaded: Loaded, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    if not isinstance(loaded.data, dict):
        line, col = loaded.source.mark(())
        return None, [
            Diagnostic.make("F003", f"expected a mapping of keys at the top, got {kind_of(loaded.data)}", loaded.path, line, col)
        ]
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        return None, errors_to_diagnostics(exc, loaded.source, model)


#: Schema errors listed per file. A file with more (a pasted dump, a generated file gone
#: wrong) is not helped by a list it would take minutes to compute and nobody would read.
MAX_LISTED = 200


def errors_to_diagnostics(exc: ValidationError, source: Source, model: type[BaseModel]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[int, int, str]] = set()
    errors = exc.errors(include_url=False)
    for index, error in enumerate(errors):
        if len(out) == MAX_LISTED:
            rest = len(errors) - index
            line, col = source.mark(tuple(s for s in error["loc"] if not _is_tag(s)), key=True)
            out.append(Diagnostic.make("F007", f"{rest:,} more schema error(s) from here on are not listed; fix the ones above first", source.path, line, col))
            break
        diag = _one(error, source, model)
        key = (diag.line, diag.col, diag.message)
        if key not in seen:
            seen.add(key)
            out.append(diag)
    return out


def _is_tag(step: Any) -> bool:
    """Pydantic puts the tag of a tagged union into an error's location; our tags are
    written `<kind>`, which no key in a file is, so they can be left out of positions."""
    return isinstance(step, str) and step.startswith("<") and step.endswith(">")


def _one(error: Any, source: Source, model: type[BaseModel]) -> Diagnostic:
    tagged = tuple(error["loc"])
    loc = tuple(step for step in tagged if not _is_tag(step))
    kind = error["type"]
    field = _field_name(loc, source)
    if kind == "extra_forbidden":
        line, col = source.mark(loc, key=True)
        known = _known_keys(model, tagged[:-1])
        message = f"unknown key {loc[-1]!r}"
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif known:
            message += f"; expected one of: {', '.join(sorted(known))}"
        return Diagnostic.make("F001", message, source.path, line, col)
    if kind == "missing":
        line, col = source.mark(loc[:-1])
        where = f" in {_field_name(loc[:-1], source)}" if len(loc) > 1 else ""
        return Diagnostic.make("F002", f"required key {loc[-1]!r} is missing{where}", source.path, line, col)

    line, col = source.mark(loc)
    raw = source.raw(loc)
    value = error.get("input")
    if raw and isinstance(value, bool) and raw[1].lower() in _BOOL_WORDS and raw[1].lower() not in {"true", "false"}:
        message = (
            f"{field}: YAML reads {raw[1]} as the yes/no value {str(value).lower()}; "
            f"if you mean the text, write it in quotes: \"{raw[1]}\""
        )
        return Diagnostic.make("F004", message, source.path, line, col)
    if kind == "learn_invalid":
        message = error["msg"]
    elif kind in {"string_type", "str_type"}:
        message = f"expected text, got {kind_of(value)}"
    elif kind in {"int_type", "int_parsing"}:
        message = f"expected a whole number, got {kind_of(value)}"
        if isinstance(value, str) and value.lstrip("+-").startswith("0") and value.strip("+-").isdigit():
            message += " (a leading zero is not allowed here)"
    elif kind == "bool_type":
        message = f"expected true or false, got {kind_of(value)}"
    elif kind in {"list_type"}:
        message = f"expected a list, got {kind_of(value)}"
    elif kind in {"dict_type", "model_type", "model_attributes_type"}:
        message = f"expected a mapping of keys, got {kind_of(value)}"
    elif kind == "literal_error":
        message = f"{shown(value)} is not one of {error.get('ctx', {}).get('expected', '')}"
    elif kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        message = f"{shown(value)} is out of range: {error['msg'].lower()}"
    elif kind == "too_short":
        message = f"must not be empty ({error['msg'].lower()})"
    else:
        message = error["msg"]
    return Diagnostic.make("F003", f"{field}: {message}" if field else message, source.path, line, col)


def _field_name(loc: tuple[Any, ...], source: Source | None = None) -> str:
    """A readable name: the last key, with the list item it belongs to (1-based).

    An integer in `loc` is a list position, or a key of a mapping (attendance is keyed by
    session number); the file's own structure tells which.
    """
    import yaml

    parts: list[str] = []
    for depth, step in enumerate(loc):
        in_list = isinstance(step, int) and parts
        if in_list and source is not None:
            parent, _, matched = source.node(loc[:depth])
            in_list = matched == depth and isinstance(parent, yaml.SequenceNode)
        if in_list:
            parts[-1] = f"{parts[-1]} #{step + 1}"
        else:
            parts.append(str(step))
    if not parts:
        return ""
    return parts[-1] if len(parts) == 1 else f"{parts[-2]} → {parts[-1]}"


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    target: Any = model
    for step in loc:
        target = _step_into(target, step)
        if target is None:
            return []
    target = _strip(target)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return list(target.model_fields)
    return []


def _strip(annotation: Any) -> Any:
    """Unwrap Annotated[...] and Optional[...] down to the type that matters."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _step_into(annotation: Any, step: Any) -> Any:
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(step))
        return field.annotation if field else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType) and _is_tag(step):
        for member in args:
            if typing.get_origin(member) is typing.Annotated and any(
                getattr(meta, "tag", None) == step for meta in member.__metadata__
            ):
                return typing.get_args(member)[0]
        return None
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None
