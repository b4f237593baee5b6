"""All printing goes through here: tables and text for people, JSON for scripts.

Rich is imported lazily (it costs tens of milliseconds), so commands that only print a
line or JSON never load it. Rich honours NO_COLOR and drops colour when piped.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from learncli.diagnostics import Diagnostic
    from learncli.store.folder import Change


class _TrimmedStdout:
    """Rich pads table cells to the full width; in a pipe or a file that leaves trailing
    blanks on every line. This writer trims them and always writes to the current
    sys.stdout (tests swap it)."""

    def __init__(self) -> None:
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            sys.stdout.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            sys.stdout.write(self._pending.rstrip())
            self._pending = ""
        sys.stdout.flush()

    def isatty(self) -> bool:
        return False


def console() -> Console:
    """Rich console for stdout: colour in a terminal (unless NO_COLOR), plain text in a pipe."""
    from rich.console import Console

    # markup=False: names and themes come from people's files, and "[/b]" in a name
    # must print as written, not be taken for Rich markup (styles are set with Text).
    if sys.stdout.isatty():
        return Console(highlight=False, markup=False)
    width = int(os.environ.get("COLUMNS") or 0) or 120
    return _pipe_console_class()(highlight=False, markup=False, file=_TrimmedStdout(), width=width, color_system=None)


@functools.lru_cache(maxsize=1)
def _pipe_console_class() -> Any:
    from rich.console import Console

    class PipeConsole(Console):
        """In a pipe or a file a line is never cut at the width: a table wider than it
        (learn's tables never cut a key) is written whole."""

        def print(self, *objects: Any, **options: Any) -> None:
            options.setdefault("crop", False)
            super().print(*objects, **options)

    return PipeConsole


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, markup=False)


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, money as exact decimal strings ("575.00"), never floats."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump())
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(value), ensure_ascii=False, indent=2) + "\n")


def say(message: str = "") -> None:
    """A plain line on stdout (no markup, no Rich import)."""
    sys.stdout.write(message + "\n")


def note(message: str) -> None:
    """A line for the person on stderr, so stdout stays clean for data."""
    sys.stderr.write(message + "\n")


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def print_diagnostics(diagnostics: list[Diagnostic], *, stream: Any = None) -> None:
    out = stream or sys.stderr
    for diag in sorted(diagnostics, key=lambda d: d.sort_key()):
        out.write(diag.format() + "\n")


def did(past: str, present: str, rest: str) -> tuple[str, str]:
    """The line saying what a write did, and with --dry-run what it would do:
    did("registered", "register", "Ann O'Neil on 2027-spring (5 of 16)")."""
    return f"{past} {rest}", f"would {present} {rest}"


def print_changes(changes: list[Change], root: Path, *, dry_run: bool, done: tuple[str, str] | None = None) -> None:
    """What a write command did, or with --dry-run would do: data files as diffs.

    `done` (from `did`) is the one line saying what changed, printed on standard output
    when something did change; the names of the files written follow on standard error.
    """
    from learncli.diagnostics import display_path

    if not changes:
        say("nothing to change")
        return
    if done:
        say(done[1] if dry_run else done[0])
    for change in changes:
        name = display_path(str(change.path))
        if change.removed and dry_run:
            say(f"would remove {name}")
        elif change.removed:
            note(f"removed {name}")
        elif dry_run:
            if change.data and not isinstance(change.after, bytes):
                diff = change.diff(root)
                say(f"would {'create' if change.created else 'update'} {name}:")
                if diff:
                    sys.stdout.write(diff if diff.endswith("\n") else diff + "\n")
            else:
                size = len(change.after.encode() if isinstance(change.after, str) else change.after)
                say(f"would write {name} ({size:,} bytes)")
        else:
            verb = "created" if change.created else ("wrote" if not change.data else "updated")
            note(f"{verb} {name}")
    if dry_run:
        say("dry run: nothing was written")


def refuse_or_show_import_problems(file: Path, problems: list[Diagnostic], has_good_rows: bool, skip_invalid: bool) -> None:
    """An import with problems writes nothing (DataError), unless --skip-invalid lets the
    good rows in; then the problems are shown and the import goes on."""
    from learncli.errors import DataError

    if problems and not (skip_invalid and has_good_rows):
        raise DataError(
            f"{file} has {len(problems)} problem(s); nothing was imported"
            + ("" if skip_invalid or not has_good_rows else " (use --skip-invalid to import the other rows)"),
            diagnostics=problems,
        )
    print_diagnostics(problems)


def import_notes(file: Path, encoding: str, ignored_columns: list[str], skipped: list[tuple[int, str]]) -> None:
    """What the person should know about how a CSV import read their file."""
    if encoding != "utf-8":
        note(f"read {file} as {encoding} (it is not UTF-8)")
    if ignored_columns:
        note(f"columns not used: {', '.join(ignored_columns)}")
    for line, reason in skipped:
        note(f"{file}:{line}: skipped: {reason}")


def show_mapping(file: Path, mapping: list[Any]) -> None:
    """The column-by-column reading of an import file (`--dry-run`): what each column
    was taken for, or why it was not used."""
    from rich.table import Table

    table = Table(title=f"How {file.name} was read", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("header")
    table.add_column("field")
    table.add_column("why")
    for column in mapping:
        table.add_row(str(column.index + 1), column.header.strip() or "(empty)", column.field or "-", column.why)
    console().print(table)
