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


def _hhmm(value: datetime | str) -> str:
    """`09:30`; text (a time an invoice stored when it was issued) is already that."""
    return value if isinstance(value, str) else value.strftime("%H:%M")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(value: object) -> str:
    """Text made inert inside Markdown (a table cell or a list item): one line, and
    the characters that would start emphasis, code, links, HTML or a new cell escaped."""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return "\\" + text if text[:1] in ("#", "+", "-", "=") else text


class Templates:
    """Finds and renders templates: the data folder's `templates/` first, then the defaults.

    A template can read only templates: by a relative name, from those two folders, links
    followed only while they stay inside one of them (`confine.template_loader`). A render
    runs in a bounded sandbox (`bounds.BoundedSandbox`): sizes, output and time are capped.
    """

    def __init__(self, override: Path | None) -> None:
        from jinja2 import StrictUndefined, select_autoescape

        from learncli.render.bounds import BoundedSandbox
        from learncli.render.confine import template_loader

        self.override = override if override is not None and override.is_dir() else None
        self.default = Path(str(templates_dir()))
        self.roots = ([self.override] if self.override else []) + [self.default]
        self.loader = template_loader(self.roots)
        self.env = BoundedSandbox(
            loader=self.loader,
            autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=False, default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(money=_money, day=_day, long_day=_long_day, hhmm=_hhmm, md=_md)

    def source_of(self, name: str) -> Path:
        """The file a template name resolves to, as the loader finds it: the data
        folder's entry of that name when there is one, even one it will refuse to read."""
        from learncli.render.confine import Outside, template_file

        try:
            return template_file(name, self.roots) or self.default / name
        except Outside:
            return self.default / name

    def found(self, name: str) -> Any:
        """The file `name` resolves to and its text (`confine.Found`), or None when
        it cannot be read: for placing problems in a template that has rendered."""
        from learncli.render.confine import Outside, find_template

        try:
            return find_template(name, self.roots)
        except Outside:
            return None

    def render(self, template: str, /, **context: Any) -> str:
        from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
        from jinja2.exceptions import SecurityError, UndefinedError

        from learncli.render import bounds
        from learncli.render.confine import Outside

        path = self.source_of(template)
        loaded = False
        try:
            with bounds.limits():
                compiled = self.env.get_template(template)
                loaded = True
                return bounds.render(compiled, context)
        except Outside as exc:
            if not loaded:
                raise _template_error(path, 0, f"the template cannot be used: {exc.reason}") from None
            where, line = self._where(exc, path)
            raise _template_error(where, line, f"the template {self._verb(where, line)} {exc.name!r}, which it cannot use: {exc.reason}") from None
        except TemplateNotFound as exc:
            if not loaded:
                raise NotFound(f"no template {template!r} (looked in {self.override or '-'} and {self.default})") from None
            where, line = self._where(exc, path)
            looked = " and ".join(str(root) for root in self.roots)
            raise _template_error(
                where, line, f"the template {self._verb(where, line)} {exc.name!r}, which it cannot use: there is no such template in {looked}"
            ) from None
        except TemplateSyntaxError as exc:
            where = Path(exc.filename) if exc.filename else path
            raise _template_error(where, exc.lineno or 0, f"template syntax error: {exc.message}") from None
        except bounds.Stopped as exc:
            raise _template_error(*self._where(exc, path), f"the template was stopped: {exc}") from None
        except MemoryError as exc:
            raise _template_error(
                *self._where(exc, path), f"the template was stopped: it needed more than the {bounds.MEMORY_HEADROOM >> 20:,} MiB of memory a render may use"
            ) from None
        except RecursionError as exc:
            raise _template_error(*self._where(exc, path), "the template was stopped: it nests or recurses too deeply") from None
        except SecurityError as exc:
            raise _template_error(*self._where(exc, path), f"the template tried something unsafe and was stopped: {exc}") from None
        except UndefinedError as exc:
            raise _template_error(*self._where(exc, path), f"the template uses something that is not defined: {exc.message}") from None
        except TemplateError as exc:
            raise _template_error(*self._where(exc, path), f"the template failed: {exc}") from None
        except Exception as exc:  # {{ 1/0 }}, {{ 1 + 'a' }}: the template's doing, not learn's
            raise _template_error(*self._where(exc, path), f"the template failed: {type(exc).__name__}: {exc}") from None

    def _where(self, exc: BaseException, path: Path) -> tuple[Path, int]:
        """The template file and line that were running when `exc` was raised: the
        innermost frame of a template file (Jinja maps its lines for us)."""
        files = set(self.loader.found) | {str(path)}
        where, line = path, 0
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name in files:
                where, line = Path(name), tb.tb_lineno
            tb = tb.tb_next
        return where, line

    def _verb(self, where: Path, line: int) -> str:
        """What the line does with another template, in words ("includes" unless it says)."""
        found = self.loader.found.get(str(where))
        text = found.source.splitlines()[line - 1] if found and 0 < line <= len(found.source.splitlines()) else ""
        for word, verb in (("extends", "extends"), ("import", "imports"), ("from", "imports from")):
            if re.search(r"{%-?\s*" + word + r"\b", text):
                return verb
        return "includes"


def _template_error(path: Path, line: int, message: str) -> DataError:
    diagnostic = Diagnostic.make("T001", message, path, line, 1 if line else 0)
    return DataError(f"cannot render {path.name}", diagnostics=[diagnostic])
