"""`learn attend`: importing Zoom reports, marking by hand, the grid and its exports."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import use_own_details

SESSION_6 = date(2026, 12, 2)
TODAY = ("--today", "2026-12-02")

#: Session 6 of the autumn cohort (09:30-12:30 UK time) as Zoom would report it.
JOINS = [
    ("Gabriel Eichsteller", "gabriel@example.org", "09:12:40", "12:41:02"),
    ("Roger Duck", "roger@example.org", "09:14:05", "12:40:11"),
    # Ann's connection dropped once: two rows, one person, one mark.
    ("Ann O'Neil", "ann.oneil@example.org", "09:27:51", "10:45:00"),
    ("Ann O'Neil", "ann.oneil@example.org", "10:47:30", "12:31:00"),
    # Siân joined 25 minutes late.
    ("Siân Evans", "sian.evans@example.org", "09:55:00", "12:30:05"),
    # Zoë joined as a guest under the alias in the cohort file.
    ("Zoe H", "", "09:29:00", "12:30:00"),
    ("Galaxy S21", "", "09:31:00", "12:29:00"),
    ("Chidi Okafor", "chidi.okafor@example.org", "09:30:00", "10:10:00"),
    ("Peggy's iPad", "", "09:25:00", "12:00:00"),
    ("Dónal O Briain", "donal@personal.example.net", "09:25:00", "12:35:00"),
    ("Raman, Priya", "", "09:25:00", "12:35:00"),
    ("José Martinez Ibanez", "", "09:25:00", "12:35:00"),
]


def cohort_file(data_dir: Path) -> Path:
    return data_dir / "cohorts" / "2026-autumn.yaml"


def marks(data_dir: Path, session: int) -> dict:
    return yaml.safe_load(cohort_file(data_dir).read_text())["attendance"].get(session)


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#") or " # " in line]


def import_report(learn, data_dir, zoom, *extra, joins=JOINS, session="6", **options):
    report = data_dir.parent / "participants_87654321098.csv"
    report.write_text(zoom(SESSION_6, joins, **options), encoding="utf-8")
    return learn(*TODAY, "attend", "import", "2026-autumn", session, report, *extra), report


def test_import_marks_each_participant_once_from_minutes_inside_the_session(learn, data_dir, zoom):
    result, _ = import_report(learn, data_dir, zoom)
    assert result.exit_code == 0, result.output
    got = marks(data_dir, 6)
    assert got == {
        "ann.oneil@example.org": {"status": "present", "minutes": 178},  # two joins, one mark
        "sian.evans@example.org": {"status": "late", "minutes": 155},  # 25 minutes late
        "jose.martinez@example.org": {"status": "present", "minutes": 180},  # by name, accents dropped
        "zoe.hartmann@example.org": {"status": "present", "minutes": 180},  # guest, by alias
        "chidi.okafor@example.org": {"status": "absent", "minutes": 40},  # under a third of 180
        "peggy.lowe@example.org": {"status": "left-early", "minutes": 150},  # alias, gone at 12:00
        "donal.obriain@example.org": {"status": "present", "minutes": 180},  # unknown email, by name
        "priya.raman@example.org": {"status": "present", "minutes": 180},  # "Surname, First"
        "fatima.alsayed@example.org": {"status": "absent", "minutes": 0},  # not in the report
    }
    assert "tom.whitfield@example.org" not in got  # withdrawn


def test_an_unknown_name_is_reported_with_a_hint_not_dropped(learn, data_dir, zoom):
    result, _ = import_report(learn, data_dir, zoom)
    assert "'Galaxy S21'" in result.stdout and "line 8" in result.stdout
    assert '--alias "Galaxy S21=' in result.stdout
    # the facilitators' own rows are named, not marked and not "unknown"
    assert re.search(r"facilitators, not marked: Gabriel Eichsteller \(line 2\), Roger Duck \(line 3\)", result.stdout)
    assert "1 name(s) in the report matched nobody" in result.stdout


def test_importing_the_same_report_twice_changes_nothing(learn, data_dir, zoom):
    first, report = import_report(learn, data_dir, zoom, meeting=True)
    assert first.exit_code == 0
    before = cohort_file(data_dir).read_bytes()
    again = learn(*TODAY, "attend", "import", "2026-autumn", "6", report)
    assert again.exit_code == 0
    assert "nothing to change" in again.stdout
    assert cohort_file(data_dir).read_bytes() == before


def test_alias_option_adds_the_name_to_the_file_and_marks_the_person(learn, data_dir, zoom):
    result, report = import_report(learn, data_dir, zoom, "--alias", "Galaxy S21=fatima.alsayed@example.org")
    assert result.exit_code == 0, result.output
    assert marks(data_dir, 6)["fatima.alsayed@example.org"] == {"status": "present", "minutes": 178}
    fatima = next(p for p in yaml.safe_load(cohort_file(data_dir).read_text())["participants"] if p["email"].startswith("fatima"))
    assert fatima["aliases"] == ["Galaxy S21"]
    assert "matched nobody" not in result.stdout
    # next time the alias in the file is enough
    assert "nothing to change" in learn(*TODAY, "attend", "import", "2026-autumn", "6", report).stdout


def test_a_display_name_is_recognised_in_the_report(learn, data_dir, zoom):
    path = cohort_file(data_dir)
    text = path.read_text(encoding="utf-8")
    assert text.count("  - name: Fatima Al-Sayed\n") == 1
    path.write_text(text.replace("  - name: Fatima Al-Sayed\n", "  - name: Fatima Al-Sayed\n    display_name: Tima Al-Sayed\n"), encoding="utf-8")
    joins = [row if row[0] != "Galaxy S21" else ("Tima Al-Sayed", "", *row[2:]) for row in JOINS]
    result, _ = import_report(learn, data_dir, zoom, joins=joins)
    assert result.exit_code == 0, result.output
    assert marks(data_dir, 6)["fatima.alsayed@example.org"] == {"status": "present", "minutes": 178}


def test_a_mark_set_by_hand_is_kept_unless_replace(learn, data_dir, zoom):
    assert learn(*TODAY, "attend", "mark", "2026-autumn", "6", "chidi.okafor@example.org", "--status", "excused", "--note", "train cancelled").exit_code == 0
    result, report = import_report(learn, data_dir, zoom)
    assert "kept Chidi Okafor's mark 'excused'" in result.stdout
    assert marks(data_dir, 6)["chidi.okafor@example.org"] == {"status": "excused", "note": "train cancelled"}
    learn(*TODAY, "attend", "import", "2026-autumn", "6", report, "--replace")
    assert marks(data_dir, 6)["chidi.okafor@example.org"] == {"status": "absent", "minutes": 40, "note": "train cancelled"}


def test_dry_run_shows_the_marks_and_writes_nothing(learn, data_dir, zoom):
    before = cohort_file(data_dir).read_bytes()
    result, _ = import_report(learn, data_dir, zoom, "--dry-run")
    assert result.exit_code == 0
    assert "+    sian.evans@example.org: {status: late, minutes: 155}" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert cohort_file(data_dir).read_bytes() == before


def test_uk_dates_and_the_meeting_block_and_extra_columns_load_the_same(learn, data_dir, zoom):
    result, _ = import_report(learn, data_dir, zoom, day_first=True, meeting=True, extra=(("Recording Consent", "Yes"), ("In Waiting Room", "No")))
    assert result.exit_code == 0, result.output
    assert "day/month/year" in result.stderr
    assert marks(data_dir, 6)["sian.evans@example.org"] == {"status": "late", "minutes": 155}


def test_a_report_from_another_day_is_refused_and_names_the_likely_session(learn, data_dir, zoom):
    before = cohort_file(data_dir).read_bytes()
    result, _ = import_report(learn, data_dir, zoom, session="5")
    assert result.exit_code == 1
    assert "Wed 2 Dec 2026" in result.stderr and "session 6" in result.stderr
    assert cohort_file(data_dir).read_bytes() == before


def test_a_report_of_another_meeting_is_refused(learn, data_dir, zoom):
    before = cohort_file(data_dir).read_bytes()
    result, _ = import_report(learn, data_dir, zoom, joins=[("Gabriel Eichsteller", "gabriel@example.org", "09:00", "12:00"), ("Sam Lee", "", "09:00", "12:00")])
    assert result.exit_code == 1 and "nobody in" in result.stderr
    assert cohort_file(data_dir).read_bytes() == before


def test_a_broken_report_names_file_line_and_column_and_writes_nothing(learn, data_dir):
    report = data_dir.parent / "broken.csv"
    report.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\nAnn,,12/02/2026 9h30,12/02/2026 12:30:00,180\n")
    before = cohort_file(data_dir).read_bytes()
    result = learn(*TODAY, "attend", "import", "2026-autumn", "6", report)
    assert result.exit_code == 1
    assert re.search(r"broken\.csv:2:3: I002 error: Join Time: '12/02/2026 9h30' is not a date", result.stderr)
    assert "Traceback" not in result.output
    assert cohort_file(data_dir).read_bytes() == before


def test_a_missing_report_and_a_bad_alias_are_clear_errors(learn, data_dir, zoom):
    assert "no file" in learn(*TODAY, "attend", "import", "2026-autumn", "6", "nope.csv").stderr
    result, _ = import_report(learn, data_dir, zoom, "--alias", "Galaxy S21")
    assert result.exit_code == 2 and "Zoom Name=email" in result.stderr
    result, _ = import_report(learn, data_dir, zoom, "--alias", "Galaxy S21=fatima@example.org")
    assert result.exit_code == 1 and "did you mean 'fatima.alsayed@example.org'" in result.stderr


def test_marking_and_importing_keep_every_hand_written_comment(learn, data_dir, zoom):
    path = cohort_file(data_dir)
    path.write_text(path.read_text().replace("  5:\n    ann.oneil@example.org: excused\n", "  5:  # Ann told us in advance\n    ann.oneil@example.org: excused  # conference\n"))
    original = path.read_text()
    assert learn(*TODAY, "attend", "mark", "2026-autumn", "5", "chidi.okafor@example.org", "--status", "excused").exit_code == 0
    import_report(learn, data_dir, zoom, "--alias", "Galaxy S21=fatima.alsayed@example.org")
    text = path.read_text()
    assert comments(text) == comments(original)
    # the comment that introduces the commitments is still right above them
    lines = text.splitlines()
    assert lines[lines.index("commitments:") - 1].startswith("# The action each person commits to")
    assert "    ann.oneil@example.org: excused  # conference" in lines
    assert "    chidi.okafor@example.org: excused" in lines
    assert learn("--today", "2026-12-03", "validate").exit_code == 0


def test_mark_sets_several_people_and_refuses_unknown_ones(learn, data_dir):
    result = learn(*TODAY, "attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "SIAN.EVANS@example.org", "--status", "present")
    assert result.exit_code == 0, result.output
    assert marks(data_dir, 6) == {"ann.oneil@example.org": "present", "sian.evans@example.org": "present"}
    before = cohort_file(data_dir).read_bytes()
    result = learn(*TODAY, "attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "nobody@example.org", "--status", "absent")
    assert result.exit_code == 1 and "nobody@example.org is not a participant" in result.stderr
    assert cohort_file(data_dir).read_bytes() == before  # all or nothing
    assert learn(*TODAY, "attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "--status", "gone").exit_code == 2
    assert learn(*TODAY, "attend", "mark", "2026-autumn", "6", "tom.whitfield@example.org", "--status", "present").exit_code == 1


# --- the report ---------------------------------------------------------------------


def test_report_json_is_the_documented_shape_and_flags_who_missed(learn):
    result = learn("--today", "2026-11-23", "attend", "report", "2026-autumn", "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert set(payload) == {"cohort", "today", "rate", "sessions", "unrecorded_sessions", "participants"}
    assert [s["recorded"] for s in payload["sessions"]] == [True] * 5 + [False]
    assert set(payload["sessions"][0]) == {"number", "date", "theme", "cancelled", "recorded", "counted", "makes_up", "erased"}
    people = {p["email"]: p for p in payload["participants"]}
    assert len(people) == 9  # registered only
    chidi = people["chidi.okafor@example.org"]
    assert set(chidi) == {"email", "name", "marks", "attended", "excused", "counted", "rate", "missed"}
    assert chidi["marks"][4] == {"session": 5, "status": "absent", "minutes": None, "note": None}
    assert chidi["marks"][5] == {"session": 6, "status": None, "minutes": None, "note": None}
    assert (chidi["attended"], chidi["counted"], chidi["rate"]) == (4, 5, 80)
    assert chidi["missed"] == [{"session": 5, "status": "absent"}]
    missed = {email for email, p in people.items() if p["missed"]}
    assert missed == {"ann.oneil@example.org", "zoe.hartmann@example.org", "chidi.okafor@example.org", "priya.raman@example.org"}
    # 41 attended of 45 marks, 3 excused left out: 41/42
    assert payload["rate"] == 98


def test_report_text_has_a_symbol_grid_and_names_who_missed(learn):
    result = learn("--today", "2026-11-23", "attend", "report", "2026-autumn")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("Chidi Okafor"))
    assert row.split()[2:8] == ["✓", "✓", "✓", "✓", "✗", "80%"]
    assert "4 of 9 missed a session" in result.stdout


def test_csv_export_neutralises_formulas(learn, data_dir):
    path = cohort_file(data_dir)
    text = path.read_text()
    for old, new in [("O'Neil, Ann", "'=HYPERLINK(\"http://evil.example\",\"x\")'"), ("Siân Evans", "+44 7700 900123"),
                     ("José Martínez-Ibáñez", "-2+3"), ("Zoë Hartmann", "'@SUM(A1:A9)'")]:
        text = text.replace(f"name: {old}", f"name: {new}")
    path.write_text(text)
    out = data_dir.parent / "grid.csv"
    result = learn("--today", "2026-11-23", "attend", "report", "2026-autumn", "--csv", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["name", "email", "session 1"]
    names = [r[0] for r in rows[1:5]]
    assert names == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+44 7700 900123", "'-2+3", "'@SUM(A1:A9)"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    chidi = next(r for r in rows if r[1] == "chidi.okafor@example.org")
    assert chidi[2:8] == ["present", "present", "present", "present", "absent", ""] and chidi[9] == "80"


# --- validate and status ------------------------------------------------------------


def test_validate_warns_about_marks_for_a_session_still_to_come_but_not_excused_ones(learn, data_dir):
    use_own_details(data_dir)
    learn(*TODAY, "attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "--status", "excused")
    assert learn("--today", "2026-11-23", "validate", "--strict").exit_code == 0
    learn(*TODAY, "attend", "mark", "2026-autumn", "6", "sian.evans@example.org", "--status", "present")
    result = learn("--today", "2026-11-23", "validate")
    [a004] = [line for line in result.stdout.splitlines() if " A004 " in line]
    assert "session 6" in a004 and "warning" in a004
    line = int(a004.split(":")[1])
    assert cohort_file(data_dir).read_text().splitlines()[line - 1].strip() == "6:"


def test_status_counts_who_missed_a_session(learn):
    payload = json.loads(learn("--today", "2026-11-23", "status", "--json").stdout)
    [autumn] = payload["cohorts"]
    assert autumn["attendance_percent"] == 98 and autumn["missed_a_session"] == 4 and autumn["open_commitments"] == 8


# --- property: no row of a report is ever lost --------------------------------------

NAMES = st.sampled_from(["Ann O'Neil", "Zoe H", "Galaxy S21", "Gabriel Eichsteller", "Tom Whitfield", "sian evans", "Evans, Siân",
                         "Peggy's iPad", "", "iPhone", "Dónal Ó Briain (Dónal's laptop)"])
EMAILS = st.sampled_from(["", "ann.oneil@example.org", "roger@example.org", "someone@elsewhere.example", "tom.whitfield@example.org"])
CLOCK = st.integers(min_value=8 * 60, max_value=14 * 60)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAMES, EMAILS, CLOCK, st.integers(min_value=0, max_value=240)), min_size=1, max_size=12))
def test_every_row_is_marked_or_reported(rows):
    from learncli.domain.attendance import plan_import
    from learncli.domain.schedule import session_times
    from learncli.domain.zoom import parse_report
    from learncli.store.folder import DataFolder

    folder = DataFolder(Path(__file__).resolve().parents[2] / "data")
    config, cohort = folder.config(), folder.cohort("2026-autumn")
    course = config.course(cohort.course)
    session = session_times(cohort, course, config.timezone)[5]
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)"]
    for name, email, start, length in rows:
        end = min(start + length, 23 * 60)
        lines.append(f'"{name or "?"}",{email},12/02/2026 {start // 60:02d}:{start % 60:02d}:00,12/02/2026 {end // 60:02d}:{end % 60:02d}:00,{end - start}')
    report = parse_report("\n".join(lines) + "\n", "r.csv", zone="Europe/London", expected=session.date)
    assert not report.problems
    plan = plan_import(report, cohort, config, session, course.attendance)
    accounted = [n for s in plan.seen + plan.withdrawn for n in s.lines] + [n for f in plan.facilitators for n in f.lines] + [n for u in plan.unmatched for n in u.lines]
    assert sorted(accounted) == [r.line for r in report.rows]
    assert set(plan.marks) == {p.email for p in cohort.registered}
    for mark in plan.marks.values():
        assert mark["status"] in {"present", "late", "left-early", "absent"}
        assert 0 <= mark["minutes"] <= 180


def test_thresholds_come_from_the_course_settings(learn, data_dir, zoom):
    courses = data_dir / "courses.yaml"
    courses.write_text(courses.read_text().replace("late_after_minutes: 10", "late_after_minutes: 30"))
    result, _ = import_report(learn, data_dir, zoom)
    assert result.exit_code == 0, result.output
    assert marks(data_dir, 6)["sian.evans@example.org"] == {"status": "present", "minutes": 155}


ZOOMISH = st.lists(
    st.one_of(
        st.sampled_from([
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
            "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
            "Name (original name),User email,Total Duration (Minutes),Guest",
            "Ann O'Neil,ann.oneil@example.org,12/02/2026 09:27:51 AM,12/02/2026 12:31:00 PM,183,No",
            "Zoe H,,02/12/2026 09:29:00,02/12/2026 12:30:00,181,Yes",
            "\"Evans, Siân\",,12/02/2026 09:20:00 AM,,1,Yes", "", ",,,,,", "\ufeff", "\"unclosed,",
        ]),
        st.text(max_size=40),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=ZOOMISH, noise=st.binary(max_size=16))
def test_malformed_reports_through_the_cli_are_messages_not_tracebacks(learn, data_dir, lines, noise):
    report = data_dir.parent / "fuzz.csv"
    report.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + noise)
    result = learn(*TODAY, "attend", "import", "2026-autumn", "6", report, "--dry-run")  # a bug would raise here
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stderr.startswith(("learn:", str(report))) or "I00" in result.stderr
