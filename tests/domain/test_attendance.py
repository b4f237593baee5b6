"""From minutes inside the session window to a status, with the course's thresholds."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from learncli.domain.attendance import judge
from learncli.domain.schedule import SessionTimes
from learncli.models.cohort import Session
from learncli.models.course import AttendanceRules

LONDON = ZoneInfo("Europe/London")
DAY = date(2026, 12, 2)
SESSION = SessionTimes(6, Session(date=DAY), "Making learning a habit", datetime.combine(DAY, time(9, 30), LONDON), datetime.combine(DAY, time(12, 30), LONDON))
RULES = AttendanceRules()


def at(hhmm: str) -> datetime:
    return datetime.combine(DAY, time.fromisoformat(hhmm), LONDON)


@pytest.mark.parametrize(
    ("joined", "left", "expected"),
    [
        ("09:30", "12:30", "present"),
        ("09:40", "12:30", "present"),  # exactly 10 minutes: not yet late
        ("09:41", "12:30", "late"),
        ("09:55", "12:30", "late"),  # 25 minutes late
        ("09:30", "12:20", "present"),  # exactly 10 minutes early: not yet left early
        ("09:30", "12:19", "left-early"),
        ("09:45", "11:30", "left-early"),  # both: an hour early costs more than 15 minutes late
        ("10:30", "12:25", "late"),  # both: an hour late costs more than 5 minutes early
    ],
)
def test_thresholds_at_their_edges(joined, left, expected):
    seconds = (at(left) - at(joined)).total_seconds()
    assert judge(seconds, at(joined), at(left), SESSION, RULES) == expected


def test_absent_is_under_a_third_of_the_session():
    assert judge(60 * 60, at("09:30"), at("10:30"), SESSION, RULES) == "left-early"  # 60 of 180: a third, not under it
    assert judge(59 * 60, at("09:30"), at("10:29"), SESSION, RULES) == "absent"
    assert judge(0, None, None, SESSION, AttendanceRules(absent_below="0")) == "absent"  # no time at all


def test_the_course_can_be_more_lenient():
    lenient = AttendanceRules(late_after_minutes=30, left_early_minutes=30, absent_below="1/4")
    assert judge((at("12:30") - at("09:55")).total_seconds(), at("09:55"), at("12:30"), SESSION, lenient) == "present"
    assert judge(50 * 60, at("09:30"), at("10:20"), SESSION, lenient) == "left-early"
