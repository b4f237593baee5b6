"""SIGKILL at random moments: every command that writes, as a real process.

After every kill: each file is byte for byte the old or the new content (a calendar's
DTSTAMP aside), every file parses and the folder validates as before, the lock is free,
the invoice numbers are unique and contiguous; then the next run (the same command)
succeeds or refuses with a message, removes any temporary file the kill left, and ends
where one complete run ends.

The kills are aimed. Half of them watch the files the command changes and strike a
random few milliseconds after the first sign of writing (a temporary file appearing, or
a target replaced), so they land between a temporary file's creation and its rename, or
between two files of one transaction; the others fire at a delay drawn finely around
the moment writing began in the previous attempts, or anywhere in the start-up.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import Learn
from tests.reliability.harness import (
    TALLY,
    WRITING_COMMANDS,
    Command,
    Kill,
    assert_lock_free,
    assert_numbers_unique_and_contiguous,
    assert_old_or_new,
    build_world,
    changed_paths,
    invoice_numbers,
    is_temp,
    kill_at,
    kill_while_writing,
    normal,
    snapshot,
    validation_errors,
)

KILLS_PER_COMMAND = 3
#: How each kill is aimed, in turn: at a temporary file's first appearance, just after
#: the first file is replaced, or at a delay within 10% of when writing began before.
MODES = ("temp file", "replaced", "timed")
LOOP_SECONDS = 5.0


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], list[str]]:
    """The world every kill starts from, its snapshot and its validation errors (none)."""
    world = tmp_path_factory.mktemp("crash-base")
    build_world(world)
    errors = validation_errors(world / "data")
    assert errors == []
    return world, snapshot(world), errors


def run_complete(world: Path, command: Command, *, next_run: bool = False) -> object:
    """The command run to the end, in this process (with `next_run`, what follows a kill)."""
    for argv in command.next_argvs(world) if next_run else [command.argv(world)]:
        result = Learn(world / "data")(*argv)
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
    return result


def check_after_kill(world: Path, old: dict[str, bytes], new: dict[str, bytes], errors: list[str]) -> list[str]:
    temps = assert_old_or_new(old, new, snapshot(world))
    assert validation_errors(world / "data") == errors
    if (world / "fresh" / "courses.yaml").exists():
        assert validation_errors(world / "fresh") == []
    assert_lock_free(world / "data")
    assert_numbers_unique_and_contiguous(invoice_numbers(world / "data"))
    return temps


def check_next_run(world: Path, command: Command, new: dict[str, bytes], errors: list[str]) -> None:
    run_complete(world, command, next_run=True)
    final = snapshot(world)
    assert [p for p in final if is_temp(p)] == [], "the next run left a temporary file of the killed one"
    assert validation_errors(world / "data") == errors
    assert_numbers_unique_and_contiguous(invoice_numbers(world / "data"))
    if command.idempotent:
        assert {p: normal(p, c) for p, c in final.items()} == {p: normal(p, c) for p, c in new.items()}


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=[c.name.replace(" ", "-") for c in WRITING_COMMANDS])
def test_sigkill_at_random_moments(command: Command, base, tmp_path: Path) -> None:
    base_world, old, errors = base
    reference = tmp_path / "reference"
    shutil.copytree(base_world, reference, symlinks=True)
    result = run_complete(reference, command)
    assert result.exit_code == 0, result.output
    new = snapshot(reference)
    changed = changed_paths(old, new)
    assert changed, f"{command.name} changed nothing"

    rng = random.Random(f"crash:{command.name}")
    write_started = 0.3  # seconds to the first write; learned from the watched kills
    kills: list[Kill] = []
    for attempt in range(KILLS_PER_COMMAND):
        world = tmp_path / f"kill-{attempt}"
        shutil.copytree(base_world, world, symlinks=True)
        argv = command.argv(world)
        mode = MODES[attempt % len(MODES)]
        if mode in ("temp file", "replaced"):
            jitter = rng.uniform(0, 0.001) if mode == "replaced" else rng.choice([rng.uniform(0, 0.002), rng.uniform(0, 0.02)])
            targets = [world / p for p in changed]
            kill = kill_while_writing(argv, targets, jitter, not_before=0.6 * write_started, replaced=mode == "replaced")
            if kill.seen_writing:
                write_started = kill.at - jitter
        else:
            kill = kill_at(argv, write_started * rng.uniform(0.9, 1.1))
        kills.append(kill)
        temps = check_after_kill(world, old, new, errors)
        TALLY["kills"] += kill.killed
        TALLY["kills_in_write_window"] += kill.killed and (kill.seen_writing or bool(temps) or snapshot(world) != old)
        TALLY["temp_files_left_by_a_kill"] += len(temps)
        check_next_run(world, command, new, errors)
    assert sum(k.killed for k in kills) >= KILLS_PER_COMMAND // 2, kills
    assert any(k.seen_writing for k in kills), f"no kill of {command.name} landed after it began writing: {kills}"


def test_sigkill_across_commands_for_a_bounded_time(base, tmp_path: Path) -> None:
    """One folder, random commands one after another, each killed at a random moment or
    left to finish; the state carries over from one to the next."""
    base_world, _, errors = base
    world = tmp_path / "world"
    shutil.copytree(base_world, world, symlinks=True)
    rng = random.Random(20261123)
    deadline = time.monotonic() + LOOP_SECONDS
    rounds = kills = 0
    # For the time given, and then on until five kills have landed: on a loaded machine
    # (CI) the commands are slower, and fewer rounds fit in the time.
    while time.monotonic() < deadline or (kills < 5 and rounds < 60):
        rounds += 1
        command = _varied(rng.choice(WRITING_COMMANDS), rounds)
        old = snapshot(world)
        reference = tmp_path / f"reference-{rounds}"
        shutil.copytree(world, reference, symlinks=True)
        Learn(reference / "data")(*command.argv(reference))
        new = snapshot(reference)
        shutil.rmtree(reference)
        argv = command.argv(world)
        if rng.random() < 0.5:
            kill = kill_while_writing(argv, [world / p for p in changed_paths(old, new)], rng.uniform(0, 0.02), not_before=0.2)
        else:
            kill = kill_at(argv, rng.uniform(0.05, 0.6))
        kills += kill.killed
        TALLY["kills"] += kill.killed
        TALLY["kills_in_write_window"] += kill.killed and kill.seen_writing
        temps = assert_old_or_new(old, new, snapshot(world))
        TALLY["temp_files_left_by_a_kill"] += len(temps)
        assert validation_errors(world / "data") == errors
        assert_lock_free(world / "data")
        assert_numbers_unique_and_contiguous(invoice_numbers(world / "data"))
    # Whatever the kills left, one more write cleans every temporary file in the data folder.
    run_complete(world, Command("participant add", ("participant", "add", "big", "--name", "Last One", "--email", "last.one@example.org")))
    assert [p for p in snapshot(world / "data") if is_temp(p)] == []
    assert kills >= 5, (rounds, kills)
    TALLY["crash_loop_rounds"] += rounds


def _varied(command: Command, n: int) -> Command:
    """The same command with fresh values, so that repeated picks still change something."""
    if command.name == "participant add":
        return Command(command.name, ("participant", "add", "big", "--name", f"Loop {n}", "--email", f"loop{n}@example.org"))
    if command.name == "payment record":
        return Command(command.name, ("payment", "record", "LWL-2026-0012", "--amount", "1", "--date", "2026-11-20", "--method", "card"), idempotent=False)
    if command.name == "cohort add":
        return Command(command.name, ("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", f"loop-{n}"))
    return command
