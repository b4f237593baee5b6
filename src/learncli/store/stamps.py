"""Knowing a file is unchanged without reading it: its status, trusted the way git does.

The caches in `.learn-cache/` are keyed by the exact bytes of the files they stand for,
and hashing thousands of cohort files, or ledger files of many megabytes, on every
command costs more than the rest of the command. So with each hash the file's status is
kept: size, modification and change times (in nanoseconds) and inode. A file whose
status is the one kept is taken to hold the bytes that were hashed, but only if, when it
was hashed, it had stood unchanged for longer than the coarsest clock tick of a file
system (FAT's two seconds): an edit made within the same tick as the one before could
otherwise leave every time as it was. Putting a modification time back does not fool
this, as the change time cannot be put back. Anything else (a file replaced, touched,
copied, or just written) is hashed again.
"""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG
from time import time_ns

#: How long a file must have stood unchanged, when it was hashed, for its status to be
#: trusted later.
SETTLED_NS = 2_000_000_000


def stamp(path: str | Path) -> list[int] | None:
    """What a file's status says of its content: size, modification and change times
    and inode; None when it is not a regular file (or cannot be looked at)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not S_ISREG(st.st_mode):
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def seen(stamp_before_reading: list[int] | None, at: int) -> list[int]:
    """What to keep with a hash: the status taken before the file was read, and `at`,
    the moment just before (`now()`); [] when there was no status."""
    return [*stamp_before_reading, at] if stamp_before_reading is not None else []


def now() -> int:
    return time_ns()


def unchanged(kept: object, current: list[int] | None) -> bool:
    """True when `current` is the status kept with a hash (`seen`), and the file had then
    stood unchanged long enough that any later edit changes its times."""
    if current is None or type(kept) is not list or len(kept) != 5:
        return False
    return kept[:4] == current and max(kept[1], kept[2]) < kept[4] - SETTLED_NS
