"""A Jinja sandbox that also bounds what a template may build, and how long it may run.

Jinja's sandbox keeps a template away from Python's internals, but not from the size of
what it builds: `{{ (9999999999 * 'a')|length }}` asks for a ten-gigabyte string, which
the sandbox happily starts building. Templates in a data folder are written by people,
so each render here is bounded:

- every string, list or tuple a template builds with `*`, `+`, `~`, `%`, a filter or a
  method holds at most `MAX_ITEMS` items, checked *before* it is built where the size can
  be known in advance (repetition, padding widths, `%` and `format` widths, `replace`,
  `join`, `sum`, `indent`, `batch`, `slice`), and after for the rest;
- an integer a template computes has at most `MAX_INT_BITS` bits (`**` and `*`);
- `range()` has at most `MAX_RANGE` items (Jinja's own limit), `lipsum` `MAX_LIPSUM_WORDS`;
- the output of one render is at most `MAX_OUTPUT` characters;
- one render (compiling and running) takes at most `TIME_LIMIT` seconds of wall-clock
  time (a SIGALRM timer, in the main thread only) and may grow the process's address
  space by `MEMORY_HEADROOM` bytes (RLIMIT_AS, where the platform has it); both are put
  back as they were afterwards.

Any of these stops the render with `Stopped` (raised inside the template, so its file and
line are known); running out of memory raises MemoryError, which the caller reports the
same way. This module imports Jinja at the top: import it only inside functions.
"""

from __future__ import annotations

import functools
import math
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from jinja2.compiler import CodeGenerator
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

#: The most items (characters, elements) in one string, list or tuple a template builds.
MAX_ITEMS = 1_000_000
#: The most bits in one integer a template computes (about 30,000 decimal digits).
MAX_INT_BITS = 100_000
#: The most characters one render may write.
MAX_OUTPUT = 8_000_000
#: The most words `lipsum()` may make.
MAX_LIPSUM_WORDS = 100_000
#: Seconds one render may run (compiling included).
TIME_LIMIT = 10.0
#: Bytes of address space one render may add to the process.
MEMORY_HEADROOM = 1 << 30

__all__ = ["MAX_ITEMS", "MAX_INT_BITS", "MAX_OUTPUT", "MAX_RANGE", "TIME_LIMIT", "MEMORY_HEADROOM",
           "Stopped", "BoundedSandbox", "limits", "render"]


class Stopped(Exception):
    """A template went past a bound; the message says which, in words."""


_SEQUENCES = (str, bytes, list, tuple)


def _too_many(count: int, what: str) -> None:
    if count > MAX_ITEMS:
        raise Stopped(f"{what} would hold {count:,} items; a template may build at most {MAX_ITEMS:,}")


def _check_width(width: object, what: str) -> None:
    if isinstance(width, int) and width > MAX_ITEMS:
        raise Stopped(f"{what} of {width:,} is wider than the {MAX_ITEMS:,} a template may build")


def _check_result(value: object, what: str) -> object:
    if isinstance(value, _SEQUENCES):
        _too_many(len(value), what)
    return value


# --- % and str.format ---------------------------------------------------------------

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


def _check_percent(fmt: str) -> None:
    """Refuse a `%` format whose widths or precisions would build a huge string."""
    for match in _PERCENT_SPEC.finditer(fmt):
        for number in match.group(1, 2):
            if number == "*":
                raise Stopped("a '%' format may not take its width from an argument ('*')")
            if number is not None:
                _check_width(int(number), "a '%' format width")


def _check_format_string(fmt: str) -> None:
    """Refuse a `str.format` string with nested specs or huge widths (`{:>999999999}`)."""
    from string import Formatter

    try:
        fields = list(Formatter().parse(fmt))
    except ValueError:
        return  # str.format raises the same error, with its own words
    for _literal, _field, spec, _conversion in fields:
        if not spec:
            continue
        if "{" in spec:
            raise Stopped("a format spec may not be built from an argument ('{:{}}')")
        for number in re.findall(r"\d+", spec):
            _check_width(int(number), "a format width")


# --- str methods --------------------------------------------------------------------


def _replace_size(s: str | bytes, old: Any, new: Any, count: Any = -1) -> int:
    if not isinstance(old, type(s)) or not isinstance(new, type(s)):
        return len(s)
    found = len(s) + 1 if not old else s.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(s) + found * (len(new) - len(old))


