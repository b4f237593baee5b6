"""Symbolic links: learn reads through them and never writes through them (README, "Safe
with your data"), for every command that writes; and a link planted at the lock's path
cannot make the lock truncate or create another file."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from learncli.store.atomic import LOCK_NAME
from tests.conftest import Learn
from tests.reliability.harness import TALLY, TODAY, WRITING_COMMANDS, Command, build_world, changed_paths, snapshot

#: Files each command changes that are tried as links: data files first, then one output.
MAX_LINKED = 3


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("links")
    data = build_world(world, big=3)
    # calendar-state/2026-autumn.yaml exists, and the next export has a change to record in it.
    assert Learn(data)("--today", TODAY, "calendar", "export", "2026-autumn").exit_code == 0
    assert Learn(data)("cohort", "reschedule", "2026-autumn", "6", "2026-12-09").exit_code == 0
    return world


def _copy(base: Path, target: Path) -> Path:
    shutil.copytree(base, target, symlinks=True, ignore=shutil.ignore_patterns(LOCK_NAME))
    return target


def _run(world: Path, command: Command) -> object:
    return Learn(world / "data")(*command.argv(world))


def _linked_targets(old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    changed = changed_paths(old, new)
    data = [p for p in changed if p.startswith("data/") and not p.startswith("data/out/")]
    return (data + [p for p in changed if p not in data])[:MAX_LINKED]


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=[c.name.replace(" ", "-") for c in WRITING_COMMANDS])
def test_no_command_writes_through_a_symbolic_link(base: Path, tmp_path: Path, command: Command) -> None:
    reference = _copy(base, tmp_path / "reference")
    old = snapshot(base)
    assert _run(reference, command).exit_code == 0
    new = snapshot(reference)
    for n, relative in enumerate(_linked_targets(old, new)):
        TALLY["symlink_cases"] += 1
        world = _copy(base, tmp_path / f"w{n}")
        outside = tmp_path / f"outside-{n}" / Path(relative).name
        outside.parent.mkdir()
        path = world / relative
        if relative in old:
            outside.write_bytes(old[relative])  # the real file, kept elsewhere
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(outside)
        before = snapshot(world)
        result = _run(world, command)
        assert result.exit_code == 1, (relative, result.output)
        assert "symbolic link" in result.stderr and "Traceback" not in result.output
        assert path.is_symlink()
        assert (outside.read_bytes() == old[relative]) if relative in old else not outside.exists()
        assert snapshot(world) == before, f"{command.name} wrote something although {relative} is a link"


def test_reading_goes_through_links_to_every_kind_of_data_file(base: Path, tmp_path: Path) -> None:
    plain = _copy(base, tmp_path / "plain") / "data"
    linked = _copy(base, tmp_path / "linked") / "data"
    elsewhere = tmp_path / "elsewhere"
    for relative in ("courses.yaml", "cohorts/2026-autumn.yaml", "invoices/2026.yaml", "calendar-state/2026-autumn.yaml"):
        real = elsewhere / relative
        real.parent.mkdir(parents=True, exist_ok=True)
        (linked / relative).rename(real)
        (linked / relative).symlink_to(real)
    for args in [("validate", "--no-cache", "--json"), ("status", "--json"), ("cohort", "show", "2026-autumn", "--json"), ("invoice", "list", "--json"),
                 ("attend", "report", "2026-autumn", "--json"), ("session", "brief", "2026-autumn", "6", "--json")]:
        TALLY["symlink_cases"] += 1
        expected = Learn(plain)("--today", TODAY, *args)
        got = Learn(linked)("--today", TODAY, *args)
        assert got.exit_code == expected.exit_code == 0, got.output
        # Positions are the same; a diagnostic names the file where it really is.
        assert re.sub(r'"path": "[^"]*"', "", got.stdout.replace(str(linked), "DATA")) == re.sub(
            r'"path": "[^"]*"', "", expected.stdout.replace(str(plain), "DATA")
        )


def test_a_linked_data_folder_works_and_linked_subfolders_are_outside_it(base: Path, tmp_path: Path) -> None:
    world = _copy(base, tmp_path / "w")
    # The data folder itself reached through a link: an ordinary folder to learn.
    via = tmp_path / "via-link"
    via.symlink_to(world / "data")
    add = ("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org")
    assert Learn(via)(*add).exit_code == 0
    assert "kai@example.org" in (world / "data" / "cohorts" / "2026-autumn.yaml").read_text()
    # cohorts/ as a link to a folder elsewhere: read, but never written (outside the folder).
    elsewhere = tmp_path / "shared-cohorts"
    (world / "data" / "cohorts").rename(elsewhere)
    (world / "data" / "cohorts").symlink_to(elsewhere)
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    assert Learn(world / "data")("--today", TODAY, "status").exit_code == 0
    result = Learn(world / "data")("participant", "add", "2026-autumn", "--name", "Lu", "--email", "lu@example.org")
    assert result.exit_code == 1 and "outside the data folder" in result.stderr
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == before
    TALLY["symlink_cases"] += 2


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=[c.name.replace(" ", "-") for c in WRITING_COMMANDS])
@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
def test_a_link_planted_at_the_lock_path_truncates_and_creates_nothing(base: Path, tmp_path: Path, command: Command, dangling: bool) -> None:
    TALLY["symlink_cases"] += 1
    world = _copy(base, tmp_path / "w")
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("important\n")
    lock_folder = world / "fresh" if command.name == "init" else world / "data"
    lock_folder.mkdir(exist_ok=True)
    (lock_folder / LOCK_NAME).symlink_to(victim)
    before = snapshot(world)
    result = _run(world, command)
    assert result.exit_code == 1 and "symbolic link" in result.stderr, result.output
    assert (victim.read_text() == "important\n") if not dangling else not victim.exists()
    assert snapshot(world) == before


def test_a_link_planted_between_the_check_and_the_open_is_not_followed(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock checks for a link, then opens the file; a link planted in between (here:
    the check told there is none) meets O_NOFOLLOW in the open and stops the command."""
    TALLY["symlink_cases"] += 1
    world = _copy(base, tmp_path / "w")
    victim = tmp_path / "victim.txt"
    victim.write_text("important\n")
    lock = world / "data" / LOCK_NAME
    lock.symlink_to(victim)
    real_is_symlink = Path.is_symlink
    monkeypatch.setattr(Path, "is_symlink", lambda self: False if self.name == LOCK_NAME else real_is_symlink(self))
    before = snapshot(world)
    result = Learn(world / "data")("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org")
    monkeypatch.undo()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"could not write {lock}" in result.stderr
    assert victim.read_text() == "important\n" and snapshot(world) == before


def test_a_hard_link_at_the_lock_path_is_locked_but_never_truncated(base: Path, tmp_path: Path) -> None:
    """A hard link cannot be told from the lock file itself; opening it without O_TRUNC
    (filelock >= 3.20.3) leaves its content alone."""
    TALLY["symlink_cases"] += 1
    world = _copy(base, tmp_path / "w")
    victim = world / "victim.txt"
    victim.write_text("important\n")
    os.link(victim, world / "data" / LOCK_NAME)
    result = Learn(world / "data")("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org")
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "important\n"
