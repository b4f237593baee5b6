"""The names and keys of the ledger cache's files, and which ledger file is which bytes.

Standard library only, like `store.discovery`: shell completion of invoice numbers
reads the cache's small records of references through this module, and must answer
before Pydantic or the models are imported. `store.ledger_cache` holds the rest.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from learncli.store import cache as store_cache
from learncli.store import stamps

#: Bump when what is stored changes shape.
FORMAT = 4


def enabled() -> bool:
    return not os.environ.get("LEARN_NO_CACHE")


def key(raw: bytes) -> str:
    """The cache key of a ledger file's bytes (and of learn's code)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"ledger:{FORMAT}:{store_cache.code_stamp()}\0".encode())
    digest.update(raw)
    return digest.hexdigest()


def cache_name(path: Path) -> str:
    tag = hashlib.blake2b(path.name.encode(), digest_size=6).hexdigest()
    return f"ledger-{re.sub(r'[^A-Za-z0-9_-]', '_', path.stem)[:40]}-{tag}"


def refs_name(path: Path) -> str:
    return "refs-" + cache_name(path)


def key_of(root: Path, path: Path) -> tuple[str | None, bytes | None]:
    """The cache key of ledger file `path` as it is now, and its bytes if they had to be
    read: from the status kept with the file's last hash when that can be trusted
    (`store.stamps`; the file is not read), else by reading and hashing it (and keeping
    its status for next time). (None, None) when the file cannot be read."""
    from learncli.bounded import read_bounded
    from learncli.store.yamlread import MAX_FILE_BYTES

    current = stamps.stamp(path)
    kept = store_cache.load(root, _stamp_name(path), _stamp_key()) if enabled() else None
    if isinstance(kept, dict) and type(kept.get("key")) is str and stamps.unchanged(kept.get("status"), current):
        return kept["key"], None
    at = stamps.now()
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except OSError:
        return None, None
    found = key(raw)
    if enabled() and current is not None:
        store_cache.save(root, _stamp_name(path), _stamp_key(), {"status": stamps.seen(current, at), "key": found})
    return found, raw


def _stamp_name(path: Path) -> str:
    return "status-" + cache_name(path)


def _stamp_key() -> str:
    return f"ledger-status:{FORMAT}:{store_cache.code_stamp()}"


def numbers(root: Path, paths: list[Path]) -> list[str] | None:
    """Every invoice and credit-note number in the ledger files `paths`, sorted, from the
    cache's records of references alone; None if any file's record is missing or not of
    the file as it is now."""
    found: set[str] = set()
    for path in paths:
        file_key, _ = key_of(root, path)
        listed = numbers_in(store_cache.load(root, refs_name(path), file_key) if file_key else None)
        if listed is None:
            return None
        found |= listed
    return sorted(found)


def numbers_in(refs: Any) -> set[str] | None:
    """The invoice and credit-note numbers a file's record of references lists (as
    `ledger_cache` writes it); None if it is not such a record."""
    try:
        found = {n for listed in refs["cohorts"].values() for n in listed}
        found.update(refs["credit_notes"])
    except (TypeError, KeyError, AttributeError):
        return None
    return found if all(type(n) is str for n in found) else None
