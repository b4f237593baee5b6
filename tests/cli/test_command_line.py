"""The command line as people expect it: global options anywhere, the data folder found
from inside it, help in capitals with no type names, typo suggestions, plain refusals."""

from __future__ import annotations

import json
import re

import pytest

from learncli.cli.app import COMMANDS, load_command


# --- global options before or after the command ---------------------------------------


def test_global_options_after_the_command_mean_the_same(learn_bare, data_dir):
    before = learn_bare("--data", data_dir, "--today", "2026-04-01", "status", "--json", data=False)
    after = learn_bare("status", "--json", "--today", "2026-04-01", "--data", data_dir, data=False)
    assert before.exit_code == 0 and after.exit_code == 0, after.output
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(after.stdout)["cohorts"][0]["id"] == "2026-spring"  # --today was honoured


@pytest.mark.parametrize(
    "argv",
    [
        ("invoice", "list", "--json", "--data", "{data}"),
        ("invoice", "--data", "{data}", "list", "--json"),
        ("--data", "{data}", "invoice", "list", "--json"),
        ("invoice", "list", "--json", "--data={data}"),
    ],
)
def test_data_after_a_subcommand_or_between_group_and_subcommand(learn_bare, data_dir, argv):
    result = learn_bare(*(a.format(data=data_dir) for a in argv), data=False)
    assert result.exit_code == 0, result.output
    assert {i["number"] for i in json.loads(result.stdout)} >= {"LWL-2026-0001"}


def test_the_last_today_given_wins_and_a_bad_one_is_a_usage_error(learn):
    late = json.loads(learn("--today", "2026-01-01", "status", "--json", "--today", "2026-11-23").stdout)
    assert [c["id"] for c in late["cohorts"]] == ["2026-autumn"]
    bad = learn("status", "--today", "23/11/2026")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_version_after_a_command(learn_bare):
    from learncli import __version__

    result = learn_bare("cohort", "list", "--version", data=False)
    assert result.exit_code == 0 and result.stdout.strip() == f"learn {__version__}"


# --- the data folder, found like git finds a repository -----------------------------------


def test_inside_the_data_folder_and_below_it(learn_bare, data_dir, monkeypatch):
    for where in (data_dir, data_dir / "cohorts"):
        monkeypatch.chdir(where)
        result = learn_bare("cohort", "list", "--json", data=False)
        assert result.exit_code == 0, result.output
        assert {c["id"] for c in json.loads(result.stdout)} == {"2026-spring", "2026-autumn"}


