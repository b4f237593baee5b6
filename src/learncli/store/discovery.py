"""Which folder is the data folder, and by which rule it was found.

The rules, in order: `--data DIR`; else `$LEARN_DATA`; else the current folder or the
nearest folder above it that holds `courses.yaml` (the way git finds a repository from
anywhere inside it); else a `data/` folder holding `courses.yaml` in the current folder or
one above it; else `./data` if it exists at all.

Standard library only: shell completion finds the folder through this module too, and
must answer before anything heavy is imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

COURSES_FILE = "courses.yaml"


@dataclass(frozen=True)
class Found:
    """A data folder (or the place looked at, when `exists` is False) and the rule."""

    root: Path
    rule: str
    exists: bool


def find_data_folder(option: Path | None, environ: dict[str, str] | None = None, cwd: Path | None = None) -> Found:
    """The data folder by the rules above; `exists` is False when no rule found one."""
    env = os.environ if environ is None else environ
    if option is not None:
        return Found(option, "--data", option.is_dir())
    if env.get("LEARN_DATA"):
        root = Path(env["LEARN_DATA"])
        return Found(root, "$LEARN_DATA", root.is_dir())
    here = (cwd or Path.cwd()).absolute()
    chain = [here, *here.parents]
    for folder in chain:
        if (folder / COURSES_FILE).is_file():
            rule = "courses.yaml in the current folder" if folder == here else "courses.yaml in a folder above the current one"
            return Found(_short(folder, here), rule, True)
    for folder in chain:
        if (folder / "data" / COURSES_FILE).is_file():
            rule = "./data in the current folder" if folder == here else "data/ in a folder above the current one"
            return Found(_short(folder / "data", here), rule, True)
    fallback = here / "data"
    if fallback.is_dir():
        return Found(Path("data"), "./data in the current folder", True)
    return Found(
        Path("data"),
        "no --data, no $LEARN_DATA, and no courses.yaml in the current folder, any folder above it or a data/ below one of them",
        False,
    )


def _short(folder: Path, here: Path) -> Path:
    """`folder` relative to the current folder when it is inside it, so messages stay short."""
    try:
        relative = folder.relative_to(here)
    except ValueError:
        return folder
    return relative if str(relative) != "." else Path(".")


def cohort_ids(root: Path) -> list[str]:
    """Ids of every cohort file in the data folder `root`, sorted; files whose names are
    not ids, and conflict copies of a sync service, are left out (validate reports them)."""
    from learncli.names import ID_PATTERN
    from learncli.store.conflict_copies import copy_of

    folder = root / "cohorts"
    try:
        names = [e.name[:-5] for e in os.scandir(folder) if e.name.endswith(".yaml")]
    except OSError:
        return []
    # An id has no capitals, spaces, brackets or dots, so of the conflict-copy names only
    # Nextcloud's older `_conflict-` form can look like one.
    return sorted(
        stem for stem in names if ID_PATTERN.match(stem) and ("_conflict-" not in stem or copy_of(folder / f"{stem}.yaml") is None)
    )
