"""The CSV learn writes opens in a spreadsheet as written: a byte-order mark, CRLF, RFC 4180.

Excel decides a CSV's encoding from its first bytes: without the UTF-8 byte-order mark it
reads the local code page and shows "SiÃ¢n". Each test reads the written bytes back the
way a strict reader would.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import yaml

TODAY = "2026-11-23"
COHORT = "2026-autumn"


def rows_of(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    body = raw[3:]
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b""), "a line ending that is not CRLF"
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline=""), strict=True))


def test_the_attendance_csv_has_a_bom_crlf_and_reads_back_as_the_grid(learn, data_dir: Path) -> None:
    target = data_dir.parent / "grid.csv"
    result = learn("--today", TODAY, "attend", "report", COHORT, "--csv", target)
    assert result.exit_code == 0, result.output
    rows = rows_of(target.read_bytes())
    cohort = yaml.safe_load((data_dir / "cohorts" / f"{COHORT}.yaml").read_text(encoding="utf-8"))
    registered = [p for p in cohort["participants"] if p.get("status", "registered") == "registered"]
    assert sorted(r[1] for r in rows[1:]) == sorted(p["email"] for p in registered)
    assert {r[0] for r in rows[1:]} == {p["name"] for p in registered}
    assert "Siân Evans" in {r[0] for r in rows[1:]}
    assert rows[0][0] == "name"  # the mark is not part of the first header


def test_a_cancelled_session_says_cancelled_for_everyone(learn, data_dir: Path) -> None:
    assert learn("cohort", "cancel-session", COHORT, "6", "--note", "facilitator ill").exit_code == 0
    target = data_dir.parent / "grid.csv"
    assert learn("--today", TODAY, "attend", "report", COHORT, "--csv", target).exit_code == 0
    rows = rows_of(target.read_bytes())
    column = rows[0].index("session 6")
    assert {r[column] for r in rows[1:]} == {"cancelled"}
    others = rows[0].index("session 1")
    assert "cancelled" not in {r[others] for r in rows[1:]}


def test_names_with_commas_quotes_and_line_breaks_survive(learn, data_dir: Path) -> None:
    path = data_dir / "cohorts" / f"{COHORT}.yaml"
    text = path.read_text(encoding="utf-8")
    awkward = 'Lowe "and" Sons, Ltd'
    text = text.replace("name: Siân Evans", f"name: '{awkward}'", 1)
    path.write_text(text, encoding="utf-8")
    target = data_dir.parent / "grid.csv"
    assert learn("--today", TODAY, "attend", "report", COHORT, "--csv", target).exit_code == 0
    assert awkward in {r[0] for r in rows_of(target.read_bytes())}
    assert b'"Lowe ""and"" Sons, Ltd"' in target.read_bytes()


def test_to_stdout_the_bytes_are_utf8_whatever_the_locale(data_dir: Path) -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "learncli", "--data", str(data_dir), "--today", TODAY, "attend", "report", COHORT, "--csv", "-"],
        capture_output=True, env=env, timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    rows = rows_of(done.stdout)
    assert "Siân Evans" in {r[0] for r in rows[1:]}
