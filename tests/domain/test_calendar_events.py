"""The events of a cohort's sessions, and when their SEQUENCE rises (pure: no files, no iCalendar)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from learncli.domain.calendar import apply_sequences, cohort_events, plan_events
from learncli.models.calendar_state import SessionRecord
from learncli.store.folder import DataFolder

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def autumn(data_dir):
    folder = DataFolder(data_dir)
    config = folder.config()
    cohort = folder.cohort("2026-autumn")
    return cohort, config.course(cohort.course), config


def _changed(cohort, **session_changes):
    """A copy of `cohort` with session changes: {'s3': {'date': ...}}."""
    copy = cohort.model_copy(deep=True)
    for key, values in session_changes.items():
        number = int(key[1:])
        copy.sessions[number - 1] = copy.sessions[number - 1].model_copy(update=values)
    copy._id = cohort.id
    return copy


def test_one_event_per_session_with_the_course_title_number_and_theme(autumn):
    cohort, course, config = autumn
    events = plan_events(cohort, course, config)
    assert [e.number for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[2].summary == "Leading with Learning — Session 3: Building purpose and motivation"
    assert events[0].start == datetime(2026, 9, 23, 9, 30, tzinfo=LONDON)
    assert events[0].end == datetime(2026, 9, 23, 12, 30, tzinfo=LONDON)
    assert events[2].uid == "2026-autumn-session-3.leading-with-learning@example.org"
    assert all(e.sequence == 0 and not e.cancelled for e in events)
    assert events[0].location == events[0].url == "https://us02web.zoom.us/j/87654321098?pwd=ExAmPlE2"
    assert events[0].organizer.email == "hello@example.org"
    assert events[0].categories == ("Leading with Learning",)


def test_description_has_theme_zoom_details_and_the_commitment(autumn):
    cohort, course, config = autumn
    events = plan_events(cohort, course, config)
    lines = events[2].description.split("\n")
    assert lines[0] == "Session 3 of 6: Building purpose and motivation"
    assert "Wed 21 Oct 2026, 09:30–12:30 (Europe/London time)" in lines
    assert "With Gabriel Eichsteller (ThemPra) and Roger Duck (Mapsar)." in lines
    assert "Join on Zoom: https://us02web.zoom.us/j/87654321098?pwd=ExAmPlE2" in lines
    assert "Meeting ID: 876 5432 1098" in lines
    assert "Passcode: LwL; autumn, 2026" in lines
    assert "action from session 2" in lines[-1] and "before session 4" in lines[-1]
    assert "before session 2" in events[0].description.split("\n")[-1]
    assert "after the course" in events[5].description.split("\n")[-1]


def test_a_cancelled_session_says_so_and_drops_the_joining_details(autumn):
    cohort, course, config = autumn
    cancelled = _changed(cohort, s6={"cancelled": True, "note": "facilitator ill"})
    event = plan_events(cancelled, course, config)[5]
    assert event.cancelled
    assert event.summary.startswith("Cancelled: Leading with Learning — Session 6")
    assert "This session is cancelled." in event.description
    assert "Note: facilitator ill" in event.description
    assert "Passcode" not in event.description


def test_without_a_zoom_link_the_event_says_it_will_follow(autumn):
    cohort, course, config = autumn
    no_zoom = cohort.model_copy(update={"zoom": None})
    no_zoom._id = cohort.id
    event = plan_events(no_zoom, course, config)[0]
    assert event.url is None
    assert event.location == "Online (Zoom link to follow)"
    assert "Zoom link will follow" in event.description


def test_first_export_starts_every_sequence_at_zero(autumn):
    events = cohort_events(*autumn, previous={})
    assert [e.sequence for e in events.events] == [0] * 6
    assert events.new == (1, 2, 3, 4, 5, 6) and events.changed == ()
    assert set(events.records) == {1, 2, 3, 4, 5, 6}
    assert events.records[4].when == "2026-11-04 09:30-12:30 Europe/London"


def test_unchanged_sessions_keep_their_sequence_and_records(autumn):
    first = cohort_events(*autumn, previous={})
    again = cohort_events(*autumn, previous=first.records)
    assert again.records == first.records
    assert again.changed == () and again.new == ()
    assert [e.sequence for e in again.events] == [0] * 6


@pytest.mark.parametrize(
    "change",
    [
        {"date": date(2026, 10, 22)},
        {"start": time(10, 0)},
        {"end": time(13, 0)},
        {"theme": "Purpose, motivation; and more"},
        {"note": "Bring a colleague's question"},
        {"cancelled": True},
    ],
    ids=["date", "start", "end", "theme", "note", "cancelled"],
)
def test_an_attendee_visible_change_raises_that_sessions_sequence_only(autumn, change):
    cohort, course, config = autumn
    first = cohort_events(cohort, course, config, previous={})
    later = cohort_events(_changed(cohort, s3=change), course, config, previous=first.records)
    assert later.changed == (3,)
    assert [e.sequence for e in later.events] == [0, 0, 1, 0, 0, 0]
    assert later.event(3).uid == first.event(3).uid


def test_zoom_details_changing_raise_every_session(autumn):
    cohort, course, config = autumn
    first = cohort_events(cohort, course, config, previous={})
    moved = cohort.model_copy(deep=True)
    moved.zoom.passcode = "new-passcode"
    moved._id = cohort.id
    later = cohort_events(moved, course, config, previous=first.records)
    assert later.changed == (1, 2, 3, 4, 5, 6)


def test_moving_back_does_not_lower_the_sequence(autumn):
    cohort, course, config = autumn
    first = cohort_events(cohort, course, config, previous={})
    moved = cohort_events(_changed(cohort, s3={"date": date(2026, 10, 22)}), course, config, previous=first.records)
    back = cohort_events(cohort, course, config, previous=moved.records)
    assert back.event(3).sequence == 2


def test_reminder_and_participants_are_not_changes_to_the_session(autumn):
    cohort, course, config = autumn
    first = cohort_events(cohort, course, config, previous={})
    other_alarm = config.model_copy(update={"calendar": config.calendar.model_copy(update={"alarm_minutes": 10})})
    fewer = cohort.model_copy(update={"participants": cohort.participants[:2]})
    fewer._id = cohort.id
    later = cohort_events(fewer, course, other_alarm, previous=first.records)
    assert later.changed == ()
    assert later.alarm_minutes == 10


def test_a_recorded_uid_is_kept_and_records_of_vanished_sessions_stay(autumn):
    cohort, course, config = autumn
    planned = plan_events(cohort, course, config)
    previous = {
        1: SessionRecord(uid="old-uid@elsewhere.example", sequence=4, fingerprint="0", when=None),
        9: SessionRecord(uid="nine@example.org", sequence=2, fingerprint="x"),
    }
    events, records, changed, new = apply_sequences(planned, previous)
    assert events[0].uid == "old-uid@elsewhere.example"
    assert events[0].sequence == 5 and changed == [1]
    assert new == [2, 3, 4, 5, 6]
    assert records[9] == previous[9]
    assert list(records) == [1, 2, 3, 4, 5, 6, 9]


# --- uninviting one participant (RFC 5546 3.2.5) ------------------------------------------


def _withdrawn(cohort, email):
    copy = cohort.model_copy(deep=True)
    copy.participant(email).status = "withdrawn"
    copy._id = cohort.id
    return copy


def test_an_uninvitation_goes_above_the_event_and_leaves_everyone_elses_sequence(autumn):
    from learncli.domain.calendar import uninvite

    cohort, course, config = autumn
    invited = cohort_events(cohort, course, config, previous={})
    left = cohort_events(_withdrawn(cohort, "zoe.hartmann@example.org"), course, config, previous=invited.records)
    assert left.changed == ()  # a withdrawal changes nobody's event
    gone = uninvite(left, "zoe.hartmann@example.org", [4, 5])
    assert gone.uninvitation(4, "zoe.hartmann@example.org").sequence == 1
    assert [e.sequence for e in gone.events] == [0] * 6
    assert gone.records[4].uninvited == {"zoe.hartmann@example.org": 1} and gone.records[6].uninvited == {}
    # Written again, the same SEQUENCE: the same file.
    assert uninvite(gone, "zoe.hartmann@example.org", [4]).records == gone.records

    # A later change to the session goes above the uninvitation, for everyone.
    moved = cohort_events(_changed(_withdrawn(cohort, "zoe.hartmann@example.org"), s4={"date": date(2026, 11, 5)}),
                          course, config, previous=gone.records)
    assert moved.event(4).sequence == 2 and moved.changed == (4,)
    # ... and her cancellation written after it goes above that again.
    assert uninvite(moved, "zoe.hartmann@example.org", [4]).uninvitation(4, "zoe.hartmann@example.org").sequence == 3


def test_someone_back_after_an_uninvitation_is_invited_above_it(autumn):
    from learncli.domain.calendar import uninvite

    cohort, course, config = autumn
    left = cohort_events(_withdrawn(cohort, "zoe.hartmann@example.org"), course, config, previous={})
    gone = uninvite(left, "zoe.hartmann@example.org", [5])
    back = cohort_events(cohort, course, config, previous=gone.records)  # reinstated
    assert back.event(5).sequence == 2 > gone.uninvitation(5, "zoe.hartmann@example.org").sequence
    assert back.changed == (5,) and back.records[5].uninvited == {}
    assert [back.event(n).sequence for n in (1, 2, 3, 4, 6)] == [0] * 5
