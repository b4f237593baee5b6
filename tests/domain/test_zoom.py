"""Reading Zoom participants reports: every variant, and nothing a file holds is a crash."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.domain.matching import Matcher, words
from learncli.domain.zoom import parse_report

LONDON = ZoneInfo("Europe/London")
DAY = date(2026, 12, 2)  # autumn session 6: 02/12 reads as a date either way round
JOINS = [
    ("Ann O'Neil", "ann.oneil@example.org", "09:27:51", "10:45:00"),
    ("Ann O'Neil", "ann.oneil@example.org", "10:47:30", "12:31:00"),
    ("Zoe H", "", "09:29", "12:30"),
]


def at(hhmm: str, day: date = DAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=LONDON)


def parse(text: str, expected: date | None = DAY):
    return parse_report(text, "report.csv", zone="Europe/London", expected=expected)


def test_the_standard_export_gives_one_row_per_join_with_zone_aware_times(zoom):
    report = parse(zoom(DAY, JOINS))
    assert report.problems == []
    assert [(r.line, r.name, r.email, r.join, r.leave, r.duration, r.guest) for r in report.rows] == [
        (2, "Ann O'Neil", "ann.oneil@example.org", at("09:27:51"), at("10:45:00"), 77, False),
        (3, "Ann O'Neil", "ann.oneil@example.org", at("10:47:30"), at("12:31:00"), 104, False),
        (4, "Zoe H", None, at("09:29"), at("12:30"), 181, True),
    ]
    assert report.unique_users is False and report.meeting is None


@pytest.mark.parametrize(
    "columns",
    [
        ("Name (original name)", "User email", "Join time", "Leave time", "Duration (minutes)", "Guest"),
        ("NAME (ORIGINAL NAME)", "USER EMAIL", "JOIN TIME", "LEAVE TIME", "DURATION (MINUTES)", "GUEST"),
        ("Name", "Email", "Join Time", "Leave Time", "Duration", "Guest"),
    ],
)
def test_header_spellings_in_any_capitalisation(zoom, columns):
    report = parse(zoom(DAY, JOINS, columns=columns))
    assert report.problems == []
    assert [r.join for r in report.rows] == [at("09:27:51"), at("10:47:30"), at("09:29")]


def test_extra_columns_are_ignored_and_named(zoom):
    report = parse(zoom(DAY, JOINS, extra=(("Recording Consent", "Yes"), ("In Waiting Room", "No"))))
    assert report.problems == []
    assert len(report.rows) == 3 and not any(r.waiting_room for r in report.rows)
    assert report.ignored_columns == ["Recording Consent"]  # the waiting-room column is used


def test_the_meeting_data_block_is_read_and_skipped(zoom):
    report = parse(zoom(DAY, JOINS, meeting=True))
    assert report.problems == []
    assert report.meeting is not None
    assert report.meeting.id == "876 5432 1098"
    assert report.meeting.start == at("09:27:51") and report.meeting.end == at("12:31:00")
    assert [r.line for r in report.rows] == [5, 6, 7]


def test_the_unique_users_variant_with_total_minutes():
    text = "\r\n".join(
        [
            "Name (Original Name),User Email,Total Duration (Minutes),Guest",
            "Ann O'Neil,ann.oneil@example.org,181,No",
            "Zoe H,,40,Yes",
        ]
    )
    report = parse(text)
    assert report.problems == [] and report.unique_users is True
    assert [(r.name, r.duration, r.join) for r in report.rows] == [("Ann O'Neil", 181, None), ("Zoe H", 40, None)]


@pytest.mark.parametrize(
    ("day", "day_first", "expected_order"),
    [
        (DAY, False, False),  # 12/02/2026 09:27:51 AM: month first, told by the session's date
        (DAY, True, True),  # 02/12/2026 09:27:51: day first, told by the session's date
        (date(2026, 11, 18), False, False),  # 11/18/2026: 18 cannot be a month
        (date(2026, 11, 18), True, True),  # 18/11/2026
    ],
)
def test_day_and_month_order_is_decided_for_the_whole_file(zoom, day, day_first, expected_order):
    joins = [("Siân Evans", "sian.evans@example.org", "09:55", "12:30")]
    report = parse(zoom(day, joins, day_first=day_first), expected=day)
    assert report.problems == []
    assert report.day_first is expected_order
    assert report.rows[0].join == at("09:55", day)
    assert report.dates == {day}


def test_without_a_session_date_an_am_pm_clock_means_month_first(zoom):
    assert parse(zoom(DAY, JOINS), expected=None).day_first is False
    assert parse(zoom(DAY, JOINS, day_first=True), expected=None).day_first is True


def test_a_byte_order_mark_and_semicolons_from_a_spreadsheet_are_fine(zoom):
    text = zoom(DAY, JOINS).replace(",", ";")  # no commas inside these cells
    report = parse(text)
    assert report.problems == [] and len(report.rows) == 3


def test_afternoon_times_on_the_12_hour_clock():
    text = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\nAnn,a@example.org,12/02/2026 12:05:00 PM,12/02/2026 01:10:00 PM,65\n"
    [row] = parse(text).rows
    assert (row.join.hour, row.leave.hour) == (12, 13)


def test_waiting_room_rows_are_marked_as_such(zoom):
    text = zoom(DAY, [("Ann O'Neil", "ann.oneil@example.org", "09:20", "09:31")], extra=(("In Waiting Room", "Yes"),))
    [row] = parse(text).rows
    assert row.waiting_room is True


@pytest.mark.parametrize(
    ("text", "line", "col", "words_in_message"),
    [
        ("", 1, 1, "empty"),
        ("hello,world\n1,2\n", 1, 1, "no participants header"),
        ("Name (Original Name),User Email,Join Time,Leave Time\nAnn,,12/02/2026 9.30,12/02/2026 12:30:00\n", 2, 3, "not a date"),
        ("Name (Original Name),User Email,Join Time,Leave Time\nAnn,,12/02/2026 12:30:00,12/02/2026 09:30:00\n", 2, 4, "before joining"),
        ("Name (Original Name),User Email,Join Time,Leave Time\nAnn,,,12/02/2026 09:30:00\n", 2, 3, "empty"),
        ("Name (Original Name),User Email,Total Duration (Minutes)\nAnn,,lots\n", 2, 3, "not a number"),
        ("Name (Original Name),User Email,Join Time,Leave Time\nAnn,,13/13/2026 09:30:00,13/13/2026 10:30:00\n", 2, 3, "not a valid date"),
        ("Name (Original Name),User Email,Join Time,Leave Time\n,,12/02/2026 09:30:00,12/02/2026 10:30:00\n", 2, 1, "neither a name nor an email"),
    ],
)
def test_bad_input_is_a_problem_with_line_and_column(text, line, col, words_in_message):
    report = parse(text)
    assert report.problems, "expected a problem"
    first = report.problems[0]
    assert (first.line, first.col) == (line, col)
    assert words_in_message in first.message
    assert first.path == "report.csv"


# --- fuzzing: whatever the file holds, the answer is rows or problems -------------

CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "Yes", "No", "12/02/2026 09:28:12 AM", "02/12/2026 09:28:12", "31/31/2026 25:61:00", "12/02/26 9:28",
                     "2026-12-02 09:30:00", "13:00:00 PM", "99999999999999999999", "1e400", "-5", "\ufeff", "\x00", '"', "\r\n"]),
)
HEADERS = st.lists(
    st.sampled_from(["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Total Duration (Minutes)",
                     "Guest", "In Waiting Room", "Recording Consent", "Meeting ID", "Topic", "Start Time", "", "name"]),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=HEADERS, rows=st.lists(st.lists(CELLS, max_size=9), max_size=6), preamble=st.booleans(), bom=st.booleans())
def test_malformed_reports_never_raise(header, rows, preamble, bom):
    out = io.StringIO()
    writer = csv.writer(out)
    if preamble:
        writer.writerow(["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants"])
        writer.writerow(rows[0] if rows else [])
        writer.writerow([])
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    text = ("\ufeff" if bom else "") + out.getvalue()
    report = parse(text, expected=DAY)
    for problem in report.problems:
        assert problem.code in {"I001", "I002"} and problem.line >= 0 and problem.col >= 0
    for row in report.rows:
        assert row.join is None or row.join.tzinfo is not None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_at_all_never_raises(text):
    report = parse(text, expected=None)
    assert report.rows or report.problems


# --- matching names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O'Neil, Ann", "Ann O’Neil"),
        ("Siân Evans", "sian evans"),
        ("José Martínez-Ibáñez", "Jose Martinez Ibanez"),
        ("Łucja Wiśniewska", "Lucja Wisniewska"),
        ("McAllister, Rory", "Rory McAllister"),
        ("Dónal Ó Briain", "DONAL O BRIAIN"),
    ],
)
def test_names_match_across_case_accents_punctuation_and_surname_first(a, b):
    assert words(a) == words(b)


def test_matching_goes_email_then_alias_then_name():
    matcher = Matcher()
    matcher.add("zoe", emails=["zoe@example.org"], aliases=["Zoe H"], names=["Zoë Hartmann"])
    matcher.add("zed", emails=["zed@example.org"], aliases=[], names=["Zoe H"])  # someone really called Zoe H
    assert matcher.match("Anything", "ZOE@example.org")[0].by == "email"
    found, _ = matcher.match("Zoe H", None)
    assert (found.key, found.by) == ("zoe", "alias")
    found, _ = matcher.match("Hartmann, Zoë (Zoe's iPhone)", None)
    assert (found.key, found.by) == ("zoe", "name")


def test_a_name_two_people_share_matches_nobody_and_says_why():
    matcher = Matcher()
    matcher.add("a", names=["Sam Lee"])
    matcher.add("b", names=["Lee, Sam"])
    found, why = matcher.match("Sam Lee", None)
    assert found is None and "more than one" in why


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalising_any_name_never_raises(name):
    assert isinstance(words(name), tuple)
