"""Shared fixtures: real data folders in tmp_path, the CLI through CliRunner or a process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data"

# CI draws the same examples on every run of the same code (`.ci/run` sets the profile):
# a gate that turns red only when a random draw happens to find something would block a
# change for a bug it did not make. Run without it, and every run explores new examples.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("LEARN_HYPOTHESIS_PROFILE", "default"))


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


#: What a facilitator puts in place of the example's fictional organisation and bank
#: details (which `validate` warns about, S001 and S002).
OWN_DETAILS = {
    "hello@example.org": "hello@leading-with-learning.co.uk",
    "https://example.org/leading-with-learning": "https://leading-with-learning.co.uk",
    "https://pay.example.org/leading-with-learning": "https://pay.leading-with-learning.co.uk/lwl",
    '"00-00-00"': '"12-34-56"',
    '"00000000"': '"12345678"',
}


def use_own_details(folder: Path) -> None:
    """Replace the example's placeholder settings in `folder`'s courses.yaml, comments kept."""
    path = folder / "courses.yaml"
    text = path.read_text(encoding="utf-8")
    for placeholder, own in OWN_DETAILS.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, own)
    path.write_text(text, encoding="utf-8")


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
def check_ics() -> Callable[[bytes], tuple[object, object]]:
    """check_ics(data) -> (ical calendar, icalendar calendar) after checking the raw form.

    Every .ics that learn writes must pass: CRLF line ends only, no line over 75 octets
    and no folding inside a UTF-8 character (RFC 5545, 3.1), accepted by the strict
    `ical` parser, unchanged by a round trip through icalendar, and within RFC 5546's
    table for its METHOD (tests/render/rfc5546.py).
    """

    def _check(data: bytes) -> tuple[object, object]:
        import icalendar
        from ical.calendar_stream import IcsCalendarStream

        from tests.render.rfc5546 import check_itip

        assert isinstance(data, bytes)
        assert data.endswith(b"\r\n")
        for line in data.split(b"\r\n")[:-1]:
            assert b"\n" not in line and b"\r" not in line, f"bare line break in {line!r}"
            assert len(line) <= 75, f"{len(line)} octets: {line!r}"
            line.decode("utf-8")  # raises if a fold split a character
        strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
        parsed = icalendar.Calendar.from_ical(data)
        assert parsed.to_ical() == data
        check_itip(data)
        return strict, parsed

    return _check


#: The columns of Zoom's participants report, in Zoom's order.
ZOOM_COLUMNS = ("Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest")
ZOOM_MEETING_COLUMNS = ("Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants")


def zoom_stamp(day, hhmm: str, day_first: bool = False) -> str:
    """A time as Zoom writes it: `12/02/2026 09:28:12 AM` (US) or `02/12/2026 09:28:12`."""
    from datetime import datetime, time

    moment = datetime.combine(day, time.fromisoformat(hhmm if hhmm.count(":") == 2 else hhmm + ":00"))
    return moment.strftime("%d/%m/%Y %H:%M:%S") if day_first else moment.strftime("%m/%d/%Y %I:%M:%S %p")


def zoom_report(
    day,
    joins,
    *,
    columns=ZOOM_COLUMNS,
    extra=(),
    day_first: bool = False,
    meeting: bool = False,
    bom: bool = True,
) -> str:
    """Zoom's participants report built from its columns: one row per join.

    `joins`: (name, email or "", "HH:MM[:SS]" joined, "HH:MM[:SS]" left). `columns` may
    respell the six standard headers (same order); `extra` appends columns such as
    ("Recording Consent", "Yes"); `meeting` adds the meeting-data block first."""
    import csv
    import io
    from datetime import datetime, time

    def minutes(join: str, leave: str) -> int:
        a, b = (datetime.combine(day, time.fromisoformat(t if t.count(":") == 2 else t + ":00")) for t in (join, leave))
        return round((b - a).total_seconds() / 60)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if meeting:
        first = min(j[2] for j in joins)
        last = max(j[3] for j in joins)
        writer.writerow(ZOOM_MEETING_COLUMNS)
        writer.writerow(["876 5432 1098", "Leading with Learning", zoom_stamp(day, first, day_first), zoom_stamp(day, last, day_first),
                         "gabriel@example.org", minutes(first, last), len(joins)])
        writer.writerow([])
    writer.writerow([*columns, *(name for name, _ in extra)])
    for name, email, join, leave in joins:
        writer.writerow([name, email, zoom_stamp(day, join, day_first), zoom_stamp(day, leave, day_first), minutes(join, leave),
                         "No" if email else "Yes", *(value for _, value in extra)])
    return ("\ufeff" if bom else "") + out.getvalue()


@pytest.fixture
def zoom():
    """The report builder: zoom(day, joins, **options) -> CSV text."""
    return zoom_report


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
