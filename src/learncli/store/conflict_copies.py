"""Conflict copies: the second file a sync service writes when two computers changed one.

Dropbox, OneDrive, Google Drive, Nextcloud and Syncthing never merge: they keep one
version under the file's name and write the other beside it, each naming that copy its
own way. Such a copy is not another cohort or another year's ledger; learn reads none
of them as data, and `learn validate` reports each as a conflict of the file it copies
(`copy_of`), to be merged with `learn merge BASE OURS THEIRS` and then removed.

The names, for a file `2026-autumn.yaml`:

* Dropbox: `2026-autumn (Roger's conflicted copy 2026-11-18).yaml` (the person or
  computer is left out on some clients; a second copy on the day ends in ` (1)` inside
  the brackets);
* Nextcloud and ownCloud: `2026-autumn (conflicted copy 2026-11-18 101010).yaml`, a user
  name before the date on newer clients; older ones `2026-autumn_conflict-20261118-101010.yaml`;
* Syncthing: `2026-autumn.sync-conflict-20261118-101010-ABCDEFG.yaml` (date, time and the
  first seven characters of the device id);
* Google Drive: `2026-autumn (1).yaml`;
* OneDrive: `2026-autumn-DESKTOP-ABC123.yaml`, the computer's name appended. As a hyphen
  and a word is also how ids are made, this counts only when the computer name is in
  capitals (as Windows gives it) and the file it would copy exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DATE = r"\d{4}-\d{2}-\d{2}"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Nextcloud", re.compile(rf"^(?P<stem>.+?) \(conflicted copy (?:.+? )?{_DATE} \d{{6}}\)$")),
    ("Dropbox", re.compile(rf"^(?P<stem>.+?) \((?:.+?['’]s )?conflicted copy {_DATE}(?: \(\d+\))?\)$")),
    ("Nextcloud", re.compile(r"^(?P<stem>.+?)_conflict-(?:.+?-)?\d{8}-\d{6}$")),
    ("Syncthing", re.compile(r"^(?P<stem>.+?)\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}$")),
    ("Google Drive", re.compile(r"^(?P<stem>.+?) \(\d{1,4}\)$")),
)
_MACHINE = re.compile(r"^[A-Z0-9](?:[A-Z0-9-]{0,30}[A-Z0-9])?\Z")


@dataclass(frozen=True)
class ConflictCopy:
    path: Path
    #: The file it is a copy of (which may since have gone).
    original: Path
    service: str


def copy_of(path: Path) -> ConflictCopy | None:
    """The conflict copy `path` is, by its name, or None when it is an ordinary file."""
    stem, suffix = path.stem, path.suffix
    for service, pattern in _PATTERNS:
        match = pattern.match(stem)
        if match:
            return ConflictCopy(path, path.with_name(match["stem"] + suffix), service)
    for at in (i for i, ch in enumerate(stem) if ch == "-" and i > 0):
        machine = stem[at + 1 :]
        if _MACHINE.match(machine) and re.search("[A-Z]", machine):
            original = path.with_name(stem[:at] + suffix)
            if original.exists():
                return ConflictCopy(path, original, "OneDrive")
    return None


def conflict_copies(folders: list[Path]) -> list[ConflictCopy]:
    """Every conflict copy of a YAML file in `folders`, sorted by path."""
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [c for c in map(copy_of, sorted(folder.glob("*.y*ml"))) if c is not None]
    return found
