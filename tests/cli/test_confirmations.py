"""Every write says in one line what it changed, on standard output; the files follow on stderr.

The expected counts and names are read from the data folder, not from the code: the
capacity from courses.yaml, the registered people from the cohort file.
"""

from __future__ import annotations

import json

import yaml

TODAY = ("--today", "2026-12-02")


def _capacity(data_dir) -> int:
    config = yaml.safe_load((data_dir / "courses.yaml").read_text())
    cohort = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())
    return cohort.get("capacity") or config["courses"][0]["capacity"]


def _registered(data_dir) -> list[dict]:
    cohort = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())
    return [p for p in cohort["participants"] if p.get("status", "registered") == "registered"]


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _once_each(result) -> None:
    """Nothing is said twice: not within a stream, not on both."""
    out, err = _lines(result.stdout), _lines(result.stderr)
    assert len(out) == len(set(out)) and len(err) == len(set(err)), result.output
    assert not set(out) & set(err), result.output


def test_participant_add_says_who_was_registered_where_and_how_full_the_cohort_is(learn, data_dir):
    before = len(_registered(data_dir))
    result = learn(*TODAY, "participant", "add", "2026-autumn", "--name", "O'Neil, Ann", "--email", "ann.new@northfield.gov.uk")
    assert result.exit_code == 0, result.output
    assert len(_registered(data_dir)) == before + 1
    assert _lines(result.stdout) == [f"registered O'Neil, Ann <ann.new@northfield.gov.uk> on 2026-autumn ({before + 1} of {_capacity(data_dir)})"]
    assert [line.split("/", 1)[-1] for line in _lines(result.stderr)] == ["cohorts/2026-autumn.yaml"] and result.stderr.startswith("updated ")
    _once_each(result)


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    original = path.read_bytes()
    before = len(_registered(data_dir))
    result = learn(*TODAY, "participant", "add", "2026-autumn", "--name", "Kai Rowe", "--email", "kai@example.org", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"would register Kai Rowe <kai@example.org> on 2026-autumn ({before + 1} of {_capacity(data_dir)})"
    assert "registered Kai" not in result.output and path.read_bytes() == original


def test_withdraw_says_how_many_places_remain(learn, data_dir):
    person = _registered(data_dir)[0]
    before = len(_registered(data_dir))
    result = learn(*TODAY, "participant", "withdraw", "2026-autumn", person["email"])
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout) == [
        f"withdrew {person['name']} <{person['email']}> from 2026-autumn on 2026-12-02 ({before - 1} of {_capacity(data_dir)} remain)"
    ]
    _once_each(result)


def test_attend_mark_names_each_person_and_the_mark_it_replaced(learn, data_dir):
    cohort = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())
    names = {p["email"]: p["name"] for p in cohort["participants"]}
    marks = cohort["attendance"][5]
    present = [email for email, mark in marks.items() if (mark if isinstance(mark, str) else mark["status"]) == "present"][:2]
    assert len(present) == 2
    result = learn(*TODAY, "attend", "mark", "2026-autumn", "5", *present, "--status", "excused")
    assert result.exit_code == 0, result.output
    people = "; ".join(f"{names[e]} (was present)" for e in present)
    assert _lines(result.stdout) == [f"marked excused for session 5 of 2026-autumn (Wed 18 Nov 2026): {people}"]
    _once_each(result)
    # The same marks again change nothing, and nothing claims they did.
    again = learn(*TODAY, "attend", "mark", "2026-autumn", "5", *present, "--status", "excused")
    assert _lines(again.stdout) == ["nothing to change"] and again.stderr == ""


def test_a_second_review_says_what_it_replaces(learn, data_dir):
    cohort = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())
    names = {p["email"]: p["name"] for p in cohort["participants"]}
    open_one = next(c for c in cohort["commitments"] if c.get("status", "open") == "open")
    who, email, after = names[open_one["email"]], open_one["email"], str(open_one["session"])
    first = learn(*TODAY, "commit", "review", "2026-autumn", email, "--session", after, "--status", "partly", "--note", "on the agenda")
    assert _lines(first.stdout) == [f'reviewed the commitment of {who} after session {after} of 2026-autumn as partly ("on the agenda")']
    second = learn(*TODAY, "commit", "review", "2026-autumn", email, "--session", after, "--status", "dropped", "--note", "changed jobs")
    assert second.exit_code == 0, second.output
    assert _lines(second.stdout) == [
        f'reviewed the commitment of {who} after session {after} of 2026-autumn as dropped ("changed jobs"), '
        'replacing partly ("on the agenda"), reviewed 2026-12-02'
    ]
    _once_each(second)


def test_commit_add_says_whose_commitment_and_when_it_is_reviewed(learn, data_dir):
    person = _registered(data_dir)[0]
    result = learn(*TODAY, "commit", "add", "2026-autumn", person["email"], "--session", "6", "Ask the team what they learned")
    assert result.exit_code == 0, result.output
    # Session 6 is the last: there is no next session to review it at.
    assert _lines(result.stdout) == [f'recorded the commitment of {person["name"]} after session 6 of 2026-autumn: "Ask the team what they learned"']


def test_planning_commands_say_what_they_did_to_which_session(learn, data_dir):
    added = learn(*TODAY, "cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", "2027-spring")
    assert added.exit_code == 0, added.output
    written = yaml.safe_load((data_dir / "cohorts" / "2027-spring.yaml").read_text())["sessions"]
    first, last = written[0]["date"], written[-1]["date"]
    assert f"created cohort 2027-spring of leading-with-learning: {len(written)} session(s), Tue {first.day} {first:%b %Y} to Tue {last.day} {last:%b %Y}" in _lines(added.stdout)
    _once_each(added)
    moved = learn(*TODAY, "cohort", "reschedule", "2027-spring", "3", "2027-05-12")
    old = written[2]["date"]
    assert f"moved session 3 of 2027-spring from Tue {old.day} {old:%b %Y} to Wed 12 May 2027" in _lines(moved.stdout)
    _once_each(moved)
    cancelled = learn(*TODAY, "cohort", "cancel-session", "2027-spring", "4", "--note", "facilitator ill")
    day = written[3]["date"]
    assert _lines(cancelled.stdout) == [f"cancelled session 4 of 2027-spring (Tue {day.day} {day:%b %Y}): facilitator ill"]
    _once_each(cancelled)


def test_calendar_to_standard_output_is_only_the_calendar_even_when_nothing_changed(learn, data_dir, check_ics):
    first = learn(*TODAY, "calendar", "export", "2026-autumn")
    sessions = len(yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())["sessions"])
    assert _lines(first.stdout) == [f"exported {sessions} session(s) of 2026-autumn"]
    # The calendar state is now up to date: the second export changes no file, and its
    # standard output must still be the calendar alone (it once began "nothing to change").
    again = learn(*TODAY, "calendar", "export", "2026-autumn", "-o", "-")
    assert again.exit_code == 0 and again.stdout_bytes.startswith(b"BEGIN:VCALENDAR")
    strict, _ = check_ics(again.stdout_bytes)
    assert len(strict.events) == sessions


def test_json_output_of_a_write_stays_json(learn, data_dir):
    # Commands with --json print only JSON on stdout; the sentence is for people.
    result = learn(*TODAY, "invoice", "run", "2026-autumn", "--json", "--dry-run")
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
