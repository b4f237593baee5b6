"""`commit import` reads the form a facilitator sends after a session as the form tool
exports it (issue 19): Google Forms, Microsoft Forms, Typeform, Jotform and Tally layouts,
built here from each tool's column order with made-up answers; every field of every
commitment is checked."""

from __future__ import annotations

import csv
import io
import re

import yaml

TODAY = ("--today", "2026-11-20")
NEW = ("peggy.lowe@example.org", "donal.obriain@example.org", "fatima.alsayed@example.org")  # none has one after session 4


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _after_4(data_dir) -> dict[str, dict]:
    cohort = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())
    return {c["email"]: c for c in cohort["commitments"] if c["session"] == 4 and c["email"] in NEW}


def _import(learn, write, rows, *extra):
    sheet = write("form.csv", _csv(rows))
    return learn(*TODAY, "commit", "import", "2026-autumn", sheet, *extra)


def test_google_forms_after_one_session_with_question_titles(learn, write, data_dir):
    rows = [["Timestamp", "Email address", "What will you try at work before the next session?", "Which COMB factor does it address?"],
            ["18/11/2026 17:02:11", "Peggy.Lowe@example.org", "Run a ten-minute retro with my team", "Capability (skills and knowledge)"],
            ["18/11/2026 17:30:40", "donal.obriain@example.org", "Book a learning hour in the diary", "Opportunity – time, place, people"],
            ["19/11/2026 08:15:00", "fatima.alsayed@example.org", "Ask my manager for a stretch task", ""]]
    result = _import(learn, write, rows, "--session", "4")
    assert result.exit_code == 0, result.output
    assert _after_4(data_dir) == {
        "peggy.lowe@example.org": {"email": "peggy.lowe@example.org", "session": 4, "text": "Run a ten-minute retro with my team", "factor": "capability"},
        "donal.obriain@example.org": {"email": "donal.obriain@example.org", "session": 4, "text": "Book a learning hour in the diary", "factor": "opportunity"},
        "fatima.alsayed@example.org": {"email": "fatima.alsayed@example.org", "session": 4, "text": "Ask my manager for a stretch task"},
    }
    assert "columns not used: Timestamp" in result.stderr
    assert learn(*TODAY, "validate").exit_code == 0


def test_microsoft_forms_anonymous_respondent_email_never_wins(learn, write, data_dir):
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Your work email", "Which session was this after?",
             "What are you going to try?", "COMB factor"],
            ["1", "11/18/26 17:00:01", "11/18/26 17:03:12", "anonymous", "", "peggy.lowe@example.org", "Session 4", "Coach a new starter", "Motivation"],
            ["2", "11/18/26 17:05:00", "11/18/26 17:09:59", "anonymous", "", "donal.obriain@example.org", "4", "Share one article a week", "capability"]]
    result = _import(learn, write, rows)
    assert result.exit_code == 0, result.output
    assert _after_4(data_dir) == {
        "peggy.lowe@example.org": {"email": "peggy.lowe@example.org", "session": 4, "text": "Coach a new starter", "factor": "motivation"},
        "donal.obriain@example.org": {"email": "donal.obriain@example.org", "session": 4, "text": "Share one article a week", "factor": "capability"},
    }


def test_typeform_export_with_its_own_columns(learn, write, data_dir):
    rows = [["#", "What's your email?", "What will you commit to trying?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"],
            ["x1y2", "fatima.alsayed@example.org", "Pair with a colleague on a report", "2026-11-18 17:00:00", "2026-11-18 17:04:00", "ab12"]]
    result = _import(learn, write, rows, "--session", "4")
    assert result.exit_code == 0, result.output
    assert _after_4(data_dir) == {
        "fatima.alsayed@example.org": {"email": "fatima.alsayed@example.org", "session": 4, "text": "Pair with a colleague on a report"},
    }


def test_a_question_about_the_last_commitment_is_not_the_new_one(learn, write, data_dir):
    # "Did you try the action you committed to last time?" says "try" too, and is left of
    # the new commitment; its answers review the last one and are not read.
    rows = [["Timestamp", "Email address", "Did you try the action you committed to last time?", "What will you try before the next session?",
             "Which COMB factor does it address?"],
            ["18/11/2026 17:02:11", "peggy.lowe@example.org", "Partly - ran out of time", "Run a ten-minute retro with my team", "Capability"],
            ["18/11/2026 17:30:40", "donal.obriain@example.org", "Yes", "Book a learning hour in the diary", "Opportunity"]]
    result = _import(learn, write, rows, "--session", "4")
    assert result.exit_code == 0, result.output
    assert _after_4(data_dir) == {
        "peggy.lowe@example.org": {"email": "peggy.lowe@example.org", "session": 4, "text": "Run a ten-minute retro with my team", "factor": "capability"},
        "donal.obriain@example.org": {"email": "donal.obriain@example.org", "session": 4, "text": "Book a learning hour in the diary", "factor": "opportunity"},
    }
    assert "columns not used: Timestamp, Did you try the action you committed to last time?" in result.stderr


