"""What a template and a PDF may read: files inside a few folders, checked as they are read.

Two things read files while a document is made: Jinja, for `{% include %}`, `{% extends %}`
and `{% import %}`, and WeasyPrint, for a stylesheet, a picture, a font or an attachment.
Each goes through one function here, and each reads the file itself after checking it:

- `template_loader(roots)`: a template name is relative (`partials/head.html`): no leading
  `/`, no `..`, no `:`, backslash or NUL. The file is looked up in each root in turn,
  resolved (links followed) and used only if the resolved file is inside one of the
  resolved roots; then it is read through `read_bounded`, so a FIFO, a device or a file of
  more than `TEMPLATE_LIMIT` bytes is refused rather than read.
- `url_fetcher(roots)`: only `data:` and `file:` URLs. A `file:` URL is decoded the way
  WeasyPrint's own fetcher decodes it (query and fragment dropped, percent-escapes
  undone), resolved, allowed only inside a root, and read here through `read_bounded`
  (at most `FETCH_LIMIT` bytes): what was checked is what is read. Whatever is refused is
  kept in the fetcher's `refused`, so the caller can decline to write a document with a
  hole in it. A `file:` link (not fetched) is checked the same way by `check_link`.

Jinja and WeasyPrint are imported only inside the factories.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from learncli.bounded import NotRegularFile, TooLarge, read_bounded

#: The largest template file read (the shipped ones are a few kilobytes).
TEMPLATE_LIMIT = 1 << 20
#: The largest file a PDF may embed (a logo, a stylesheet, a font, an attachment).
FETCH_LIMIT = 16 << 20


class Outside(Exception):
    """A template name or a URL that may not be read; `reason` says why, in words."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def resolved_roots(roots: Sequence[Path]) -> tuple[Path, ...]:
    """The roots that exist, resolved, without repeats, in order."""
    seen: list[Path] = []
    for root in roots:
        try:
            real = Path(root).resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if real.is_dir() and real not in seen:
            seen.append(real)
    return tuple(seen)


def inside(path: Path, roots: Sequence[Path]) -> Path:
    """`path` resolved (links followed), if it lies inside one of the resolved `roots`.

    Raises FileNotFoundError when there is nothing at `path`, Outside when it resolves
    elsewhere (the reason names where it leads).
    """
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # a loop of links
        raise Outside(str(path), "it is a loop of symbolic links") from None
    if not any(real == root or real.is_relative_to(root) for root in roots):
        where = " or ".join(str(root) for root in roots) or "no folder"
        if real != path.absolute():
            raise Outside(str(path), f"it leads to {real}, which is outside {where}")
        raise Outside(str(path), f"it is outside {where}")
    return real


def read_inside(path: Path, roots: Sequence[Path], limit: int) -> tuple[Path, bytes]:
    """The resolved path and the bytes of a file inside `roots`; Outside for anything refused
    (a file elsewhere, a folder, a pipe or device, one over `limit`); FileNotFoundError."""
    real = inside(path, roots)
    try:
        return real, read_bounded(real, limit)
    except NotRegularFile as exc:
        raise Outside(str(path), f"it is {exc.kind}, not a file") from None
    except TooLarge as exc:
        raise Outside(str(path), exc.detail) from None
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise Outside(str(path), f"it cannot be read: {exc.strerror or exc}") from None


# --- template names -----------------------------------------------------------------


def template_parts(name: object) -> tuple[str, ...]:
    """The folders and file of a template name, or Outside for one that is not relative."""
    if not isinstance(name, str) or not name:
        raise Outside(repr(name), "a template name is a relative path such as 'invoice.html'")
    if name.startswith("/"):
        raise Outside(name, "a template name is relative to the templates folder, not an absolute path")
    for bad, what in (("\x00", "a NUL character"), ("\\", "a backslash"), (":", "a colon")):
        if bad in name:
            raise Outside(name, f"a template name may not contain {what}")
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if ".." in parts:
        raise Outside(name, "a template name may not go up a folder ('..')")
    if not parts:
        raise Outside(name, "a template name is a relative path such as 'invoice.html'")
    return parts


class Found:
    """One template file: the name, the path shown in messages, and its source."""

    def __init__(self, name: str, path: Path, real: Path, source: str) -> None:
        self.name, self.path, self.real, self.source = name, path, real, source
        try:
            self.mtime = os.stat(real).st_mtime_ns
        except OSError:
            self.mtime = -1

    def uptodate(self) -> bool:
        try:
            return os.stat(self.real).st_mtime_ns == self.mtime
        except OSError:
            return False


