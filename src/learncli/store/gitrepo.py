"""The git repository a data folder lives in: its top, and the settings git keeps per clone.

learn asks git itself (`git rev-parse`, `git config`), so worktrees, submodules and
`$GIT_DIR` mean what git says they mean. No git, or no repository: None.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from learncli.errors import Refused

#: This clone's invoice series, in the repository's config (never in a shared file).
SERIES_KEY = "learn.series"
#: A series is letters only, so that `g0012` cannot be read as series `g0` or seq 12 of another.
SERIES_PATTERN = re.compile(r"^[A-Za-z]{1,12}\Z")


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None


def work_tree(root: Path) -> Path | None:
    """The top of the git work tree holding `root`, or None."""
    done = _git(root, "rev-parse", "--show-toplevel")
    return Path(done.stdout.strip()) if done is not None and done.returncode == 0 and done.stdout.strip() else None


def config_get(root: Path, key: str) -> str | None:
    done = _git(root, "config", "--get", key)
    return done.stdout.strip() if done is not None and done.returncode == 0 else None


def config_set(root: Path, key: str, value: str) -> None:
    done = _git(root, "config", "--local", key, value)
    if done is None or done.returncode != 0:
        raise Refused(f"git could not set {key} in the repository's config: {(done.stderr.strip() if done else 'git not found')}")


def series_problem(name: str) -> str | None:
    """Why `name` cannot be an invoice series, or None."""
    if SERIES_PATTERN.match(name):
        return None
    return f"{name!r} cannot be an invoice series: use 1 to 12 letters (a-z, A-Z), such as g or roger"


def _maybe_in_git(root: Path) -> bool:
    """False when surely not in a repository (no .git up the tree, no $GIT_DIR): then
    no git process is started, which every command reading courses.yaml would pay."""
    if os.environ.get("GIT_DIR"):
        return True
    here = root.absolute()
    return any((folder / ".git").exists() for folder in (here, *here.parents))


def series(root: Path) -> str:
    """This clone's invoice series ('' when none is set or there is no repository)."""
    value = (config_get(root, SERIES_KEY) or "") if _maybe_in_git(root) else ""
    problem = series_problem(value) if value else None
    if problem:
        raise Refused(f"{SERIES_KEY} in the repository's config: {problem}", hint="learn git install --series NAME sets it")
    return value
