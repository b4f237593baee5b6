"""One way to read a file that a user or another program put in our path.

`stat().st_size` is 0 for a device, a FIFO or a file under /proc, so a size check made
before reading says nothing about them: `/dev/zero` reads for ever and a FIFO blocks until
someone writes to it. Every read of a data file, an imported file or a template goes
through `read_bounded`, which opens without blocking, refuses what is not a regular file
and stops reading one byte past the limit, whatever the file claims its size is.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is a folder, a pipe, a device or a socket: nothing we read is one of those."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a file")
        self.path = path
        self.kind = kind


class TooLarge(OSError):
    """The file holds more than the limit allows; `detail` says by how much, for a message."""

    def __init__(self, path: Path, limit: int, size: int | None) -> None:
        self.path = path
        self.limit = limit
        self.size = size
        if size is not None:
            self.detail = f"the file is {size:,} bytes; the limit is {limit:,}"
        else:
            self.detail = f"the file is over the limit of {limit:,} bytes"
        super().__init__(f"{path}: {self.detail}")


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words, or None for a regular file."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (links followed), at most `limit` of them.

    Raises FileNotFoundError and the other OSErrors of opening; NotRegularFile for a
    folder, pipe, device or socket (opened without blocking, so a FIFO with no writer
    does not hang); TooLarge as soon as more than `limit` bytes have been read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise NotRegularFile(path, "a folder") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
            try:
                kind = kind_of(os.stat(path).st_mode)
            except OSError:
                kind = None
            raise NotRegularFile(path, kind or "not a regular file") from None
        raise
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not None:
            raise NotRegularFile(path, kind)
        if info.st_size > limit:
            raise TooLarge(path, limit, info.st_size)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise TooLarge(path, limit, None)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text_bounded(path: Path, limit: int, encoding: str = "utf-8") -> str:
    """`read_bounded`, decoded (UnicodeDecodeError for bytes that are not `encoding`)."""
    return read_bounded(path, limit).decode(encoding)
