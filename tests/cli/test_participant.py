"""`learn participant ...`: registrations that never lose a comment or an update."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import yaml

from tests.conftest import run_process

COMMENT = re.compile(r"#.*$")


def comments(text: str) -> list[str]:
    return [m.group(0) for line in text.splitlines() if (m := COMMENT.search(line))]


def people(data_dir, cohort="2026-autumn"):
    return yaml.safe_load((data_dir / "cohorts" / f"{cohort}.yaml").read_text())["participants"]


def test_add_appends_the_person_and_keeps_every_comment(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    before = path.read_text()
    result = learn(
        "--today", "2026-11-23", "participant", "add", "2026-autumn",
        "--name", "Ó Súilleabháin, Máire", "--email", "Maire@Example.org",
        "--organisation", "NO", "--po", "010", "--billing-email", "ap@example.org",
    )
    assert result.exit_code == 0, result.output
    after = path.read_text()
    assert comments(after) == comments(before)
    assert after.startswith(before.split("# Attendance per session")[0].rstrip("\n"))
    added = people(data_dir)[-1]
    assert added == {
        "name": "Ó Súilleabháin, Máire", "email": "maire@example.org", "organisation": "NO",
        "po": "010", "billing_email": "ap@example.org", "registered": __import__("datetime").date(2026, 11, 23),
    }
    assert learn("--today", "2026-11-23", "validate").exit_code == 0


def test_add_refuses_a_duplicate_email_in_any_case(learn, data_dir):
    before = (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes()
    result = learn("participant", "add", "2026-autumn", "--name", "Ann", "--email", "ANN.ONEIL@example.org")
    assert result.exit_code == 1 and "already in 2026-autumn" in result.stderr
    assert (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes() == before


def test_add_refuses_bad_input_with_the_option_named(learn, data_dir):
    before = (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes()
    bad_email = learn("participant", "add", "2026-autumn", "--name", "Ann", "--email", "ann@")
    assert bad_email.exit_code == 1 and "--email" in bad_email.stderr
    injected = learn("participant", "add", "2026-autumn", "--name", "Ann\r\nBcc: x@evil.example", "--email", "a@example.org")
    assert injected.exit_code == 1 and "--name" in injected.stderr
    assert (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes() == before


def test_add_dry_run_shows_a_diff_and_writes_nothing(learn, data_dir):
    before = (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes()
    result = learn("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org", "--dry-run")
    assert result.exit_code == 0
    assert "+  - name: Kai" in result.stdout and "nothing was written" in result.stdout
    assert (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes() == before


def test_a_full_cohort_puts_newcomers_on_the_waiting_list_unless_told_otherwise(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace("facilitators: [gabriel, roger]\n", "facilitators: [gabriel, roger]\ncapacity: 9\n"))
    result = learn("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org")
    assert result.exit_code == 0 and "to the waiting list of 2026-autumn" in result.stdout
    forced = learn("participant", "add", "2026-autumn", "--name", "Lee", "--email", "lee@example.org", "--over-capacity")
    assert forced.exit_code == 0 and "capacity is 9" in forced.stderr


def test_withdraw_keeps_the_person_and_their_comment(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    before = path.read_text()
    result = learn("--today", "2026-11-23", "participant", "withdraw", "2026-autumn", "ann.oneil@example.org")
    assert result.exit_code == 0, result.output
    assert comments(path.read_text()) == comments(before)
    ann = people(data_dir)[0]
    assert ann["status"] == "withdrawn" and ann["withdrawn"].isoformat() == "2026-11-23"
    again = learn("participant", "withdraw", "2026-autumn", "ann.oneil@example.org")
    assert again.exit_code == 0 and "already withdrawn" in again.stderr
    missing = learn("participant", "withdraw", "2026-autumn", "nobody@example.org")
    assert missing.exit_code == 1


def test_list_json_and_registered_only(learn):
    everyone = json.loads(learn("participant", "list", "2026-autumn", "--json").stdout)
    registered = json.loads(learn("participant", "list", "2026-autumn", "--registered", "--json").stdout)
    assert len(everyone) == 10 and len(registered) == 9
    assert everyone[0]["name"] == "O'Neil, Ann" and everyone[0]["po"] == "NCC-PO-77812"
    chidi = next(p for p in everyone if p["email"] == "chidi.okafor@example.org")
    assert chidi["po"] == "4500123456"


CSV = (
    "\ufeffTimestamp,First name,Surname,Email Address,Organization,Job title,PO number,Invoice email\r\n"
    "2026-11-01 10:00,Kai,Nakamura,kai@example.org,Westvale District Council,Analyst,PO-9,\r\n"
    '2026-11-02 11:00,Renée,"Dubois, Jr",renee@example.org,"Riverside, Trust",Lead,,accounts@example.org\r\n'
    "\r\n"
    "2026-11-03 12:00,Ann,O'Neil,ann.oneil@example.org,Northshire,Head,,\r\n"
)


def test_import_maps_loose_headers_and_skips_people_already_registered(learn, data_dir, tmp_path):
    csv = tmp_path / "registrations.csv"
    csv.write_text(CSV, encoding="utf-8")
    result = learn("--today", "2026-11-23", "participant", "import", "2026-autumn", str(csv))
    assert result.exit_code == 0, result.output
    added = people(data_dir)[-2:]
    assert [p["name"] for p in added] == ["Kai Nakamura", "Renée Dubois, Jr"]
    assert added[0]["po"] == "PO-9" and added[1]["billing_email"] == "accounts@example.org"
    assert added[1]["organisation"] == "Riverside, Trust"
    assert "ann.oneil@example.org is already in 2026-autumn" in result.stderr
    assert "Timestamp" in result.stderr  # the unused column is named
    # Importing the same export again adds nobody.
    again = learn("participant", "import", "2026-autumn", str(csv))
    assert again.exit_code == 0 and len(people(data_dir)) == 12


def test_import_with_a_bad_row_writes_nothing_and_names_line_and_column(learn, data_dir, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("name,email,po\nKai,kai@example.org,1\nBo,bo@,2\nCy,cy@example.org,3\n")
    before = (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes()
    result = learn("participant", "import", "2026-autumn", str(csv))
    assert result.exit_code == 1
    assert re.search(r"bad\.csv:3:2: I002 error: email", result.stderr)
    assert (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes() == before
    partial = learn("participant", "import", "2026-autumn", str(csv), "--skip-invalid")
    assert partial.exit_code == 0
    assert [p["email"] for p in people(data_dir)[-2:]] == ["kai@example.org", "cy@example.org"]


def test_import_reads_windows_1252_and_semicolons(learn, data_dir, tmp_path):
    csv = tmp_path / "excel.csv"
    csv.write_bytes("Name;Email\nRenée Dubois;renee@example.org\n".encode("cp1252"))
    result = learn("participant", "import", "2026-autumn", str(csv))
    assert result.exit_code == 0, result.output
    assert people(data_dir)[-1]["name"] == "Renée Dubois"
    assert "windows-1252" in result.stderr


def test_import_without_an_email_column_is_refused(learn, tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("name,phone\nKai,123\n")
    result = learn("participant", "import", "2026-autumn", str(csv))
    assert result.exit_code == 1 and "x.csv:1:1: I001" in result.stderr


def test_two_processes_adding_at_once_lose_nobody(data_dir):
    def add(index: int) -> int:
        proc = run_process(
            "--data", str(data_dir), "participant", "add", "2026-autumn",
            "--name", f"Person {index}", "--email", f"person{index}@example.org",
        )
        return proc.returncode

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(add, range(8)))
    assert codes == [0] * 8
    emails = [p["email"] for p in people(data_dir)]
    assert sorted(e for e in emails if e.startswith("person")) == sorted(f"person{i}@example.org" for i in range(8))
    assert not [p for p in (data_dir / "cohorts").iterdir() if p.name.startswith(".learn-tmp")]


def test_names_that_look_like_markup_print_as_written(learn, data_dir, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    name = "Ann [/b] [bold]O'Neil[/bold] [link=x]"
    assert learn("participant", "add", "2026-autumn", "--name", name, "--email", "kai@example.org").exit_code == 0
    listed = learn("participant", "list", "2026-autumn")
    assert listed.exit_code == 0
    assert "[/b]" in listed.stdout and "[bold]O'Neil[/bold]" in listed.stdout
    shown = learn("cohort", "show", "2026-autumn")
    assert shown.exit_code == 0


def test_an_import_writes_no_yaml_anchors_when_rows_share_a_date(learn, data_dir, tmp_path):
    csv = tmp_path / "two.csv"
    csv.write_text("name,email\nKai A,kai@example.org\nBo B,bo@example.org\n")
    assert learn("--today", "2026-11-23", "participant", "import", "2026-autumn", str(csv)).exit_code == 0
    text = (data_dir / "cohorts" / "2026-autumn.yaml").read_text()
    assert "&id" not in text and "*id" not in text
    assert text.count("registered: 2026-11-23") == 2


def test_anchors_a_person_wrote_survive_an_edit(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    text = path.read_text()
    text = text.replace("  - date: 2026-10-07", "  - date: 2026-10-07\n    start: &early '09:00'", 1)
    text = text.replace("  - date: 2026-10-21", "  - date: 2026-10-21\n    start: *early", 1)
    path.write_text(text)
    assert learn("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org").exit_code == 0
    after = path.read_text()
    assert "start: &early '09:00'" in after and "start: *early" in after
