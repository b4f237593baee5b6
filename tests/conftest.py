"""Shared fixtures: real data folders in tmp_path, the CLI through CliRunner or a process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's settings, and bugs surface as real exceptions."""
    for name in list(os.environ):
        if name.startswith("LEARN_") or name in {"NO_COLOR", "COLUMNS"}:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEARN_DEBUG", "1")
    monkeypatch.setenv("LEARN_LOCK_TIMEOUT", "30")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled data folder (the real course, two 2026 cohorts)."""
    target = tmp_path / "data"
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("out", ".learn*"))
    return target


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write("data/cohorts/x.yaml", text) -> the path, folders created."""

    def _write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


class Learn:
    """Runs `learn` in-process with Typer's CliRunner; stdout and stderr kept apart."""

    def __init__(self, data: Path | None) -> None:
        self.data = data
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, data: bool = True) -> object:
        from learncli.cli.app import app

        argv = [str(a) for a in args]
        if data and self.data is not None and "--data" not in argv:
            argv = ["--data", str(self.data), *argv]
        result = self.runner.invoke(app, argv, input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a bug: show the real traceback
        return result


@pytest.fixture
def learn(data_dir: Path) -> Learn:
    return Learn(data_dir)


@pytest.fixture
def learn_bare() -> Learn:
    """The CLI with no --data: for commands given a folder some other way."""
    return Learn(None)


def run_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`learn` as a real process (for locks, signals and start-up cost)."""
    full_env = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "learncli", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def make_cohort(data_dir: Path) -> Callable[..., str]:
    """make_cohort("big", 250) -> a cohort of the bundled course with that many people.

    Its sessions are the autumn 2026 dates, so invoices issued on 1 Aug 2026 are due on
    9 Sep 2026. Names and POs come from `name(i)` and `po(i)` when given.
    """

    def _make(cohort_id: str, count: int, name: Callable[[int], str] | None = None, po: Callable[[int], str | None] | None = None) -> str:
        import json

        lines = [
            "course: leading-with-learning",
            f"title: Test cohort {cohort_id}",
            "sessions:",
            *(f"  - date: {d}" for d in ("2026-09-23", "2026-10-07", "2026-10-21", "2026-11-04", "2026-11-18", "2026-12-02")),
            "participants:",
        ]
        for i in range(1, count + 1):
            # JSON strings are valid YAML double-quoted scalars: any name round-trips.
            lines.append(f"  - name: {json.dumps(name(i) if name else f'Person {i:03d}', ensure_ascii=False)}")
            lines.append(f"    email: person{i:03d}@{cohort_id}.example.org")
            value = po(i) if po else None
            if value is not None:
                lines.append(f"    po: {json.dumps(value, ensure_ascii=False)}")
        (data_dir / "cohorts" / f"{cohort_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return cohort_id

    return _make
