"""Where the files shipped with learn are: default templates and the example data.

In a wheel they are the package folders `learncli/templates` and `learncli/example_data`
(mapped from the repository's top-level `templates/` and `data/` at build time). In an
editable install or a source checkout those mappings are not importable (the folders
have no `__init__.py`, on purpose), so the repository's own folders are used.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
_CHECKOUT = {"templates": _REPO / "templates", "example_data": _REPO / "data"}


def shipped(name: str) -> Traversable:
    """`templates` or `example_data`, wherever this installation keeps it."""
    try:
        found = resources.files(f"learncli.{name}")
        if found.is_dir():
            return found
    except ModuleNotFoundError:
        pass
    return _CHECKOUT[name]


def templates_dir() -> Traversable:
    return shipped("templates")


def example_data_dir() -> Traversable:
    return shipped("example_data")
