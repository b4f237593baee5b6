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
