"""How every command reads and parses, once Typer has built it.

`shape(command, globals_)` walks a command group (or a single command) built by Typer and
gives it learn's conventions:

- usage lines with arguments in capitals, as people write them (`COHORT SESSION EMAIL...`),
  and no internal type names (`<str>`, `<int range>`, `x>=1`) in the help;
- the global options (`--data`, `--today`, `--version`) accepted after the command and its
  subcommand as well as before it, with the same meaning, and listed in every help;
- a group's help ends with the examples of its commands;
- values Typer refuses are explained in plain words ("session must be 1 or more");
- cohort ids, session numbers, emails, invoice numbers and email kinds complete in the
  shell, from the data folder (`cli._complete`).

It is applied in one place (`cli.app.load_command`), so no command module has to know.
The classes below add behaviour to Typer's own and no state, which is why each object's
class can simply be swapped for its subclass.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

#: Arguments whose name alone would read badly in capitals.
ARGUMENT_NAMES = {"directory": "DIR"}


def shape(command: Any, globals_: list[Any]) -> Any:
    """`command` and everything below it, in learn's form (changed in place, returned)."""
    from learncli.cli._complete import completer_for

    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = LearnArgument
            param.metavar = param.metavar or _argument_name(param)
        elif isinstance(param, TyperOption):
            param.__class__ = LearnOption
            if param.metavar is None and not param.is_flag and not param.count:
                param.metavar = _option_metavar(param)
        if getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = completer_for(param)
    command.params.extend(_global_copy(option) for option in globals_)
    if isinstance(command, TyperGroup):
        command.__class__ = LearnSubgroup
        for sub in command.commands.values():
            shape(sub, globals_)
    elif isinstance(command, TyperCommand):
        command.__class__ = LearnCommand
    return command


def _argument_name(param: Any) -> str:
    name = ARGUMENT_NAMES.get(param.name) or re.sub(r"_id$", "", param.name).upper()
    return name + ("..." if param.nargs != 1 else "")


def _option_metavar(param: Any) -> str:
    longest = max(param.opts, key=len).lstrip("-")
    desc = param.type_descriptor
    if desc.is_choice and desc.choices:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices)
    return longest.upper()


def _global_copy(option: Any) -> Any:
    """The root's option, for a subcommand: its value is stored in the global state."""
    twin = copy.copy(option)
    twin.expose_value = False
    twin.is_global = True
    own = option.callback
    twin.callback = lambda ctx, param, value: _set_global(ctx, param, value, own)
    return twin


def _set_global(ctx: Any, param: Any, value: Any, own: Any) -> Any:
    if own is not None:
        value = own(ctx, param, value)  # --version prints and exits
    if value is None or value is False:
        return value
    from learncli.cli._common import parse_date_option, state

    app = state(ctx)
    if param.name == "data":
        app.data = value
        app._folder = None
    elif param.name == "today":
        app.today_override = parse_date_option(value, "--today")
    return value


def plain_range(low: float | None, high: float | None) -> str | None:
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"{low} or more"
    if high is not None:
        return f"{high} or less"
    return None


_PYDANTIC_WORDS = [
    (re.compile(r"^a valid integer.*"), "a whole number"),
    (re.compile(r"^a valid number.*"), "a number"),
    (re.compile(r"^greater than or equal to (.+)$"), r"\1 or more"),
    (re.compile(r"^less than or equal to (.+)$"), r"\1 or less"),
    (re.compile(r"^greater than (.+)$"), r"more than \1"),
    (re.compile(r"^less than (.+)$"), r"less than \1"),
]


def plain_words(label: str, message: str, value: Any) -> str:
    """'Input should be greater than or equal to 1' -> 'session must be 1 or more (not 0)'."""
    match = re.match(r"^Input should be (.*)$", message.strip())
    if match is None:
        return f"{label}: {message}"
    wanted = match.group(1)
    for pattern, words in _PYDANTIC_WORDS:
        if pattern.match(wanted):
            wanted = pattern.sub(words, wanted)
            break
    shown = value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value
    if shown is None:
        return f"{label} must be {wanted}"
    text = str(shown)
    return f"{label} must be {wanted}, not {text if re.fullmatch(r'-?[0-9.]+', text) else repr(text)}"


def _range_help(self: Any) -> str | None:
    return plain_range(self.min, self.max)


def _process_value(self: Any, base: Any, ctx: Any, value: Any) -> Any:
    """Typer's processing, with its refusals in plain words."""
    try:
        return base.process_value(self, ctx, value)
    except _click.exceptions.MissingParameter:
        raise
    except _click.exceptions.BadParameter as error:
        raise _click.exceptions.UsageError(plain_words(self.label(), error.message, value), ctx=ctx) from None


# A mixin class would change the objects' layout and forbid the class swap, hence the
# same two methods written into each class.
class LearnArgument(TyperArgument):
    _get_number_range_help_str = _range_help

    def process_value(self, ctx: Any, value: Any) -> Any:
        return _process_value(self, TyperArgument, ctx, value)

    def label(self) -> str:
        return (self.metavar or self.name).rstrip(".").lower()

    def _rich_display_name(self) -> str:
        return self.display_name_raw

    def _usage_display_name(self) -> str:
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class LearnOption(TyperOption):
    _get_number_range_help_str = _range_help

    def process_value(self, ctx: Any, value: Any) -> Any:
        return _process_value(self, TyperOption, ctx, value)

    def label(self) -> str:
        return max(self.opts, key=len)

    def display_type_rich(self, ctx: Any) -> str | None:
        return self.metavar if self.metavar is not None else super().display_type_rich(ctx)


def _sections(command: Any, ctx: Any, formatter: Any, between: Any = None) -> None:
    arguments, options, shared = [], [], []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        if param.param_type_name == "argument":
            arguments.append(record)
        elif getattr(param, "is_global", False):
            shared.append(record)
        else:
            options.append(record)
    for title, rows in (("Arguments", arguments), ("Options", options), ("Global options (also before the command)", shared)):
        if title.startswith("Global") and between is not None:
            between(ctx, formatter)
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


class LearnCommand(TyperCommand):
    def format_options(self, ctx: Any, formatter: Any) -> None:
        _sections(self, ctx, formatter)


class LearnSubgroup(TyperGroup):
    def format_options(self, ctx: Any, formatter: Any) -> None:
        _sections(self, ctx, formatter, between=self.format_commands)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        examples = [example for sub in self.commands.values() for example in examples_of(sub)]
        if examples:
            with formatter.section("Examples"):
                for example in examples:
                    formatter.write_text(example)
        super().format_epilog(ctx, formatter)


def examples_of(command: Any) -> list[str]:
    """The `Example:` lines of a command's help (one example may run over several lines)."""
    text = command.help or ""
    found = []
    for match in re.finditer(r"Examples?:\s*(.+?)(?:\n\s*\n|\Z)", text, re.S):
        found.append(" ".join(match.group(1).split()))
    return found
