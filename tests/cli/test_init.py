"""`learn init`: a new data folder that works at once, never over an existing one."""

from __future__ import annotations

import json


def test_init_copies_the_example_and_it_validates(learn_bare, tmp_path):
    target = tmp_path / "courses"
    result = learn_bare("init", str(target), data=False)
    assert result.exit_code == 0, result.output
    assert (target / "courses.yaml").is_file()
    assert sorted(p.name for p in (target / "cohorts").iterdir()) == ["2026-autumn.yaml", "2026-spring.yaml"]
    assert "out/" in (target / ".gitignore").read_text().splitlines()
    check = learn_bare("--data", str(target), "--today", "2026-11-23", "validate", "--json", data=False)
    assert json.loads(check.stdout)["counts"]["error"] == 0


def test_init_bare_is_an_empty_valid_skeleton(learn_bare, tmp_path):
    target = tmp_path / "empty"
    assert learn_bare("init", str(target), "--bare", data=False).exit_code == 0
    assert not (target / "cohorts").exists() or not list((target / "cohorts").iterdir())
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
    assert not (target / "courses.yaml").exists()
