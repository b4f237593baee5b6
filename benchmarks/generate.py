"""A data folder of N cohorts x M participants, for the benchmarks: deterministic, valid, realistic.

    python benchmarks/generate.py OUT [--cohorts 500] [--participants 25] [--seed 1] [--today 2026-11-23]

Everything is written the way `learn` itself writes it, with the project's own writers
wherever there is one:

* each cohort starts as `store.edits.new_cohort_text` (what `learn cohort add` writes,
  with dates proposed by `domain.schedule.propose_dates`, so weekends and bank holidays
  move to the next working day); a person then pastes in the Zoom details; participants,
  attendance and commitments follow in the layout that `learn participant add`,
  `learn attend` and `learn commit` leave behind (a test replays those edits with the
  store and compares the text);
* the ledger is `store.ledger.header` + `store.ledger.entry_text` of invoices built by
  `domain.billing.build_invoice`, appended in the order they were recorded;
* the calendar state holds what `learn calendar export` recorded for every cohort
  (`domain.calendar.cohort_events`, written by `store.calendar_state.state_text`).

The folder spreads over several courses (different lengths, times, rhythms and fees),
a pool of facilitators never booked twice at once, and up to ten years of cohorts, so
every rule of `learn validate` has work to do; it passes `learn validate` with no error.
Only the seed, the sizes and `--today` decide the content: the same arguments give the
same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO / "src"))

from learncli.domain.schedule import Holidays, ProposedDate, fmt_day, propose_dates  # noqa: E402
from learncli.models.course import HolidayRules  # noqa: E402
from learncli.store import edits  # noqa: E402
from learncli.store.ledger import scalar  # noqa: E402

#: Bump when the output changes for the same arguments (the runner regenerates).
VERSION = 2
DEFAULT_TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class CourseSpec:
    id: str
    short: str
    title: str
    themes: tuple[str, ...]
    start: time
    end: time
    fee: Decimal
    currency: str
    every_days: int
    min_gap_days: int
    max_span_days: int
    contribution: Decimal | None = None


COURSES: tuple[CourseSpec, ...] = (
    CourseSpec(
        "leading-with-learning", "lwl", "Leading with Learning",
        ("What is learning?", "Nurturing the conditions for learning", "Building purpose and motivation",
         "Targeting our learning", "Connecting learning cycles", "Making learning a habit"),
        time(9, 30), time(12, 30), Decimal("575.00"), "GBP", 14, 7, 98, Decimal("25.00"),
    ),
    CourseSpec(
        "learning-from-complexity", "lfc", "Learning from Complexity",
        ("Systems we are part of", "Listening for patterns", "Small experiments", "Making sense together"),
        time(13, 30), time(16, 0), Decimal("420.00"), "GBP", 14, 7, 70,
    ),
    CourseSpec(
        "coaching-conversations", "cc", "Coaching Conversations",
        ("Questions that open", "Staying with silence", "Goals and what lies under them", "Feedback as a gift", "Practice round"),
        time(10, 0), time(12, 0), Decimal("350.00"), "GBP", 7, 5, 45,
    ),
    CourseSpec(
        "relational-practice", "rp", "Relational Practice in Public Services",
        ("Relationships first", "Trust and risk", "Power in the room", "Working across boundaries",
         "Stories as evidence", "Leading without authority", "Sustaining ourselves", "What we take forward"),
        time(14, 0), time(17, 0), Decimal("690.00"), "EUR", 14, 7, 120,
    ),
)

FIRST = ("Ann", "Siân", "José", "Zoë", "Chidi", "Margaret", "Dónal", "Priya", "Tom", "Fatima", "Rory", "Eleanor",
         "Ciarán", "Mei", "Olu", "Hannah", "Kwame", "Agnieszka", "Lars", "Noor", "Ravi", "Beatriz", "Ewan", "Ingrid",
         "Samir", "Yusuf", "Claire", "Dafydd", "Aoife", "Marek", "Grace", "Tomasz", "Leila", "Oscar", "Ffion", "Nikhil")
LAST = ("O'Neil", "Evans", "Martínez-Ibáñez", "Hartmann", "Okafor", "Lowe", "Ó Briain", "Raman", "Whitfield",
        "Al-Sayed", "McAllister", "Shaw", "O'Rourke", "Chen", "Adeyemi", "Kowalski", "Lindqvist", "Haddad", "Patel",
        "Costa", "MacLeod", "Berg", "Rahman", "Doyle", "Jones", "Nowak", "Mensah", "Price", "Takahashi", "Ferreira")
PLACES = ("Northshire", "Eastbridge", "Westvale", "Lowmoor", "Riverside", "Greenfields", "Harbour", "Midfield",
          "Ashford", "Brookdale", "Carrow", "Dunmore", "Elmstead", "Fairhaven", "Glenbury", "Hollins", "Ivydale",
          "Kingsmere", "Larkhill", "Marlow", "Newbridge", "Oakham", "Penrose", "Queensbury")
KINDS = (  # what kind of employer, the end of its mail domain, and whether it pays through accounts payable with a PO
    ("County Council", "cc", True), ("City Council", "city", True), ("NHS Foundation Trust", "nhs", True),
    ("Housing Association", "housing", False), ("Community Trust", "trust", False),
    ("Voluntary Action", "cvs", False), ("Police Service", "police", True), ("College", "college", False),
)
ORGANISATIONS = tuple(
    (f"{place} {kind}", f"{place.lower()}-{slug}.example.org", central) for place in PLACES for kind, slug, central in KINDS
) + (("Independent consultant", "mail.example.org", False),)
ROLES = ("Head of Workforce Development", "Learning and Development Lead", "Service Manager", "Policy Officer",
         "OD Practitioner", "Team Manager", "Head of Transformation", "Volunteer Coordinator", "Strategy Manager",
         "Practice Educator", "Programme Lead", "Organisation development consultant")
ACTIONS = (
    "Hold back from giving the answer in one supervision session each week",
    "Ask the team at the Monday huddle what surprised them last week",
    "Put a short reflection slot at the end of the partnership meeting",
    "Invite a colleague from another service to sit in on our planning day",
    "Write down the purpose of the weekly meeting and test it with two people",
    "Try one experiment with the rota and look at what happens after a fortnight",
    "Pair each new starter with someone outside their own team for a month",
    "Share a mistake of my own, and what it taught me, with the leadership group",
    "Map where learning already happens in the service on one page",
    "Talk with my manager about protected time for reflective practice",
)
REVIEW_NOTES = ("went better than expected", "started, to be continued after the holidays", "the team asked to keep it",
                "no time this month; will try again", "the board agreed to a trial")
STATUSES = (("present", 80), ("late", 7), ("left-early", 5), ("absent", 5), ("excused", 3))
REVIEWS = (("done", 55), ("partly", 25), ("not-done", 12), ("dropped", 8))


@dataclass
class Person:
    name: str
    email: str
    organisation: str
    role: str
    po: str | None
    billing_name: str | None
    billing_email: str | None
    registered: date
    withdrawn: date | None = None

    def entry(self) -> dict[str, Any]:
        """The participant as `learn participant add` writes it (its keys, in its order)."""
        from learncli.domain.people import participant_entry

        return participant_entry(
            {"name": self.name, "email": self.email, "organisation": self.organisation, "role": self.role,
             "po": self.po, "billing_name": self.billing_name, "billing_email": self.billing_email,
             "registered": self.registered}
        )


@dataclass
class CommitmentPlan:
    email: str
    session: int
    text: str
    factor: str
    status: str | None = None  # None: not reviewed yet
    note: str | None = None
    reviewed: date | None = None

    def entry(self) -> dict[str, Any]:
        from learncli.domain.commitments import entry

        return entry(self.email, self.session, self.text, self.factor)


@dataclass
class CohortPlan:
    id: str
    course: CourseSpec
    title: str
    facilitators: list[str]
    dates: list[ProposedDate]
    created: date
    capacity: int | None
    zoom: tuple[str, str, str]
    people: list[Person] = field(default_factory=list)
    #: session number -> email -> "present" or {"status": ..., "minutes": ...}
    marks: dict[int, dict[str, Any]] = field(default_factory=dict)
    commitments: list[CommitmentPlan] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.dates[0].date


# --- text, in learn's own layout -------------------------------------------------------


def _moved(p: ProposedDate) -> str | None:
    if p.moved_from is None:
        return None
    base = f"moved from {fmt_day(p.moved_from)}"
    return f"{base}: {p.reason}" if p.reason else base


def head_text(plan: CohortPlan) -> str:
    """What `learn cohort add` wrote, with the Zoom details pasted in by hand."""
    text = edits.new_cohort_text(
        course_id=plan.course.id,
        course_title=plan.course.title,
        title=plan.title,
        facilitators=plan.facilitators,
        dates=[(p.date, plan.course.themes[p.number - 1], _moved(p)) for p in plan.dates],
        capacity=plan.capacity,
        created=plan.created,
    )
    url, meeting_id, passcode = plan.zoom
    return (
        text.replace("  url:\n", f"  url: {url}\n", 1)
        .replace("  meeting_id:\n", f"  meeting_id: {meeting_id}\n", 1)
        .replace("  passcode:\n", f"  passcode: {passcode}\n", 1)
    )


def _mapping_item(values: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for i, (key, value) in enumerate(values.items()):
        lead = pad + "- " if i == 0 else pad + "  "
        lines.append(f"{lead}{key}: {scalar(value)}")
    return lines


def _mark_text(value: Any) -> str:
    if isinstance(value, str):
        return scalar(value)
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"


def cohort_text(plan: CohortPlan) -> str:
    """The whole cohort file, as the commands that built it would have left it."""
    head = head_text(plan)
    if not plan.people:
        return head
    lines = ["participants:"]
    for person in plan.people:
        values = person.entry()
        if person.withdrawn is not None:
            values.update(status="withdrawn", withdrawn=person.withdrawn)
        lines += _mapping_item(values, 2)
    if plan.marks:
        lines.append("attendance:")
        for number in sorted(plan.marks):
            lines.append(f"  {number}:")
            lines += [f"    {email}: {_mark_text(value)}" for email, value in plan.marks[number].items()]
    if plan.commitments:
        lines.append("commitments:")
        for c in plan.commitments:
            values = c.entry()
            if c.status is not None:
                values["status"] = c.status
                if c.note:
                    values["note"] = c.note
                values["reviewed"] = c.reviewed
            lines += _mapping_item(values, 2)
    before, marker, after = head.partition("participants: []\n")
    assert marker, "new_cohort_text changed its layout"
    return before + "\n".join(lines) + "\n" + after


def courses_text(courses: list[CourseSpec], facilitators: list[tuple[str, str, str, str]], years: list[int],
                 capacity: int) -> str:
    lines = [
        "# learn: organisation settings, facilitators and courses.",
        "# A generated folder for the benchmarks (benchmarks/generate.py): every name, address",
        "# and number in it is fictional.",
        "",
        "organisation:",
        "  name: Learning Together Partnership",
        "  address:",
        "    - Example House",
        "    - 1 Sample Street",
        "    - Anytown AB1 2CD",
        "  email: hello@example.org",
        "  website: https://example.org/learning-together",
        "",
        "timezone: Europe/London",
        "",
        "holidays:",
        "  country: GB",
        "  subdivision: ENG",
        "  extra:",
    ]
    for year in years:
        lines += [f"    - date: {year}-12-24", "      name: Office closed for Christmas Eve"]
    lines += [
        "",
        "invoicing:",
        "  prefix: LTP",
        '  number_format: "{prefix}-{year}-{seq:04d}"',
        "  payment_terms_days: 14",
        "  bank:",
        "    account_name: Learning Together Partnership",
        "    bank: Example Bank plc",
        '    sort_code: "00-00-00"',
        '    account_number: "00000000"',
        "  card_payment_url: https://pay.example.org/learning-together",
        "",
        "calendar:",
        "  alarm_minutes: 30",
        "",
        "facilitators:",
    ]
    for fid, name, email, organisation in facilitators:
        lines += [f"  - id: {fid}", f"    name: {scalar(name)}", f"    organisation: {organisation}", f"    email: {email}"]
    lines += ["", "courses:"]
    for course in courses:
        lines += [
            f"  - id: {course.id}",
            f"    title: {course.title}",
            "    themes:",
            *(f"      - {scalar(theme)}" for theme in course.themes),
            f'    start: "{course.start:%H:%M}"',
            f'    end: "{course.end:%H:%M}"',
            f"    fee: {course.fee}",
            f"    currency: {course.currency}",
        ]
        if course.contribution:
            lines += ["    contribution:", f"      amount: {course.contribution}", "      recipient: HLS Collaborative"]
        lines += [
            f"    capacity: {capacity}",
            f"    facilitators: [{facilitators[0][0]}, {facilitators[1][0]}]",
            "    scheduling:",
            f"      every_days: {course.every_days}",
            f"      min_gap_days: {course.min_gap_days}",
            f"      max_span_days: {course.max_span_days}",
        ]
    return "\n".join(lines) + "\n"


# --- planning ------------------------------------------------------------------------


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


class Bookings:
    """Which facilitator runs what when: nobody is booked into two overlapping sessions."""

    def __init__(self) -> None:
        self.taken: dict[str, dict[date, list[tuple[time, time]]]] = {}
        self.order: list[str] = []

    def add_facilitator(self, fid: str) -> None:
        self.taken[fid] = defaultdict(list)
        self.order.append(fid)

    def free(self, fid: str, slots: list[tuple[date, time, time]]) -> bool:
        return all(not (s < e2 and s2 < e) for d, s, e in slots for s2, e2 in self.taken[fid].get(d, ()))

    def book(self, fid: str, slots: list[tuple[date, time, time]]) -> None:
        for d, s, e in slots:
            self.taken[fid][d].append((s, e))


def _facilitator(index: int) -> tuple[str, str, str, str]:
    first = FIRST[(index * 7) % len(FIRST)]
    last = LAST[(index * 11 + index // len(FIRST)) % len(LAST)]
    name = f"{first} {last}"
    fid = f"{_ascii(first)}-{_ascii(last)}-{index + 1}"
    organisation = ("ThemPra", "Mapsar", "Learning Together", "Freelance")[index % 4]
    return fid, name, f"{fid}@example.org", organisation


def _working_start(rng: random.Random, day: date) -> date:
    """A Monday to Thursday near `day`."""
    day += timedelta(days=rng.randint(-3, 3))
    while day.weekday() > 3:
        day += timedelta(days=1)
    return day


def plan_folder(cohorts: int, participants: int, seed: int, today: date) -> tuple[list[CohortPlan], list[tuple[str, str, str, str]], list[int]]:
    """Every cohort of the folder, and the facilitators they need."""
    rng = random.Random(seed)
    years = max(2, min(10, round(cohorts / 50)))
    first_day = date(today.year - years + 1, 1, 10)
    last_day = today + timedelta(days=90)
    year_list = list(range(first_day.year, last_day.year + 2))
    holidays = Holidays(HolidayRules(country="GB", subdivision="ENG",
                                     extra=[{"date": date(y, 12, 24), "name": "Office closed"} for y in year_list]))
    span = (last_day - first_day).days
    starts = sorted(_working_start(rng, first_day + timedelta(days=round(span * i / max(cohorts - 1, 1)))) for i in range(cohorts))

    bookings = Bookings()
    facilitators: list[tuple[str, str, str, str]] = []
    counters: dict[tuple[int, str, str], int] = defaultdict(int)
    plans = []
    for index, start in enumerate(starts):
        course = COURSES[rng.choices(range(len(COURSES)), weights=(5, 2, 2, 1))[0]]
        dates = propose_dates(start, len(course.themes), course.every_days, holidays)
        slots = [(p.date, course.start, course.end) for p in dates]
        chosen: list[str] = []
        offset = rng.randrange(len(bookings.order)) if bookings.order else 0
        for k in range(len(bookings.order)):
            fid = bookings.order[(offset + k) % len(bookings.order)]
            if bookings.free(fid, slots):
                chosen.append(fid)
                if len(chosen) == 2:
                    break
        while len(chosen) < 2:
            person = _facilitator(len(facilitators))
            facilitators.append(person)
            bookings.add_facilitator(person[0])
            chosen.append(person[0])
        for fid in chosen:
            bookings.book(fid, slots)

        season = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
                  6: "summer", 7: "summer", 8: "summer"}.get(start.month, "autumn")
        counters[(start.year, season, course.short)] += 1
        n = counters[(start.year, season, course.short)]
        cohort_id = f"{start.year}-{season}-{course.short}-{n}"
        title = f"{course.title} — {season.capitalize()} {start.year}" + (f" ({n})" if n > 1 else "")
        meeting = rng.randrange(10**10, 10**11)
        zoom = (f"https://us02web.zoom.us/j/{meeting}?pwd=Bench{index}",
                f"{str(meeting)[:3]} {str(meeting)[3:7]} {str(meeting)[7:]}", f"learn{rng.randrange(1000, 9999)}")
        plan = CohortPlan(cohort_id, course, title, chosen, dates, start - timedelta(days=120), None, zoom)
        _people(rng, plan, participants, today)
        _attendance(rng, plan, today)
        plans.append(plan)
    return plans, facilitators, year_list


def _people(rng: random.Random, plan: CohortPlan, count: int, today: date, window: tuple[date, date] | None = None) -> None:
    """`count` people registering between `window` (default: from the cohort's creation to
    a week before it starts); those whose registration is still to come are left out."""
    first, last = window or (plan.created + timedelta(days=1), plan.start - timedelta(days=7))
    used: set[str] = set()
    for _ in range(count):
        given, family = rng.choice(FIRST), rng.choice(LAST)
        organisation, domain, central = rng.choice(ORGANISATIONS)
        base = f"{_ascii(given)}.{_ascii(family)}"
        local, k = base, 2
        while local in used:
            local, k = f"{base}{k}", k + 1
        used.add(local)
        person = Person(
            name=f"{family}, {given}" if rng.random() < 0.15 else f"{given} {family}",
            email=f"{local}@{domain}",
            organisation=organisation,
            role=rng.choice(ROLES),
            po=f"PO-{rng.randrange(100000, 999999)}" if central else None,
            billing_name=f"{organisation}, Accounts Payable" if central and rng.random() < 0.5 else None,
            billing_email=None,
            registered=first + timedelta(days=rng.randint(0, max(0, (last - first).days))),
        )
        if person.billing_name:
            person.billing_email = f"accounts.payable@{domain}"
        if rng.random() < 0.04:
            person.withdrawn = person.registered + timedelta(days=rng.randint(1, max(1, (plan.start - person.registered).days - 1)))
        if person.registered > today:
            continue  # has not registered yet
        if person.withdrawn is not None and person.withdrawn > today:
            person.withdrawn = None
        plan.people.append(person)
    plan.people.sort(key=lambda p: p.registered)  # `learn participant add` appends as they come


def _attendance(rng: random.Random, plan: CohortPlan, today: date) -> None:
    registered = [p for p in plan.people if p.withdrawn is None]
    course = plan.course
    minutes = (course.end.hour * 60 + course.end.minute) - (course.start.hour * 60 + course.start.minute)
    for p in plan.dates:
        if p.date >= today or not registered:
            continue
        imported = rng.random() < 0.4  # from Zoom's report: every mark has its minutes
        marks: dict[str, Any] = {}
        for person in registered:
            status = _weighted(rng, STATUSES)
            if imported and status != "excused":
                spent = {"present": minutes - rng.randint(0, 5), "late": minutes - rng.randint(15, 40),
                         "left-early": minutes - rng.randint(15, 60), "absent": rng.randint(0, minutes // 4)}[status]
                marks[person.email] = {"status": status, "minutes": spent}
            else:
                marks[person.email] = status
        plan.marks[p.number] = marks
    for p in plan.dates[:-1]:
        if p.date >= today:
            break
        after = plan.dates[p.number].date  # the next session, where it is reviewed
        for person in registered:
            if rng.random() >= 0.75:
                continue
            factor = rng.choice(("capability", "motivation", "opportunity"))
            c = CommitmentPlan(person.email, p.number, rng.choice(ACTIONS), factor)
            if after < today:
                c.status = _weighted(rng, REVIEWS)
                c.note = rng.choice(REVIEW_NOTES) if rng.random() < 0.2 else None
                c.reviewed = after
            plan.commitments.append(c)


# --- the ledger and the calendar state -------------------------------------------------


def ledger_texts(plans: list[CohortPlan], config: Any, seed: int, today: date) -> dict[int, str]:
    """`invoices/<year>.yaml` for every year: invoice runs, payments and credit notes."""
    from learncli.domain.billing import Bill, build_invoice
    from learncli.domain.invoicing import format_number
    from learncli.models.cohort import Cohort, Participant
    from learncli.models.invoice import CreditNoteEntry, PaymentEntry
    from learncli.store.ledger import entry_text, header

    rng = random.Random(seed + 1)
    # (date, order, kind, payload): replayed in date order, numbers handed out as issued.
    events: list[tuple[date, int, str, Any]] = []
    order = 0

    def add(day: date, kind: str, payload: Any) -> None:
        nonlocal order
        order += 1
        events.append((day, order, kind, payload))

    for plan in plans:
        course = config.course(plan.course.id)
        cohort = Cohort.model_validate(
            {"course": plan.course.id, "title": plan.title, "sessions": [{"date": p.date} for p in plan.dates]}
        )
        cohort._id = plan.id
        first_run = plan.start - timedelta(days=42)
        second_run = plan.start - timedelta(days=10)
        for run in (first_run, second_run):
            if run > today:
                continue
            batch = [
                p for p in plan.people
                if (p.registered <= run if run == first_run else first_run < p.registered <= run)
                and (p.withdrawn is None or p.withdrawn > run)
            ]
            if batch:
                add(run, "run", (plan, cohort, course, batch))
    events.sort(key=lambda e: (e[0], e[1]))

    seqs: dict[int, int] = defaultdict(int)
    by_year: dict[int, list[Any]] = defaultdict(list)
    i = 0
    while i < len(events):
        day, _, kind, payload = events[i]
        i += 1
        if kind == "run":
            plan, cohort, course, batch = payload
            due = max(day, plan.start - timedelta(days=config.invoicing.payment_terms_days))
            for person in batch:
                seqs[day.year] += 1
                number = format_number(config.invoicing, day.year, seqs[day.year])
                participant = Participant.model_validate(person.entry())
                invoice = build_invoice(number, Bill([participant]), cohort, course, config, day, due)
                by_year[day.year].append(invoice)
                if person.withdrawn is not None:
                    _insert(events, i, (person.withdrawn, 0, "void", invoice))
                    continue
                for amount, paid_on in _payments(rng, invoice.total, day, due, today):
                    _insert(events, i, (paid_on, 0, "pay", (invoice, amount)))
        elif kind == "void":
            seqs[day.year] += 1
            number = format_number(config.invoicing, day.year, seqs[day.year])
            by_year[day.year].append(CreditNoteEntry(credit_note=number, issued=day, cancels=payload.invoice,
                                                     reason="Withdrew before the course started",
                                                     currency=payload.currency, total=payload.total))
        else:
            invoice, amount = payload
            method = "bank" if rng.random() < 0.7 else "card"
            reference = invoice.invoice if method == "bank" and rng.random() < 0.6 else None
            by_year[day.year].append(PaymentEntry(payment=invoice.invoice, date=day, amount=amount, method=method, reference=reference))
    return {year: header(year) + "".join("\n" + entry_text(e) for e in entries) for year, entries in sorted(by_year.items())}


def _insert(events: list[tuple[date, int, str, Any]], start: int, event: tuple[date, int, str, Any]) -> None:
    """Put `event` among the events still to replay, after those of the same day."""
    lo, hi = start, len(events)
    while lo < hi:
        mid = (lo + hi) // 2
        if events[mid][0] <= event[0]:
            lo = mid + 1
        else:
            hi = mid
    events.insert(lo, event)


def _payments(rng: random.Random, total: Decimal, issued: date, due: date, today: date) -> list[tuple[Decimal, date]]:
    """How an invoice was paid: in full, in two parts, or (recently) not yet."""
    recent = due > today - timedelta(days=60)
    roll = rng.random()
    if recent and roll < 0.25:
        return []
    when = issued + timedelta(days=rng.randint(1, max(1, (due - issued).days + 10)))
    if roll > 0.94:
        half = (total / 2).quantize(Decimal("0.01"))
        later = when + timedelta(days=rng.randint(10, 40))
        parts = [(half, when)] + ([(total - half, later)] if later <= today and not (recent and roll > 0.97) else [])
        return [(a, d) for a, d in parts if d <= today]
    return [(total, when)] if when <= today else []


def calendar_states(plans: list[CohortPlan], config: Any, today: date, seed: int) -> dict[str, Any]:
    """What `learn calendar export` recorded for each cohort exported so far."""
    from learncli.domain.calendar import cohort_events
    from learncli.models.calendar_state import SessionRecord
    from learncli.models.cohort import Cohort

    rng = random.Random(seed + 2)
    states: dict[str, Any] = {}
    for plan in plans:
        if plan.created > today:
            continue
        url, meeting_id, passcode = plan.zoom
        cohort = Cohort.model_validate(
            {"course": plan.course.id, "title": plan.title, "facilitators": plan.facilitators,
             "zoom": {"url": url, "meeting_id": meeting_id, "passcode": passcode},
             "sessions": [{"date": p.date} for p in plan.dates]}
        )
        cohort._id = plan.id
        records = dict(cohort_events(cohort, config.course(plan.course.id), config, {}).records)
        if rng.random() < 0.1:  # exported again after a change: the sequence rose once
            records = {n: SessionRecord(uid=r.uid, sequence=1, fingerprint=r.fingerprint, when=r.when) for n, r in records.items()}
        states[plan.id] = records
    return states


# --- writing the folder ------------------------------------------------------------------


@dataclass
class Summary:
    """What the benchmarks need to know about a generated folder."""

    cohort_ids: list[str]
    #: A cohort running on `today` (of the six-session course if one is), with its people
    #: and part of its attendance: what the single-cohort commands are timed on.
    running: str


def generate(root: Path, cohorts: int = 500, participants: int = 25, seed: int = 1, today: date = DEFAULT_TODAY) -> Summary:
    """Write the folder at `root` (which must not exist yet, or be empty)."""
    from learncli.skeleton import GITIGNORE
    from learncli.store.folder import DataFolder

    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise SystemExit(f"{root} is not empty")
    plans, facilitators, years = plan_folder(cohorts, participants, seed, today)
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (root / "courses.yaml").write_text(courses_text(list(COURSES), facilitators, years, max(30, participants)), encoding="utf-8")
    (root / "cohorts").mkdir()
    for plan in plans:
        (root / "cohorts" / f"{plan.id}.yaml").write_text(cohort_text(plan), encoding="utf-8")
    folder = DataFolder(root)
    config = folder.config()
    (root / "invoices").mkdir()
    for year, text in ledger_texts(plans, config, seed, today).items():
        (root / "invoices" / f"{year}.yaml").write_text(text, encoding="utf-8")
    write_calendar_state(folder, calendar_states(plans, config, today, seed))

    def fit(plan: CohortPlan) -> tuple[bool, bool, int, str]:
        running = plan.start < today <= plan.dates[-1].date
        return (running, plan.course is COURSES[0], sum(p.withdrawn is None for p in plan.people), plan.id)

    return Summary(sorted(p.id for p in plans), max(plans, key=fit).id)


def extra_cohort(root: Path, cohort_id: str, count: int, today: date = DEFAULT_TODAY, seed: int = 1) -> Path:
    """A cohort of `count` registered people starting in about two months, not invoiced
    yet and run by nobody in particular (so it double-books no one): for `invoice run`."""
    from learncli.store.folder import DataFolder

    rng = random.Random(f"{seed}:{cohort_id}")
    course = COURSES[0]
    holidays = Holidays(DataFolder(root).config().holidays)
    start = _working_start(rng, today + timedelta(days=56))
    dates = propose_dates(start, len(course.themes), course.every_days, holidays)
    plan = CohortPlan(cohort_id, course, f"{course.title}: {count} people", [], dates, today - timedelta(days=90),
                      count if count > 30 else None, ("https://us02web.zoom.us/j/12345678901", "123 4567 8901", "bench"))
    _people(rng, plan, count, today, (today - timedelta(days=60), today))
    for person in plan.people:
        person.withdrawn = None  # everyone still registered
    path = root / "cohorts" / f"{cohort_id}.yaml"
    path.write_text(cohort_text(plan), encoding="utf-8")
    return path


def write_calendar_state(folder: Any, states: dict[str, Any]) -> None:
    """Each cohort's calendar state, in the file and layout the store keeps it in."""
    from learncli.store.calendar_state import state_path, state_text

    for cohort_id, records in states.items():
        path = state_path(folder, cohort_id)
        path.parent.mkdir(exist_ok=True)
        path.write_text(state_text(records), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to create (must not exist, or be empty)")
    parser.add_argument("--cohorts", type=int, default=500)
    parser.add_argument("--participants", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY,
                        help="the day the folder is as of (pass the same --today to learn)")
    args = parser.parse_args(argv)
    summary = generate(args.out, args.cohorts, args.participants, args.seed, args.today)
    print(f"a cohort running on {args.today}: {summary.running}")
    print(f"wrote {args.out}: {args.cohorts} cohorts x {args.participants} participants (seed {args.seed}, as of {args.today})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
