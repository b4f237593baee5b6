"""Emails to participants: who gets which email, and what goes in it.

Pure: the cohort, the settings, the invoice ledger and today's date in; an `EmailPlan`
out, with one `Draft` per recipient (the participant and the plain values its templates
receive) and one `Skip` per registered participant who gets nothing, with the reason.
Rendering the templates and building the MIME message is `render.emails`; sending is
`mailer`.

The five kinds, and what is missing data for each:

* `joining` (before session 1, or on joining later): refused for the whole cohort
  without a Zoom link, when every session is cancelled, or when every session has
  taken place. Sent once the course is under way (a session that runs is past), it
  welcomes the person to the next session and lists, and invites them to, only the
  sessions still to come.
* `reminder --session N`: refused without a Zoom link, for a cancelled session, or
  for a session already past. The commitment made after the previous session is shown
  when there is one; none is not missing data (session 1 has no previous session).
* `payment-reminder`: only people with something unpaid; the others are skipped
  (nothing unpaid, or not invoiced yet). Copied to the invoice's billing contact.
* `follow-up --session N`: refused before the session has taken place, for a
  cancelled session, or when no commitment at all is recorded after it (record them
  first). Someone absent or excused, or with no commitment recorded, is skipped. It
  carries the Zoom details when a session follows; after the last one it does not.

The payment gate: every email that carries the Zoom details (joining, reminder, and a
follow-up with a session still to come) is held for someone whose invoice is unpaid,
or who has not been invoiced (skipped, with the reason), unless `include_unpaid`, in
which case their email says what is owed. The others never receive the Zoom details.
* `update` (after sessions moved, were cancelled or added): only people sent the
  joining email, and only with something they have not been told; see `domain.updates`.

Withdrawn participants get nothing, and naming one with `--participant` is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from learncli.domain.commitments import previous_session, review_session
from learncli.domain.lookup import find_course, find_participant, find_session
from learncli.domain.schedule import SessionTimes, by_number, fmt_day, session_times
from learncli.errors import Refused, UsageProblem
from learncli.models.cohort import Cohort, Commitment, Participant
from learncli.models.course import Config, Course
from learncli.models.email_log import EMAIL_KINDS, MessageKey, ToldSession, update_version
from learncli.prose_names import display_name

if TYPE_CHECKING:
    from learncli.domain.calendar import CohortEvents
    from learncli.domain.invoicing import Account, Ledger
    from learncli.models.email_log import LoggedMessage

KINDS: tuple[str, ...] = EMAIL_KINDS
#: What a joining run sends to someone on the waiting list instead.
WAITING_LIST = "waiting-list"
#: Kinds that are about one session and need `--session N`.
SESSION_KINDS = frozenset({"reminder", "follow-up"})
#: Kinds whose emails carry the Zoom details (a follow-up only when a session follows
#: it), and so pass the payment gate.
ZOOM_KINDS = frozenset({"joining", "reminder", "follow-up"})
#: Kinds that need the invoice ledger.
LEDGER_KINDS = ZOOM_KINDS | {"payment-reminder"}


def check_kind(kind: str) -> str:
    """The kind, or a usage error that lists them."""
    wanted = kind.strip().lower()
    if wanted not in KINDS:
        import difflib

        close = difflib.get_close_matches(wanted, KINDS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageProblem(f"no email kind {kind!r}{hint}: choose one of {', '.join(KINDS)}")
    return wanted


@dataclass(frozen=True)
class Draft:
    """One email to one participant, before it is rendered."""

    kind: str
    cohort: str
    session: int | None
    participant: Participant
    #: Everything the templates may use, as plain values (no models reach the sandbox).
    context: dict[str, Any]
    #: Copied in: (name, email) of billing contacts, for payment reminders.
    cc: tuple[tuple[str, str], ...] = ()
    #: The sessions whose calendar invitations are attached (joining emails).
    invitation: tuple[int, ...] = ()
    #: Joining and update emails: (session number, what it tells of it), for the send log.
    told: tuple[tuple[int, ToldSession], ...] = ()

    @property
    def key(self) -> MessageKey:
        """Kind, session, recipient and, for an update, the change it carries: what
        makes two messages the same message (`LoggedMessage.key` is the same)."""
        version = update_version(self.kind, {number: t.sequence for number, t in self.told})
        return (self.kind, self.session, self.participant.email, version)


@dataclass(frozen=True)
class Skip:
    """A registered participant who gets no email from this run, and why."""

    email: str
    name: str
    reason: str
    #: Held by the payment gate: `--include-unpaid` would send it.
    held: bool = False


@dataclass
class EmailPlan:
    kind: str
    cohort: str
    session: int | None
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    #: Names of withdrawn participants (never emailed).
    withdrawn: list[str] = field(default_factory=list)
    #: The run named people explicitly (`--participant`).
    named: bool = False


def plan_emails(
    kind: str,
    cohort: Cohort,
    config: Config,
    today: date,
    *,
    session: int | None = None,
    participants: Sequence[str] = (),
    ledger: Ledger | None = None,
    include_unpaid: bool = False,
    events: CohortEvents | None = None,
    sent: Sequence[LoggedMessage] = (),
) -> EmailPlan:
    """Who gets an email of `kind` for `cohort`, with what in it; see the module docstring.

    Raises `UsageProblem` for a missing or unwanted `session`, `NotFound` for a session
    or participant that does not exist, `Refused` when the whole run cannot go ahead.
    `ledger` is needed for every kind in `LEDGER_KINDS`; `events` (with their current
    SEQUENCE) and `sent` (the send log's records) for update emails.
    """
    kind = check_kind(kind)
    course = find_course(config, cohort.course)
    if kind in SESSION_KINDS and session is None:
        raise UsageProblem(f"{kind} emails are about one session: add --session N")
    if kind not in SESSION_KINDS and session is not None:
        raise UsageProblem(f"--session is for reminder and follow-up emails, not {kind}")
    if kind in LEDGER_KINDS and ledger is None:
        raise ValueError(f"{kind} emails need the invoice ledger")
    if kind == "update" and events is None:
        raise ValueError("update emails need the cohort's events")
    times = session_times(cohort, course, config.timezone)
    plan = EmailPlan(kind, cohort.id, session, named=bool(participants))
    people = _selected(cohort, participants, waiting=kind == "joining")
    plan.withdrawn = [p.name for p in cohort.withdrawn_people] if not participants else []
    base = _Base(kind, cohort, course, config, times, today, ledger, include_unpaid)

    if kind == "joining":
        _joining(plan, base, [p for p in people if p.active])
        _waiting_list(plan, base, [p for p in people if p.waiting])
    elif kind == "reminder":
        assert session is not None
        _reminder(plan, base, people, session)
    elif kind == "payment-reminder":
        assert ledger is not None
        _payment_reminder(plan, base, people, ledger)
    elif kind == "update":
        from learncli.domain.updates import plan_updates

        assert events is not None
        plan_updates(plan, base, people, events, list(sent))
    else:
        assert session is not None
        _follow_up(plan, base, people, session)
    return plan


def _selected(cohort: Cohort, emails: Sequence[str], *, waiting: bool = False) -> list[Participant]:
    """The people named (all registered ones when none is), and with `waiting` also those
    on the waiting list."""
    if not emails:
        return list(cohort.registered) + (cohort.waiting_list if waiting else [])
    chosen: list[Participant] = []
    for email in emails:
        person = find_participant(cohort, email)
        if not (person.active or (waiting and person.waiting)):
            raise Refused(f"{person.name} <{person.email}> {person.no_place(cohort.id)}; only registered participants get this email")
        if person not in chosen:
            chosen.append(person)
    return chosen


# --- the kinds ----------------------------------------------------------------------


def _joining(plan: EmailPlan, base: _Base, people: list[Participant]) -> None:
    base.require_zoom("joining")
    running = [t for t in base.times if not t.cancelled]
    if not running:
        raise Refused(f"every session of {base.cohort.id} is cancelled; there is nothing to invite anyone to")
    # A session on today's date is still to come (as for reminders).
    upcoming = [t for t in base.times if t.date >= base.today]
    ahead = [t for t in upcoming if not t.cancelled]
    if not ahead:
        raise Refused(
            f"every session of {base.cohort.id} has taken place (the last on {fmt_day(running[-1].date)}); "
            "a joining email would have nothing left to invite anyone to",
            hint="check the cohort (and --today)",
        )
    taken_place = sum(1 for t in running if t.date < base.today)
    for person in people:
        context = base.context(person)
        context["upcoming"] = [base.session_values(t) for t in upcoming]
        context["next_session"] = base.session_values(ahead[0])
        context["joined_late"] = taken_place > 0
        context["sessions_held"] = taken_place
        if base.admit(plan, person, context):
            plan.drafts.append(Draft("joining", base.cohort.id, None, person, context, invitation=tuple(t.number for t in ahead)))


def _waiting_list(plan: EmailPlan, base: _Base, people: list[Participant]) -> None:
    """The one email someone on the waiting list gets from a joining run: that they wait,
    and where in the queue. Its own kind in the send log, so that once they are given a
    place the joining email still goes to them."""
    queue = base.cohort.waiting_list
    for person in people:
        context = base.context(person)
        context["waiting"] = {"place": queue.index(person) + 1, "of": len(queue)}
        plan.drafts.append(Draft(WAITING_LIST, base.cohort.id, None, person, context))


def _reminder(plan: EmailPlan, base: _Base, people: list[Participant], number: int) -> None:
    slot = base.session(number, "a reminder")
    if slot.date < base.today:
        raise Refused(
            f"session {number} of {base.cohort.id} was on {fmt_day(slot.date)}; a reminder for it is too late",
            hint="check --session (and --today)",
        )
    base.require_zoom("reminder")
    previous = previous_session(base.cohort, number)
    for person in people:
        context = base.context(person)
        context["session"] = base.session_values(slot)
        context["previous"] = base.session_values(by_number(base.times, previous)) if previous else None
        found = _commitment(base.cohort, person, previous) if previous else None
        context["commitment"] = _commitment_values(found)
        if base.admit(plan, person, context):
            plan.drafts.append(Draft("reminder", base.cohort.id, number, person, context))


def _payment_reminder(plan: EmailPlan, base: _Base, people: list[Participant], ledger: Ledger) -> None:
    from learncli.domain.invoicing import how_to_pay, invoice_for, unpaid

    for person in people:
        owed = unpaid(ledger, cohort=base.cohort.id, participant=person)
        if not owed:
            if invoice_for(ledger, base.cohort.id, person) is None:
                reason = "not invoiced yet (learn invoice run issues the invoice)"
            else:
                reason = "nothing unpaid"
            plan.skipped.append(Skip(person.email, person.name, reason))
            continue
        context = base.context(person, zoom=False)
        invoices = []
        for account in owed:
            values = _invoice_values(account, base.today)
            pay = how_to_pay(base.config, account)
            values["reference"] = pay.reference
            invoices.append(values)
        first = owed[0]
        pay = how_to_pay(base.config, first)
        context["invoices"] = invoices
        context["total_owed"] = sum((a.balance for a in owed), Decimal("0.00"))
        context["currency"] = first.currency
        context["any_overdue"] = any(a.overdue(base.today) for a in owed)
        context["bank"] = pay.bank.model_dump() if pay.bank else None
        context["card_url"] = pay.card_url
        cc: list[tuple[str, str]] = []
        for account in owed:
            billing = account.invoice.bill_to
            if billing.email != person.email and all(billing.email != email for _, email in cc):
                cc.append((billing.name, billing.email))
        context["copied_to"] = [{"name": name, "email": email} for name, email in cc]
        plan.drafts.append(Draft("payment-reminder", base.cohort.id, None, person, context, cc=tuple(cc)))


def _follow_up(plan: EmailPlan, base: _Base, people: list[Participant], number: int) -> None:
    slot = base.session(number, "a follow-up")
    if slot.date > base.today:
        raise Refused(
            f"session {number} of {base.cohort.id} is on {fmt_day(slot.date)}; a follow-up comes after it",
            hint="check --session (and --today)",
        )
    if not any(c.session == number for c in base.cohort.commitments):
        raise Refused(
            f"no commitments are recorded after session {number} of {base.cohort.id} yet; "
            "the follow-up is built around each person's commitment",
            hint=f"record them first: learn commit add {base.cohort.id} EMAIL --session {number} TEXT (or learn commit import)",
        )
    following = review_session(base.cohort, number)
    marks = base.cohort.attendance.get(number, {})
    for person in people:
        mark = marks.get(person.email)
        if mark is not None and mark.status in ("absent", "excused"):
            plan.skipped.append(Skip(person.email, person.name, f"{mark.status} at session {number}"))
            continue
        found = _commitment(base.cohort, person, number)
        if found is None:
            plan.skipped.append(
                Skip(
                    person.email,
                    person.name,
                    f"no commitment recorded after session {number} "
                    f"(learn commit add {base.cohort.id} {person.email} --session {number} TEXT)",
                )
            )
            continue
        # After the last session there is no meeting left to join: no Zoom details, no gate.
        context = base.context(person, zoom=following is not None)
        context["session"] = base.session_values(slot)
        context["commitment"] = _commitment_values(found)
        context["next"] = base.session_values(by_number(base.times, following)) if following else None
        if base.admit(plan, person, context):
            plan.drafts.append(Draft("follow-up", base.cohort.id, number, person, context))


# --- values for the templates -------------------------------------------------------


@dataclass
class _Base:
    kind: str
    cohort: Cohort
    course: Course
    config: Config
    times: list[SessionTimes]
    today: date
    ledger: Ledger | None = None
    include_unpaid: bool = False

    def admit(self, plan: EmailPlan, person: Participant, context: dict[str, Any]) -> bool:
        """The payment gate, for an email whose `context` carries the Zoom details:
        someone unpaid or not invoiced is held (a `Skip` added to `plan`, False) unless
        `include_unpaid`; `context["payment"]` then says what is owed. An email without
        the Zoom details passes (`payment` None)."""
        from learncli.domain.invoicing import invoice_for, unpaid

        if context.get("zoom") is None:
            context["payment"] = None
            return True
        if self.ledger is None:
            raise ValueError(f"{self.kind} emails carry the Zoom details and need the invoice ledger for the payment gate")
        owed = unpaid(self.ledger, cohort=self.cohort.id, participant=person)
        invoiced = invoice_for(self.ledger, self.cohort.id, person) is not None
        if (owed or not invoiced) and not self.include_unpaid:
            if owed:
                reason = "unpaid: " + "; ".join(_owed_text(a, self.today) for a in owed)
            else:
                reason = "not invoiced yet (learn invoice run issues the invoice)"
            plan.skipped.append(Skip(person.email, person.name, f"held, {reason}", held=True))
            return False
        context["payment"] = {"invoiced": invoiced, "unpaid": [_invoice_values(a, self.today) for a in owed]}
        return True

    def require_zoom(self, kind: str) -> None:
        zoom = self.cohort.zoom
        if not (zoom and zoom.url):
            raise Refused(
                f"{self.cohort.id} has no Zoom link yet, and the {kind} email is built around it; nothing was written",
                hint=f"add zoom: url: (and meeting_id: and passcode:) to cohorts/{self.cohort.id}.yaml",
            )

    def session(self, number: int, what: str) -> SessionTimes:
        find_session(self.cohort, number)
        slot = by_number(self.times, number)
        if slot.cancelled:
            raise Refused(f"session {number} of {self.cohort.id} is cancelled; there is no {what.split()[-1]} to send for it")
        return slot

    def session_values(self, slot: SessionTimes) -> dict[str, Any]:
        return {
            "number": slot.number,
            "date": slot.date,
            "start": slot.start,
            "end": slot.end,
            "theme": slot.theme,
            "note": slot.session.note.strip() if slot.session.note else None,
            "cancelled": slot.cancelled,
            "makes_up": slot.session.makes_up,
        }

    def context(self, person: Participant, *, zoom: bool = True) -> dict[str, Any]:
        """The values every kind receives; `zoom=False` leaves the Zoom details out (an
        email that does not pass the payment gate must not be able to show them)."""
        cohort, course, config = self.cohort, self.course, self.config
        facilitators = []
        for facilitator_id in cohort.facilitator_ids(course):
            found = config.facilitator(facilitator_id)
            if found is not None:
                facilitators.append(
                    {"name": found.name, "display_name": display_name(found.name), "organisation": found.organisation, "email": found.email}
                )
        running = [t for t in self.times if not t.cancelled]
        names = _join_names([f["display_name"] for f in facilitators])
        signature = (config.email.signature or "").strip() or names or config.organisation.name
        return {
            "kind": self.kind,
            "today": self.today,
            "participant": {
                "name": person.name,
                "display_name": person.prose_name,
                "first_name": person.first_name,
                "email": person.email,
                "organisation": person.organisation,
                "role": person.role,
                "po": person.po,
            },
            "course": {
                "id": course.id,
                "title": course.title,
                "summary": " ".join(course.summary.split()) if course.summary else None,
                "fee": course.fee,
                "currency": course.currency,
            },
            "cohort": {
                "id": cohort.id,
                "title": cohort.display_title(course),
                "first_date": running[0].date if running else cohort.first_date,
                "last_date": running[-1].date if running else cohort.last_date,
                "session_count": len(running),
            },
            "sessions": [self.session_values(t) for t in self.times],
            "timezone": config.timezone,
            "time_label": time_label(config.timezone),
            "zoom": _zoom_values(cohort) if zoom else None,
            "facilitators": facilitators,
            "facilitator_names": names,
            "organisation": {
                "name": config.organisation.name,
                "email": config.organisation.email,
                "website": config.organisation.website,
            },
            "reply_to": config.email.reply_to or config.organisation.email,
            "signature": signature,
            "signature_lines": signature.splitlines(),
            "payment_terms_days": config.invoicing.payment_terms_days,
        }


def _zoom_values(cohort: Cohort) -> dict[str, Any] | None:
    zoom = cohort.zoom
    return {"url": zoom.url, "meeting_id": zoom.meeting_id, "passcode": zoom.passcode} if zoom and zoom.url else None


def _commitment(cohort: Cohort, person: Participant, session: int) -> Commitment | None:
    """The person's commitment made after `session` (the last one if there are two, C003)."""
    found = [c for c in cohort.commitments if c.email == person.email and c.session == session]
    return found[-1] if found else None


def _commitment_values(found: Commitment | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "session": found.session,
        "text": " ".join(found.text.split()),
        "factor": found.factor,
        "status": found.status,
    }


def _invoice_values(account: Account, today: date) -> dict[str, Any]:
    return {
        "number": account.number,
        "issued": account.issued,
        "due": account.due,
        "due_on_receipt": account.due_on_receipt,
        # What the invoice comes to after its credit notes, and what is held on it
        # (payments less refunds): "£383.34 (of £575.00; £191.66 received)".
        "total": account.net_total,
        "invoice_total": account.total,
        "credited": account.credited,
        "paid": account.held,
        "balance": account.balance,
        "currency": account.currency,
        "overdue": account.overdue(today),
        "days_overdue": account.days_overdue(today),
        "po": account.invoice.po,
        "bill_to": {"name": account.invoice.bill_to.name, "email": account.invoice.bill_to.email},
    }


def _owed_text(account: Account, today: date) -> str:
    from learncli.domain.accounts import account_outstanding

    return f"{account.number} {account_outstanding(account, today)}"


def _join_names(names: Iterable[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def time_label(zone: str) -> str:
    """How the course's clock is named in an email: `UK time` for Europe/London."""
    return "UK time" if zone in ("Europe/London", "GB", "GB-Eire", "Europe/Belfast") else f"{zone} time"