def _check_str_method(s: str | bytes, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a call of a str (or bytes) method that would build too much; the arguments,
    with an iterable made a list when it had to be counted."""
    if name in ("center", "ljust", "rjust", "zfill"):
        _check_width(args[0] if args else kwargs.get("width"), f"the width given to {name}()")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            _too_many(len(s) + s.count("\t" if isinstance(s, str) else b"\t") * size, "expandtabs()")
    elif name == "replace" and len(args) >= 2:
        _too_many(_replace_size(s, *args[:3]), "replace()")
    elif name == "join" and args:
        items = list(args[0]) if not isinstance(args[0], (list, tuple)) else args[0]
        _too_many(len(items), "join()")
        _too_many(sum(len(x) for x in items if isinstance(x, (str, bytes))) + len(s) * max(len(items) - 1, 0), "join()")
        return (items, *args[1:])
    elif name == "translate":
        table = args[0] if args else None
        if isinstance(table, Mapping):
            longest = max((len(v) for v in table.values() if isinstance(v, (str, bytes))), default=1)
            _too_many(len(s) * max(longest, 1), "translate()")
    return args


# --- filters ------------------------------------------------------------------------


def _f_center(value: Any, width: Any = 80) -> None:
    _check_width(width, "the width given to center")


def _f_indent(s: Any, width: Any = 4, first: Any = False, blank: Any = False) -> None:
    pad = len(width) if isinstance(width, str) else width
    if isinstance(pad, int):
        _check_width(pad, "the width given to indent")
        text = str(s) if isinstance(s, str) else ""
        _too_many(len(text) + (text.count("\n") + 1) * pad, "indent")


def _f_batch(value: Any, linecount: Any, fill_with: Any = None) -> None:
    _check_width(linecount, "the batch size")


def _f_slice(value: Any, slices: Any, fill_with: Any = None) -> None:
    _check_width(slices, "the number of slices")


def _f_wordwrap(s: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None, break_on_hyphens: Any = True) -> None:
    if isinstance(s, str) and isinstance(wrapstring, str) and isinstance(width, int) and width > 0:
        lines = len(s) // width + s.count("\n") + 1
        _too_many(len(s) + lines * len(wrapstring), "wordwrap")


def _f_format(value: Any, *args: Any, **kwargs: Any) -> None:
    if isinstance(value, str):
        _check_percent(value)


def _f_replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    if isinstance(s, str):
        _too_many(_replace_size(s, str(old), str(new), -1 if count is None else count), "replace")


def _f_join(value: Any, d: Any = "", attribute: Any = None) -> list[Any] | None:
    if isinstance(value, Iterator) or not hasattr(value, "__len__"):
        value = list(value)
    _too_many(len(value), "join")
    if attribute is None and isinstance(d, str):
        _too_many(sum(len(x) for x in value if isinstance(x, str)) + len(d) * max(len(value) - 1, 0), "join")
    return list(value)


def _f_sum(iterable: Any, attribute: Any = None, start: Any = 0) -> list[Any] | None:
    items = list(iterable)
    if attribute is None:
        sizes = [len(x) for x in (start, *items) if isinstance(x, _SEQUENCES)]
        if sizes:
            _too_many(sum(sizes), "sum")
    return items


_FILTER_CHECKS: dict[str, Callable[..., Any]] = {
    "center": _f_center, "indent": _f_indent, "batch": _f_batch, "slice": _f_slice,
    "wordwrap": _f_wordwrap, "format": _f_format, "replace": _f_replace, "join": _f_join, "sum": _f_sum,
}


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` (a Jinja filter) with its arguments checked first and its result after."""
    passed = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    check = _FILTER_CHECKS.get(name)

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if check is not None and len(args) > passed:
            try:
                replacement = check(*args[passed:], **kwargs)
            except TypeError:  # the wrong arguments: the filter itself says so
                replacement = None
            if replacement is not None:
                args = (*args[:passed], replacement, *args[passed + 1:])
        return _check_result(func(*args, **kwargs), f"the result of |{name}")

    return bounded


def _bounded_range(*args: Any) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise Stopped(f"range() would hold {len(numbers):,} numbers; a template may use at most {MAX_RANGE:,}")
    return numbers


def _bounded_lipsum(lipsum: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(lipsum)
    def bounded(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
        if isinstance(n, int) and isinstance(max, int) and n * max > MAX_LIPSUM_WORDS:
            raise Stopped(f"lipsum() would make up to {n * max:,} words; a template may make at most {MAX_LIPSUM_WORDS:,}")
        return lipsum(n, html, min, max)

    return bounded


# --- the environment ----------------------------------------------------------------


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` so that the joined string is checked (Jinja has no hook for `~`)."""

    def visit_Concat(self, node: Any, frame: Any) -> None:
        self.write("environment.bounded_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


def _bits(n: int) -> int:
    return abs(n).bit_length()


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the bounds above on what a template builds."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _bounded_range
        self.globals["lipsum"] = _bounded_lipsum(self.globals["lipsum"])
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def bounded_concat(self, value: Any) -> Any:
        return _check_result(value, "joining strings with '~'")

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        _check_binop(operator_, left, right)
        return _check_result(super().call_binop(context, operator_, left, right), f"'{operator_}'")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        target = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner = getattr(target, "__self__", None)
        if isinstance(owner, (str, bytes)):
            name = getattr(target, "__name__", "")
            if name in ("format", "format_map") and isinstance(owner, str):
                _check_format_string(owner)
            else:
                args = _check_str_method(owner, name, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        return _check_result(result, "the result of a call")


def _check_binop(op: str, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    if op == "*":
        if ints:
            if _bits(left) + _bits(right) > MAX_INT_BITS:
                raise Stopped(f"a product of {_bits(left) + _bits(right):,} bits is over the {MAX_INT_BITS:,} a template may compute")
        elif isinstance(left, _SEQUENCES) and isinstance(right, int):
            _too_many(len(left) * right, "repeating with '*'")
        elif isinstance(right, _SEQUENCES) and isinstance(left, int):
            _too_many(len(right) * left, "repeating with '*'")
    elif op == "**":
        if ints and right > 0 and abs(left) > 1:
            bits = math.ceil(right * math.log2(abs(left)))
            if bits > MAX_INT_BITS:
                raise Stopped(f"{left} ** {right} has about {bits:,} bits; a template may compute at most {MAX_INT_BITS:,}")
    elif op == "%":
        if isinstance(left, str):
            _check_percent(left)
    elif op == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _too_many(len(left) + len(right), "joining with '+'")


# --- one render ---------------------------------------------------------------------


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@contextmanager
def limits(seconds: float | None = None, headroom: int | None = -1) -> Iterator[None]:
    """Raise `Stopped` in this thread after `seconds` (main thread only; default
    TIME_LIMIT), and make an allocation of more than `headroom` bytes beyond what the
    process holds fail with MemoryError (Linux; default MEMORY_HEADROOM, None for no
    limit); the timer, its handler and the limit are put back afterwards."""
    seconds = TIME_LIMIT if seconds is None else seconds
    headroom = MEMORY_HEADROOM if headroom == -1 else headroom
    timer = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    memory = _lower_address_space(headroom) if headroom else None
    if timer:
        def stop(signum: int, frame: Any) -> None:
            raise Stopped(f"it ran for more than {seconds:g} seconds")

        started = time.monotonic()
        previous_handler = signal.signal(signal.SIGALRM, stop)
        # Repeats (every half second) in case the first one lands where it is caught.
        previous_timer = signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler if previous_handler is not None else signal.SIG_DFL)
            if previous_timer[0] > 0:
                left = max(previous_timer[0] - (time.monotonic() - started), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, previous_timer[1])
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, memory)


def _lower_address_space(headroom: int) -> tuple[int, int] | None:
    """Set RLIMIT_AS to what the process holds plus `headroom`; the old limits, or None
    when nothing was changed (no such limit, or one already tighter)."""
    try:
        import resource
    except ImportError:
        return None
    used = _address_space()
    if used is None or not hasattr(resource, "RLIMIT_AS"):
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = used + headroom
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        return None
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        return None
    return soft, hard


def render(template: Any, context: Mapping[str, Any], limit: int | None = None) -> str:
    """`template` rendered with `context`, stopped (inside the template, so at its line)
    once the output passes `limit` characters (default MAX_OUTPUT)."""
    limit = MAX_OUTPUT if limit is None else limit
    chunks: list[str] = []
    total = 0
    stream = template.generate(**context)
    for chunk in stream:
        total += len(chunk)
        if total > limit:
            stream.throw(Stopped(f"it wrote more than {limit:,} characters"))
            raise Stopped(f"it wrote more than {limit:,} characters")
        chunks.append(chunk)
    return "".join(chunks)

