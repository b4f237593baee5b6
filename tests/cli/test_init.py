"""`learn init`: a new data folder that works at once, never over an existing one."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import BUNDLED


def test_init_copies_the_example_and_it_validates(learn_bare, tmp_path):
    target = tmp_path / "courses"
    result = learn_bare("init", str(target), data=False)
    assert result.exit_code == 0, result.output
    assert (target / "courses.yaml").is_file()
    assert sorted(p.name for p in (target / "cohorts").iterdir()) == ["2026-autumn.yaml", "2026-spring.yaml"]
    assert "out/" in (target / ".gitignore").read_text().splitlines()
    check = learn_bare("--data", str(target), "--today", "2026-11-23", "validate", "--json", data=False)
    assert json.loads(check.stdout)["counts"]["error"] == 0


def _codes(learn_bare, target, *options):
    check = learn_bare("--data", str(target), *options, "validate", "--json", data=False)
    payload = json.loads(check.stdout)
    return payload["counts"]["error"], sorted(d["code"] for d in payload["diagnostics"] if d["severity"] == "warning"), payload


def test_init_bare_is_an_empty_valid_skeleton_that_warns_until_it_is_filled_in(learn_bare, tmp_path):
    target = tmp_path / "empty"
    assert learn_bare("init", str(target), "--bare", data=False).exit_code == 0
    assert not (target / "cohorts").exists() or not list((target / "cohorts").iterdir())
    errors, warnings, payload = _codes(learn_bare, target)
    assert errors == 0 and warnings == ["S001", "S002"]
    # Each warning points at the first placeholder, and names what is left to replace.
    lines = (target / "courses.yaml").read_text().splitlines()
    s001 = next(d for d in payload["diagnostics"] if d["code"] == "S001")
    assert "Your Organisation" in lines[s001["line"] - 1] and "you@example.org" in s001["message"]
    s002 = next(d for d in payload["diagnostics"] if d["code"] == "S002")
    assert lines[s002["line"] - 1].startswith("invoicing:") and "how to pay" in s002["message"]
    assert learn_bare("--data", str(target), "validate", "--strict", data=False).exit_code == 1
    # Filled in with the facilitator's own details, the skeleton validates strictly.
    text = (target / "courses.yaml").read_text()
    for placeholder, own in {
        "Your Organisation": "Northfield Learning",
        "First line of the address": "4 Mill Lane",
        "Town AB1 2CD": "Leeds LS1 4AB",
        "you@example.org": "hello@northfield-learning.co.uk",
        "  # card_payment_url: https://pay.example.org/your-course": "  card_payment_url: https://pay.northfield-learning.co.uk/c",
    }.items():
        assert placeholder in text
        text = text.replace(placeholder, own)
    (target / "courses.yaml").write_text(text)
    check = learn_bare("--data", str(target), "validate", "--strict", data=False)
    assert check.exit_code == 0, check.output
    status = learn_bare("--data", str(target), "status", data=False)
    assert status.exit_code == 0 and "No current or upcoming cohorts" in status.stdout


def test_init_never_overwrites_a_data_folder(learn_bare, data_dir):
    before = (data_dir / "courses.yaml").read_bytes()
    result = learn_bare("init", str(data_dir), "--bare", data=False)
    assert result.exit_code == 1 and "never overwrites" in result.stderr
    assert (data_dir / "courses.yaml").read_bytes() == before


def test_init_defaults_to_the_data_option_and_dry_run_writes_nothing(learn_bare, tmp_path):
    target = tmp_path / "viaoption"
    result = learn_bare("--data", str(target), "init", "--dry-run", data=False)
    assert result.exit_code == 0 and "would create" in result.stdout
    assert not target.exists()


def test_commands_without_a_data_folder_say_how_to_make_one(learn_bare):
    result = learn_bare("status", data=False)  # cwd is an empty tmp_path: no ./data
    assert result.exit_code == 1
    assert "learn init" in result.stderr


def test_an_init_interrupted_before_courses_yaml_is_finished_by_the_next(learn_bare, tmp_path):
    complete = tmp_path / "complete"
    assert learn_bare("init", str(complete), data=False).exit_code == 0
    # What a kill leaves: every file up to, not including, courses.yaml (written last).
    target = tmp_path / "interrupted"
    (target / "cohorts").mkdir(parents=True)
    for relative in (".gitignore", "cohorts/2026-autumn.yaml", "cohorts/2026-spring.yaml"):
        (target / relative).write_bytes((complete / relative).read_bytes())
    result = learn_bare("init", str(target), data=False)
    assert result.exit_code == 0, result.output
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file() and p.name != ".learn.lock")
    assert files == sorted(str(p.relative_to(complete)) for p in complete.rglob("*") if p.is_file() and p.name != ".learn.lock")
    for relative in files:
        assert (target / relative).read_bytes() == (complete / relative).read_bytes()


def test_init_never_overwrites_a_file_that_differs(learn_bare, tmp_path):
    target = tmp_path / "half"
    (target / "cohorts").mkdir(parents=True)
    (target / "cohorts" / "2026-autumn.yaml").write_text("# mine\n")
    result = learn_bare("init", str(target), data=False)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert (target / "cohorts" / "2026-autumn.yaml").read_text() == "# mine\n"
    # the folder is left as it was: no courses.yaml, and no lock file either
    assert [str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()] == ["cohorts/2026-autumn.yaml"]


def test_init_no_examples_keeps_the_course_and_settings_and_numbers_the_first_invoice_1(learn_bare, tmp_path):
    target = tmp_path / "mine"
    result = learn_bare("init", str(target), "--no-examples", data=False)
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file() and p.name != ".learn.lock")
    assert written == [".gitignore", "courses.yaml"]
    assert (target / "courses.yaml").read_bytes() == (BUNDLED / "courses.yaml").read_bytes()
    assert set((target / ".gitignore").read_text().splitlines()) >= {"out/", ".learn-cache/", ".learn.lock"}
    # The example's fictional organisation and bank details are warned about.
    assert _codes(learn_bare, target, "--today", "2026-12-03")[:2] == (0, ["S001", "S002"])
    today = ("--data", str(target), "--today", "2026-12-03")
    assert learn_bare(*today, "cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", "2027-spring", data=False).exit_code == 0
    added = learn_bare(*today, "participant", "add", "2027-spring", "--name", "Ann O'Neil", "--email", "ann@northfield.gov.uk", data=False)
    assert added.exit_code == 0, added.output
    run = learn_bare(*today, "invoice", "run", "2027-spring", "--json", data=False)
    assert run.exit_code == 0, run.output
    assert [i["number"] for i in json.loads(run.stdout)["issued"]] == ["LWL-2026-0001"]


def test_init_bare_and_no_examples_together_is_a_usage_error(learn_bare, tmp_path):
    result = learn_bare("init", str(tmp_path / "x"), "--bare", "--no-examples", data=False)
    assert result.exit_code == 2 and "choose one" in result.stderr
    assert not (tmp_path / "x").exists()


def test_init_in_a_repository_adds_what_its_gitignore_lacks_and_keeps_the_rest(learn_bare, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    mine = "node_modules/\n# a comment of mine\n/out\n*.log"  # /out already covers out/; no final newline
    (repo / ".gitignore").write_text(mine)
    monkeypatch.chdir(repo)
    result = learn_bare("init", ".", "--no-examples", data=False)
    assert result.exit_code == 0, result.output
    text = (repo / ".gitignore").read_text()
    assert text.startswith(mine + "\n")
    lines = text.splitlines()
    assert lines.count(".learn.lock") == 1 and lines.count(".learn-cache/") == 1
    assert "out/" not in lines and lines.count("/out") == 1
    assert (repo / "courses.yaml").is_file()
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        generated = ["out/invoices/x.html", ".learn.lock", ".learn-cache/index", "debug.log", "node_modules/a.js"]
        ignored = subprocess.run(["git", "check-ignore", *generated], cwd=repo, capture_output=True, text=True)
        assert ignored.stdout.split() == generated
        kept = subprocess.run(["git", "check-ignore", "courses.yaml"], cwd=repo, capture_output=True, text=True)
        assert kept.returncode == 1  # the data itself is not ignored


def test_a_gitignore_that_has_it_all_is_left_alone(learn_bare, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    complete = "out/\n.learn-cache/\n# the lock\n/.learn.lock\n"
    (target / ".gitignore").write_text(complete)
    result = learn_bare("init", str(target), "--bare", data=False)
    assert result.exit_code == 0, result.output
    assert (target / ".gitignore").read_text() == complete
    assert ".gitignore" not in result.stderr  # not named among the files written


@pytest.mark.parametrize("refused", ["courses.yaml", "cohorts/2026-spring.yaml"])
def test_a_refused_init_in_a_repository_leaves_no_lock_behind(learn_bare, tmp_path, refused):
    target = tmp_path / "repo"
    (target / "cohorts").mkdir(parents=True)
    (target / ".gitignore").write_text("node_modules/\n")
    (target / refused).write_text("# mine\n")
    result = learn_bare("init", str(target), data=False)
    assert result.exit_code == 1
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) == [".gitignore", refused]
    assert (target / ".gitignore").read_text() == "node_modules/\n"