def test_a_data_folder_below_a_folder_above(learn_bare, tmp_path, data_dir, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    data_dir.rename(project / "data")
    (project / "notes" / "2027").mkdir(parents=True)
    monkeypatch.chdir(project / "notes" / "2027")
    result = learn_bare("cohort", "show", "2026-autumn", "--json", data=False)
    assert result.exit_code == 0, result.output
    # and an error names the folder it used and the rule that found it
    missing = learn_bare("cohort", "show", "2031-spring", data=False)
    assert missing.exit_code == 1
    assert str(project / "data") in missing.stderr and "above the current one" in missing.stderr


def test_learn_data_wins_over_the_folder_around_and_says_so(learn_bare, data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(data_dir)
    monkeypatch.setenv("LEARN_DATA", str(tmp_path / "elsewhere"))
    result = learn_bare("status", data=False)
    assert result.exit_code == 1
    assert "elsewhere" in result.stderr and "$LEARN_DATA" in result.stderr


def test_no_data_folder_anywhere_says_which_rules_were_tried(learn_bare, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    result = learn_bare("status", data=False)
    assert result.exit_code == 1
    assert "--data" in result.stderr and "$LEARN_DATA" in result.stderr and "courses.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_a_folder_without_courses_yaml_says_which_rule_chose_it(learn_bare, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    given = learn_bare("status", "--data", empty, data=False)
    assert given.exit_code == 1
    assert f"{empty} (found by --data)" in given.stderr
    assert "courses.yaml" in given.stderr and f"learn init {empty}" in given.stderr
    monkeypatch.setenv("LEARN_DATA", str(empty))
    from_env = learn_bare("cohort", "list", data=False)
    assert from_env.exit_code == 1 and "(found by $LEARN_DATA)" in from_env.stderr
    monkeypatch.delenv("LEARN_DATA")
    (tmp_path / "here" / "data").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "here")
    fallback = learn_bare("course", "list", data=False)
    assert fallback.exit_code == 1 and "./data in the current folder" in fallback.stderr
    assert "Traceback" not in given.output + from_env.output + fallback.output


def test_a_broken_courses_yaml_found_upward_says_which_rule_found_it(learn_bare, data_dir, monkeypatch):
    courses = data_dir / "courses.yaml"
    courses.write_text(courses.read_text(encoding="utf-8") + "\nfacilitators: [\n", encoding="utf-8")
    monkeypatch.chdir(data_dir / "cohorts")
    result = learn_bare("status", data=False)
    assert result.exit_code == 1
    assert re.search(r"courses\.yaml:\d+:\d+: Y00\d error", result.stderr), result.stderr
    assert f"{data_dir} (found by courses.yaml in a folder above the current one)" in result.stderr


def test_a_folder_holding_courses_yaml_beats_a_data_folder_inside_it(learn_bare, data_dir, tmp_path, monkeypatch):
    # cwd = the data folder itself, which also happens to hold a folder named data/
    (data_dir / "data").mkdir()
    monkeypatch.chdir(data_dir)
    result = learn_bare("course", "list", data=False)
    assert result.exit_code == 0, result.output
    assert "leading-with-learning" in result.stdout


# --- typo suggestions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typo", "meant"),
    [(("stauts",), "status"), (("particpant", "list"), "participant"), (("cohort", "shwo"), "show"), (("invoice", "lsit"), "list")],
)
def test_a_typo_suggests_the_nearest_command(learn, typo, meant):
    result = learn(*typo)
    assert result.exit_code == 2
    assert f"Did you mean '{meant}'" in result.output


# --- help that reads like a manual ------------------------------------------------------------


def _walk(command, path):
    yield path, command
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _walk(sub, (*path, name))


def _every_command():
    for name in COMMANDS:
        yield from _walk(load_command(name), (name,))


@pytest.mark.parametrize(
    ("path", "usage"),
    [
        (("cohort", "show"), "learn cohort show [OPTIONS] COHORT"),
        (("attend", "mark"), "learn attend mark [OPTIONS] COHORT SESSION EMAIL..."),
        (("payment", "record"), "learn payment record [OPTIONS] NUMBER"),
        (("init",), "learn init [OPTIONS] [DIR]"),
    ],
)
def test_usage_lines_as_people_write_them(learn_bare, path, usage):
    result = learn_bare(*path, "--help", data=False)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"Usage: {usage}"


TYPE_NAMES = re.compile(r"<(str|int|float|path|bool|list|int range|float range)[^>]*>|list\[|x[<>]=|\{[a-z_]+\}|Input should")


def test_every_command_usage_and_help(learn_bare):
    seen = 0
    for path, command in _every_command():
        result = learn_bare(*path, "--help", data=False)
        assert result.exit_code == 0, f"learn {' '.join(path)} --help: {result.output}"
        text = result.stdout
        usage = " ".join(line.strip() for line in text.split("\n\n")[0].splitlines())
        assert usage.startswith(f"Usage: learn {' '.join(path)} [OPTIONS]"), usage
        pieces = usage.removeprefix(f"Usage: learn {' '.join(path)} [OPTIONS]").split()
        for piece in pieces:
            if piece == "COMMAND" or piece == "[ARGS]...":
                continue
            bare = piece.strip("[]").removesuffix("...")
            assert re.fullmatch(r"[A-Z][A-Z0-9_-]*(\.csv)?", bare), f"learn {' '.join(path)}: usage piece {piece!r} is not in capitals"
        assert not TYPE_NAMES.search(text), f"learn {' '.join(path)} --help shows an internal type: {TYPE_NAMES.search(text).group(0)!r}"
        assert "Global options" in text and "--data DIR" in text and "--today YYYY-MM-DD" in text, path
        if getattr(command, "commands", None):
            assert "Examples:" in text and re.search(rf"learn( --\S+ \S+)* {' '.join(path)} ", text.split("Examples:")[1]), path
        seen += 1
    assert seen > 40


def test_refusals_in_plain_words(learn):
    zero = learn("attend", "mark", "2026-autumn", "0", "ann.oneil@example.org", "--status", "present")
    assert zero.exit_code == 2
    assert "session must be 1 or more" in zero.output and "Input should" not in zero.output
    word = learn("attend", "mark", "2026-autumn", "two", "ann.oneil@example.org", "--status", "present")
    assert word.exit_code == 2 and "session must be a whole number" in word.output
    year = learn("report", "revenue", "--year", "12")
    assert year.exit_code == 2 and "--year must be 1900 or more" in year.output
