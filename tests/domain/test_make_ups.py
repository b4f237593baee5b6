"""Make-up sessions in the domain: the rules about them, the order sessions meet in, and
what counts for completion (pure functions over the bundled autumn cohort, edited)."""

from __future__ import annotations

from datetime import date

import pytest

from learncli.checks import check_cohort_text
from learncli.domain.commitments import previous_session, review_session
from learncli.domain.completion import completion
from learncli.domain.schedule import meeting_order, session_times
from learncli.models.cohort import AttendanceMark, Session
from learncli.store.folder import DataFolder

TODAY = date(2026, 9, 1)
SIX = "  - date: 2026-12-02    # 6. Making learning a habit\n"


@pytest.fixture
def folder(data_dir):
    return DataFolder(data_dir)


def autumn_text(folder: DataFolder, sessions_after_five: str) -> str:
    """The autumn cohort's file with session 6 and what follows it replaced."""
    text = folder.cohort_path("2026-autumn").read_text(encoding="utf-8")
    assert SIX in text
    return text.replace(SIX, sessions_after_five)


def codes(folder: DataFolder, text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for d in check_cohort_text(folder, folder.config(), "2026-autumn", text, TODAY):
        found.setdefault(d.code, []).append(d.message)
    return found


def test_a_cancelled_session_made_up_is_no_longer_reported(folder):
    cancelled = "  - date: 2026-12-02\n    cancelled: true\n"
    assert "D011" in codes(folder, autumn_text(folder, cancelled))
    found = codes(folder, autumn_text(folder, cancelled + "  - date: 2026-12-09\n    makes_up: 6\n"))
    assert not {"D001", "D002", "D011", "D012", "D013"} & found.keys(), found


def test_an_extra_session_is_noted_not_refused(folder):
    found = codes(folder, autumn_text(folder, SIX + "  - date: 2026-12-09\n"))
    assert found.get("D012") == [
        "7 sessions will run; Leading with Learning has 6, so 1 is an extra (a session that replaces a cancelled one says which with makes_up)"
    ]
    assert "D001" not in found


def test_a_make_up_must_replace_one_cancelled_session_once(folder):
    found = codes(folder, autumn_text(folder, SIX + "  - date: 2026-12-09\n    makes_up: 6\n"))
    assert found["D013"] == ["session 7 makes up session 6, which is not cancelled"]

    cancelled = "  - date: 2026-12-02\n    cancelled: true\n"
    twice = cancelled + "  - date: 2026-12-09\n    makes_up: 6\n  - date: 2026-12-16\n    makes_up: 6\n"
    assert codes(folder, autumn_text(folder, twice))["D013"] == ["session 8 makes up session 6, which session 7 already makes up"]

    missing = cancelled + "  - date: 2026-12-09\n    makes_up: 9\n"
    assert codes(folder, autumn_text(folder, missing))["D013"] == ["session 7 makes up session 9, but the cohort has sessions 1 to 7"]

    chain = cancelled + "  - date: 2026-12-09\n    makes_up: 6\n    cancelled: true\n  - date: 2026-12-16\n    makes_up: 7\n"
    assert codes(folder, autumn_text(folder, chain))["D013"] == [
        "session 8 makes up session 7, itself a make-up; name the session both replace (6)"
    ]
    # A cancelled make-up replaces nothing: another may take its place.
    again = cancelled + "  - date: 2026-12-09\n    makes_up: 6\n    cancelled: true\n  - date: 2026-12-16\n    makes_up: 6\n"
    assert "D013" not in codes(folder, autumn_text(folder, again))


def test_a_make_up_meets_after_its_session_and_not_on_another_sessions_day(folder):
    text = folder.cohort_path("2026-autumn").read_text(encoding="utf-8")
    three = "  - date: 2026-10-21    # 3. Building purpose and motivation\n"
    cancelled = text.replace(three, "  - date: 2026-10-21\n    cancelled: true\n")
    before = cancelled.replace(SIX, SIX + "  - date: 2026-10-14\n    makes_up: 3\n")
    assert codes(folder, before)["D013"] == [
        "session 7 (Wed 14 Oct 2026) makes up session 3 but does not come after it (Wed 21 Oct 2026); to hold a session earlier, reschedule it"
    ]
    same_day = cancelled.replace(SIX, SIX + "  - date: 2026-11-04\n    makes_up: 3\n")
    assert codes(folder, same_day)["D013"] == ["session 7 is on Wed 4 Nov 2026, the day of session 4"]
    # Between sessions 3 and 4 is fine: the order rule is for the planned sessions.
    between = cancelled.replace(SIX, SIX + "  - date: 2026-10-28\n    makes_up: 3\n")
    assert not {"D002", "D011", "D013"} & codes(folder, between).keys()
    # ... and every other date rule still applies to it.
    saturday = cancelled.replace(SIX, SIX + "  - date: 2026-10-31\n    makes_up: 3\n")
    assert codes(folder, saturday)["D003"] == ["session 7 is on Sat 31 Oct 2026, a Saturday"]


def make_up_between(folder: DataFolder):
    """Autumn 2026 with session 3 cancelled and made up on 28 October, before session 4."""
    config = folder.config()
    cohort = folder.cohort("2026-autumn").model_copy(deep=True)
    cohort.sessions[2] = cohort.sessions[2].model_copy(update={"cancelled": True})
    cohort.sessions.append(Session(date=date(2026, 10, 28), makes_up=3))
    cohort._id = "2026-autumn"
    return cohort, config


def test_sessions_meet_in_date_order_and_neighbours_follow_it(folder):
    cohort, config = make_up_between(folder)
    assert meeting_order(cohort) == [1, 2, 3, 7, 4, 5, 6]
    times = session_times(cohort, config.course(cohort.course), config.timezone)
    assert [t.number for t in times] == [1, 2, 3, 7, 4, 5, 6]
    # Without a theme of its own, the make-up has the theme of the session it replaces.
    assert times[3].theme == "Building purpose and motivation"
    assert review_session(cohort, 2) == 7 and review_session(cohort, 7) == 4
    assert previous_session(cohort, 4) == 7 and previous_session(cohort, 7) == 2
    assert cohort.last_date == date(2026, 12, 2)


def test_attending_the_make_up_counts_for_the_cancelled_session(folder):
    cohort, config = make_up_between(folder)
    course = config.course(cohort.course)
    ann = "ann.oneil@example.org"
    cohort.attendance = {n: {p.email: AttendanceMark(status="present") for p in cohort.registered} for n in (1, 2, 7, 4, 5, 6)}
    for c in cohort.commitments:
        c.status = "done"
    report = completion(cohort, course, config.timezone, date(2026, 12, 10))
    line = next(line for line in report.lines if line.email == ann)
    assert (line.attended, line.held, line.missed, line.state) == (6, 6, [], "complete")
    # Missing the make-up is missing a session.
    cohort.attendance[7][ann] = AttendanceMark(status="absent")
    line = next(line for line in completion(cohort, course, config.timezone, date(2026, 12, 10)).lines if line.email == ann)
    assert line.state == "incomplete" and [gap.session for gap in line.missed] == [7]
