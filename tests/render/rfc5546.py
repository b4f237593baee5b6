"""A checker of the tables of RFC 5546 (iTIP), section 3.2, for the methods learn writes:
3.2.1 PUBLISH, 3.2.2 REQUEST and 3.2.5 CANCEL of a VEVENT.

Written from the RFC's tables, not from learn's code, and reading the file with its own
small content-line reader (unfolding, parameters with quoted values), so that neither
learn's writer (icalendar) nor its assumptions decide what passes. `check_itip(data)`
raises AssertionError listing every rule the file breaks, and returns the METHOD.

Presence, as the tables write it: "1" exactly once, "1+" at least once, "0 or 1" at
most once, "0+" any number, "0" never. A property a table does not list is refused
unless it is an X- property (the tables allow IANA and X- properties; learn writes
none that is not listed). The tables' comments that can be checked are checked too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

ONE, ONE_OR_MORE, AT_MOST_ONE, ANY, NEVER = "1", "1+", "0 or 1", "0+", "0"

#: VEVENT properties, shared by the three tables except where a method's own row differs.
_COMMON = {
    "DTSTAMP": ONE,
    "UID": ONE,
    "ATTACH": ANY,
    "CATEGORIES": ANY,
    "CLASS": AT_MOST_ONE,
    "COMMENT": ANY,
    "CREATED": AT_MOST_ONE,
    "DESCRIPTION": AT_MOST_ONE,
    "DTEND": AT_MOST_ONE,
    "DURATION": AT_MOST_ONE,
    "EXDATE": ANY,
    "GEO": AT_MOST_ONE,
    "LAST-MODIFIED": AT_MOST_ONE,
    "LOCATION": AT_MOST_ONE,
    "PRIORITY": AT_MOST_ONE,
    "RDATE": ANY,
    "RECURRENCE-ID": AT_MOST_ONE,
    "RELATED-TO": ANY,
    "RESOURCES": ANY,
    "RRULE": AT_MOST_ONE,
    "STATUS": AT_MOST_ONE,
    "TRANSP": AT_MOST_ONE,
    "URL": AT_MOST_ONE,
}

#: 3.2.1, 3.2.2 and 3.2.5: the VEVENT's properties, then the calendar's components.
TABLES: dict[str, dict[str, dict[str, str]]] = {
    "PUBLISH": {
        "VEVENT": {
            **_COMMON,
            "DTSTART": ONE,
            "ORGANIZER": ONE,
            "SUMMARY": ONE,
            "SEQUENCE": AT_MOST_ONE,
            "CONTACT": AT_MOST_ONE,
            "ATTENDEE": NEVER,
            "REQUEST-STATUS": NEVER,
        },
        "components": {"VEVENT": ONE_OR_MORE, "VTIMEZONE": ANY, "VFREEBUSY": NEVER, "VJOURNAL": NEVER, "VTODO": NEVER},
        "VEVENT components": {"VALARM": ANY},
    },
    "REQUEST": {
        "VEVENT": {
            **_COMMON,
            "ATTENDEE": ONE_OR_MORE,
            "DTSTART": ONE,
            "ORGANIZER": ONE,
            "SEQUENCE": AT_MOST_ONE,
            "SUMMARY": ONE,
            "CONTACT": ANY,
            "REQUEST-STATUS": NEVER,
        },
        "components": {"VEVENT": ONE_OR_MORE, "VTIMEZONE": ANY, "VFREEBUSY": NEVER, "VJOURNAL": NEVER, "VTODO": NEVER},
        "VEVENT components": {"VALARM": ANY},
    },
    "CANCEL": {
        "VEVENT": {
            **_COMMON,
            "ATTENDEE": ANY,  # "MUST include some or all Attendees ..." (checked below)
            "ORGANIZER": ONE,
            "SEQUENCE": ONE,
            "DTSTART": AT_MOST_ONE,
            "SUMMARY": AT_MOST_ONE,
            "CONTACT": ANY,
            "REQUEST-STATUS": NEVER,
        },
        "components": {"VEVENT": ONE_OR_MORE, "VTIMEZONE": ANY, "VFREEBUSY": NEVER, "VJOURNAL": NEVER, "VTODO": NEVER},
        "VEVENT components": {"VALARM": NEVER},
    },
}

#: RFC 5545, 3.4 and 3.6: what every VCALENDAR has; iTIP adds METHOD.
CALENDAR_PROPERTIES = {"PRODID": ONE, "VERSION": ONE, "CALSCALE": AT_MOST_ONE, "METHOD": ONE}
#: RFC 5545, 3.6.6, for the alarms the REQUEST and PUBLISH tables allow.
ALARM_PROPERTIES = {"ACTION": ONE, "TRIGGER": ONE, "DESCRIPTION": AT_MOST_ONE, "SUMMARY": AT_MOST_ONE,
                    "DURATION": AT_MOST_ONE, "REPEAT": AT_MOST_ONE, "ATTACH": ANY, "ATTENDEE": ANY}
#: The STATUS values each table allows.
STATUSES = {"PUBLISH": {"TENTATIVE", "CONFIRMED", "CANCELLED"}, "REQUEST": {"TENTATIVE", "CONFIRMED"}, "CANCEL": {"CANCELLED"}}


@dataclass
class Property:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class Component:
    name: str
    properties: list[Property] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[Property]:
        return [p for p in self.properties if p.name == name]

    def value(self, name: str) -> str | None:
        found = self.all(name)
        return found[0].value if found else None


_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')


def parse(data: bytes) -> Component:
    """The VCALENDAR in `data`: components nested as written, properties in order."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n"), "a calendar ends with CRLF"
    lines = re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]
    stack: list[Component] = []
    root: Component | None = None
    for line in lines:
        name_match = re.match(r"[A-Za-z0-9-]+", line)
        assert name_match, f"not a content line: {line!r}"
        name = name_match.group().upper()
        rest = line[name_match.end():]
        params: dict[str, str] = {}
        while rest.startswith(";"):
            param = _PARAM.match(rest)
            assert param, f"a parameter that cannot be read in {line!r}"
            params[param.group(1).upper()] = param.group(2)
            rest = rest[param.end():]
        assert rest.startswith(":"), f"no ':' before the value in {line!r}"
        value = rest[1:]
        if name == "BEGIN":
            component = Component(value.upper())
            if stack:
                stack[-1].components.append(component)
            else:
                assert root is None, "more than one VCALENDAR"
                root = component
            stack.append(component)
        elif name == "END":
            assert stack and stack[-1].name == value.upper(), f"END:{value} closes {stack[-1].name if stack else 'nothing'}"
            stack.pop()
        else:
            assert stack, f"a property outside any component: {line!r}"
            stack[-1].properties.append(Property(name, params, value))
    assert root is not None and not stack, "the calendar is not closed"
    assert root.name == "VCALENDAR", f"the outer component is {root.name}"
    return root


