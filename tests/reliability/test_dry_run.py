"""`--dry-run` writes none of your files: every command that writes, on the same world.

For each command the dry run must leave every file of the world (data folder, inputs,
the places `-o` points at) byte for byte as it was, create no lock file and no output,
and say what it would do; then the same command without `--dry-run` must change some
file, so that a command which silently did nothing could not pass. The only thing a dry
run may write is learn's own cache in `.learn-cache/` (see the README).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from learncli.store.atomic import LOCK_NAME
from tests.conftest import Learn
from tests.reliability.harness import TALLY, TODAY, WRITING_COMMANDS, Command, build_world

#: The writing commands of the crash list, and `email send` (not in that list: its
#: kills are aimed at the SMTP conversation, in tests/cli/test_email_send.py).
COMMANDS: tuple[Command, ...] = (
    *WRITING_COMMANDS,
    Command("email send", ("email", "send", "follow-up", "2026-autumn", "--session", "5")),
)


def everything(world: Path) -> dict[str, bytes]:
    """Every file under `world`, the lock file included; only learn's cache left out."""
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(world):
        dirs[:] = [d for d in dirs if d != ".learn-cache"]
        for name in files:
            path = Path(folder) / name
            found[str(path.relative_to(world))] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("dry-run-base")
    build_world(world)
    return world


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name.replace(" ", "-") for c in COMMANDS])
def test_a_dry_run_writes_nothing_and_the_real_run_does(command: Command, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = tmp_path / "world"
    shutil.copytree(base, world, symlinks=True)
    (world / "data" / LOCK_NAME).unlink(missing_ok=True)  # left by build_world's commands
    # A server that is never there: a dry run must not even connect.
    monkeypatch.setenv("LEARN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEARN_SMTP_PORT", "9")
    learn = Learn(world / "data")
    before = everything(world)

    dry = learn(*command.argv(world, TODAY), "--dry-run")
    TALLY["dry_runs"] += 1
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip(), "a dry run must say what it would do"
    after = everything(world)
    assert after == before, f"--dry-run changed {sorted(set(after) ^ set(before)) or [p for p in after if after[p] != before.get(p)]}"
    assert not (world / "data" / LOCK_NAME).exists()

    if command.name == "email send":
        return  # sending for real needs a server: tests/cli/test_email_send.py has one
    real = learn(*command.argv(world, TODAY))
    assert real.exit_code == 0, real.output
    assert everything(world) != before, f"{command.name} without --dry-run wrote nothing either"
