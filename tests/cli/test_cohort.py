"""`learn cohort ...`: planning, moving and cancelling sessions without losing anything."""

from __future__ import annotations

import json
import re

import yaml

from tests.conftest import use_own_details

COMMENT = re.compile(r"#.*$")


def comments(text: str) -> list[str]:
    return [m.group(0) for line in text.splitlines() if (m := COMMENT.search(line))]


def test_add_writes_a_cohort_that_validates_and_refuses_to_overwrite(learn, data_dir):
    use_own_details(data_dir)
    result = learn("--today", "2026-11-23", "cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", "2027-spring")
    assert result.exit_code == 0, result.output
    path = data_dir / "cohorts" / "2027-spring.yaml"
    data = yaml.safe_load(path.read_text())
    assert [s["date"].isoformat() for s in data["sessions"]] == [
        "2027-04-13", "2027-04-27", "2027-05-11", "2027-05-25", "2027-06-08", "2027-06-22",
    ]
    assert data["course"] == "leading-with-learning" and data["facilitators"] == ["gabriel", "roger"]
    assert learn("--today", "2026-11-23", "validate", "--strict").exit_code == 0
    before = path.read_bytes()
    again = learn("--today", "2026-11-23", "cohort", "add", "leading-with-learning", "--start", "2027-05-04", "--id", "2027-spring")
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert path.read_bytes() == before


def test_a_date_on_a_bank_holiday_moves_without_shifting_the_others(learn, data_dir):
    # Fortnightly Mondays from 15 March 2027 hit Easter Monday (29 March).
    result = learn("--today", "2026-11-23", "cohort", "add", "leading-with-learning", "--start", "2027-03-15", "--id", "easter-test", "--every", "14")
    assert result.exit_code == 0, result.output
    dates = [s["date"].isoformat() for s in yaml.safe_load((data_dir / "cohorts" / "easter-test.yaml").read_text())["sessions"]]
    assert dates == ["2027-03-15", "2027-03-30", "2027-04-12", "2027-04-26", "2027-05-10", "2027-05-24"]
    assert "Easter Monday" in result.stdout


def test_add_with_explicit_dates_that_break_a_rule_writes_nothing(learn, data_dir):
    result = learn("cohort", "add", "leading-with-learning", "--id", "bad", "--dates", "2027-04-13,2027-04-27,2027-05-03,2027-05-18,2027-06-01,2027-06-15")
    assert result.exit_code == 1
    assert "D004" in result.stderr and "3 May 2027" in result.stderr
    assert not (data_dir / "cohorts" / "bad.yaml").exists()


def test_add_dry_run_writes_nothing_and_shows_the_file(learn, data_dir):
    result = learn("cohort", "add", "leading-with-learning", "--start", "2027-09-22", "--id", "2027-autumn", "--dry-run")
    assert result.exit_code == 0
    assert "+  - date: 2027-09-22" in result.stdout
    assert not (data_dir / "cohorts" / "2027-autumn.yaml").exists()


def test_add_refuses_a_path_like_id(learn, data_dir):
    for bad in ("../escape", "a/b", "UPPER", "x" * 80, "..", "a\x00b"):
        result = learn("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", bad)
        assert result.exit_code == 2, bad
    assert sorted(p.name for p in (data_dir / "cohorts").iterdir()) == ["2026-autumn.yaml", "2026-spring.yaml"]
    assert not (data_dir.parent / "escape.yaml").exists()


def test_add_like_copies_the_facilitators(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace("facilitators: [gabriel, roger]", "facilitators: [roger]"))
    result = learn("cohort", "add", "leading-with-learning", "--like", "2026-autumn", "--start", "2027-04-13")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((data_dir / "cohorts" / "2027-spring.yaml").read_text())["facilitators"] == ["roger"]


def test_reschedule_keeps_every_comment_and_updates_the_date(learn, data_dir):
    path = data_dir / "cohorts" / "2026-spring.yaml"
    before = path.read_text()
    result = learn("--today", "2026-04-01", "cohort", "reschedule", "2026-spring", "4", "2026-05-20", "--start", "10:00", "--end", "13:00")
    assert result.exit_code == 0, result.output
    after = path.read_text()
    assert comments(after) == comments(before)
    session = yaml.safe_load(after)["sessions"][3]
    assert session["date"].isoformat() == "2026-05-20" and session["start"] == "10:00" and session["end"] == "13:00"
    # Only the one line changed, plus the two time lines added below it.
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 3