def test_jotform_export_with_a_session_question(learn, write, data_dir):
    # Jotform: Submission Date first, then the questions, its Submission ID last.
    rows = [["Submission Date", "Full Name", "E-mail", "Which session was this after?", "What will you try before the next session?",
             "Which COM-B factor does it work on?", "Submission ID"],
            ["Nov 18, 2026", "Fatima Al-Sayed", "fatima.alsayed@example.org", "Session 4", "Pair with a colleague on a report", "Motivation", "5912345678"],
            ["2026-11-19 08:15:00", "Peggy Lowe", "peggy.lowe@example.org", "4", "Write a one-page guide", "", "5912345679"]]
    result = _import(learn, write, rows)
    assert result.exit_code == 0, result.output
    assert _after_4(data_dir) == {
        "fatima.alsayed@example.org": {"email": "fatima.alsayed@example.org", "session": 4, "text": "Pair with a colleague on a report", "factor": "motivation"},
        "peggy.lowe@example.org": {"email": "peggy.lowe@example.org", "session": 4, "text": "Write a one-page guide"},
    }


def test_tally_export_with_its_own_columns_and_a_review_question(learn, write, data_dir):
    # Tally: Submission ID, Respondent ID, Submitted at, then the questions.
    rows = [["Submission ID", "Respondent ID", "Submitted at", "Your email", "Did you do what you planned last time?",
             "What's one thing you will try before the next session?", "COM-B factor"],
            ["mJ8xQ", "w4Zk2", "2026-11-18 17:40:02", "donal.obriain@example.org", "No", "Ask for ten minutes at the team meeting", "opportunity"],
            ["nK9yR", "x5Al3", "2026-11-18 18:01:45", "fatima.alsayed@example.org", "Yes", "Keep a learning log for a week", "Capability"]]
    result = _import(learn, write, rows, "--session", "4")
    assert result.exit_code == 0, result.output
    assert _after_4(data_dir) == {
        "donal.obriain@example.org": {"email": "donal.obriain@example.org", "session": 4, "text": "Ask for ten minutes at the team meeting", "factor": "opportunity"},
        "fatima.alsayed@example.org": {"email": "fatima.alsayed@example.org", "session": 4, "text": "Keep a learning log for a week", "factor": "capability"},
    }


def test_a_session_column_that_disagrees_with_the_session_option_is_refused_at_its_cell(learn, write, data_dir):
    before = (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes()
    rows = [["Email", "Session", "Commitment"], ["peggy.lowe@example.org", "4", "One"], ["donal.obriain@example.org", "3", "Two"]]
    result = _import(learn, write, rows, "--session", "4")
    assert result.exit_code == 1
    assert re.search(r"form\.csv:3:2: I002 error: session: '3', but --session 4 was given", result.stderr)
    assert (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes() == before


def test_map_names_the_question_nobody_could_guess_and_dry_run_shows_it(learn, write, data_dir):
    rows = [["Email address", "Your one thing", "Anything else?"], ["peggy.lowe@example.org", "Write a one-page guide", "no"]]
    unguessed = _import(learn, write, rows, "--session", "4")
    assert unguessed.exit_code == 1 and "no text column in the header" in unguessed.stderr
    shown = _import(learn, write, rows, "--session", "4", "--map", "text=your one thing", "--dry-run")
    assert shown.exit_code == 0, shown.output
    lines = {line.split("│")[2].strip(): line for line in shown.stdout.splitlines() if line.count("│") >= 4}
    assert "text" in lines["Your one thing"] and "--map" in lines["Your one thing"]
    assert "not used" in lines["Anything else?"]
    assert _after_4(data_dir) == {}
    done = _import(learn, write, rows, "--session", "4", "--map", "text=your one thing")
    assert done.exit_code == 0, done.output
    assert _after_4(data_dir)["peggy.lowe@example.org"]["text"] == "Write a one-page guide"
