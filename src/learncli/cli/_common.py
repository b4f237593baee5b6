"""What every command shares: the global state, and option types reused across commands.

Only Typer and the standard library are imported here: this module loads on every
`learn --help`, so anything heavier is imported inside the function that needs it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from learncli.store.folder import DataFolder


@dataclass
class AppState:
    """Global options, set once by the root callback and read by every command."""

    data: Path | None = None
    today_override: date | None = None
    _folder: DataFolder | None = None

    @property
    def today(self) -> date:
        return self.today_override or date.today()

    @property
    def folder(self) -> DataFolder:
        if self._folder is None:
            from learncli.store.folder import DataFolder

            self._folder = DataFolder.locate(self.data)
        return self._folder


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def interactive() -> bool:
    """True when a person is at the keyboard: only then may a command ask a question."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def parse_date_option(value: str | None, name: str = "date") -> date | None:
    if value is None:
        return None
    from learncli.limits import date_problem

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, for example 2026-11-23", param_hint=name) from None
    problem = date_problem(day)
    if problem:
        raise typer.BadParameter(problem, param_hint=name)
    return day


def one_of(option: str, value: str, choices: tuple[str, ...]) -> str:
    """`value` of `option` in the form it is listed (case and surrounding spaces aside),
    or a usage error that lists the choices."""
    from learncli.errors import UsageProblem

    wanted = value.strip().lower()
    if wanted not in choices:
        raise UsageProblem(f"{option} {value!r}: choose one of {', '.join(choices)}")
    return wanted


def read_input_file(path: Path, limit: int) -> bytes:
    """The bytes of a file given to an import command, or a clear error (never a
    traceback): one that is there but cannot be read is an I001 at its start."""
    from learncli.bounded import NotRegularFile, TooLarge, read_bounded
    from learncli.diagnostics import Diagnostic
    from learncli.errors import DataError, NotFound

    def unreadable(message: str, detail: str) -> DataError:
        return DataError(f"{path} {message}", diagnostics=[Diagnostic.make("I001", detail, path)])

    try:
        return read_bounded(path, limit)
    except TooLarge as exc:
        raise unreadable("is too large to import", exc.detail) from None
    except NotRegularFile as exc:
        raise unreadable("cannot be imported", f"this is {exc.kind}, not a CSV file") from None
    except FileNotFoundError:
        raise NotFound(f"no file {path}") from None
    except OSError as exc:
        raise unreadable("cannot be imported", f"cannot read the file: {exc.strerror or exc}") from None


# Shared parameters: one definition, the same help everywhere.
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (a stable shape, for scripts) instead of text.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show what would change and write nothing.")]
CohortArg = Annotated[str, typer.Argument(help="Cohort id: its file name in cohorts/ without .yaml, e.g. 2026-autumn.", show_default=False)]
CourseArg = Annotated[str, typer.Argument(help="Course id from courses.yaml, e.g. leading-with-learning.", show_default=False)]
SessionArg = Annotated[int, typer.Argument(help="Session number, counting from 1.", min=1, show_default=False)]
EmailArg = Annotated[str, typer.Argument(help="The participant's email address.", show_default=False)]


def group(help_text: str) -> typer.Typer:
    """A command group with the same settings as the root (plain, fast help)."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None, add_completion=False)


def parse_map_options(values: list[str] | None, fields: tuple[str, ...]) -> dict[str, str]:
    """`--map FIELD=HEADER` options as {field: header}; a usage error (exit 2) for a
    field that does not exist or an option without `=`."""
    from learncli.errors import UsageProblem

    mapped: dict[str, str] = {}
    for value in values or []:
        name, sep, header = value.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep:
            raise UsageProblem(f"--map {value}: write FIELD=HEADER, e.g. --map po=\"Purchase order number\"")
        if name not in fields:
            raise UsageProblem(f"--map {value}: {name!r} is not a field; the fields are {', '.join(fields)}")
        mapped[name] = header.strip()
    return mapped
