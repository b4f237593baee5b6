"""The README documents every diagnostic code and every command."""

from __future__ import annotations

import re

from learncli.cli.app import COMMANDS, load_command
from learncli.diagnostics import CODES
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def test_every_code_is_in_the_readme_table_with_its_severity():
    rows = dict(re.findall(r"^\| ([A-Z]\d{3}) \| (error|warning|info) \|", README, re.MULTILINE))
    assert set(rows) == set(CODES)
    for code, (severity, _) in CODES.items():
        assert rows[code] == severity.value, code


def test_every_command_is_in_the_readme():
    for name in COMMANDS:
        command = load_command(name)
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for sub in subcommands:
                assert f"learn {name} {sub}" in README, f"learn {name} {sub} is not in the README"
        else:
            assert f"learn {name}" in README, name
