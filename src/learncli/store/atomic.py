"""Atomic file replacement and the data folder's lock: the only code that writes to disk.

A write goes to a temporary file in the same folder, is flushed and fsynced, takes the
old file's permission bits, replaces the old file with `os.replace` (atomic on POSIX and
Windows), and finally the folder is fsynced so the rename itself survives a power cut.
A crash at any moment leaves either the old content or the new, never a mixture; a
temporary file left by a killed process is removed by the next write in that folder.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from learncli.errors import LockBusy, Refused, WriteFailed

TEMP_PREFIX = ".learn-tmp-"
LOCK_NAME = ".learn.lock"
_cleaned: set[Path] = set()


def atomic_write(path: Path, data: bytes | str, *, durable: bool = True) -> None:
    """Replace `path` with `data` atomically. Refuses to write through a symbolic link.

    `durable=False` (for the caches in .learn-cache/) leaves out the fsyncs: the file is
    still whole or absent for every reader, but a power cut may leave it empty, which a
    cache reader takes as missing; a dozen cache files a command were a dozen waits for
    the disk."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = path.parent
    refuse_link(path)
    temp = folder / f"{TEMP_PREFIX}{path.name}.{os.getpid()}"
    if folder not in _cleaned:
        clean_folders([folder])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        temp.unlink(missing_ok=True)  # our own pid's leftover, if a crash ever left one
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise _write_failed(path, exc) from exc
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fchmod(fd, mode)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _write_failed(path, exc) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_folder(folder)


def remove_file(path: Path) -> None:
    """Remove `path` (a generated file; one already gone is fine), then fsync its folder
    so the removal survives a power cut. Refuses a symbolic link, as writes do."""
    refuse_link(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise WriteFailed(f"could not remove {path}: {_reason(exc)}; it was left as it was") from exc
    fsync_folder(path.parent)


def refuse_link(path: Path) -> None:
    """`Refused` if `path` is a symbolic link: learn reads through links, never writes through them."""
    if path.is_symlink():
        raise Refused(
            f"{path} is a symbolic link; learn reads through links but never writes through them",
            hint="replace the link with the file itself, or point --data at the real folder",
        )


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows cannot open folders
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot fsync a folder; the rename has still happened
    finally:
        os.close(fd)


def _write_failed(path: Path, exc: OSError) -> WriteFailed:
    return WriteFailed(f"could not write {path}: {_reason(exc)}; the file was left as it was")


def _reason(exc: OSError) -> str:
    return {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
    }.get(exc.errno or 0, exc.strerror or str(exc))


def clean_folders(folders: list[Path]) -> None:
    """Remove stale temporary files from each of `folders` now (a transaction calls this
    under the lock before it writes; single writes then need not list a folder again)."""
    for folder in dict.fromkeys(folders):
        _cleaned.add(folder)
        remove_stale_temp_files(folder)


def remove_stale_temp_files(folder: Path) -> None:
    """Delete temporary files left in `folder` by processes that no longer run."""
    try:
        entries = [e for e in folder.iterdir() if e.name.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name.rsplit(".", 1)[-1]
        if pid.isdigit() and _alive(int(pid)):
            continue
        try:
            entry.unlink()
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


@contextmanager
def folder_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the data folder's lock; two writers never interleave a read-modify-write."""
    from filelock import FileLock, Timeout

    if timeout is None:
        timeout = float(os.environ.get("LEARN_LOCK_TIMEOUT", "60"))
    lock_path = root / LOCK_NAME
    if lock_path.is_symlink():
        raise Refused(f"{lock_path} is a symbolic link; remove it (learn creates the lock file itself)")
    lock = FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusy(
            f"another learn command has been writing to {root} for over {timeout:g} seconds",
            hint="wait for it to finish, or raise LEARN_LOCK_TIMEOUT",
        ) from None
    except OSError as exc:
        raise _write_failed(lock_path, exc) from exc
    try:
        yield
    finally:
        lock.release()
