"""System calls that fail while real commands write: a full disk, a failing fsync or rename.

The commands run in this process with `os.write`, `os.fsync` or `os.replace` replaced by
one that raises, as the operating system would. Every file must stay exactly as it was,
no temporary file may stay behind, and the command must stop with exit code 1 and a
sentence saying what happened (never a traceback).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from learncli.store.atomic import TEMP_PREFIX
from tests.conftest import Learn
from tests.reliability.harness import TALLY, TODAY, build_world, is_temp, snapshot, validation_errors

FAULTS = {
    "disk full": ("write", errno.ENOSPC, "the disk is full"),
    "fsync fails": ("fsync", errno.EIO, "Input/output error"),
    "rename fails": ("replace", errno.EIO, "Input/output error"),
}
#: Other reasons, tried with one command.
MORE_FAULTS = {
    "quota exceeded": ("write", errno.EDQUOT, "the disk quota is exceeded"),
    "read-only file system": ("open", errno.EROFS, "the file system is read-only"),
    "permission denied": ("open", errno.EACCES, "permission denied"),
}

COMMANDS = {
    "participant add": ("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org"),
    "cohort add": ("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", "2027-spring"),
    "invoice run": ("invoice", "run", "big"),
    "payment record": ("payment", "record", "LWL-2026-0012", "--amount", "100", "--date", "2026-11-20", "--method", "card"),
    "invoice void": ("invoice", "void", "LWL-2026-0015", "--reason", "Withdrew"),
    "calendar export": ("calendar", "export", "2026-autumn"),
    "attend mark": ("attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "--status", "excused"),
    "commit add": ("commit", "add", "2026-autumn", "fatima.alsayed@example.org", "--session", "5", "Ask the team"),
    "session brief -o": ("session", "brief", "2026-autumn", "6", "--format", "md", "-o", "{w}/brief.md"),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("faults")
    build_world(world, big=5)
    return world


def failing(name: str, code: int, only: str | None = None):  # type: ignore[no-untyped-def]
    real = getattr(os, name)

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        if only is None or any(only in str(a) for a in args if isinstance(a, (str, os.PathLike))):
            TALLY["faults"] += 1
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return fail


def run(world: Path, args: tuple[str, ...]) -> object:
    argv = [a.replace("{w}", str(world)) for a in args]
    return Learn(world / "data")("--today", TODAY, *argv)


@pytest.mark.parametrize(
    ("command", "fault"),
    [(command, fault) for command in COMMANDS for fault in FAULTS] + [("participant add", fault) for fault in MORE_FAULTS],
)
def test_a_failing_system_call_leaves_every_file_as_it_was(base, tmp_path, monkeypatch, command, fault):
    world = tmp_path / "world"
    shutil.copytree(base, world, symlinks=True)
    before = snapshot(world)
    name, code, reason = (FAULTS | MORE_FAULTS)[fault]
    # The lock file is opened before anything is written; only the data files fail here.
    monkeypatch.setattr(os, name, failing(name, code, only=TEMP_PREFIX if name == "open" else None))
    result = run(world, COMMANDS[command])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    [message] = [line for line in result.stderr.splitlines() if line.startswith("learn: ")]
    assert message.startswith("learn: could not write ") and message.endswith(f"{reason}; the file was left as it was")
    assert snapshot(world) == before
    assert not [p for p in snapshot(world) if is_temp(p)]
    # With the disk back, the same command succeeds.
    assert run(world, COMMANDS[command]).exit_code == 0


def test_a_disk_that_fills_up_after_the_ledger_says_what_was_written_and_the_rerun_finishes(base, tmp_path, monkeypatch):
    world = tmp_path / "world"
    shutil.copytree(base, world, symlinks=True)
    data = world / "data"
    monkeypatch.setattr(os, "open", failing("open", errno.ENOSPC, only=str(data / "out" / "invoices")))
    result = run(world, COMMANDS["invoice run"])
    monkeypatch.undo()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the disk is full" in result.stderr and "already written before it: " in result.stderr
    assert "invoices/2026.yaml" in result.stderr and "run the command again" in result.stderr
    assert not [p for p in snapshot(world) if is_temp(p)]
    assert validation_errors(data) == []
    issued = sorted(p.name for p in (data / "out" / "invoices").glob("*.html"))
    again = run(world, COMMANDS["invoice run"])
    assert again.exit_code == 0 and "nothing to issue" in again.stdout
    rendered = sorted(p.name for p in (data / "out" / "invoices").glob("*.html"))
    assert len(rendered) == len(issued) + 5


def test_a_full_disk_when_the_lock_file_is_created(base, tmp_path, monkeypatch):
    world = tmp_path / "world"
    shutil.copytree(base, world, symlinks=True)
    before = snapshot(world)
    monkeypatch.setattr(os, "open", failing("open", errno.ENOSPC, only=".learn.lock"))
    result = run(world, COMMANDS["participant add"])
    monkeypatch.undo()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ".learn.lock: the disk is full" in result.stderr
    assert snapshot(world) == before


def test_reading_commands_work_on_a_full_disk(base, tmp_path, monkeypatch):
    """validate caches its answer in .learn-cache/; a cache it cannot write is no error."""
    world = tmp_path / "world"
    shutil.copytree(base, world, symlinks=True)
    monkeypatch.setattr(os, "write", failing("write", errno.ENOSPC))
    result = run(world, ("validate",))
    assert result.exit_code == 0, result.output
    assert run(world, ("status",)).exit_code == 0
