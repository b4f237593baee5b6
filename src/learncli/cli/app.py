"""The root of the `learn` command: global options, the command groups, error handling.

Errors are caught once, here (`LearnGroup.invoke`): a `LearnError` becomes its message,
its diagnostics and its exit code; anything else is a bug and says so, with the
traceback only when LEARN_DEBUG=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.parser import _OptionParser
from typer._completion_shared import Shells
from typer.core import TyperGroup

from learncli import __version__
from learncli.cli._common import AppState, parse_date_option

#: Every command: name -> (module, attribute, one-line help). A module is imported only
#: when its command runs, so `learn --help` loads no command code at all; the one-line
#: help is kept here for the same reason (a test checks it against each docstring).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("learncli.cli.info", "init_command", "Create a data folder: the example course, its settings alone, or an empty skeleton."),
    "validate": ("learncli.cli.info", "validate_command", "Check every file; report each problem as file:line:col."),
    "status": ("learncli.cli.info", "status_command", "One screen: current cohorts, next sessions, how each is going."),
    "course": ("learncli.cli.course", "app", "The courses defined in courses.yaml."),
    "cohort": ("learncli.cli.cohort", "app", "Cohorts: one run of a course each, in cohorts/<id>.yaml."),
    "participant": ("learncli.cli.participant", "app", "The people registered on a cohort."),
    "calendar": ("learncli.cli.calendar", "app", "Calendars: .ics files of a cohort's sessions that update in place when a session moves."),
    "attend": ("learncli.cli.attend", "app", "Attendance per session: from Zoom reports or by hand."),
    "commit": ("learncli.cli.commit", "app", "Commitments: the action each person tries between sessions."),
    "session": ("learncli.cli.session", "app", "Sessions: the facilitators' brief before each one."),
    "completion": ("learncli.cli.completion", "app", "Completion: who attended every session and reviewed their commitments; their certificates."),
    "email": ("learncli.cli.email", "app", "Emails to participants: joining, reminders, payment reminders, follow-ups and updates, as .eml files or sent over SMTP."),
    "invoice": ("learncli.cli.invoice", "app", "Invoices: issue them for a cohort, list, show, render, credit and void them."),
    "payment": ("learncli.cli.payment", "app", "Payments received against invoices, refunds, and contributions paid over."),
    "export": ("learncli.cli.export", "app", "Exports for the accounts: the ledger as a Xero import file or as Beancount books."),
    "git": ("learncli.cli.git", "app", "Git: set a clone up so that learn merges its files by meaning."),
    "merge": ("learncli.cli.git", "merge_command", "Merge THEIRS into OURS by meaning: the merge driver git runs for learn's files."),
    "report": ("learncli.cli.report", "app", "Reports from the invoice ledger: contributions owed, revenue, the payment gate before a start."),
}


def load_command(name: str, globals_: list[Any] | None = None) -> Any:
    """Import the module of command `name` and turn it into a Click command, shaped the
    way every learn command is (`cli._shape`): capital argument names, plain help, and
    `globals_` (the root's own options, by default) accepted after the command too."""
    import importlib

    from learncli.cli._shape import shape

    module_name, attribute, _ = COMMANDS[name]
    target = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    else:
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return shape(command, _root_options() if globals_ is None else globals_)


#: The shells completion is offered for (those Typer has a script for).
SHELLS = tuple(shell.value for shell in Shells)
SHELL_CHOICES = " or ".join([", ".join(SHELLS[:-1]), SHELLS[-1]])

#: Root options that are not global: they act on the shell, not on a data folder, and
#: their value, the shell, may be left out (then it is the shell learn runs in).
ROOT_ONLY = {"install_completion", "show_completion"}


def _root_options(root: Any = None) -> list[Any]:
    """The root's options that every command accepts as well."""
    root = root if root is not None else typer.main.get_command(app)
    return [p for p in root.params if p.name not in ROOT_ONLY]


class LearnGroup(TyperGroup):
    """Typer's group, loading commands on demand, with one place that turns errors into
    messages and exit codes."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            command = self.commands[cmd_name] = load_command(cmd_name, _root_options(self))
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from typer._click.exceptions import UsageError

        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            # Typer suggests only among the commands already loaded; these load on demand.
            if args and "Did you mean" not in error.message:
                from difflib import get_close_matches

                matches = get_close_matches(args[0], list(COMMANDS))
                if matches:
                    error.message = f"{error.message.rstrip('.')}. Did you mean {' or '.join(repr(m) for m in matches)}?"
            raise

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        # Click writes the instruction shell first (`bash_complete`), Typer the other way
        # round (`complete_bash`): both are understood.
        complete_var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        instruction = os.environ.get(complete_var, "")
        first, _, second = instruction.partition("_")
        if first in SHELLS and second in ("complete", "source"):
            os.environ[complete_var] = f"{second}_{first}"
        if os.environ.get(complete_var):
            from learncli.cli._complete import answer_quickly

            if answer_quickly(prog_name, complete_var, os.environ[complete_var]):
                sys.exit(0)
            # Typer's answers to the shells, registered only when a shell asks.
            from typer._completion_classes import completion_init

            completion_init()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def make_parser(self, ctx: Any) -> Any:
        parser = super().make_parser(ctx)
        parser.__class__ = _RootParser
        return parser

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_line) for name, (_, _, help_line) in COMMANDS.items()])

    def invoke(self, ctx: Any) -> Any:
        from learncli.errors import LearnError

        try:
            return super().invoke(ctx)
        except LearnError as error:
            _report(error, ctx)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            # `learn ... | head`: the reader left; that is not an error of ours.
            _silence_stdout()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as error:
            from typer._click.exceptions import ClickException

            if isinstance(error, ClickException) or os.environ.get("LEARN_DEBUG"):
                raise
            sys.stderr.write(
                f"learn: internal error: {type(error).__name__}: {error}\n"
                "This is a bug in learn, not in your data. Run again with LEARN_DEBUG=1 to see the traceback.\n"
            )
            raise typer.Exit(1) from None


class _RootParser(_OptionParser):
    """The root's parser: `--show-completion` and `--install-completion` take the shell as
    their value, or nothing (at the end of the line, or before another option), which
    stands for the shell learn runs in. The class adds behaviour and no state, so the
    parser Click builds can simply be given this class."""

    def _get_value_from_state(self, option_name: str, option: Any, state: Any) -> Any:
        if option.obj.name in ROOT_ONLY:
            following = state.rargs[0] if state.rargs else ""
            if not following or (following[:1] in self._opt_prefixes and len(following) > 1):
                return ""
        return super()._get_value_from_state(option_name, option, state)


def _completion_option(ctx: Any, param: Any, value: str | None) -> None:
    """`--show-completion [SHELL]` prints the script that completes `learn` in SHELL;
    `--install-completion [SHELL]` puts it where SHELL reads it at start-up. No SHELL:
    the shell learn runs in."""
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import _get_shell_name, get_completion_script, install

    from learncli.errors import Refused

    shell = value.strip().lower()
    if not shell:
        shell = _get_shell_name() or ""
        if shell not in SHELLS:
            found = f"learn runs in {shell}" if shell else "could not tell which shell learn runs in"
            raise typer.BadParameter(f"{found}; name one: {SHELL_CHOICES}", ctx=ctx, param=param)
    elif shell not in SHELLS:
        raise typer.BadParameter(f"{value!r} is not a shell learn completes in; choose {SHELL_CHOICES}", ctx=ctx, param=param)
    prog_name = ctx.find_root().info_name or "learn"
    complete_var = f"_{prog_name}_COMPLETE".replace("-", "_").upper()
    if param.name == "show_completion":
        sys.stdout.write(get_completion_script(prog_name=prog_name, complete_var=complete_var, shell=shell) + "\n")
        raise typer.Exit(0)
    try:
        _, path = install(shell=shell, prog_name=prog_name, complete_var=complete_var)
    except (OSError, subprocess.SubprocessError) as error:
        problem = Refused(f"could not install {shell} completion: {error}")
        _report(problem)
        raise typer.Exit(problem.exit_code) from None
    sys.stdout.write(f"{shell} completion installed in {path}; it takes effect in a new terminal\n")
    raise typer.Exit(0)


def _shells(incomplete: str) -> list[str]:
    return [shell for shell in SHELLS if shell.startswith(incomplete)]


def _report(error: Any, ctx: Any = None) -> None:
    from learncli.cli._output import print_diagnostics

    if error.diagnostics:
        print_diagnostics(list(error.diagnostics))
    sys.stderr.write(f"learn: {error}\n")
    folder = getattr(getattr(ctx, "obj", None), "_folder", None)
    if folder is not None and folder.found_by and _may_be_the_wrong_folder(error, folder):
        # Looked in the wrong folder? Say which one, and why that one.
        sys.stderr.write(f"data folder: {folder.root} (found by {folder.found_by})\n")
    if error.hint:
        sys.stderr.write(f"hint: {error.hint}\n")


def _may_be_the_wrong_folder(error: Any, folder: Any) -> bool:
    """Whether the error is about the data folder's content: something not found in it,
    or a problem in one of its files (not, say, in a CSV being imported)."""
    from learncli.errors import NotFound

    if isinstance(error, NotFound):
        return True
    root = folder.root.absolute()
    return any(Path(d.path).absolute().is_relative_to(root) for d in error.diagnostics)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


app = typer.Typer(
    name="learn",
    cls=LearnGroup,
    help=(
        "Run paid, cohort-based online courses from a folder of YAML files: check schedules, "
        "export calendars, issue invoices, write emails, track attendance and commitments.\n\n"
        "The data folder is --data DIR, else $LEARN_DATA, else the current folder or the nearest "
        "one above it holding courses.yaml (as git finds a repository), else ./data below one of them. "
        "The global options may come before or after the command.\n\n"
        "Examples:\n\n"
        "  learn status\n\n"
        "  learn cohort show 2026-autumn --today 2026-11-20\n\n"
        "  learn --data ~/courses invoice list --unpaid"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"learn {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option("--data", metavar="DIR", help="The data folder (default: $LEARN_DATA, else found upward from the current folder).", show_default=False),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="YYYY-MM-DD", help="Treat this date as today (for status, due dates, next session).", show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion", metavar="[SHELL]", callback=_completion_option, expose_value=False, is_eager=True,
            autocompletion=_shells, show_default=False,
            help=f"Install completion for SHELL ({SHELL_CHOICES}; default: the shell you are in).",
        ),
    ] = None,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion", metavar="[SHELL]", callback=_completion_option, expose_value=False, is_eager=True,
            autocompletion=_shells, show_default=False,
            help="Print the completion script for SHELL (default: the shell you are in), to place it yourself.",
        ),
    ] = None,
) -> None:
    ctx.obj = AppState(data=data, today_override=parse_date_option(today, "--today"))



def main() -> None:
    app(prog_name="learn")
