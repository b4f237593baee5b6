"""iCalendar files (RFC 5545) for a cohort's sessions, built with the `icalendar` library.

What goes in an event is decided in `domain.calendar` (texts, UID, SEQUENCE); this module
only writes it down. icalendar does the parts that are easy to get wrong by hand: text
escaping (`\\,` `\\;` `\\n`), parameter values in quotes and RFC 6868 encoding (so
`CN="O'Neil, Ann"` and `Margaret ^'Peggy^' Lowe` survive), CRLF line ends, and folding
at 75 octets without splitting a UTF-8 character. Times are local with a TZID and a
VTIMEZONE, so a 09:30 London session stays at 09:30 across the clock change.

Public functions, each returning the bytes of one .ics file. Which METHOD each file
has, and what its events carry, follows the tables of RFC 5546 (iTIP), section 3.2;
tests/render/rfc5546.py checks every file against them:

* `publish_ics(events, numbers=None)` - METHOD:PUBLISH, no attendees: the whole cohort
  (cancelled sessions included, with STATUS:CANCELLED) for the facilitators' calendars
  or a shared link; or the sessions `numbers` only, such as the notice that a session
  of the cohort file is cancelled, or the joining email's file of every session.
* `invitation_ics(events, number, participant)` - METHOD:REQUEST of one session that is
  not cancelled, with them as ATTENDEE. A request holds the events of one UID only
  (3.2.2), so a participant gets one file per session: what `--per-participant` writes
  and what the joining email attaches (`invitations` gives them all).
* `cancel_ics(events, number, participant)` - METHOD:CANCEL of one cancelled session,
  STATUS:CANCELLED, addressed to one of its attendees.
* `withdrawal_ics(events, number, participant)` - METHOD:CANCEL that takes one
  participant who has withdrawn off a session that goes on for the others: them as
  ATTENDEE and no STATUS (3.2.5: STATUS:CANCELLED would cancel the whole event).

`events` comes from `learncli.store.calendar_state.sequenced_events(folder, tx, cohort_id)`,
which also keeps the SEQUENCE state; see its docstring.
"""

from __future__ import annotations

import calendar as _weekdays
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vRecur

if TYPE_CHECKING:
    from learncli.domain.calendar import CohortEvents, SessionEvent
    from learncli.models.cohort import Participant

PRODID = "-//learncli//learn calendar export//EN"
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


def publish_ics(events: CohortEvents, numbers: Iterable[int] | None = None, *, stamp: datetime | None = None) -> bytes:
    """Sessions as published events (METHOD:PUBLISH): every session of the cohort in
    order, or those in `numbers`.

    No attendees (RFC 5546, 3.2.1, forbids them): the file is for the facilitators and
    for anyone the cohort's dates may be shared with. A cancelled session stays, with
    STATUS:CANCELLED and its raised SEQUENCE. That is also how a calendar that imported
    the cohort file learns of a cancellation: the update of a published event is
    another PUBLISH (3.2.1 allows STATUS:CANCELLED there); a CANCEL is for an event
    people were invited to, and 3.2.5 wants the attendees it cancels for named in it.
    """
    sessions = events.events if numbers is None else tuple(events.event(n) for n in numbers)
    return _calendar(events, PUBLISH, sessions, stamp=stamp, name=events.calendar_name)


def invitation_ics(events: CohortEvents, number: int, participant: Participant, *, stamp: datetime | None = None) -> bytes:
    """One participant's invitation to session `number`: METHOD:REQUEST, one event.

    The event has the same UID and SEQUENCE as in `publish_ics`, so a later invitation
    updates it instead of adding a second. The ATTENDEE carries CN (their name),
    ROLE=REQ-PARTICIPANT, PARTSTAT=NEEDS-ACTION and RSVP=TRUE; the ORGANIZER is the
    organisation in courses.yaml. Use it inside the transaction that produced `events`:

        with folder.transaction(dry_run=dry_run) as tx:
            events = sequenced_events(folder, tx, cohort_id)
            for person in events.cohort.registered:
                files = invitations(events, person)

    Raises ValueError if the session is cancelled (it is no longer on offer).
    """
    event = events.event(number)
    if event.cancelled:
        raise ValueError(f"session {number} of {events.cohort.id} is cancelled; there is nothing to invite to")
    return _calendar(events, REQUEST, [event], stamp=stamp, attendee=participant)


