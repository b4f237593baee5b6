"""`learn cohort add-session`: make-up and extra sessions, checked before they are written,
and present everywhere a session is (calendar, emails, brief, attendance, completion)."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser

import pytest
import yaml

from tests.cli.test_cohort import comments

BEFORE_SIX = ("--today", "2026-11-23")
AUTUMN = "cohorts/2026-autumn.yaml"


@pytest.fixture
def six_cancelled(learn, data_dir):
    result = learn(*BEFORE_SIX, "cohort", "cancel-session", "2026-autumn", "6", "--note", "facilitator ill")
    assert result.exit_code == 0, result.output
    return data_dir / AUTUMN


def sessions(path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["sessions"]


def diagnostics(learn, today: str) -> list[dict]:
    return json.loads(learn("--today", today, "validate", "--json").stdout)["diagnostics"]


def test_a_make_up_is_appended_with_every_comment_kept_and_validates(learn, six_cancelled):
    before = six_cancelled.read_text(encoding="utf-8")
    result = learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--makes-up", "6")
    assert result.exit_code == 0, result.output
    assert "added session 7 of 2026-autumn on Wed 9 Dec 2026, making up session 6" in result.stdout
    after = six_cancelled.read_text(encoding="utf-8")
    assert comments(after) == comments(before)
    assert after.startswith(before.split("\nparticipants:")[0])  # nothing above the new entry moved
    assert sessions(six_cancelled)[6] == {"date": yaml.safe_load("2026-12-09"), "makes_up": 6}
    found = diagnostics(learn, "2026-11-23")
    assert [d for d in found if d["severity"] == "error"] == []
    assert not {"D001", "D011", "D012", "D013"} & {d["code"] for d in found}
    # Without --theme it has the theme of session 6.
    shown = json.loads(learn("cohort", "show", "2026-autumn", "--json").stdout)["schedule"]
    assert (shown[-1]["number"], shown[-1]["theme"]) == (7, "Making learning a habit")


def test_dry_run_shows_the_entry_and_writes_nothing(learn, six_cancelled):
    before = six_cancelled.read_bytes()
    result = learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--makes-up", "6", "--start", "10:00", "--end", "13:00", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add session 7 of 2026-autumn on Wed 9 Dec 2026, making up session 6" in result.stdout
    added = [line[1:] for line in result.stdout.splitlines() if line.startswith("+ ")]
    assert added == ["  - date: 2026-12-09", "    start: '10:00'", "    end: '13:00'", "    makes_up: 6"]
    assert six_cancelled.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("2026-12-12", "--makes-up", "6"), "D003", "Saturday"),
        (("2026-12-25", "--makes-up", "6"), "D004", "Christmas Day"),
        (("2026-12-09", "--makes-up", "5"), "D013", "session 7 makes up session 5, which is not cancelled"),
        (("2026-11-25", "--makes-up", "6"), "D013", "does not come after it"),
        (("2026-11-25",), "D002", "is not after session 6"),
    ],
)
def test_a_session_that_breaks_a_rule_is_refused(learn, six_cancelled, args, code, words):
    before = six_cancelled.read_bytes()
    result = learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", *args)
    assert result.exit_code == 1
    assert f"{AUTUMN}:" in result.stderr and code in result.stderr and words in result.stderr
    assert "nothing was written" in result.stderr
    assert six_cancelled.read_bytes() == before


def test_a_session_made_up_already_is_not_made_up_again(learn, six_cancelled):
    assert learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--makes-up", "6").exit_code == 0
    before = six_cancelled.read_bytes()
    again = learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-16", "--makes-up", "6")
    assert again.exit_code == 1 and "session 8 makes up session 6, which session 7 already makes up" in again.stderr
    assert six_cancelled.read_bytes() == before


def test_a_facilitator_booked_into_another_cohort_then_is_refused(learn, six_cancelled):
    winter = "2026-12-09,2026-12-23,2027-01-06,2027-01-20,2027-02-03,2027-02-17"
    assert learn(*BEFORE_SIX, "cohort", "add", "leading-with-learning", "--id", "winter", "--dates", winter).exit_code == 0
    before = six_cancelled.read_bytes()
    result = learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--makes-up", "6")
    assert result.exit_code == 1
    assert "D009" in result.stderr and "session 1 of winter" in result.stderr
    assert six_cancelled.read_bytes() == before
    # Another time of day is no double booking.
    later = learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--makes-up", "6", "--start", "14:00", "--end", "17:00")
    assert later.exit_code == 0, later.output


def test_an_extra_session_is_added_with_a_note(learn, data_dir):
    result = learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--theme", "Looking back")
    assert result.exit_code == 0, result.output
    assert "added session 7 of 2026-autumn on Wed 9 Dec 2026 (Looking back)" in result.stdout
    assert "D012" in result.stderr
    assert sessions(data_dir / AUTUMN)[6] == {"date": yaml.safe_load("2026-12-09"), "theme": "Looking back"}


def test_the_make_up_is_a_new_event_and_the_others_stay_as_they_were(learn, data_dir, six_cancelled, check_ics):
    out = data_dir / "out" / "autumn.ics"
    assert learn(*BEFORE_SIX, "calendar", "export", "2026-autumn", "-o", str(out)).exit_code == 0
    first = {str(e.uid): (e.sequence, e.dtstart) for e in check_ics(out.read_bytes())[0].events}
    assert learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--makes-up", "6").exit_code == 0
    assert learn(*BEFORE_SIX, "calendar", "export", "2026-autumn", "-o", str(out)).exit_code == 0
    strict, parsed = check_ics(out.read_bytes())
    second = {str(e.uid): (e.sequence, e.dtstart) for e in strict.events}
    new = "2026-autumn-session-7.leading-with-learning@example.org"
    assert set(second) - set(first) == {new}
    assert {uid: second[uid] for uid in first} == first  # no other event changed
    assert second[new][1].date().isoformat() == "2026-12-09" and second[new][0] in (None, 0)
    [event] = [e for e in parsed.walk("VEVENT") if str(e["UID"]) == new]
    assert str(event["DESCRIPTION"]).startswith("Session 7 (making up session 6): Making learning a habit")
    assert "how your action from session 5 went" in str(event["DESCRIPTION"])


def test_reminder_brief_and_attendance_include_the_make_up(learn, data_dir, six_cancelled):
    assert learn(*BEFORE_SIX, "cohort", "add-session", "2026-autumn", "2026-12-09", "--makes-up", "6").exit_code == 0
    out = data_dir / "out" / "reminders"
    result = learn("--today", "2026-12-03", "email", "render", "reminder", "2026-autumn", "--session", "7", "--include-unpaid", "-o", str(out))
    assert result.exit_code == 0, result.output
    message = BytesParser(policy=policy.default).parsebytes((out / "sian.evans@example.org.eml").read_bytes())
    assert "session 7" in message["Subject"] and "Wed 9 Dec 2026" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "session 7 (making up session 6) of Leading with Learning" in body
    assert "After session 5 you chose" in body  # the commitment before it: session 6 did not meet

    brief = json.loads(learn("--today", "2026-12-03", "session", "brief", "2026-autumn", "7", "--json").stdout)
    assert (brief["session"], brief["makes_up"], brief["previous"]["session"]) == (7, 6, 5)
    assert "session 7, making up session 6" in learn("--today", "2026-12-03", "session", "brief", "2026-autumn", "7").stdout

    marked = learn("--today", "2026-12-10", "attend", "mark", "2026-autumn", "7", "sian.evans@example.org", "--status", "present")
    assert marked.exit_code == 0, marked.output
    grid = json.loads(learn("--today", "2026-12-10", "attend", "report", "2026-autumn", "--json").stdout)
    assert [(s["number"], s["makes_up"]) for s in grid["sessions"]][-2:] == [(6, None), (7, 6)]
    sian = next(p for p in grid["participants"] if p["email"] == "sian.evans@example.org")
    assert sian["marks"][-1] == {"session": 7, "status": "present", "minutes": None, "note": None}


def test_a_make_up_between_sessions_is_the_previous_and_next_session(learn, data_dir):
    today = ("--today", "2026-10-15")
    assert learn(*today, "cohort", "cancel-session", "2026-autumn", "3").exit_code == 0
    result = learn(*today, "cohort", "add-session", "2026-autumn", "2026-10-28", "--makes-up", "3")
    assert result.exit_code == 0, result.output
    assert not [d for d in diagnostics(learn, "2026-10-15") if d["severity"] == "error"]
    shown = json.loads(learn(*today, "cohort", "show", "2026-autumn", "--json").stdout)["schedule"]
    assert [s["number"] for s in shown] == [1, 2, 3, 7, 4, 5, 6]
    status = json.loads(learn(*today, "status", "--json").stdout)["cohorts"][0]["next"]
    assert (status["number"], status["makes_up"], status["date"]) == (7, 3, "2026-10-28")
    listed = json.loads(learn(*today, "commit", "list", "2026-autumn", "--session", "2", "--json").stdout)["commitments"]
    assert listed and {c["review_at"] for c in listed} == {7}
    brief = json.loads(learn(*today, "session", "brief", "2026-autumn", "4", "--json").stdout)
    assert brief["previous"]["session"] == 7
