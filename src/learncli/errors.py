"""The one error hierarchy. Each error knows its exit code and how to say itself.

The CLI catches `LearnError` once, at the top (see `cli.app`), prints `str(error)` and
any attached diagnostics, and exits with `error.exit_code`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from learncli.diagnostics import Diagnostic


class LearnError(Exception):
    """Base of every error a user may see. Exit code 1: invalid data or refused."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        diagnostics: Iterable[Diagnostic] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.diagnostics = tuple(diagnostics)

    def __str__(self) -> str:
        return self.message


class DataError(LearnError):
    """The data folder holds something invalid; `diagnostics` say where."""


class NotFound(LearnError):
    """A cohort, course, participant or invoice named on the command line does not exist."""


class Refused(LearnError):
    """The operation is understood but would break a rule (overwrite, duplicate, ...)."""


class LockBusy(LearnError):
    """Another `learn` process holds the data folder's lock for too long."""


class WriteFailed(LearnError):
    """The operating system refused a write; the old file is intact."""


class UsageProblem(LearnError):
    """An option value that the parser could not catch (exit code 2, like Click's)."""

    exit_code = 2