def invitations(
    events: CohortEvents, participant: Participant, *, stamp: datetime | None = None, only: Collection[int] | None = None
) -> list[tuple[int, bytes]]:
    """`invitation_ics` of every session that is not cancelled (of `only`, when given: a
    late joiner is invited to the sessions still to come), with its number."""
    stamp = _utc_stamp(stamp)
    return [(e.number, invitation_ics(events, e.number, participant, stamp=stamp)) for e in events.active if only is None or e.number in only]


def cancel_ics(events: CohortEvents, number: int, participant: Participant, *, stamp: datetime | None = None) -> bytes:
    """METHOD:CANCEL of cancelled session `number` for one of its attendees: the same
    UID, its (raised) SEQUENCE, STATUS:CANCELLED, them as ATTENDEE."""
    event = events.event(number)
    if not event.cancelled:
        raise ValueError(f"session {number} of {events.cohort.id} is not cancelled")
    return _calendar(events, CANCEL, [event], stamp=stamp, attendee=participant)


def withdrawal_ics(events: CohortEvents, number: int, participant: Participant, *, stamp: datetime | None = None) -> bytes:
    """METHOD:CANCEL of session `number` for one participant who has withdrawn: its UID,
    them as the only ATTENDEE, no STATUS, and the SEQUENCE recorded for them by
    `domain.calendar.uninvite` (KeyError if none was), above the invitation they had.
    Their calendar drops the event; nobody else's changes (RFC 5546, 3.2.5: "If
    uninviting specific Attendees then MUST NOT be included", of STATUS)."""
    return _calendar(events, CANCEL, [events.uninvitation(number, participant.email)], stamp=stamp, attendee=participant)


# --- building -------------------------------------------------------------------------


def _calendar(
    events: CohortEvents,
    method: str,
    sessions: Sequence[SessionEvent],
    *,
    stamp: datetime | None,
    attendee: Participant | None = None,
    name: str | None = None,
) -> bytes:
    stamp = _utc_stamp(stamp)
    return _assemble(events, method, [_event_ical(events, s, method, stamp, attendee) for s in sessions], name=name)


@dataclass(frozen=True)
class _Person:
    name: str
    email: str


#: Who stands in for the attendee in an event written once for everyone invited to it.
_STAND_IN = _Person("Stand In", "stand-in@learn.invalid")


def _event_ical(events: CohortEvents, session: SessionEvent, method: str, stamp: datetime, attendee: Participant | None) -> bytes:
    """One event as icalendar writes it. A run writes the same event for each of twenty
    people, differing only in the ATTENDEE line: the event is written once, with a stand-in
    attendee, and each person's line (written by icalendar too: escaping, quoting, folding)
    takes the stand-in's place. icalendar writes each property as its own folded lines, so
    the result is the bytes a whole event written for that person would have."""
    if attendee is None:
        return _event(events, session, method, stamp, None).to_ical()
    invite = method == REQUEST
    template = _event_for_all(events, session, method, stamp)
    stand_in = _attendee_ical(_STAND_IN, invite)
    if template.count(stand_in) != 1:  # pragma: no cover - icalendar changed how it writes
        return _event(events, session, method, stamp, attendee).to_ical()
    return template.replace(stand_in, _attendee_ical(attendee, invite))


def _event_for_all(events: CohortEvents, session: SessionEvent, method: str, stamp: datetime) -> bytes:
    key = (session, method, stamp, events.alarm_minutes)
    found = _TEMPLATES.get(key)
    if found is None:
        if len(_TEMPLATES) >= 256:
            _TEMPLATES.clear()
        found = _TEMPLATES[key] = _event(events, session, method, stamp, _STAND_IN).to_ical()
    return found


