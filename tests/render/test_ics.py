"""The .ics renderer, checked by parsing what it writes with two independent parsers.

`ical` is strict about RFC 5545; `icalendar` is what writes the files, so a round trip
through it must give the same bytes back. Times are checked against zoneinfo, and the
VTIMEZONE definitions on their own (a TZID no parser knows forces them to be used).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from learncli.domain.calendar import cohort_events
from learncli.models.cohort import Cohort, Participant, Zoom
from learncli.render.ics import cancel_ics, invitation_ics, invitations, publish_ics, vtimezone, withdrawal_ics
from learncli.store.folder import DataFolder

UTC = timezone.utc
STAMP = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def folder(data_dir):
    return DataFolder(data_dir)


def _events(folder, cohort_id="2026-autumn", cohort=None, config=None, previous=None):
    config = config or folder.config()
    cohort = cohort or folder.cohort(cohort_id)
    return cohort_events(cohort, config.course(cohort.course), config, previous or {})


def _copy(cohort, **update):
    copy = cohort.model_copy(update=update, deep=True)
    copy._id = cohort.id
    return copy


def _unfold(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "")


def _utc_starts(strict_calendar) -> list[datetime]:
    return [e.dtstart.astimezone(UTC) for e in strict_calendar.events]


# --- times ------------------------------------------------------------------------------


def test_autumn_2026_keeps_0930_in_london_across_the_clock_change(folder, check_ics):
    strict, parsed = check_ics(publish_ics(_events(folder), stamp=STAMP))
    starts = _utc_starts(strict)
    assert starts[0] == datetime(2026, 9, 23, 8, 30, tzinfo=UTC)  # BST
    assert starts[3] == datetime(2026, 11, 4, 9, 30, tzinfo=UTC)  # GMT, after 25 October
    for event in strict.events:
        assert event.dtstart.replace(tzinfo=None).time() == time(9, 30)
        assert event.dtend.replace(tzinfo=None).time() == time(12, 30)
    assert [e.start.astimezone(UTC) for e in parsed.walk("VEVENT")] == starts
    raw = _unfold(publish_ics(_events(folder), stamp=STAMP))
    assert "DTSTART;TZID=Europe/London:20260923T093000" in raw
    assert "DTSTART;TZID=Europe/London:20261104T093000" in raw


def test_spring_2026_sessions_all_start_at_0830_utc(folder, check_ics):
    strict, _ = check_ics(publish_ics(_events(folder, "2026-spring"), stamp=STAMP))
    starts = _utc_starts(strict)
    assert len(starts) == 6
    assert all(s.time() == time(8, 30) for s in starts)


def test_the_vtimezone_alone_gives_the_same_times(folder):
    # Rename the zone so that neither parser can look it up: only the VTIMEZONE counts.
    data = publish_ics(_events(folder), stamp=STAMP).replace(b"Europe/London", b"Course/Zone")
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    assert _utc_starts(strict)[0] == datetime(2026, 9, 23, 8, 30, tzinfo=UTC)
    assert _utc_starts(strict)[3] == datetime(2026, 11, 4, 9, 30, tzinfo=UTC)


def test_london_is_written_as_yearly_rules_changing_at_the_right_local_time():
    text = _unfold(vtimezone("Europe/London", date(2026, 9, 23), date(2026, 12, 2)).to_ical())
    # Outlook misreads definitions that list each change (RDATE); the rule form is safe.
    assert "RDATE" not in text
    assert "BEGIN:DAYLIGHT\r\nDTSTART:20250330T010000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "BEGIN:STANDARD\r\nDTSTART:20251026T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
        "Europe/Dublin",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "America/Havana",
        "Africa/Casablanca",
    ],
)
def test_vtimezone_matches_zoneinfo_hour_by_hour(zone):
    component = vtimezone(zone, date(2026, 1, 5), date(2027, 12, 20))
    defined = component.to_tz(lookup_tzid=False)
    real = ZoneInfo(zone)
    moment = datetime(2026, 3, 1, tzinfo=UTC)  # both changes of 2026, and the spring of 2027
    while moment < datetime(2027, 4, 15, tzinfo=UTC):
        assert moment.astimezone(defined).utcoffset() == moment.astimezone(real).utcoffset(), (zone, moment)
        moment += timedelta(hours=1)


# --- every kind of file -----------------------------------------------------------------


def test_every_kind_of_file_is_strictly_valid_and_round_trips(folder, check_ics):
    cohort = folder.cohort("2026-autumn")
    sessions = list(cohort.sessions)
    sessions[5] = sessions[5].model_copy(update={"cancelled": True, "note": "facilitator ill"})
    events = _events(folder, cohort=_copy(cohort, sessions=sessions))
    ann = cohort.participant("ann.oneil@example.org")

    strict, _ = check_ics(publish_ics(events, stamp=STAMP))
    assert [str(e.status) for e in strict.events][-1].endswith("CANCELLED")

    each = invitations(events, ann, stamp=STAMP)
    assert [number for number, _ in each] == [1, 2, 3, 4, 5]  # the cancelled session is not offered
    for number, data in each:
        strict, parsed = check_ics(data)
        assert parsed["METHOD"] == "REQUEST" and len(strict.events) == 1
        assert parsed.walk("VEVENT")[0]["UID"] == events.event(number).uid
        assert data == invitation_ics(events, number, ann, stamp=STAMP)
    with pytest.raises(ValueError):
        invitation_ics(events, 6, ann, stamp=STAMP)

    strict, parsed = check_ics(cancel_ics(events, 6, ann, stamp=STAMP))
    assert parsed["METHOD"] == "CANCEL"
    [event] = parsed.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == events.event(6).uid
    assert not event.walk("VALARM")
    assert [str(a) for a in event.attendees] == ["mailto:ann.oneil@example.org"]
    with pytest.raises(ValueError):
        cancel_ics(events, 5, ann, stamp=STAMP)

    # The notice for a calendar that imported the cohort file: a PUBLISH of the event.
    strict, parsed = check_ics(publish_ics(events, [6], stamp=STAMP))
    assert parsed["METHOD"] == "PUBLISH" and [e["STATUS"] for e in parsed.walk("VEVENT")] == ["CANCELLED"]


def test_an_uninvitation_names_the_person_carries_no_status_and_a_higher_sequence(folder, check_ics):
    from learncli.domain.calendar import uninvite

    events = _events(folder)
    zoe = folder.cohort("2026-autumn").participant("zoe.hartmann@example.org")
    with pytest.raises(KeyError):  # never written without its SEQUENCE recorded
        withdrawal_ics(events, 4, zoe, stamp=STAMP)
    events = uninvite(events, zoe.email, [4])
    strict, parsed = check_ics(withdrawal_ics(events, 4, zoe, stamp=STAMP))
    assert parsed["METHOD"] == "CANCEL"
    [event] = parsed.walk("VEVENT")
    assert "STATUS" not in event and event["SEQUENCE"] == events.event(4).sequence + 1 == 1
    assert [str(a) for a in event.attendees] == ["mailto:zoe.hartmann@example.org"]
    assert event.attendees[0].params["CN"] == "Zoë Hartmann"


def test_publish_has_the_parts_calendar_apps_need(folder, check_ics):
    _, parsed = check_ics(publish_ics(_events(folder), stamp=STAMP))
    assert parsed["METHOD"] == "PUBLISH" and parsed["VERSION"] == "2.0" and parsed["PRODID"]
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/London"]
    events = parsed.walk("VEVENT")
    assert [e["SUMMARY"] for e in events][2] == "Leading with Learning — Session 3: Building purpose and motivation"
    for event in events:
        assert event["DTSTAMP"].dt == STAMP
        assert event["SEQUENCE"] == 0
        assert event["URL"] == event["LOCATION"] == "https://us02web.zoom.us/j/87654321098?pwd=ExAmPlE2"
        assert event["ORGANIZER"] == "mailto:hello@example.org"
        assert event["ORGANIZER"].params["CN"] == "Leading with Learning (ThemPra & Mapsar)"
        assert event.categories == ["Leading with Learning"]
        assert "ATTENDEE" not in event
        [alarm] = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm["TRIGGER"].dt == timedelta(minutes=-30)
    assert len({e["UID"] for e in events}) == 6


def test_alarm_minutes_come_from_the_settings(folder, check_ics):
    config = folder.config()
    config = config.model_copy(update={"calendar": config.calendar.model_copy(update={"alarm_minutes": 90})})
    _, parsed = check_ics(publish_ics(_events(folder, config=config), stamp=STAMP))
    assert {a["TRIGGER"].dt for a in parsed.walk("VALARM")} == {timedelta(minutes=-90)}


# --- people and text --------------------------------------------------------------------


def test_invitation_names_the_participant_with_quoted_parameters(folder, check_ics):
    cohort = folder.cohort("2026-autumn")
    ann = cohort.participant("ann.oneil@example.org")
    data = invitation_ics(_events(folder), 1, ann, stamp=STAMP)
    strict, parsed = check_ics(data)
    for event in strict.events:
        [attendee] = event.attendees
        assert attendee.common_name == "O'Neil, Ann"
        assert attendee.uri == "mailto:ann.oneil@example.org"
    for event in parsed.walk("VEVENT"):
        params = event["ATTENDEE"].params
        assert (params["ROLE"], params["PARTSTAT"], params["RSVP"], params["CUTYPE"]) == (
            "REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE", "INDIVIDUAL",
        )
    # The comma sits inside quotes, where a parser cannot take it for a separator.
    assert "ATTENDEE;CN=\"O'Neil, Ann\";" in _unfold(data)
    assert 'ORGANIZER;CN="Leading with Learning (ThemPra & Mapsar)":mailto:hello@example.org' in _unfold(data)


def test_a_name_with_double_quotes_survives_by_rfc_6868(folder, check_ics):
    peggy = folder.cohort("2026-autumn").participant("peggy.lowe@example.org")
    data = invitation_ics(_events(folder), 1, peggy, stamp=STAMP)
    strict, parsed = check_ics(data)
    assert "CN=\"Margaret ^'Peggy^' Lowe\"" in _unfold(data)
    assert strict.events[0].attendees[0].common_name == 'Margaret "Peggy" Lowe'
    assert parsed.walk("VEVENT")[0]["ATTENDEE"].params["CN"] == 'Margaret "Peggy" Lowe'


AWKWARD_LINE = "Zoë's café; a, b: c — naïve façade 🎉 Ærøskøbing \\ back"
AWKWARD_TEXT = "First line, with a comma; and a semicolon\nSecond: line 🎉\n\nÜnïcödé — “quotes”"


def test_commas_semicolons_newlines_emoji_and_accents_come_back_exactly(folder, check_ics):
    cohort = folder.cohort("2026-autumn")
    sessions = list(cohort.sessions)
    sessions[0] = sessions[0].model_copy(update={"theme": AWKWARD_LINE, "note": AWKWARD_TEXT})
    changed = _copy(cohort, sessions=sessions, zoom=Zoom(url=cohort.zoom.url, meeting_id="876 5432 1098", passcode=AWKWARD_LINE))
    person = Participant(name="Łucja O'Brien-Ñúñez, Dr; 🎉", email="lucja@example.org")
    events = _events(folder, cohort=changed)
    expected = events.event(1)
    assert AWKWARD_TEXT in expected.description and f"Passcode: {AWKWARD_LINE}" in expected.description

    strict, parsed = check_ics(invitation_ics(events, 1, person, stamp=STAMP))
    first_strict, first_parsed = strict.events[0], parsed.walk("VEVENT")[0]
    assert first_strict.summary == first_parsed["SUMMARY"] == expected.summary
    assert first_strict.description == first_parsed["DESCRIPTION"] == expected.description
    assert first_strict.attendees[0].common_name == first_parsed["ATTENDEE"].params["CN"] == person.name


def test_long_lines_are_folded_without_splitting_characters(folder, check_ics):
    cohort = folder.cohort("2026-autumn")
    sessions = list(cohort.sessions)
    sessions[0] = sessions[0].model_copy(update={"note": "é🎉" * 200})
    data = publish_ics(_events(folder, cohort=_copy(cohort, sessions=sessions)), stamp=STAMP)
    check_ics(data)  # every line <= 75 octets, each a whole UTF-8 string
    assert max(len(line) for line in data.split(b"\r\n")) > 70


# --- injection --------------------------------------------------------------------------

INJECTED = "Mallory\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nATTENDEE:mailto:evil@example.org\r\nX-EVIL:1"


def _no_injection(data: bytes, events_expected: int) -> None:
    lines = data.decode("utf-8").replace("\r\n ", "").split("\r\n")
    assert sum(line == "BEGIN:VEVENT" for line in lines) == events_expected
    assert not any(line.startswith(("X-EVIL", "ATTENDEE:mailto:evil")) for line in lines)
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    assert len(strict.events) == events_expected
    for event in strict.events:
        assert all("evil@" not in a.uri for a in event.attendees)
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        assert "X-EVIL" not in event


def test_line_breaks_in_a_participant_name_add_no_component_or_property(folder):
    # The models refuse line breaks in a name; the renderer must hold even without them.
    person = Participant.model_construct(name=INJECTED, email="mallory@example.org", status="registered")
    for _, data in invitations(_events(folder), person, stamp=STAMP):
        _no_injection(data, 1)
        [attendee] = [e["ATTENDEE"] for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
        assert str(attendee) == "mailto:mallory@example.org"


def test_line_breaks_in_a_zoom_passcode_add_no_component_or_property(folder):
    cohort = folder.cohort("2026-autumn")
    zoom = Zoom.model_construct(url=cohort.zoom.url, meeting_id="1", passcode=INJECTED)
    events = _events(folder, cohort=_copy(cohort, zoom=zoom))
    ann = cohort.participant("ann.oneil@example.org")
    for data, count in ((publish_ics(events, stamp=STAMP), 6), (invitation_ics(events, 1, ann, stamp=STAMP), 1)):
        _no_injection(data, count)
        description = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["DESCRIPTION"]
        assert "BEGIN:VEVENT" in description  # kept as harmless text inside the description


def test_line_breaks_in_an_address_are_refused_not_written(folder):
    cohort = folder.cohort("2026-autumn")
    zoom = Zoom.model_construct(url="https://zoom.example/j/1\r\nATTENDEE:mailto:evil@example.org", meeting_id=None, passcode=None)
    with pytest.raises(ValueError):
        publish_ics(_events(folder, cohort=_copy(cohort, zoom=zoom)), stamp=STAMP)
    person = Participant.model_construct(name="M", email="m@example.org\r\nX-EVIL:1", status="registered")
    with pytest.raises(ValueError):
        invitation_ics(_events(folder), 1, person, stamp=STAMP)


# --- property: any dates, any zone, across clock changes --------------------------------

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Europe/Dublin"]


def _near_changes() -> list[date]:
    """Days around every clock change of the test zones, 2025 to 2031."""
    days = set()
    for zone_name in ZONES:
        zone = ZoneInfo(zone_name)
        day = date(2025, 1, 1)
        while day < date(2032, 1, 1):
            if datetime.combine(day, time(12), zone).utcoffset() != datetime.combine(day + timedelta(days=1), time(12), zone).utcoffset():
                days.update(day + timedelta(days=k) for k in range(-3, 5))
            day += timedelta(days=1)
    return sorted(days)


NEAR_CHANGES = _near_changes()


@st.composite
def schedules(draw):
    zone = draw(st.sampled_from(ZONES))
    day = st.one_of(st.dates(date(2025, 1, 1), date(2031, 12, 31)), st.sampled_from(NEAR_CHANGES))
    dates = sorted(draw(st.sets(day, min_size=1, max_size=8)))
    sessions = []
    for d in dates:
        # Courses meet in the day time; clocks change in the small hours.
        start = time(draw(st.integers(6, 20)), draw(st.sampled_from([0, 15, 30, 45])))
        minutes = draw(st.integers(30, 180))
        end_dt = datetime.combine(d, start) + timedelta(minutes=minutes)
        if end_dt.date() != d:
            end_dt = datetime.combine(d, time(23, 59))
        sessions.append({"date": d, "start": start, "end": end_dt.time()})
    return zone, sessions


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedule=schedules())
def test_any_schedule_parses_back_to_the_same_instants(folder, check_ics, schedule):
    zone_name, sessions = schedule
    config = folder.config()
    config = config.model_copy(update={"timezone": zone_name})
    cohort = Cohort.model_validate({"course": "leading-with-learning", "sessions": sessions})
    cohort._id = "2030-test"
    data = publish_ics(_events(folder, cohort=cohort, config=config), stamp=STAMP)
    strict, parsed = check_ics(data)
    zone = ZoneInfo(zone_name)
    expected = [datetime.combine(s["date"], s["start"], zone).astimezone(UTC) for s in sessions]
    expected_end = [datetime.combine(s["date"], s["end"], zone).astimezone(UTC) for s in sessions]
    assert _utc_starts(strict) == expected
    assert [e.dtend.astimezone(UTC) for e in strict.events] == expected_end
    assert [e.start.astimezone(UTC) for e in parsed.walk("VEVENT")] == expected
    # Local wall-clock time is what was asked for, with the zone's TZID.
    assert [e.dtstart.replace(tzinfo=None) for e in strict.events] == [datetime.combine(s["date"], s["start"]) for s in sessions]
    # And the VTIMEZONE alone, without the zone database, gives the same instants.
    alone = IcsCalendarStream.calendar_from_ics(data.decode("utf-8").replace(zone_name, "Course/Zone"))
    assert _utc_starts(alone) == expected
    assert re.findall(r"TZID=([^:;]+)", data.decode("utf-8")) == [zone_name] * (2 * len(sessions))
