"""The checker of RFC 5546's tables (tests/render/rfc5546.py) must be able to fail: each
rule of the tables that learn's files depend on, broken on purpose in a small calendar
written by hand, is caught; the examples that follow the tables pass."""

from __future__ import annotations

import pytest

from tests.render.rfc5546 import check_itip, parse

ZONE = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:STANDARD
DTSTART:20251026T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
END:STANDARD
END:VTIMEZONE
"""

EVENT = """BEGIN:VEVENT
UID:{uid}
DTSTAMP:20260801T120000Z
SEQUENCE:1
DTSTART;TZID=Europe/London:20261104T093000
DTEND;TZID=Europe/London:20261104T123000
SUMMARY:Session 4
ORGANIZER;CN="Leading with Learning":mailto:hello@example.org
{extra}END:VEVENT
"""

ATTENDEE = 'ATTENDEE;CN="O\'Neil, Ann";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ann@example.org\n'
ALARM = "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Session 4\nTRIGGER:-PT30M\nEND:VALARM\n"


def calendar(method: str, *events: str, zone: str = ZONE, head: str = "PRODID:-//test//EN\nVERSION:2.0\n") -> bytes:
    text = f"BEGIN:VCALENDAR\n{head}METHOD:{method}\n{zone}{''.join(events)}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode("utf-8")


def event(extra: str = "", uid: str = "s4@example.org") -> str:
    return EVENT.format(uid=uid, extra=extra)


@pytest.mark.parametrize(
    "method, events",
    [
        ("PUBLISH", [event(ALARM), event("STATUS:CANCELLED\n", uid="s5@example.org")]),
        ("REQUEST", [event(ATTENDEE + "STATUS:CONFIRMED\n" + ALARM)]),
        ("CANCEL", [event(ATTENDEE + "STATUS:CANCELLED\n")]),  # the whole event
        ("CANCEL", [event(ATTENDEE)]),  # one attendee taken off it
    ],
    ids=["publish", "request", "cancel", "uninvite"],
)
def test_files_that_follow_the_tables_pass(method, events):
    assert check_itip(calendar(method, *events)) == method


@pytest.mark.parametrize(
    "method, events, expected",
    [
        ("REQUEST", [event(ATTENDEE), event(ATTENDEE, uid="s5@example.org")], "same UID"),
        ("REQUEST", [event()], "ATTENDEE appears 0 time(s); the table says 1+"),
        ("REQUEST", [event(ATTENDEE + "STATUS:CANCELLED\n")], "STATUS:CANCELLED"),
        ("REQUEST", [event(ATTENDEE + "REQUEST-STATUS:2.0;Success\n")], "REQUEST-STATUS appears 1"),
        ("REQUEST", [event(ATTENDEE).replace("ORGANIZER", "X-ORGANIZER")], "ORGANIZER appears 0"),
        ("REQUEST", [event(ATTENDEE + "SUMMARY:again\n")], "SUMMARY appears 2"),
        ("REQUEST", [event(ATTENDEE + "DURATION:PT3H\n")], "DTEND and DURATION together"),
        ("REQUEST", [event(ATTENDEE + "RECURRENCE-ID:20261104T093000Z\n")], "does not recur"),
        ("REQUEST", [event(ATTENDEE + "FOO:bar\n")], "FOO is not in the table"),
        ("PUBLISH", [event(ATTENDEE)], "ATTENDEE appears 1 time(s); the table says 0"),
        ("CANCEL", [event("STATUS:CANCELLED\n")], "must name the attendees"),
        ("CANCEL", [event(ATTENDEE + "STATUS:CONFIRMED\n")], "STATUS:CONFIRMED"),
        ("CANCEL", [event(ATTENDEE + "STATUS:CANCELLED\n" + ALARM)], "VALARM appears 1 time(s); the table says 0"),
        ("CANCEL", [event(ATTENDEE).replace("SEQUENCE:1\n", "")], "SEQUENCE appears 0 time(s); the table says 1"),
        ("CANCEL", [event(ATTENDEE), event(ATTENDEE, uid="s5@example.org")], "same UID"),
        ("PUBLISH", [event(ALARM.replace("DESCRIPTION:Session 4\n", ""))], "needs a DESCRIPTION"),
        ("PUBLISH", [event(ALARM.replace("TRIGGER:-PT30M\n", ""))], "TRIGGER appears 0"),
        ("PUBLISH", [event().replace("SEQUENCE:1", "SEQUENCE:-1")], "not a non-negative"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 12 else None,
)
def test_each_broken_rule_is_caught(method, events, expected):
    with pytest.raises(AssertionError, match=expected.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        check_itip(calendar(method, *events))


def test_the_calendar_level_rules_are_caught():
    with pytest.raises(AssertionError, match="no VTIMEZONE"):
        check_itip(calendar("PUBLISH", event(), zone=""))
    with pytest.raises(AssertionError, match="PRODID appears 0"):
        check_itip(calendar("PUBLISH", event(), head="VERSION:2.0\n"))
    with pytest.raises(AssertionError, match="VEVENT appears 0 time"):
        check_itip(calendar("PUBLISH"))
    with pytest.raises(AssertionError, match="VTODO appears 1"):
        check_itip(calendar("PUBLISH", event(), "BEGIN:VTODO\nUID:t@example.org\nDTSTAMP:20260801T120000Z\nEND:VTODO\n"))
    with pytest.raises(AssertionError, match="not one learn writes"):
        check_itip(calendar("REPLY", event(ATTENDEE)))


def test_the_reader_unfolds_lines_and_keeps_quoted_parameters_whole():
    data = calendar("REQUEST", event('ATTENDEE;CN="Colon: and; semi, comma";RSVP=TRUE:mailto:a\n @example.org\n'))
    [attendee] = parse(data).components[1].all("ATTENDEE")
    assert attendee.params == {"CN": '"Colon: and; semi, comma"', "RSVP": "TRUE"}
    assert attendee.value == "mailto:a@example.org"
    with pytest.raises(AssertionError, match="closes"):
        parse(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n")
