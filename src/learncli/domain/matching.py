"""Recognising people by the names they use: Zoom display names, aliases, "Surname, First".

Names are compared after normalising: accents and case are ignored (`Siân` = `sian`),
apostrophes vanish (`O'Neil` = `ONeil` = `O’Neil`), other punctuation separates words
(`Martínez-Ibáñez` = `Martinez Ibanez`), and `O'Neil, Ann` is read as `Ann O'Neil` (by
the rule of `prose_names`, which leaves `Smith, Jr.` alone). A
Zoom name such as `Ann O'Neil (Ann's iPad)` (the current name, then the original one in
brackets) is tried whole and as each of its two parts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from learncli.prose_names import display_name

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")
_BRACKETED = re.compile(r"^(?P<outer>.*?)\s*\((?P<inner>[^()]*)\)\s*$")


def words(name: str) -> tuple[str, ...]:
    """The words of a name, without accents, case or punctuation, in first-name order."""
    text = unicodedata.normalize("NFKD", display_name(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("đ", "d").replace("æ", "ae").replace("œ", "oe")
    text = _APOSTROPHES.sub("", text)
    return tuple(w for w in _SEPARATORS.split(text) if w)


def variants(display: str) -> list[str]:
    """The forms a Zoom name cell may mean: whole, and `current (original)` split in two."""
    out = [display]
    match = _BRACKETED.match(display.strip())
    if match:
        out += [part for part in (match.group("outer"), match.group("inner")) if part.strip()]
    return out


@dataclass(frozen=True, slots=True)
class Match:
    """Who a name or email belongs to: a key such as a participant's email or
    `facilitator:<id>`, and how it was recognised (`email`, `alias` or `name`)."""

    key: str
    by: str


@dataclass
class _Index:
    exact: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    unordered: dict[tuple[str, ...], set[str]] = field(default_factory=dict)

    def add(self, name: str, key: str) -> None:
        found = words(name)
        if not found:
            return
        self.exact.setdefault(found, set()).add(key)
        self.unordered.setdefault(tuple(sorted(found)), set()).add(key)

    def find(self, name: str) -> set[str]:
        found = words(name)
        if not found:
            return set()
        return self.exact.get(found) or self.unordered.get(tuple(sorted(found))) or set()


class Matcher:
    """Finds who a report row belongs to: by email, then by alias, then by name.

    `add(key, emails=..., aliases=..., names=...)` registers one person (or facilitator)
    under a key. `match(name, email)` returns the `Match`, or None with the reason in
    `last_problem` when nobody (or more than one person) fits.
    """

    def __init__(self) -> None:
        self._emails: dict[str, set[str]] = {}
        self._aliases = _Index()
        self._names = _Index()

    def add(self, key: str, *, emails: Iterable[str] = (), aliases: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        for email in emails:
            if email:
                self._emails.setdefault(email.strip().lower(), set()).add(key)
        for alias in aliases:
            self._aliases.add(alias, key)
        for name in names:
            self._names.add(name, key)

    def match(self, name: str, email: str | None) -> tuple[Match | None, str | None]:
        """(the match, None), or (None, why not) when the row fits nobody or several people."""
        if email:
            keys = self._emails.get(email.strip().lower(), set())
            if len(keys) == 1:
                return Match(next(iter(keys)), "email"), None
        for how, index in (("alias", self._aliases), ("name", self._names)):
            keys = set()
            for form in variants(name):
                keys = index.find(form)
                if keys:
                    break
            if len(keys) == 1:
                return Match(next(iter(keys)), how), None
            if len(keys) > 1:
                return None, f"the {how} fits more than one person ({', '.join(sorted(k.removeprefix('facilitator:') for k in keys))})"
        return None, None
