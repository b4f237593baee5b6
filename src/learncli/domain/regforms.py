"""What registration exports look like: the headers of the form and ticketing tools that
facilitators export from, and how their registration times are written.

- Google Forms: `Timestamp`, `Email address` (when collected), then each question's
  title as its header.
- Microsoft Forms: `ID`, `Start time`, `Completion time`, `Email`, `Name` (the
  respondent: `anonymous` and empty for a form anyone can answer), sometimes `Last
  modified time`, then the questions.
- Eventbrite attendee reports: `Order #`, `Order Date`, `First Name`, `Last Name`,
  `Email`, ticket and payment columns, `Attendee Status`, `Job Title`, `Company`, and the
  organiser's own questions.
- Zoom registration reports: a report block, then `First Name`, `Last Name`, `Email`,
  `Registration Time`, `Approval Status`, and the registration questions (`Job Title`,
  `Organization`, ...). A webinar attendee report puts the host's and the panelists'
  blocks (each under a header with `User Name (Original Name)` and `Email`) above the
  attendees' (`Attended`, `User Name (Original Name)`, `First Name`, `Last Name`,
  `Email`, ..., `Registration Time`, `Approval Status`, ..., `Country/Region Name`).
- Typeform: `#`, the questions, `Start Date (UTC)`, `Submit Date (UTC)`, `Network ID`;
  Jotform: `Submission Date` then the questions; Tally: `Submission ID`, `Respondent ID`,
  `Submitted at`, then the questions.

Times read: ISO (`2026-11-18 09:28:12`, with `T`, seconds, fractions, `Z` or an offset),
slashed or dotted numbers (`18/11/2026 09:28`, `11/18/26 9:28:12 AM`), and month names
(`Nov 18, 2026 9:28 AM`, `18 November 2026`). A time with `Z`, an offset, or a header
saying UTC is moved into the course's zone before its date is taken; any other time is
taken to be in that zone already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from learncli.domain.csvsheet import HeaderRules, header_key

#: Normalised header -> field, for headers that say exactly what they hold.
ALIASES: dict[str, str] = {
    "name": "name", "fullname": "name", "participant": "name", "participantname": "name", "yourname": "name",
    "attendeename": "name", "registrantname": "name",
    "firstname": "first_name", "givenname": "first_name", "forename": "first_name",
    "lastname": "last_name", "surname": "last_name", "familyname": "last_name",
    "email": "email", "emailaddress": "email", "email1": "email", "workemail": "email", "youremail": "email",
    "organisation": "organisation", "organization": "organisation", "org": "organisation",
    "employer": "organisation", "company": "organisation",
    "role": "role", "jobtitle": "role", "position": "role", "job": "role", "jobrole": "role",
    "po": "po", "ponumber": "po", "pono": "po", "purchaseorder": "po", "purchaseordernumber": "po", "poref": "po",
    "billingemail": "billing_email", "invoiceemail": "billing_email", "financeemail": "billing_email",
    "billingcontactemail": "billing_email", "invoiceto": "billing_email",
    "billingname": "billing_name", "billingcontact": "billing_name", "billingcontactname": "billing_name",
    "financecontact": "billing_name",
    "billingaddress": "billing_address", "invoiceaddress": "billing_address", "invoicingaddress": "billing_address",
    "timestamp": "registered", "completiontime": "registered", "orderdate": "registered",
    "registrationtime": "registered", "registrationdate": "registered", "submitdate": "registered",
    "submitdateutc": "registered", "submissiondate": "registered", "submittedat": "registered",
    "submittedatutc": "registered", "dateregistered": "registered", "registered": "registered",
    # Only a status that says whether the registration stands: a bare "Status" may be
    # anything ("invoice pending"), so it is read only with --map status=Status.
    "approvalstatus": "status", "attendeestatus": "status", "registrationstatus": "status", "orderstatus": "status",
}

#: Question titles, in lower case with punctuation as spaces, tried in this order.
KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"\bpurchase order\b|\bpo\b(?! box)|\bp o (number|no|ref)", "po"),
    (r"\b(invoice|invoices|invoicing|billing|finance|accounts)\b.*\be ?mail\b|\be ?mail\b.*\b(invoice|invoices|invoicing|billing|finance|accounts)\b", "billing_email"),
    (r"\b(billing|invoice|invoicing)\b.*\b(address|street|city|town|county|state|province|region|zip|post ?code|postal code|country)\b", "billing_address"),
    (r"\b(billing|invoice|finance)\b.*\b(name|contact|addressed)\b|\b(name|contact)\b.*\b(billing|invoice|finance)\b", "billing_name"),
    (r"\be ?mail\b", "email"),
    (r"\b(first|given) name\b|\bforename\b", "first_name"),
    (r"\b(last|family) name\b|\bsurname\b", "last_name"),
    (r"\bjob title\b|\brole\b|\bposition\b|\bjob\b", "role"),
    (r"\borganisation\b|\borganization\b|\bemployer\b|\bcompany\b", "organisation"),
    (r"\bname\b", "name"),
)

#: Statuses of a registration that did not become a place: skipped and listed.
#: ("Transferred": Eventbrite moved the ticket to someone else, who has a row of their own.)
_NOT_A_PLACE = re.compile(r"cancel|refund|transfer|denied|deny|reject|declin|pending|not approved|unapproved|not attending|deleted|blocked|waitlist")

#: Headers that hold no field of the participant whatever they contain: someone else's
#: details (who bought the ticket, who answered for them, their manager), or the name of
#: a place ("Country/Region Name" in a Zoom report).
ELSEWHERE: tuple[tuple[str, str], ...] = (
    (r"^(buyer|purchaser|respondent)\b", "the buyer's or the form's respondent column, not the participant's"),
    (r"\bmanager s\b|\bof (your )?(line )?manager\b", "someone else's (a manager)"),
    (r"\b(country|region|city|town|county|state|province|venue|event|course|school)\b.*\bname\b", "the name of a place or event, not a person"),
)


def _looks_like_email(value: str) -> bool:
    return "@" in value


def rules() -> HeaderRules:
    return HeaderRules(
        ALIASES,
        KEYWORDS,
        real={"email": _looks_like_email, "billing_email": _looks_like_email, "registered": lambda v: split_time(v) is not None},
        elsewhere=ELSEWHERE,
        text_fields=frozenset({"name", "first_name", "last_name", "organisation", "role", "po", "billing_name", "billing_address"}),
        multi=frozenset({"billing_address"}),
        parts={"name": ("first_name", "last_name")},
    )


def not_a_place(status: str) -> bool:
    """Whether an `Approval Status`/`Attendee Status` value means no place (denied,
    pending, cancelled, refunded, transferred, not attending ...)."""
    return bool(_NOT_A_PLACE.search(status.lower()))


# --- registration times -------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_CLOCK = r"(?:[ T,]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[ap]\.?m\.?)?)?\s*(?P<tz>z|utc|gmt|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})" + _CLOCK + r"$", re.IGNORECASE)
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})" + _CLOCK + r"$", re.IGNORECASE)
_MONTH_FIRST = re.compile(r"^(?:[a-z]+,?\s+)?(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _CLOCK + r"$", re.IGNORECASE)
_DAY_FIRST = re.compile(r"^(?:[a-z]+,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]{3,9})\.?,?\s+(?P<y>\d{4})" + _CLOCK + r"$", re.IGNORECASE)

#: Zones of the countries that write the month first (11/18/2026): the United States
#: and the Philippines. Everywhere else a 04/05/2026 is read day first.
_MONTH_FIRST_PREFIXES = ("US/", "America/Indiana/", "America/Kentucky/", "America/North_Dakota/")
_MONTH_FIRST_ZONES = {
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
    "America/Anchorage", "America/Juneau", "America/Sitka", "America/Nome", "America/Yakutat", "America/Metlakatla",
    "America/Adak", "America/Detroit", "America/Boise", "America/Menominee", "Pacific/Honolulu", "Asia/Manila",
    "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT",
}


def zone_writes_month_first(zone: str) -> bool:
    return zone in _MONTH_FIRST_ZONES or zone.startswith(_MONTH_FIRST_PREFIXES)


@dataclass
class RawTime:
    """A registration time split into numbers, before day and month order is decided."""

    year: int
    a: int  # month for ISO and month-name forms; first number of a numeric date
    b: int
    ordered: bool  # True: (a, b) is (month, day) already
    hour: int = 0
    minute: int = 0
    second: int = 0
    ampm: str | None = None
    tz: str | None = None


def split_time(text: str) -> RawTime | None:
    text = " ".join(text.strip().split())
    match = _ISO.match(text)
    if match:
        raw = RawTime(int(match["y"]), int(match["mo"]), int(match["d"]), True)
    elif match := _NUMERIC.match(text):
        year = int(match["y"])
        raw = RawTime(year + 2000 if year < 100 else year, int(match["a"]), int(match["b"]), False)
    else:
        match = _MONTH_FIRST.match(text) or _DAY_FIRST.match(text)
        if not match or match["mon"][:3].lower() not in _MONTHS:
            return None
        raw = RawTime(int(match["y"]), _MONTHS[match["mon"][:3].lower()], int(match["d"]), True)
    if match["h"] is not None:
        raw.hour, raw.minute, raw.second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    raw.ampm = match["ampm"][0].lower() if match["ampm"] else None
    raw.tz = match["tz"].lower() if match["tz"] else None
    return raw


def decide_day_first(times: list[RawTime], zone: str) -> bool | None:
    """Day first when any numeric date has a first number over 12, month first when any
    has a second number over 12, otherwise as the course's zone writes dates; None when
    the file has no numeric dates (ISO and month names need no decision)."""
    numeric = [t for t in times if not t.ordered]
    if not numeric:
        return None
    if any(t.a > 12 for t in numeric):
        return True
    if any(t.b > 12 for t in numeric):
        return False
    return not zone_writes_month_first(zone)


def registration_date(raw: RawTime, day_first: bool, zone: str, utc_header: bool) -> date | None:
    """The date of a registration time in the course's zone; None if it is no real date."""
    month, day = (raw.a, raw.b) if raw.ordered or not day_first else (raw.b, raw.a)
    hour = raw.hour
    if raw.ampm is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if raw.ampm == "p" else 0)
    try:
        moment = datetime(raw.year, month, day, hour, raw.minute, raw.second)
    except ValueError:
        return None
    offset = _offset(raw.tz, utc_header)
    if offset is None:
        return moment.date()
    return moment.replace(tzinfo=offset).astimezone(ZoneInfo(zone)).date()


def _offset(tz: str | None, utc_header: bool) -> timezone | None:
    if tz in ("z", "utc", "gmt") or (tz is None and utc_header):
        return timezone.utc
    if tz is None:
        return None
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def header_says_utc(title: str) -> bool:
    key = header_key(title)
    return key.endswith("utc") or key.endswith("gmt")
