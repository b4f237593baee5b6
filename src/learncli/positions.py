"""What the rules need of a file to point at a value in it: its path and a `line:col` per
location. A leaf module, so `domain/` can name the type without importing the YAML store
(`store.yamlread.Source` is the one implementation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class Positions(Protocol):
    path: Path

    def mark(self, loc: tuple[Any, ...] = (), *, key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of the value (or its key) at `loc`."""
        ...
