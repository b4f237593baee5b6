"""Jinja2 templates: the shipped defaults, overridable by name from the data folder.

Templates in a data folder are written by people, not by us, so they run in Jinja2's
sandbox: a template that reaches for Python internals (`''.__class__.__mro__`, `|attr`
tricks, `str.format` escapes) stops with a clear error instead of running code. HTML
templates are autoescaped, so a name like `<script>` prints as text. An undefined
variable is an error, not a silently empty string.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from learncli.diagnostics import Diagnostic
from learncli.errors import DataError, NotFound
from learncli.resources import templates_dir


def _money(amount: Decimal, currency: str = "GBP") -> str:
    from learncli.render.tables import money

    return money(Decimal(amount), currency)


def _day(value: date | datetime) -> str:
    """`Wed 2 Dec 2026`."""
    from learncli.domain.schedule import fmt_day

    return fmt_day(value.date() if isinstance(value, datetime) else value)


def _long_day(value: date | datetime) -> str:
    """`Wednesday 2 December 2026`."""
    day = value.date() if isinstance(value, datetime) else value
    return f"{day:%A} {day.day} {day:%B %Y}"


def _hhmm(value: datetime) -> str:
    return value.strftime("%H:%M")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(value: object) -> str:
    """Text made inert inside Markdown (a table cell or a list item): one line, and
    the characters that would start emphasis, code, links, HTML or a new cell escaped."""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return "\\" + text if text[:1] in ("#", "+", "-", "=") else text


class Templates:
    """Finds and renders templates: the data folder's `templates/` first, then the defaults."""

    def __init__(self, override: Path | None) -> None:
        from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        self.override = override if override is not None and override.is_dir() else None
        self.default = Path(str(templates_dir()))
        loaders = [FileSystemLoader(str(self.override))] if self.override else []
        loaders.append(FileSystemLoader(str(self.default)))
        self.env = ImmutableSandboxedEnvironment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=False, default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(money=_money, day=_day, long_day=_long_day, hhmm=_hhmm, md=_md)

    def source_of(self, name: str) -> Path:
        """The file a template name resolves to (the override when there is one)."""
        if self.override and (self.override / name).is_file():
            return self.override / name
        return self.default / name

    def render(self, template: str, /, **context: Any) -> str:
        from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
        from jinja2.exceptions import SecurityError, UndefinedError

        path = self.source_of(template)
        try:
            return self.env.get_template(template).render(**context)
        except TemplateNotFound:
            raise NotFound(f"no template {template!r} (looked in {self.override or '-'} and {self.default})") from None
        except TemplateSyntaxError as exc:
            raise _template_error(path, exc.lineno or 0, f"template syntax error: {exc.message}") from None
        except SecurityError as exc:
            raise _template_error(path, _line_in(exc, path), f"the template tried something unsafe and was stopped: {exc}") from None
        except UndefinedError as exc:
            raise _template_error(path, _line_in(exc, path), f"the template uses something that is not defined: {exc.message}") from None
        except TemplateError as exc:
            raise _template_error(path, _line_in(exc, path), f"the template failed: {exc}") from None
        except Exception as exc:  # {{ 1/0 }}, {{ 1 + 'a' }}, range(10**9): the template's doing, not learn's
            raise _template_error(path, _line_in(exc, path), f"the template failed: {type(exc).__name__}: {exc}") from None


def _line_in(exc: BaseException, path: Path) -> int:
    """The line of `path` that was running when `exc` was raised (Jinja maps it for us)."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _template_error(path: Path, line: int, message: str) -> DataError:
    diagnostic = Diagnostic.make("T001", message, path, line, 1 if line else 0)
    return DataError(f"cannot render {path.name}", diagnostics=[diagnostic])
