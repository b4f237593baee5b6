"""`learn validate` on the bundled data and on broken copies of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import use_own_details

DIAG = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) (?P<severity>error|warning|info): (?P<message>.*)$")


def diagnostics(output: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(DIAG.match, output.splitlines()) if m]


def test_bundled_data_is_valid_with_two_notes_and_warns_that_its_settings_are_fictional(learn):
    result = learn("--today", "2026-11-23", "validate")
    assert result.exit_code == 0, result.output
    found = diagnostics(result.stdout)
    codes = sorted((Path(d["path"]).name, d["code"], d["severity"]) for d in found)
    assert codes == [
        ("2026-autumn.yaml", "D008", "info"),
        ("2026-spring.yaml", "D007", "info"),
        ("courses.yaml", "S001", "warning"),
        ("courses.yaml", "S002", "warning"),
    ]
    spring = next(d for d in found if d["code"] == "D007")
    assert "session 5" in spring["message"] and "3 Jun 2026" in spring["message"] and "Wednesday" in spring["message"]
    autumn = next(d for d in found if d["code"] == "D008")
    assert "25 Oct 2026" in autumn["message"]


def test_strict_fails_on_warnings_but_not_on_notes(learn, data_dir):
    use_own_details(data_dir)
    assert learn("--today", "2026-11-23", "validate", "--strict").exit_code == 0
    # Spread the autumn cohort over more than the course's 98 days: a warning.
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace("2026-12-02", "2027-01-06"))
    assert learn("--today", "2026-11-23", "validate").exit_code == 0
    result = learn("--today", "2026-11-23", "validate", "--strict")
    assert result.exit_code == 1
    assert any(d["code"] == "D006" for d in diagnostics(result.stdout))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_session_on_a_bank_holiday_is_an_error_naming_date_and_holiday(learn, data_dir):
    path = data_dir / "cohorts" / "2026-spring.yaml"
    path.write_text(path.read_text().replace("- date: 2026-05-05", "- date: 2026-05-04"))
    result = learn("--today", "2026-11-23", "validate")
    assert result.exit_code == 1
    [holiday] = [d for d in diagnostics(result.stdout) if d["code"] == "D004"]
    assert holiday["severity"] == "error"
    assert int(holiday["line"]) == _line_of(path, "2026-05-04")
    assert int(holiday["col"]) == path.read_text().splitlines()[int(holiday["line"]) - 1].index("2026-05-04") + 1
    assert "4 May 2026" in holiday["message"]
    assert "May Day" in holiday["message"] or "bank holiday" in holiday["message"].lower()


def test_session_on_a_saturday_is_an_error(learn, data_dir):
    path = data_dir / "cohorts" / "2026-spring.yaml"
    path.write_text(path.read_text().replace("- date: 2026-05-19", "- date: 2026-05-16"))
    result = learn("--today", "2026-11-23", "validate")
    assert result.exit_code == 1
    [weekend] = [d for d in diagnostics(result.stdout) if d["code"] == "D003"]
    assert "Sat 16 May 2026" in weekend["message"]
    assert int(weekend["line"]) == _line_of(path, "2026-05-16")


def test_yaml_syntax_error_names_file_line_and_column(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    lines = path.read_text().splitlines()
    broken = _line_of(path, "title:")
    lines[broken - 1] = "title: [Leading with Learning"
    path.write_text("\n".join(lines) + "\n")
    result = learn("validate")
    assert result.exit_code == 1
    [syntax] = [d for d in diagnostics(result.stdout) if d["code"] == "Y001"]
    assert Path(syntax["path"]).name == "2026-autumn.yaml"
    assert int(syntax["line"]) >= broken
    assert "Traceback" not in result.output


def test_json_output_is_a_stable_shape(learn, data_dir):
    use_own_details(data_dir)
    result = learn("--today", "2026-11-23", "validate", "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ok"] is True
    assert payload["counts"] == {"error": 0, "warning": 0, "info": 2}
    assert {tuple(sorted(d)) for d in payload["diagnostics"]} == {("code", "col", "line", "message", "path", "severity")}


def test_every_problem_in_every_file_is_reported_in_one_run(learn, data_dir):
    spring = data_dir / "cohorts" / "2026-spring.yaml"
    autumn = data_dir / "cohorts" / "2026-autumn.yaml"
    spring.write_text(spring.read_text().replace("course: leading-with-learning", "course: leading-with-learnin\nvenue: Leeds"))
    autumn.write_text(autumn.read_text().replace("email: sian.evans@example.org", "email: sian.evans@example").replace("- date: 2026-10-07", "- date: 2026-10-10"))
    result = learn("--today", "2026-11-23", "validate")
    assert result.exit_code == 1
    codes = {(Path(d["path"]).name, d["code"]) for d in diagnostics(result.stdout)}
    assert ("2026-spring.yaml", "F001") in codes  # unknown key venue
    assert ("2026-autumn.yaml", "F003") in codes  # bad email