_TEMPLATES: dict[tuple[object, ...], bytes] = {}


def _attendee_ical(person: Participant | _Person, invite: bool) -> bytes:
    """The ATTENDEE line(s) of `person`, folded, as they stand in a written event."""
    event = Event()
    event.add("attendee", _attendee(person, invite=invite))
    return event.to_ical().removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(b"END:VEVENT\r\n")


_END = b"END:VCALENDAR\r\n"


def _assemble(events: CohortEvents, method: str, parts: Sequence[bytes], *, name: str | None = None) -> bytes:
    """A VCALENDAR around events already written by icalendar.

    icalendar writes a component as its own lines followed by those of each
    subcomponent, so a calendar is its header, the VTIMEZONE and the events one after
    another, then END. Writing the pieces separately gives the same bytes, and lets one
    VTIMEZONE serve in every file of a run.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        # Apple Calendar and Google name a subscribed or imported calendar after this.
        cal.add("x-wr-calname", name)
    head = cal.to_ical()
    if not head.endswith(_END):  # pragma: no cover - icalendar changed how it writes
        raise RuntimeError("icalendar wrote an unexpected calendar ending")
    dates = [e.start.date() for e in events.events]
    return head[: -len(_END)] + _vtimezone_ical(events.zone, min(dates), max(dates)) + b"".join(parts) + _END


@lru_cache(maxsize=64)
def _vtimezone_ical(zone_name: str, first: date, last: date) -> bytes:
    return vtimezone(zone_name, first, last).to_ical()


def _event(events: CohortEvents, session: SessionEvent, method: str, stamp: datetime, attendee: Participant | _Person | None) -> Event:
    event = Event()
    event.add("uid", session.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", session.sequence)
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", session.summary)
    # Taking someone off a session that goes on: not the Zoom details (they may have
    # left unpaid), just which event leaves their calendar.
    if not (method == CANCEL and not session.cancelled):
        event.add("description", session.description)
        event.add("location", session.location)
        if session.url:
            event.add("url", session.url)
    organizer = vCalAddress(f"mailto:{session.organizer.email}")
    organizer.params["CN"] = session.organizer.name
    event.add("organizer", organizer)
    if attendee is not None:
        event.add("attendee", _attendee(attendee, invite=method == REQUEST))
    event.add("categories", list(session.categories))
    if session.cancelled:
        event.add("status", "CANCELLED")
    elif method != CANCEL:  # a CANCEL of an event that goes on uninvites: no STATUS
        event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    if not session.cancelled and method != CANCEL:
        event.add_component(_alarm(session, events.alarm_minutes))
    return event


def _attendee(person: Participant | _Person, *, invite: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    if invite:
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    return address


def _alarm(session: SessionEvent, minutes: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", session.summary)
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm


def _utc_stamp(stamp: datetime | None) -> datetime:
    if stamp is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if stamp.tzinfo is None:
        raise ValueError("stamp must be a zone-aware datetime")
    return stamp.astimezone(timezone.utc)


# --- VTIMEZONE ------------------------------------------------------------------------
#
# icalendar can derive a VTIMEZONE from zoneinfo (`Timezone.from_tzid`), but it lists
# every clock change as an RDATE, and Outlook reads such definitions wrongly (events
# after the first listed change shift by an hour). Calendar servers and Outlook itself
# write the yearly rule instead: "last Sunday of March at 01:00" as an RRULE. So the
# clock changes around the cohort's dates are found from zoneinfo, and when each kind of
# change follows one yearly rule over those years, the rule is written; a zone whose
# changes follow no such rule (Morocco's Ramadan changes, say) gets them listed by date.


@dataclass(frozen=True, slots=True)
class _Change:
    onset: datetime  # local wall-clock time before the change (RFC 5545, 3.6.5)
    offset_from: timedelta
    offset_to: timedelta
    name: str

    @property
    def kind(self) -> tuple[timedelta, timedelta, str]:
        return (self.offset_from, self.offset_to, self.name)


def vtimezone(zone_name: str, first: date, last: date) -> Timezone:
    """A VTIMEZONE for `zone_name` that is right from a year before `first` to a year after `last`."""
    first_year, last_year = first.year - 1, last.year + 1
    zone = ZoneInfo(zone_name)
    years = range(first_year, last_year + 1)
    changes = [change for year in years for change in _clock_changes(zone, year)]
    kinds: dict[tuple[timedelta, timedelta, str], list[_Change]] = {}
    for change in changes:
        kinds.setdefault(change.kind, []).append(change)
    rules = {kind: _yearly_rule(items, years) for kind, items in kinds.items()}

    tz = Timezone()
    tz.add("tzid", zone_name)
    if not changes or not all(rules.values()):
        # No clock changes, or no yearly rule: the offset in force at the start, then
        # each change listed by date (RDATE).
        start = datetime(first_year, 1, 1)
        offset = start.replace(tzinfo=zone).utcoffset() or timedelta()
        name = start.replace(tzinfo=zone).tzname() or _offset_name(offset)
        tz.add_component(_observance(TimezoneStandard, start, offset, offset, name))
    for kind, items in kinds.items():
        offset_from, offset_to, name = kind
        # Forward means summer time; this also keeps Europe/Dublin (whose tzdata calls
        # winter the "daylight" time) the right way round for calendar apps.
        cls = TimezoneDaylight if offset_to > offset_from else TimezoneStandard
        observance = _observance(cls, items[0].onset, offset_from, offset_to, name)
        if all(rules.values()):
            observance.add("rrule", rules[kind])
        elif len(items) > 1:
            observance.add("rdate", [item.onset for item in items[1:]])
        tz.add_component(observance)
    return tz


def _observance(cls: type, start: datetime, offset_from: timedelta, offset_to: timedelta, name: str) -> TimezoneStandard:
    observance = cls()
    observance.add("dtstart", start)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    observance.add("tzname", name)
    return observance


def _clock_changes(zone: ZoneInfo, year: int) -> list[_Change]:
    """Every change of UTC offset in `year`, found to the second."""
    out = []
    day = 86400
    moment = int(datetime(year, 1, 1, tzinfo=timezone.utc).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=timezone.utc).timestamp())
    before = _offset(zone, moment)
    while moment < end:
        after = _offset(zone, moment + day)
        if after != before:
            low, high = moment, moment + day
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            at = datetime.fromtimestamp(high, zone)
            onset = (datetime.fromtimestamp(high, timezone.utc) + before).replace(tzinfo=None)
            out.append(_Change(onset, before, after, at.tzname() or _offset_name(after)))
            before = after
        moment += day
    return out


def _offset(zone: ZoneInfo, timestamp: int) -> timedelta:
    return datetime.fromtimestamp(timestamp, zone).utcoffset() or timedelta()


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _yearly_rule(changes: Iterable[_Change], years: range) -> vRecur | None:
    """`FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU` if the changes happen once a year, every year in
    `years`, in the same month, on the same nth (or last) weekday, at the same time."""
    changes = list(changes)
    if [c.onset.year for c in changes] != list(years):
        return None
    first = changes[0].onset
    if any((c.onset.month, c.onset.weekday(), c.onset.time()) != (first.month, first.weekday(), first.time()) for c in changes):
        return None
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
    if all(c.onset.day + 7 > _weekdays.monthrange(c.onset.year, c.onset.month)[1] for c in changes):
        nth = -1
    else:
        ordinals = {(c.onset.day - 1) // 7 + 1 for c in changes}
        if len(ordinals) != 1:
            return None
        nth = ordinals.pop()
    return vRecur({"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{nth}{weekday}"})
