"""Shell completion through the protocol the shells use: a real `learn` process asked by
environment variables (`_LEARN_COMPLETE`, COMP_WORDS / COMP_CWORD for bash, the typed line
for zsh and fish), and once through bash itself with the script learn prints."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_process


def complete(words: str, cwd: Path, shell: str = "bash", instruction: str | None = None) -> list[str]:
    """What `learn` offers for the last word of `words` (a trailing space: a new word)."""
    env = {"_LEARN_COMPLETE": instruction or f"complete_{shell}"}
    if shell == "bash":
        parts = words.split(" ")
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(parts) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = run_process(cwd=cwd, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line]


def test_a_cohort_id_completes_from_the_data_folder(data_dir):
    assert complete("learn cohort show 2026-a", data_dir) == ["2026-autumn"]
    assert complete("learn cohort show 2026-", data_dir) == ["2026-autumn", "2026-spring"]


def test_clicks_own_order_of_the_instruction_works_too(data_dir):
    assert complete("learn cohort show 2026-a", data_dir, instruction="bash_complete") == ["2026-autumn"]


def test_the_folder_given_with_data_is_the_one_completed_from(data_dir, tmp_path):
    (data_dir / "cohorts" / "2026-autumn.yaml").rename(data_dir / "cohorts" / "2027-anywhere.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert complete(f"learn --data {data_dir} cohort show 2027", elsewhere) == ["2027-anywhere"]
    assert complete(f"learn cohort show --data {data_dir} 2027", elsewhere) == ["2027-anywhere"]


def test_sessions_and_emails_are_those_of_the_cohort_on_the_line(data_dir):
    assert complete("learn attend mark 2026-autumn ", data_dir) == [str(n) for n in range(1, 7)]
    emails = complete("learn attend mark 2026-autumn 6 ", data_dir)
    assert "ann.oneil@example.org" in emails and len(emails) == len(set(emails)) > 5
    assert all("@" in e for e in emails)
    # one already given is not offered again
    rest = complete("learn attend mark 2026-autumn 6 ann.oneil@example.org ", data_dir)
    assert "ann.oneil@example.org" not in rest and len(rest) == len(emails) - 1
    # spring's people are not autumn's
    spring = complete("learn attend mark 2026-spring 1 ", data_dir)
    assert set(spring).isdisjoint({"ann.oneil@example.org"}) or set(spring) != set(emails)


def _emails_in(cohort_file: Path) -> list[str]:
    import yaml

    return [p["email"] for p in yaml.safe_load(cohort_file.read_text(encoding="utf-8"))["participants"]]


def test_an_option_waiting_for_its_value_completes_from_the_cohort_typed_before_it(data_dir):
    # The option is the last word: Click's parse stops there, before reading the cohort.
    assert complete("learn commit list 2026-autumn --session ", data_dir) == [str(n) for n in range(1, 7)]
    assert complete("learn commit list 2026-autumn --session=", data_dir) == [str(n) for n in range(1, 7)]
    spring = _emails_in(data_dir / "cohorts" / "2026-spring.yaml")
    assert complete("learn email render reminder 2026-spring --participant ", data_dir) == spring
    assert complete("learn email render reminder 2026-spring --participant=", data_dir) == spring
    # an option with its value before the cohort does not shift the words
    autumn = _emails_in(data_dir / "cohorts" / "2026-autumn.yaml")
    assert complete("learn email render reminder -o out/x 2026-autumn --participant ", data_dir) == autumn
    assert complete("learn email render reminder --participant ", data_dir) == []  # no cohort yet


def test_an_option_taking_one_of_a_few_words_offers_them(data_dir):
    from learncli.models.cohort import ATTENDANCE_STATUSES, FACTORS, REVIEW_STATUSES
    from learncli.models.invoice import PAYMENT_METHODS
    from learncli.render.invoices import FORMATS

    assert complete("learn attend mark 2026-autumn 6 ann.oneil@example.org --status ", data_dir) == list(ATTENDANCE_STATUSES)
    assert complete("learn commit review 2026-autumn ann.oneil@example.org --session 5 --status ", data_dir) == list(REVIEW_STATUSES)
    assert complete("learn commit review 2026-autumn ann.oneil@example.org --status no", data_dir) == ["not-done"]
    assert complete("learn commit add 2026-autumn ann.oneil@example.org --factor ", data_dir) == list(FACTORS)
    assert complete("learn invoice render LWL-2026-0001 --format ", data_dir) == list(FORMATS)
    assert complete("learn payment record LWL-2026-0001 --method ", data_dir) == list(PAYMENT_METHODS)
    assert complete("learn session brief 2026-autumn 6 --format m", data_dir, shell="fish") == ["md"]
    # a placeholder such as FILE|- is not a list of words to offer
    assert "FILE" not in complete("learn calendar export 2026-autumn -o ", data_dir)


def test_invoice_numbers_course_ids_and_email_kinds(data_dir):
    numbers = complete("learn invoice show LWL-2026-000", data_dir)
    assert numbers == [f"LWL-2026-000{n}" for n in range(1, 10)]
    assert complete("learn cohort add lead", data_dir) == ["leading-with-learning"]
    zsh = "\n".join(complete("learn email render ", data_dir, shell="zsh"))
    for kind in ("joining", "reminder", "payment-reminder", "follow-up"):
        assert f'"{kind}"' in zsh
    assert complete("learn email render pay", data_dir, shell="fish") == ["payment-reminder"]


def test_commands_complete_and_no_folder_completes_to_nothing_quietly(tmp_path):
    assert complete("learn coh", tmp_path) == ["cohort"]
    assert complete("learn cohort show ", tmp_path) == []  # no data folder: no noise either


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_itself_completes_with_the_script_learn_prints(data_dir, tmp_path):
    script = run_process("--show-completion", "bash", timeout=60)
    assert script.returncode == 0 and "_LEARN_COMPLETE=complete_bash" in script.stdout
    (tmp_path / "learn.sh").write_text(script.stdout, encoding="utf-8")
    # `learn` on the PATH is this Python's learn, whatever is installed elsewhere.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "learn").write_text(f'#!/bin/sh\nexec {sys.executable} -m learncli "$@"\n', encoding="utf-8")
    (bin_dir / "learn").chmod(0o755)
    program = (
        f"source {tmp_path / 'learn.sh'}\n"
        "COMP_WORDS=(learn cohort show 2026-a); COMP_CWORD=3\n"
        "_learn_completion learn\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(["bash", "-c", program], cwd=data_dir, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["2026-autumn"], result.stderr


def test_install_completion_writes_the_script_where_the_shell_reads_it(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    result = run_process("--install-completion", "bash", env={"HOME": str(home)}, timeout=60)
    assert result.returncode == 0, result.stderr
    installed = home / ".bash_completions" / "learn.sh"
    assert "_LEARN_COMPLETE=complete_bash" in installed.read_text(encoding="utf-8")
    assert str(installed) in (home / ".bashrc").read_text(encoding="utf-8")


#: What marks each shell's own completion script, in that shell's syntax, for `learn`.
SCRIPT_OF = {
    "bash": "complete -o default -F _learn_completion learn",
    "zsh": "#compdef learn",
    "fish": "complete --command learn ",
    "powershell": "Register-ArgumentCompleter -Native -CommandName learn",
    "pwsh": "Register-ArgumentCompleter -Native -CommandName learn",
}


@pytest.mark.parametrize("shell", list(SCRIPT_OF))
def test_show_completion_prints_the_script_of_the_shell_named(shell):
    others = {mark for name, mark in SCRIPT_OF.items() if mark != SCRIPT_OF[shell]}
    for args in (["--show-completion", shell], [f"--show-completion={shell}"], ["--show-completion", shell.upper(), "--today", "2026-01-01"]):
        result = run_process(*args, timeout=60)
        assert result.returncode == 0, result.stderr
        assert SCRIPT_OF[shell] in result.stdout
        assert not any(mark in result.stdout for mark in others)


def test_an_unknown_shell_is_a_usage_error_that_names_the_shells(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    for option in ("--show-completion", "--install-completion"):
        result = run_process(option, "tcsh", env={"HOME": str(home)}, timeout=60)
        assert result.returncode == 2
        assert result.stdout == ""
        assert "tcsh" in result.stderr and all(shell in result.stderr for shell in ("bash", "zsh", "fish"))
    assert list(home.iterdir()) == []
    # and the shells themselves complete after either option
    assert complete("learn --show-completion z", tmp_path) == ["zsh"]
    assert complete("learn --install-completion ", tmp_path)[:3] == ["bash", "zsh", "fish"]


def test_without_a_shell_named_the_one_learn_runs_in_is_used(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}
    learn = f"{sys.executable} -m learncli --show-completion"

    def under(shell: str) -> subprocess.CompletedProcess[str]:
        # `; true` keeps the shell from replacing itself with learn: it stays learn's parent.
        return subprocess.run([shell, "-c", f"{learn}; true"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    assert SCRIPT_OF["bash"] in under("bash").stdout
    if shutil.which("dash"):
        refused = under("dash")  # a shell learn has no script for: say so, and name those it has
        assert refused.stdout == ""
        assert "dash" in refused.stderr and "zsh" in refused.stderr


#: Where each shell reads completion from, under HOME, and the start-up file that loads it
#: (fish loads its completions folder by itself).
INSTALLED = {
    "bash": (".bash_completions/learn.sh", ".bashrc"),
    "zsh": (".zfunc/_learn", ".zshrc"),
    "fish": (".config/fish/completions/learn.fish", None),
}


@pytest.mark.parametrize("shell", list(INSTALLED))
def test_install_completion_for_the_shell_named(shell, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    result = run_process("--install-completion", shell, env={"HOME": str(home)}, timeout=60)
    assert result.returncode == 0, result.stderr
    script, startup = INSTALLED[shell]
    assert SCRIPT_OF[shell] in (home / script).read_text(encoding="utf-8")
    assert str(home / script) in result.stdout
    if startup == ".bashrc":
        assert str(home / script) in (home / startup).read_text(encoding="utf-8")
    elif startup == ".zshrc":
        assert "~/.zfunc" in (home / startup).read_text(encoding="utf-8")
    written = {str(path.relative_to(home)) for path in home.rglob("*") if path.is_file()}
    assert written == {script} | ({startup} if startup else set())
