"""The validate cache: a re-run over an unchanged folder answers from `.learn-cache/`.

The key is a hash of the *content* of every YAML file in the data folder (not their
modification times, which can stay the same across an edit made within one clock tick
or restored by git), plus the date the rules are judged against and the code that
judges them. Any change to any of these misses the cache, so a changed file is always
re-read. The cache is only ever an optimisation: a missing, corrupt or unwritable cache
is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from learncli import __version__

CACHE_DIR = ".learn-cache"
_SKIP_DIRS = {"out", CACHE_DIR, ".git", "templates"}


def data_files(root: Path) -> list[Path]:
    """Every YAML file that validate may read, in a stable order."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        found.extend(Path(folder) / name for name in sorted(files) if name.endswith((".yaml", ".yml")))
    return found


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """Changes whenever learn's code does (an upgrade, or an edit in a checkout)."""
    package = Path(__file__).resolve().parents[1]
    newest = max((p.stat().st_mtime_ns for p in package.rglob("*.py")), default=0)
    return f"{__version__}:{newest}"


def fingerprint(root: Path, today: date) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{code_stamp()}|{today.isoformat()}|{root.resolve()}".encode())
    from learncli.bounded import TooLarge, read_bounded
    from learncli.store.yamlread import MAX_FILE_BYTES

    for path in data_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            digest.update(read_bounded(path, MAX_FILE_BYTES))
        except TooLarge:
            # Refused unread by the reader (Y004); reading gigabytes only to hash them
            # would take seconds and as much memory.
            stat = path.stat()
            digest.update(f"oversized:{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError as exc:  # a FIFO or device is never read, only named
            digest.update(f"unreadable:{exc.errno}:{exc}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


# A cache is a convenience: one that grew past this (or is not a plain file) is ignored.
MAX_CACHE_BYTES = 256 * 1024 * 1024


def load(root: Path, name: str, key: str) -> Any | None:
    from learncli.bounded import read_bounded

    try:
        stored = json.loads(read_bounded(root / CACHE_DIR / f"{name}.json", MAX_CACHE_BYTES))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("value")


def save(root: Path, name: str, key: str, value: Any) -> None:
    _write(root, name, json.dumps({"key": key, "value": value}).encode())


def _write(root: Path, name: str, data: bytes) -> None:
    from learncli.errors import LearnError
    from learncli.store.atomic import atomic_write

    folder = root / CACHE_DIR
    try:
        if not folder.is_dir():
            folder.mkdir()
            (folder / ".gitignore").write_text("*\n")
        atomic_write(folder / f"{name}.json", data, durable=False)
    except (OSError, LearnError):
        pass  # a read-only folder simply has no cache


def save_sealed(root: Path, name: str, key: str, body: bytes) -> None:
    """Like `save`, for a large value read often: the file is a line of JSON with the key
    and a hash of the rest, then the value's JSON text (`body`). `load_sealed` checks the
    hash, so a truncated or damaged file is refused whole, without looking through every
    record."""
    head = json.dumps({"key": key, "sum": hashlib.blake2b(body, digest_size=16).hexdigest()}).encode()
    _write(root, name, head + b"\n" + body)


def load_sealed(root: Path, name: str, key: str) -> bytes | None:
    """The JSON text `save_sealed` stored under `key`, still to be decoded, or None
    (missing, another key, damaged)."""
    from learncli.bounded import read_bounded

    try:
        raw = read_bounded(root / CACHE_DIR / f"{name}.json", MAX_CACHE_BYTES)
        head_text, _, body = raw.partition(b"\n")
        head = json.loads(head_text)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(head, dict) or head.get("key") != key:
        return None
    return body if head.get("sum") == hashlib.blake2b(body, digest_size=16).hexdigest() else None
