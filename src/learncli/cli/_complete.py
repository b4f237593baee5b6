"""Shell completion of values from the data folder: cohort ids, course ids, session
numbers and participant emails of the cohort on the line, invoice numbers, email kinds.

The shell asks through Click's protocol (`_LEARN_COMPLETE=complete_bash` with COMP_WORDS
and COMP_CWORD, or zsh's and fish's forms; `learn --show-completion SHELL` prints the
script that does so). Click parses the words typed so far without running any command,
then asks the parameter being completed for its values: `cli._shape` gives each argument
and option named below the completer here, and an option whose value is one of a few
words (`--status present|late|...`, `--format html|pdf`) those words. Nothing is imported
until the shell asks, and a folder that cannot be read completes to nothing rather than
to an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
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
            value = _given(ctx, name)
            if not _empty(value):
                return value
        ctx = ctx.parent
    return None


def _given(ctx: Any, name: str) -> Any:
    """The value of parameter `name` of this command as Click parsed it, or else as the
    words typed assign it.

    When the line ends with an option still waiting for its value (`--session `), Click's
    parse stops at that option and never hands the words before it to the arguments:
    they are left over in `ctx.args`, in order, and are assigned here the way Click would.
    """
    value = ctx.params.get(name)
    if _empty(value) and ctx.args:
        from typer._click.parser import _unpack_args

        arguments = [p for p in ctx.command.params if p.param_type_name == "argument"]
        values, _ = _unpack_args(ctx.args, [p.nargs for p in arguments])
        value = dict(zip((p.name for p in arguments), values)).get(name)
    return value


def _empty(value: Any) -> bool:
    return value in (None, "", (), [])


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


#: Where a cohort id and a participant's address stand among each command's arguments
#: (a test checks these against the commands themselves).
COHORT_AT: dict[tuple[str, str], int] = {
    **{("cohort", c): 0 for c in ("show", "reschedule", "cancel-session", "add-session")},
    **{("participant", c): 0 for c in ("add", "import", "list", "withdraw", "reinstate", "promote", "edit", "forget", "transfer")},
    ("calendar", "export"): 0,
    **{("attend", c): 0 for c in ("mark", "unmark", "import", "report")},
    **{("commit", c): 0 for c in ("add", "review", "list", "import")},
    ("session", "brief"): 0,
    ("completion", "report"): 0,
    ("completion", "certificates"): 0,
    ("email", "log"): 0,
    ("email", "render"): 1,
    ("email", "send"): 1,
    ("invoice", "run"): 0,
    ("report", "payment-gate"): 0,
}
EMAIL_AT: dict[tuple[str, str], int] = {
    **{("participant", c): 1 for c in ("withdraw", "reinstate", "promote", "edit", "forget", "transfer")},
    **{("commit", c): 1 for c in ("add", "review")},
}
#: Where an invoice number stands.
NUMBER_AT: dict[tuple[str, str], int] = {
    **{("invoice", c): 0 for c in ("show", "render", "void", "credit")},
    **{("payment", c): 0 for c in ("record", "refund")},
}
#: The options every command takes that are followed by a value.
_GLOBAL = ("--data", "--today")


def quick_answer(words: list[str]) -> list[str] | None:
    """The values for the next argument of the command line `words` (prog name left out),
    when it is a cohort id (from the listing of cohorts/), a participant's address (from
    the index of cohort files) or an invoice number (from the ledger cache's records of
    references): without Click building the commands, which imports Pydantic. None when
    the line is anything else, or the cache cannot answer (the full machinery does)."""
    data: str | None = None
    plain: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        if word in _GLOBAL and at + 1 < len(words):
            if word == "--data":
                data = words[at + 1]
            at += 2
            continue
        if word.startswith("-"):
            return None
        plain.append(word)
        at += 1
    if len(plain) < 2:
        return None
    command, given = (plain[0], plain[1]), plain[2:]
    if COHORT_AT.get(command) == len(given):
        from learncli.store.discovery import cohort_ids, find_data_folder

        return cohort_ids(find_data_folder(Path(data) if data else None).root)
    if EMAIL_AT.get(command) == len(given) and COHORT_AT.get(command) == 0:
        from learncli.store import cohort_index

        return cohort_index.emails(_folder_at(data), given[0])
    if NUMBER_AT.get(command) == len(given):
        from learncli.store import ledger_keys

        folder = _folder_at(data)
        return ledger_keys.numbers(folder.root, folder.ledger_paths()) if ledger_keys.enabled() else None
    return None


def _folder_at(data: str | None) -> Any:
    from learncli.store.folder import DataFolder

    return DataFolder.locate(Path(data) if data else None)


def answer_quickly(prog_name: str, complete_var: str, instruction: str) -> bool:
    """Answer a shell's completion request from `quick_answer` if it can (True), printing
    what Click's machinery would print for the same values."""
    action, _, shell = instruction.partition("_")
    if action != "complete":
        return False
    from typer._completion_classes import completion_init
    from typer._click.shell_completion import CompletionItem, get_completion_class

    from learncli.errors import LearnError

    completion_init()
    kind = get_completion_class(shell)
    if kind is None:
        return False
    asked = kind(None, {}, prog_name, complete_var)  # type: ignore[arg-type]
    try:
        args, incomplete = asked.get_completion_args()
        values = None if incomplete.startswith("-") else quick_answer(list(args))
    except (LearnError, OSError, ValueError):
        values = []  # no folder, an invalid file: nothing to offer, and no noise
    if values is None:
        return False
    # The shell's own class shapes the answer (zsh's wants it wrapped, fish's with help).
    asked.get_completions = lambda args, incomplete: [CompletionItem(v) for v in values if v.startswith(incomplete)]
    print(asked.complete())
    return True


def _listed(choices: list[str]) -> Callable[[Any], list[str]]:
    return lambda ctx: choices


#: A metavar that lists the only words an option takes, e.g. `done|partly|not-done|dropped`
#: (the commands check them with `cli._common.one_of`); `FILE|-` is a placeholder, not a list.
CHOICES = re.compile(r"[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)+")


def completer_for(param: Any) -> Callable[[Any, Any, str], list[Any]] | None:
    """A Typer-style completion callback for the Click parameter `param`, or None: values
    from the data folder by its name, else the choices its metavar lists."""
    values = COMPLETERS.get(param.name or "")
    if values is None and param.param_type_name == "option" and CHOICES.fullmatch(param.metavar or ""):
        values = _listed(param.metavar.split("|"))
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
