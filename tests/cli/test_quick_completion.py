"""Completion of cohort ids and participants' addresses answers before Click builds the
commands (which imports Pydantic): the same answer as the full machinery, from the
listing of cohorts/ and the index of cohort files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from learncli.cli import _complete
from learncli.cli.app import app

#: Runs learn's entry point; with FULL=1 the quick answer is turned off first. Reports the
#: heavy modules that were imported on stderr.
PROGRAM = """
import os, sys
import learncli.cli._complete as c
if os.environ.get("FULL"):
    c.answer_quickly = lambda *a: False
from learncli.cli.app import main
try:
    main()
finally:
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "rich") or m.startswith("learncli.models"))
    sys.stderr.write(" ".join(heavy))
"""


def ask(words: str, cwd: Path, shell: str, full: bool = False) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}
    env["_LEARN_COMPLETE"] = f"complete_{shell}"
    env["COMP_WORDS"], env["COMP_CWORD"] = words, str(len(words.split(" ")) - 1)
    env["_TYPER_COMPLETE_ARGS"] = words
    env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    if full:
        env["FULL"] = "1"
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


LINES = (
    "learn cohort show 2026-",
    "learn cohort show ",
    "learn --today 2026-11-23 participant withdraw 2026-autumn ",
    "learn participant edit 2026-autumn ann",
    "learn email render joining 2026-s",
    "learn invoice run --today 2026-01-01 2026-a",
    "learn invoice show LWL-2026-00",
    "learn payment record ",
)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_quick_answer_is_the_full_one_without_pydantic(learn, data_dir, shell):
    assert learn("status").exit_code == 0  # the index knows every cohort file
    for words in LINES:
        quick, imported = ask(words, data_dir, shell)
        full, imported_by_full = ask(words, data_dir, shell, full=True)
        assert quick == full and quick.strip(), words
        assert imported == "", (words, imported)
        assert "pydantic" in imported_by_full  # the line really was one Click would build commands for


def test_invoice_numbers_come_from_the_ledger_as_it_is_now(learn, data_dir):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    assert learn("--today", "2026-08-05", "invoice", "void", "LWL-2026-0015", "--reason", "Withdrew").exit_code == 0
    offered, imported = ask("learn invoice render LWL-2026-002", data_dir, "bash")
    assert offered.split() == ["LWL-2026-0020", "LWL-2026-0021"] and imported == ""  # the credit note too
    # A number added by hand is offered at once; the quick answer gives way while the
    # ledger cache does not know the file as it is, and the full machinery answers.
    path = data_dir / "invoices" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    entry = text[text.index("  - invoice: LWL-2026-0020"):text.index("  - credit_note: LWL-2026-0021")]
    path.write_text(text + entry.replace("LWL-2026-0020", "LWL-2026-0022"), encoding="utf-8")
    offered, imported = ask("learn payment record LWL-2026-002", data_dir, "bash")
    assert offered.split() == ["LWL-2026-0020", "LWL-2026-0021", "LWL-2026-0022"]
    assert learn("invoice", "list").exit_code == 0  # the cache learns the file
    offered, imported = ask("learn payment record LWL-2026-002", data_dir, "bash")
    assert offered.split() == ["LWL-2026-0020", "LWL-2026-0021", "LWL-2026-0022"] and imported == ""


def test_a_hand_edited_address_is_what_completes(learn, data_dir):
    assert learn("status").exit_code == 0
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ann.oneil@example.org", "ann.o@example.org"), encoding="utf-8")
    offered, _ = ask("learn participant withdraw 2026-autumn ann", data_dir, "bash")
    assert offered.split() == ["ann.o@example.org"]


def test_the_tables_of_argument_places_are_the_commands_own():
    cli = typer.main.get_command(app)
    ctx = typer.Context(cli)
    cohort_at, email_at, number_at = {}, {}, {}
    for group in cli.list_commands(ctx):
        command = cli.get_command(ctx, group)
        for name in getattr(command, "list_commands", lambda ctx: [])(ctx):
            arguments = [p.name for p in command.get_command(ctx, name).params if p.param_type_name == "argument"]
            for place, argument in enumerate(arguments):
                if argument in ("cohort_id", "cohort"):
                    cohort_at[(group, name)] = place
                if argument in ("email", "participant") and place == 1:
                    email_at[(group, name)] = place
                if argument == "number":
                    number_at[(group, name)] = place
    assert _complete.COHORT_AT == cohort_at
    assert _complete.EMAIL_AT == email_at
    assert _complete.NUMBER_AT == number_at