def template_file(name: object, roots: Sequence[Path]) -> Path | None:
    """The file `name` means: the first root's entry of that name, whatever it is (a
    FIFO, a folder or a dangling link still hides the roots after it, and is refused
    when read); None when no root has one. Outside for a name that is not relative."""
    parts = template_parts(name)
    for root in roots:
        candidate = Path(root).joinpath(*parts)
        if os.path.lexists(candidate):
            return candidate
    return None


def find_template(name: object, roots: Sequence[Path], limit: int = TEMPLATE_LIMIT) -> Found | None:
    """The first root's file for `name` (None when no root has one); Outside when refused."""
    candidate = template_file(name, roots)
    if candidate is None:
        return None
    try:
        real, raw = read_inside(candidate, resolved_roots(roots), limit)
    except FileNotFoundError:
        raise Outside(str(name), f"{candidate} is a symbolic link to nothing") from None
    except Outside as exc:
        raise Outside(str(name), f"{candidate}: {exc.reason}") from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Outside(str(name), f"{candidate} is not UTF-8 text (byte {exc.start + 1})") from None
    return Found(str(name), candidate, real, source)


def template_loader(roots: Sequence[Path], limit: int = TEMPLATE_LIMIT) -> Any:
    """A Jinja loader for the templates in `roots` (the first root that has a name wins).

    Raises Outside (not TemplateNotFound, so `ignore missing` does not hide it) for a name
    or a file that is refused; TemplateNotFound when no root has the name. `found` maps
    each file name given to Jinja to what was read, for messages.
    """
    from jinja2 import BaseLoader, TemplateNotFound

    class ConfinedLoader(BaseLoader):  # type: ignore[misc]
        def __init__(self) -> None:
            self.roots = tuple(Path(r) for r in roots)
            self.found: dict[str, Found] = {}

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            found = find_template(template, self.roots, limit)
            if found is None:
                raise TemplateNotFound(template)
            self.found[str(found.path)] = found
            return found.source, str(found.path), found.uptodate

    return ConfinedLoader()


# --- URLs for the PDF renderer ------------------------------------------------------


def file_url_path(url: str) -> Path:
    """The file a `file:` URL names, decoded as WeasyPrint's fetcher decodes it before
    opening (urllib's FileHandler): query and fragment dropped, percent-escapes undone."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise Outside(url, f"it is not a valid URL ({exc})") from None
    if parts.scheme.lower() != "file":
        raise Outside(url, "only file: and data: URLs are fetched")
    if parts.netloc not in ("", "localhost"):
        raise Outside(url, f"it names another computer ({parts.netloc})")
    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        raise Outside(url, "its escapes are not UTF-8") from None
    if "\x00" in path:
        raise Outside(url, "it contains a NUL character")
    if not path.startswith("/"):
        raise Outside(url, "it is not an absolute file URL")
    return Path(path)


def url_fetcher(roots: Sequence[Path], limit: int = FETCH_LIMIT) -> Any:
    """A WeasyPrint (66 and later) URL fetcher that reads `data:` URLs and files inside
    `roots`, nothing else. What it refuses or cannot read is listed in `.refused` (the
    words for a message), and the URLs themselves, as WeasyPrint asked, in `.refused_urls`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    real_roots = resolved_roots(roots)

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.refused: list[str] = []
            self.refused_urls: list[str] = []

        def refuse(self, url: str, reason: str) -> None:
            self.refused.append(f"{_short(url)} ({reason})")
            self.refused_urls.append(url)

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                return self._fetch(url, headers)
            except Outside as exc:
                self.refuse(url, exc.reason)
                raise ValueError(f"not fetching {_short(url)}: {exc.reason}") from None

        def check_link(self, url: str) -> None:
            """Refuse (into `refused`) a `file:` link that leads outside the roots; the
            file is not read and need not exist."""
            try:
                path = file_url_path(url)
                real = path.resolve()
                if not any(real == root or real.is_relative_to(root) for root in real_roots):
                    where = " or ".join(str(root) for root in real_roots)
                    raise Outside(url, f"a link to {real}, which is outside {where}")
            except (Outside, RuntimeError, OSError) as exc:
                self.refuse(url, getattr(exc, "reason", "a link that cannot be resolved"))

        def _fetch(self, url: str, headers: Any) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                try:
                    return super().fetch(url, headers)
                except Exception as exc:
                    raise Outside(url, f"it is not a valid data: URL ({exc})") from None
            path = file_url_path(url)
            try:
                real, body = read_inside(path, real_roots, limit)
            except FileNotFoundError:
                raise Outside(url, f"there is no file {path}") from None
            kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    return ConfinedFetcher()


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:100] + "..." + url[-10:]
