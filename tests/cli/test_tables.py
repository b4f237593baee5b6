"""Tables keep their keys whole: an email, an invoice number or a cohort id is never cut.

The terminal cases run `learn` in a real pseudo-terminal of a set size, as a person at an
80-column terminal would; the pipe cases run it with stdout a pipe, as a script would.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

LONG_EMAIL = "ann.oneil.head-of-learning-and-development@northwick-council.gov.uk"
COHORT = "2026-autumn"


def in_terminal(data: Path, *args: str, columns: int) -> str:
    """What `learn` writes to a terminal `columns` wide (colour off, so the text is plain)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(NO_COLOR="1", TERM="xterm")
    process = subprocess.Popen(
        [sys.executable, "-m", "learncli", "--data", str(data), *args],
        stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        assert process.wait(timeout=30) == 0, b"".join(chunks).decode()
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def piped(data: Path, *args: str, columns: int) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-m", "learncli", "--data", str(data), *args],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def folder(data_dir: Path, learn) -> Path:
    result = learn(
        "participant", "add", COHORT, "--name", "O'Neil, Ann", "--email", LONG_EMAIL,
        "--organisation", "Northwick Borough Council Learning and Development Directorate",
        "--role", "Head of Learning, Organisational Development and Workforce Planning",
        "--po", "PO-2026-000123456", "--billing-email", "accounts.payable@northwick-council.gov.uk",
    )
    assert result.exit_code == 0, result.output
    return data_dir


def test_an_email_is_whole_at_80_columns_and_what_did_not_fit_is_named(folder: Path) -> None:
    out = in_terminal(folder, "participant", "list", COHORT, columns=80)
    lines = out.splitlines()
    assert any(LONG_EMAIL in line for line in lines), out
    assert "…" not in "".join(line for line in lines if "@" in line)
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    start = next(i for i, line in enumerate(lines) if line.startswith("(not shown at this width:"))
    note = " ".join(lines[start:]).split(")")[0]
    header = next(line for line in lines if "email" in line.split())
    dropped = note.split(":", 1)[1].split(";")[0].split(", ")
    assert "bill to" in [d.strip() for d in dropped], note
    shown = [c for c in re.split(r"\s{2,}", header.strip()) if c]
    assert "email" in shown
    assert not {d.strip() for d in dropped} & set(shown), (dropped, shown)
    assert "--json" in note


def test_every_email_of_the_cohort_is_whole_and_typed_back_works(folder: Path, learn) -> None:
    out = in_terminal(folder, "participant", "list", COHORT, columns=80)
    listed = learn("participant", "list", COHORT, "--json")
    emails = [p["email"] for p in json.loads(listed.stdout)]
    assert LONG_EMAIL in emails
    for email in emails:
        assert re.search(rf"(^|\s){re.escape(email)}(\s|$)", out, re.M), email


def test_a_wide_terminal_shows_every_column(folder: Path) -> None:
    out = in_terminal(folder, "participant", "list", COHORT, columns=250)
    assert "not shown at this width" not in out
    header = next(line for line in out.splitlines() if "email" in line.split())
    for column in ("name", "email", "organisation", "role", "PO", "bill to", "status"):
        assert column in header


def test_an_invoice_number_and_cohort_stay_whole_in_a_narrow_terminal(folder: Path, learn) -> None:
    assert learn("invoice", "run", COHORT, "--today", "2026-09-01").exit_code == 0
    numbers = [i["number"] for i in json.loads(learn("invoice", "list", "--json").stdout)]
    assert numbers
    out = in_terminal(folder, "--today", "2026-09-01", "invoice", "list", columns=60)
    for number in numbers:
        assert re.search(rf"(^|\s){re.escape(number)}(\s|$)", out, re.M), (number, out)
    assert re.search(rf"(^|\s){COHORT}(\s|$)", out, re.M)


def test_in_a_pipe_nothing_is_cut_or_dropped_whatever_columns_says(folder: Path) -> None:
    out = piped(folder, "participant", "list", COHORT, columns=80)
    assert LONG_EMAIL in out
    assert "Northwick Borough Council Learning and Development Directorate" in out
    assert "not shown at this width" not in out
    row = next(line for line in out.splitlines() if LONG_EMAIL in line)
    assert "accounts.payable@northwick-council.gov.uk" in row  # one row, one line
    assert len(row) > 80
