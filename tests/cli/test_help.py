"""Help texts exist for every command, and `learn --help` loads nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys


from learncli.cli.app import COMMANDS, load_command


def _walk(command, prefix=()):
    yield prefix, command
    for name in getattr(command, "commands", {}) or {}:
        yield from _walk(command.commands[name], (*prefix, name))


def test_every_command_has_help_with_an_example_and_a_matching_one_liner():
    for name, (_, _, one_liner) in COMMANDS.items():
        command = load_command(name)
        first_line = (command.help or "").strip().splitlines()[0]
        assert first_line == one_liner, f"{name}: COMMANDS says {one_liner!r}, the command says {first_line!r}"
        for path, sub in _walk(command, (name,)):
            if getattr(sub, "commands", None):
                continue
            assert sub.help and sub.help.strip(), f"learn {' '.join(path)} has no help"
            assert "Example:" in sub.help, f"learn {' '.join(path)} has no example in its help"


def test_help_lists_every_command(learn_bare):
    result = learn_bare("--help", data=False)
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout


def test_help_imports_no_heavy_module():
    code = (
        "import sys\n"
        "from learncli.cli.app import main\n"
        "sys.argv = ['learn', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import json\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(result.stderr.strip().splitlines()[-1]))
    heavy = {"jinja2", "icalendar", "weasyprint", "pydantic", "yaml", "ruamel", "holidays", "rich", "email_validator", "filelock"}
    assert not heavy & {m.split(".")[0] for m in loaded}
    assert not any(m.startswith("learncli.cli.") and m not in {"learncli.cli.app", "learncli.cli._common"} for m in loaded)


def test_version(learn_bare):
    from learncli import __version__

    result = learn_bare("--version", data=False)
    assert result.stdout.strip() == f"learn {__version__}"


def test_unknown_command_is_a_usage_error(learn_bare):
    assert learn_bare("frobnicate", data=False).exit_code == 2


def test_bad_today_is_a_usage_error(learn):
    result = learn("--today", "23/11/2026", "status")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
