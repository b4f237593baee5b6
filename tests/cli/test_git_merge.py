"""Two facilitators, two clones of one repository, plain git: the `learn` merge driver.

Real git in temporary folders; learn runs as a process (`python -m learncli`), as git
runs the driver.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from learncli.resources import example_data_dir

TODAY = "2026-11-20"


def _env(who: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME=who, GIT_AUTHOR_EMAIL=f"{who}@example.org", GIT_COMMITTER_NAME=who,
        GIT_COMMITTER_EMAIL=f"{who}@example.org", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
    )
    env.pop("LEARN_DATA", None)
    return env


def git(where: Path, *args: str, who: str = "setup", check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, env=_env(who), check=check)


def learn(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "learncli", "--data", str(clone / "data"), "--today", TODAY, *args],
        capture_output=True, text=True, env=_env("learn"),
    )
    return done


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def clones(tmp_path: Path) -> tuple[Path, Path]:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True, env=_env("setup"))
    first = tmp_path / "gabriel"
    git(tmp_path, "clone", "-q", str(origin), str(first))
    git(first, "checkout", "-q", "-b", "main")
    shutil.copytree(example_data_dir(), first / "data")
    ok(learn(first, "invoice", "run", "2026-autumn"))  # the cohort invoiced before the clones part
    shutil.rmtree(first / "data" / "out")  # generated pages are not committed
    git(first, "add", "-A")
    git(first, "commit", "-qm", "the course")
    git(first, "push", "-q", "origin", "main")
    second = tmp_path / "roger"
    git(tmp_path, "clone", "-q", str(origin), str(second))
    ok(learn(first, "git", "install", "--series", "g"))
    git(first, "add", "-A")
    git(first, "commit", "-qm", "learn git install", who="gabriel")
    git(first, "push", "-q", "origin", "main", who="gabriel")
    git(second, "pull", "-q", "--no-rebase", "origin", "main", who="roger")
    ok(learn(second, "git", "install", "--series", "r"))
    return first, second


def _numbers(clone: Path) -> list[str]:
    entries = yaml.safe_load((clone / "data" / "invoices" / "2026.yaml").read_text())["entries"]
    return [e.get("invoice") or e.get("credit_note") for e in entries if "payment" not in e]


def test_install_is_idempotent_and_keeps_the_series_in_the_clone(clones: tuple[Path, Path]) -> None:
    first, second = clones
    again = learn(first, "git", "install", "--series", "g")
    assert again.returncode == 0 and "nothing to change" in again.stderr
    assert git(first, "status", "--porcelain").stdout == ""
    assert git(first, "config", "--get", "learn.series").stdout.strip() == "g"
    assert git(second, "config", "--get", "learn.series").stdout.strip() == "r"
    assert "merge=learn" in (first / "data" / ".gitattributes").read_text()
    assert "out/" in (first / "data" / ".gitignore").read_text()
    courses = (first / "data" / "courses.yaml").read_text().splitlines()
    original = (example_data_dir() / "courses.yaml").read_text().splitlines()
    changed = [(a, b) for a, b in zip(original, courses) if a != b]
    assert len(courses) == len(original) and len(changed) == 1
    was, now = changed[0]
    assert now == was.replace("{seq", "{series}{seq")  # the one field added; quotes, gap and comment kept


def test_two_clones_merge_without_conflict_then_conflict_on_one_mark(clones: tuple[Path, Path]) -> None:
    first, second = clones
    cohort = "2026-autumn"
    # Gabriel: session 6 attendance, a commitment and a review, a late joiner, invoices, a payment.
    ok(learn(first, "attend", "mark", cohort, "6", "ann.oneil@example.org", "sian.evans@example.org", "--status", "present"))
    ok(learn(first, "commit", "add", cohort, "ann.oneil@example.org", "--session", "6", "Run a learning review with my team"))
    ok(learn(first, "commit", "review", cohort, "ann.oneil@example.org", "--session", "5", "--status", "done"))
    ok(learn(first, "participant", "add", cohort, "--name", "Gil Newcomer", "--email", "gil.newcomer@example.org"))
    ok(learn(first, "invoice", "run", cohort))
    g_number = _numbers(first)[-1]
    ok(learn(first, "payment", "record", g_number, "--amount", "575", "--date", "2026-11-19", "--method", "bank"))
    # Roger: other marks of session 6, another commitment, another late joiner, his own invoice run.
    ok(learn(second, "attend", "mark", cohort, "6", "chidi.okafor@example.org", "--status", "late"))
    ok(learn(second, "commit", "add", cohort, "chidi.okafor@example.org", "--session", "6", "Share the cycle diagram"))
    ok(learn(second, "participant", "add", cohort, "--name", "Rae Latecomer", "--email", "rae.latecomer@example.org"))
    ok(learn(second, "invoice", "run", cohort))
    r_number = _numbers(second)[-1]
    ok(learn(second, "payment", "record", r_number, "--amount", "575", "--date", "2026-11-20", "--method", "card"))
    ok(learn(second, "commit", "review", cohort, "sian.evans@example.org", "--session", "5", "--status", "partly", "--note", "half the team"))

    git(first, "add", "-A")
    git(first, "commit", "-qm", "after session 6", who="gabriel")
    git(first, "push", "-q", "origin", "main", who="gabriel")
    git(second, "add", "-A")
    git(second, "commit", "-qm", "late joiner and invoices", who="roger")
    pulled = git(second, "pull", "--no-rebase", "--no-edit", "origin", "main", who="roger", check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert "CONFLICT" not in pulled.stdout + pulled.stderr

    text = (second / "data" / "cohorts" / f"{cohort}.yaml").read_text()
    data = yaml.safe_load(text)
    marks = data["attendance"][6]
    assert marks == {"ann.oneil@example.org": "present", "sian.evans@example.org": "present", "chidi.okafor@example.org": "late"}
    emails = [p["email"] for p in data["participants"]]
    assert {"gil.newcomer@example.org", "rae.latecomer@example.org"} <= set(emails)
    commitments = {(c["email"], c["session"]): c for c in data["commitments"]}
    assert ("ann.oneil@example.org", 6) in commitments and ("chidi.okafor@example.org", 6) in commitments
    assert commitments[("ann.oneil@example.org", 5)]["status"] == "done"
    assert commitments[("sian.evans@example.org", 5)]["status"] == "partly" and commitments[("sian.evans@example.org", 5)]["note"] == "half the team"
    original = (example_data_dir() / "cohorts" / f"{cohort}.yaml").read_text()
    for line in original.splitlines():
        if line.lstrip().startswith("#"):
            assert line in text  # every hand-written comment survived

    numbers = _numbers(second)
    assert len(numbers) == len(set(numbers))
    assert (g_number, r_number) == ("LWL-2026-g0001", "LWL-2026-r0001") and {g_number, r_number} <= set(numbers)
    billed = {e["invoice"]: e["participant"] for e in yaml.safe_load((second / "data" / "invoices" / "2026.yaml").read_text())["entries"] if "invoice" in e}
    assert (billed[g_number], billed[r_number]) == ("gil.newcomer@example.org", "rae.latecomer@example.org")
    ledger = yaml.safe_load((second / "data" / "invoices" / "2026.yaml").read_text())["entries"]
    assert {e["payment"] for e in ledger if "payment" in e} >= {g_number, r_number}
    checked = learn(second, "validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not {"M001", "M002", "M007"} & set(re.findall(r" (M\d{3}) ", checked.stdout))  # no duplicate, no gap, no second invoice
    git(second, "push", "-q", "origin", "main", who="roger")

    # Both mark the same person's session 6 differently: the pull stops, and says who and which session.
    git(first, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", who="gabriel")
    ok(learn(first, "attend", "mark", cohort, "6", "peggy.lowe@example.org", "--status", "absent"))
    git(first, "commit", "-qam", "Peggy absent", who="gabriel")
    git(first, "push", "-q", "origin", "main", who="gabriel")
    ok(learn(second, "attend", "mark", cohort, "6", "peggy.lowe@example.org", "--status", "excused"))
    git(second, "commit", "-qam", "Peggy excused", who="roger")
    stopped = git(second, "pull", "--no-rebase", "--no-edit", "origin", "main", who="roger", check=False)
    assert stopped.returncode != 0
    said = stopped.stdout + stopped.stderr
    assert "CONFLICT" in said
    assert "peggy.lowe@example.org at session 6" in said and "'excused'" in said and "'absent'" in said
    # The file left behind parses and validates: it keeps our mark until someone decides.
    left = (second / "data" / "cohorts" / f"{cohort}.yaml").read_text()
    assert yaml.safe_load(left)["attendance"][6]["peggy.lowe@example.org"] == "excused"
    [line] = [line for line in left.splitlines() if line.strip().startswith("peggy.lowe@example.org: excused")]
    assert line.endswith("# learn merge: CONFLICT, theirs: 'absent'")  # where to look, for whoever resolves it
    assert learn(second, "validate").returncode == 0


def test_install_dry_run_writes_nothing_and_outside_git_it_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    shutil.copytree(example_data_dir(), outside / "data")
    refused = learn(outside, "git", "install")
    assert refused.returncode == 1 and "not inside a git work tree" in refused.stderr
    subprocess.run(["git", "init", "-q", str(outside)], check=True, env=_env("setup"))
    before = (outside / "data" / "courses.yaml").read_text()
    preview = learn(outside, "git", "install", "--series", "g", "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "would set git config learn.series g" in preview.stdout
    assert not (outside / "data" / ".gitattributes").exists()
    assert (outside / "data" / "courses.yaml").read_text() == before
    assert git(outside, "config", "--get", "learn.series", check=False).stdout == ""
    bad = learn(outside, "git", "install", "--series", "g2")
    assert bad.returncode == 2 and "letters" in bad.stderr