def _presence(where: str, counts: Counter[str], table: dict[str, str], problems: list[str], *, others_allowed: bool) -> None:
    for name, rule in table.items():
        n = counts.get(name, 0)
        wrong = {ONE: n != 1, ONE_OR_MORE: n < 1, AT_MOST_ONE: n > 1, ANY: False, NEVER: n > 0}[rule]
        if wrong:
            problems.append(f"{where}: {name} appears {n} time(s); the table says {rule}")
    if not others_allowed:
        for name in counts:
            if name not in table and not name.startswith("X-"):
                problems.append(f"{where}: {name} is not in the table")


def check_itip(data: bytes) -> str:
    """Check `data` against RFC 5546's table for its METHOD; return the METHOD."""
    calendar = parse(data)
    problems: list[str] = []
    _presence("VCALENDAR", Counter(p.name for p in calendar.properties), CALENDAR_PROPERTIES, problems, others_allowed=True)
    method = (calendar.value("METHOD") or "").upper()
    assert method in TABLES, f"METHOD:{method or '(none)'} is not one learn writes (PUBLISH, REQUEST, CANCEL)"
    table = TABLES[method]
    _presence("VCALENDAR", Counter(c.name for c in calendar.components), table["components"], problems, others_allowed=True)

    events = [c for c in calendar.components if c.name == "VEVENT"]
    uids = {e.value("UID") for e in events}
    if method in {"REQUEST", "CANCEL"} and len(uids) > 1:
        problems.append(f"METHOD:{method}: every VEVENT must have the same UID; found {len(uids)}: {sorted(map(str, uids))}")

    zones = {c.value("TZID") for c in calendar.components if c.name == "VTIMEZONE"}
    for index, event in enumerate(events, 1):
        where = f"METHOD:{method} VEVENT {index} ({event.value('UID')})"
        _presence(where, Counter(p.name for p in event.properties), table["VEVENT"], problems, others_allowed=False)
        _presence(f"{where} components", Counter(c.name for c in event.components), table["VEVENT components"], problems, others_allowed=False)
        if event.all("DTEND") and event.all("DURATION"):
            problems.append(f"{where}: DTEND and DURATION together")
        if event.all("RECURRENCE-ID") and not event.all("RRULE"):
            problems.append(f"{where}: RECURRENCE-ID in an event that does not recur")
        sequence = event.value("SEQUENCE")
        if sequence is not None and not (sequence.isdigit() and int(sequence) <= 2_147_483_647):
            problems.append(f"{where}: SEQUENCE:{sequence} is not a non-negative 32-bit integer")
        # "MUST be present if value is greater than 0" reads as: an absent SEQUENCE is 0.
        status = event.value("STATUS")
        if status is not None and status.upper() not in STATUSES[method]:
            problems.append(f"{where}: STATUS:{status}; the table allows {sorted(STATUSES[method])}")
        if method == "CANCEL" and not event.all("ATTENDEE"):
            # 3.2.5: a CANCEL names the attendees it removes ("uninviting", no STATUS),
            # or, cancelling the whole event (STATUS:CANCELLED), some or all of them.
            problems.append(f"{where}: a CANCEL must name the attendees it is for")
        for prop in event.properties:
            tzid = prop.params.get("TZID")
            if tzid is not None and tzid.strip('"') not in zones:
                problems.append(f"{where}: {prop.name} refers to TZID {tzid}, which has no VTIMEZONE")
        for alarm in event.components:
            if alarm.name == "VALARM":
                counts = Counter(p.name for p in alarm.properties)
                _presence(f"{where} VALARM", counts, ALARM_PROPERTIES, problems, others_allowed=False)
                if (alarm.value("ACTION") or "").upper() == "DISPLAY" and not counts.get("DESCRIPTION"):
                    problems.append(f"{where} VALARM: a DISPLAY alarm needs a DESCRIPTION (RFC 5545, 3.6.6)")
    assert not problems, "RFC 5546 says no:\n  " + "\n  ".join(problems)
    return method


def check_attachment(part) -> str:  # noqa: ANN001 - an email.message.EmailMessage part
    """A `text/calendar` part of an email: its METHOD passes `check_itip` and is the
    MIME `method` parameter too (RFC 6047, 2.4). Returns the METHOD."""
    assert part.get_content_type() == "text/calendar", part.get_content_type()
    method = check_itip(part.get_payload(decode=True))
    assert (part.get_param("method") or "").upper() == method, f"MIME method={part.get_param('method')} but METHOD:{method}"
    return method