def test_reschedule_onto_a_bank_holiday_or_weekend_is_refused(learn, data_dir):
    path = data_dir / "cohorts" / "2026-spring.yaml"
    before = path.read_bytes()
    holiday = learn("cohort", "reschedule", "2026-spring", "3", "2026-05-04")
    assert holiday.exit_code == 1 and "May Day" in holiday.stderr
    saturday = learn("cohort", "reschedule", "2026-spring", "3", "2026-05-09")
    assert saturday.exit_code == 1 and "Saturday" in saturday.stderr
    out_of_order = learn("cohort", "reschedule", "2026-spring", "3", "2026-04-21")
    assert out_of_order.exit_code == 1 and "D002" in out_of_order.stderr
    assert path.read_bytes() == before


def test_reschedule_of_a_missing_session_or_cohort(learn):
    assert learn("cohort", "reschedule", "2026-spring", "7", "2026-06-30").exit_code == 1
    missing = learn("cohort", "reschedule", "2026-sprung", "1", "2026-06-30")
    assert missing.exit_code == 1 and "2026-spring" in missing.stderr  # suggests the near miss
    assert learn("cohort", "reschedule", "2026-spring", "0", "2026-06-30").exit_code == 2


def test_cancel_session_marks_it_and_validate_warns_it_is_not_made_up(learn, data_dir):
    result = learn("cohort", "cancel-session", "2026-autumn", "6", "--note", "facilitator ill")
    assert result.exit_code == 0, result.output
    session = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())["sessions"][5]
    assert session["cancelled"] is True and session["note"] == "facilitator ill"
    check = learn("--today", "2026-11-23", "validate", "--json")
    assert any(d["code"] == "D011" for d in json.loads(check.stdout)["diagnostics"])
    again = learn("cohort", "cancel-session", "2026-autumn", "6")
    assert again.exit_code == 0 and "already cancelled" in again.stderr
    # Moving a cancelled session is refused unless it is reinstated, which drops the note too.
    refused = learn("cohort", "reschedule", "2026-autumn", "6", "2026-12-09")
    assert refused.exit_code == 1 and "--reinstate" in refused.stderr
    assert learn("cohort", "reschedule", "2026-autumn", "6", "2026-12-09", "--reinstate").exit_code == 0
    moved = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())["sessions"][5]
    assert "cancelled" not in moved and "note" not in moved


def test_a_facilitator_double_booking_is_refused(learn, data_dir):
    # A second cohort on the same Wednesdays as autumn 2026, same facilitators.
    result = learn("cohort", "add", "leading-with-learning", "--id", "clash", "--dates",
                   "2026-09-23,2026-10-07,2026-10-21,2026-11-04,2026-11-18,2026-12-02")
    assert result.exit_code == 1
    assert "D009" in result.stderr and "Gabriel Eichsteller" in result.stderr
    assert not (data_dir / "cohorts" / "clash.yaml").exists()


def test_list_and_show(learn):
    listed = json.loads(learn("--today", "2026-11-23", "cohort", "list", "--json").stdout)
    assert [(c["id"], c["state"]) for c in listed] == [("2026-autumn", "running"), ("2026-spring", "finished")]
    shown = json.loads(learn("cohort", "show", "2026-autumn", "--json").stdout)
    assert shown["schedule"][0]["start"] == "2026-09-23T09:30:00+01:00"
    assert shown["schedule"][3]["start"] == "2026-11-04T09:30:00+00:00"
    text = learn("cohort", "show", "2026-autumn").stdout
    assert "Wed 4 Nov 2026" in text and "Targeting our learning" in text


def test_double_bookings_see_a_cohort_edited_since_the_last_check(learn, data_dir):
    wednesdays = "2027-09-22,2027-10-06,2027-10-20,2027-11-03,2027-11-17,2027-12-01"
    assert learn("cohort", "list").exit_code == 0  # every cohort file is in the index now
    assert (data_dir / ".learn-cache" / "cohort-index.json").is_file()
    assert learn("cohort", "add", "leading-with-learning", "--id", "first", "--dates", wednesdays, "--dry-run").exit_code == 0
    # By hand, the spring cohort moves onto the first of those Wednesdays.
    spring = data_dir / "cohorts" / "2026-spring.yaml"
    spring.write_text(spring.read_text().replace("- date: 2026-06-16", "- date: 2027-09-22"))
    again = learn("cohort", "add", "leading-with-learning", "--id", "first", "--dates", wednesdays)
    assert again.exit_code == 1
    assert "D009" in again.stderr and "2026-spring" in again.stderr
    assert not (data_dir / "cohorts" / "first.yaml").exists()
