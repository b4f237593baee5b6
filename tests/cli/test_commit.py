"""`learn commit`: add, review, list, import; the file keeps its comments."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

TODAY = ("--today", "2026-11-20")


def cohort_file(data_dir: Path) -> Path:
    return data_dir / "cohorts" / "2026-autumn.yaml"


def commitments(data_dir: Path) -> list[dict]:
    return yaml.safe_load(cohort_file(data_dir).read_text())["commitments"]


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#") or " # " in line]


def test_add_appends_a_commitment_and_keeps_every_comment(learn, data_dir):
    path = cohort_file(data_dir)
    path.write_text(path.read_text() + "  # Fatima will send hers after the session.\n")
    original = path.read_text()
    result = learn(*TODAY, "commit", "add", "2026-autumn", "fatima.alsayed@example.org", "--session", "5",
                   "Ask my team:  what did we learn this month?", "--factor", "Capability")
    assert result.exit_code == 0, result.output
    assert commitments(data_dir)[-1] == {
        "email": "fatima.alsayed@example.org", "session": 5, "text": "Ask my team: what did we learn this month?", "factor": "capability",
    }
    text = path.read_text()
    assert comment_lines(text) == comment_lines(original)
    assert text.index("# Fatima will send") > text.index("what did we learn")  # still the last thing in the file
    assert learn(*TODAY, "validate").exit_code == 0


def test_add_refuses_a_second_different_commitment_for_the_same_gap_and_accepts_the_same_again(learn, data_dir):
    before = cohort_file(data_dir).read_bytes()
    result = learn(*TODAY, "commit", "add", "2026-autumn", "ann.oneil@example.org", "--session", "5", "Something else")
    assert result.exit_code == 1 and "already has a commitment after session 5" in result.stderr
    same = learn(*TODAY, "commit", "add", "2026-autumn", "ann.oneil@example.org", "--session", "5",
                 "Add a 'learning' item to the agenda of the partnership board")
    assert same.exit_code == 0 and "already recorded" in same.stderr
    assert cohort_file(data_dir).read_bytes() == before


def test_add_checks_person_session_and_factor(learn):
    assert learn(*TODAY, "commit", "add", "2026-autumn", "nobody@example.org", "--session", "5", "x").exit_code == 1
    assert learn(*TODAY, "commit", "add", "2026-autumn", "tom.whitfield@example.org", "--session", "5", "x").exit_code == 1
    assert "sessions 1 to 6" in learn(*TODAY, "commit", "add", "2026-autumn", "fatima.alsayed@example.org", "--session", "7", "x").stderr
    assert learn(*TODAY, "commit", "add", "2026-autumn", "fatima.alsayed@example.org", "--session", "5", "x", "--factor", "money").exit_code == 2


def test_review_records_status_note_and_date(learn, data_dir):
    result = learn("--today", "2026-12-02", "commit", "review", "2026-autumn", "ann.oneil@example.org", "--session", "5",
                   "--status", "partly", "--note", "on the January agenda")
    assert result.exit_code == 0, result.output
    [ann5] = [c for c in commitments(data_dir) if c["email"] == "ann.oneil@example.org" and c["session"] == 5]
    assert ann5["status"] == "partly" and ann5["note"] == "on the January agenda" and str(ann5["reviewed"]) == "2026-12-02"
    # the next commitment in the file is untouched and still follows directly
    text = cohort_file(data_dir).read_text()
    assert re.search(r"    reviewed: 2026-12-02\n  - email: sian\.evans@example\.org\n    session: 5\n", text)


def test_review_of_a_commitment_that_does_not_exist_says_what_does(learn):
    result = learn(*TODAY, "commit", "review", "2026-autumn", "fatima.alsayed@example.org", "--session", "5", "--status", "done")
    assert result.exit_code == 1
    assert "no commitment after session 5" in result.stderr and "2, 3" in result.stderr
    assert learn(*TODAY, "commit", "review", "2026-autumn", "ann.oneil@example.org", "--session", "5", "--status", "open").exit_code == 2


def test_list_json_is_the_documented_shape(learn, data_dir):
    payload = json.loads(learn(*TODAY, "commit", "list", "2026-autumn", "--open", "--json").stdout)
    assert payload["cohort"] == "2026-autumn"
    rows = payload["commitments"]
    assert len(rows) == 8 and {r["session"] for r in rows} == {5} and {r["review_at"] for r in rows} == {6}
    assert set(rows[0]) == {"email", "name", "session", "review_at", "text", "factor", "status", "note", "reviewed"}
    assert rows[0] == {
        "email": "ann.oneil@example.org", "name": "O'Neil, Ann", "session": 5, "review_at": 6,
        "text": "Add a 'learning' item to the agenda of the partnership board", "factor": "opportunity",
        "status": "open", "note": None, "reviewed": None,
    }
    everything = json.loads(learn(*TODAY, "commit", "list", "2026-autumn", "--json").stdout)["commitments"]
    assert len(everything) == len(commitments(data_dir)) and [r["session"] for r in everything] == sorted(r["session"] for r in everything)


def test_list_text_shows_a_table(learn):
    result = learn(*TODAY, "commit", "list", "2026-autumn", "--session", "2")
    assert result.exit_code == 0
    assert "Run a 20-minute 'what did we learn" in result.stdout
    assert "9 commitment(s)" in result.stdout


# --- import -----------------------------------------------------------------------

SHEET = (
    "Email address,After session,Commitment,Factor,Name\r\n"
    "fatima.alsayed@example.org,Session 5,\"Ask my team, over coffee, what they learned this month\",Capability,Fatima\r\n"
    "ann.oneil@example.org,5,Add a 'learning' item to the agenda of the partnership board,opportunity,Ann\r\n"
)


def test_import_adds_new_rows_skips_known_ones_and_is_idempotent(learn, data_dir, write):
    sheet = write("sheet.csv", SHEET)
    result = learn(*TODAY, "commit", "import", "2026-autumn", sheet)
    assert result.exit_code == 0, result.output
    assert commitments(data_dir)[-1] == {
        "email": "fatima.alsayed@example.org", "session": 5, "text": "Ask my team, over coffee, what they learned this month", "factor": "capability",
    }
    assert "sheet.csv:3: skipped" in result.stderr and "columns not used: Name" in result.stderr
    before = cohort_file(data_dir).read_bytes()
    again = learn(*TODAY, "commit", "import", "2026-autumn", sheet)
    assert again.exit_code == 0 and "nothing to change" in again.stdout
    assert cohort_file(data_dir).read_bytes() == before


def test_import_with_a_bad_row_writes_nothing_and_names_line_and_column(learn, data_dir, write):
    sheet = write("sheet.csv", SHEET + "peggy.lowe@example.org,5,Something new,money\r\nchidi.okafor@example.org,9,x,\r\n")
    before = cohort_file(data_dir).read_bytes()
    result = learn(*TODAY, "commit", "import", "2026-autumn", sheet)
    assert result.exit_code == 1
    assert re.search(r"sheet\.csv:4:4: I002 error: factor: 'money' is not one of capability, motivation, opportunity", result.stderr)
    assert re.search(r"sheet\.csv:5:2: I002 error: session 9", result.stderr)
    assert cohort_file(data_dir).read_bytes() == before
    assert learn(*TODAY, "commit", "import", "2026-autumn", sheet, "--skip-invalid").exit_code == 0
    assert commitments(data_dir)[-1]["email"] == "fatima.alsayed@example.org"


def test_import_refuses_the_same_person_twice_for_one_gap(learn, write):
    sheet = write("sheet.csv", "email,session,text\nfatima.alsayed@example.org,5,one\nfatima.alsayed@example.org,5,two\n")
    result = learn(*TODAY, "commit", "import", "2026-autumn", sheet)
    assert result.exit_code == 1 and "I003" in result.stderr and "also on line 2" in result.stderr


def test_validate_warns_about_two_commitments_for_one_gap(learn, data_dir):
    path = cohort_file(data_dir)
    path.write_text(path.read_text() + "  - email: priya.raman@example.org\n    session: 5\n    text: A second one\n")
    result = learn(*TODAY, "validate")
    assert result.exit_code == 0
    [c003] = [line for line in result.stdout.splitlines() if " C003 " in line]
    assert "priya.raman@example.org" in c003 and "warning" in c003


def test_no_commitment_after_a_cancelled_session(learn):
    assert learn(*TODAY, "cohort", "cancel-session", "2026-autumn", "6").exit_code == 0
    result = learn(*TODAY, "commit", "add", "2026-autumn", "ann.oneil@example.org", "--session", "6", "Try something")
    assert result.exit_code == 1 and "cancelled" in result.stderr
    payload = json.loads(learn(*TODAY, "commit", "list", "2026-autumn", "--session", "5", "--json").stdout)
    assert {c["review_at"] for c in payload["commitments"]} == {None}  # nothing runs after 5 now
