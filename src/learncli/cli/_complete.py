"""Shell completion of values from the data folder: cohort ids, course ids, session
numbers and participant emails of the cohort on the line, invoice numbers, email kinds.

The shell asks through Click's protocol (`_LEARN_COMPLETE=complete_bash` with COMP_WORDS
and COMP_CWORD, or zsh's and fish's forms; `learn --show-completion SHELL` prints the
script that does so). Click parses the words typed so far without running any command,
then asks the parameter being completed for its values: `cli._shape` gives each argument
and option named below the completer here. Nothing is imported until the shell asks,
and a folder that cannot be read completes to nothing rather than to an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EMAIL_KINDS = ("joining", "reminder", "payment-reminder", "follow-up")


def _folder(ctx: Any) -> Any:
    """The data folder the command line names, found the way a command finds it."""
    from learncli.cli._common import AppState

    root = ctx.find_root()
    chosen = root.obj.data if isinstance(root.obj, AppState) and root.obj.data else root.params.get("data")
    return AppState(data=chosen).folder


def _on_the_line(ctx: Any, *names: str) -> Any:
    """The value of the first of `names` given so far, in this command or above it."""
    while ctx is not None:
        for name in names:
            value = ctx.params.get(name)
            if value not in (None, "", (), []):
                return value
        ctx = ctx.parent
    return None


def _cohorts(ctx: Any) -> list[str]:
    return _folder(ctx).cohort_ids()


def _courses(ctx: Any) -> list[str]:
    return [course.id for course in _folder(ctx).config().courses]


def _cohort(ctx: Any) -> Any:
    cohort_id = _on_the_line(ctx, "cohort_id", "cohort")
    return _folder(ctx).cohort(cohort_id) if isinstance(cohort_id, str) else None


def _sessions(ctx: Any) -> list[str]:
    cohort = _cohort(ctx)
    return [str(n) for n in range(1, len(cohort.sessions) + 1)] if cohort is not None else []


def _emails(ctx: Any) -> list[str]:
    cohort = _cohort(ctx)
    if cohort is None:
        return []
    given = set(_on_the_line(ctx, "emails") or ())
    return [p.email for p in cohort.participants if p.email not in given]


def _invoices(ctx: Any) -> list[str]:
    from learncli.store.ledger import load_ledger

    return sorted(load_ledger(_folder(ctx)).numbers)


def _kinds(ctx: Any) -> list[str]:
    return list(EMAIL_KINDS)


#: Parameter name (as the command's function names it) -> where its values come from.
COMPLETERS: dict[str, Callable[[Any], list[str]]] = {
    "cohort_id": _cohorts,
    "cohort": _cohorts,
    "course_id": _courses,
    "course": _courses,
    "session": _sessions,
    "email": _emails,
    "emails": _emails,
    "participant": _emails,
    "number": _invoices,
    "invoice": _invoices,
    "kind": _kinds,
}


def completer_for(name: str | None) -> Callable[[Any, Any, str], list[Any]] | None:
    """A Typer-style completion callback for the parameter `name`, or None."""
    values = COMPLETERS.get(name or "")
    if values is None:
        return None

    def complete(ctx: Any, param: Any, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem

        from learncli.errors import LearnError

        try:
            found = values(ctx)
        except (LearnError, OSError, ValueError):
            return []  # no folder, an invalid file: nothing to offer, and no noise
        return [CompletionItem(value) for value in found if value.startswith(incomplete)]

    return complete
