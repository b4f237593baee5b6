"""Emails to participants: who gets which email, and what goes in it.

Pure: the cohort, the settings, the invoice ledger and today's date in; an `EmailPlan`
out, with one `Draft` per recipient (the participant and the plain values its templates
receive) and one `Skip` per registered participant who gets nothing, with the reason.
Rendering the templates and building the MIME message is `render.emails`; sending is
`mailer`.

The five kinds, and what is missing data for each:

* `joining` (before session 1): refused for the whole cohort without a Zoom link or
  when every session is cancelled. The payment gate: someone whose invoice is unpaid,
  or who has not been invoiced, is held (skipped, with the reason) unless
  `include_unpaid`, in which case their email says what is owed.
* `reminder --session N`: refused without a Zoom link, for a cancelled session, or
  for a session already past. The commitment made after the previous session is shown
  when there is one; none is not missing data (session 1 has no previous session).
* `payment-reminder`: only people with something unpaid; the others are skipped
  (nothing unpaid, or not invoiced yet). Copied to the invoice's billing contact.
* `follow-up --session N`: refused before the session has taken place, for a
  cancelled session, or when no commitment at all is recorded after it (record them
  first). Someone absent or excused, or with no commitment recorded, is skipped.
* `update` (after sessions moved, were cancelled or added): only people sent the
  joining email, and only with something they have not been told; see `domain.updates`.

Withdrawn participants get nothing, and naming one with `--participant` is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from learncli.domain.commitments import previous_session, review_session
from learncli.domain.lookup import find_course, find_participant, find_session
from learncli.domain.schedule import SessionTimes, fmt_day, session_times
from learncli.errors import Refused, UsageProblem
from learncli.models.cohort import Cohort, Commitment, Participant
from learncli.models.course import Config, Course
from learncli.models.email_log import EMAIL_KINDS, MessageKey, ToldSession, update_version

if TYPE_CHECKING:
    from learncli.domain.calendar import CohortEvents
    from learncli.domain.invoicing import Account, Ledger
    from learncli.models.email_log import LoggedMessage

KINDS: tuple[str, ...] = EMAIL_KINDS
#: Kinds that are about one session and need `--session N`.
SESSION_KINDS = frozenset({"reminder", "follow-up"})
#: Kinds that need the invoice ledger.
LEDGER_KINDS = frozenset({"joining", "payment-reminder"})


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
    #: Attach the participant's calendar invitations (joining emails).
    invitation: bool = False
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
    `ledger` is needed for joining and payment-reminder emails; `events` (with their
    current SEQUENCE) and `sent` (the send log's records) for update emails.
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
    people = _selected(cohort, participants)
    plan.withdrawn = [p.name for p in cohort.withdrawn_people] if not participants else []
    base = _Base(kind, cohort, course, config, times, today)

    if kind == "joining":
        assert ledger is not None
        _joining(plan, base, people, ledger, include_unpaid)
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


def _selected(cohort: Cohort, emails: Sequence[str]) -> list[Participant]:
    if not emails:
        return list(cohort.registered)
    chosen: list[Participant] = []
    for email in emails:
        person = find_participant(cohort, email)
        if not person.active:
            raise Refused(f"{person.name} <{person.email}> {person.no_place(cohort.id)}; only registered participants get this email")
        if person not in chosen:
            chosen.append(person)
    return chosen


# --- the kinds ----------------------------------------------------------------------


def _joining(plan: EmailPlan, base: _Base, people: list[Participant], ledger: Ledger, include_unpaid: bool) -> None:
    from learncli.domain.invoicing import invoice_for, unpaid

    base.require_zoom("joining")
    if all(t.cancelled for t in base.times):
        raise Refused(f"every session of {base.cohort.id} is cancelled; there is nothing to invite anyone to")
    for person in people:
        owed = unpaid(ledger, cohort=base.cohort.id, participant=person)
        invoiced = invoice_for(ledger, base.cohort.id, person) is not None
        if (owed or not invoiced) and not include_unpaid:
            if owed:
                reason = "unpaid: " + "; ".join(_owed_text(a, base.today) for a in owed)
            else:
                reason = "not invoiced yet (learn invoice run issues the invoice)"
            plan.skipped.append(Skip(person.email, person.name, f"held, {reason}", held=True))
            continue
        context = base.context(person)
        context["payment"] = {
            "invoiced": invoiced,
            "unpaid": [_invoice_values(a, base.today) for a in owed],
        }
        plan.drafts.append(Draft("joining", base.cohort.id, None, person, context, invitation=True))


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
        context["previous"] = base.session_values(base.times[previous - 1]) if previous else None
        found = _commitment(base.cohort, person, previous) if previous else None
        context["commitment"] = _commitment_values(found)
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
        context = base.context(person)
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
        context = base.context(person)
        context["session"] = base.session_values(slot)
        context["commitment"] = _commitment_values(found)
        context["next"] = base.session_values(base.times[following - 1]) if following else None
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

    def require_zoom(self, kind: str) -> None:
        zoom = self.cohort.zoom
        if not (zoom and zoom.url):
            raise Refused(
                f"{self.cohort.id} has no Zoom link yet, and the {kind} email is built around it; nothing was written",
                hint=f"add zoom: url: (and meeting_id: and passcode:) to cohorts/{self.cohort.id}.yaml",
            )

    def session(self, number: int, what: str) -> SessionTimes:
        slot = self.times[find_session(self.cohort, number)]
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
        }

    def context(self, person: Participant) -> dict[str, Any]:
        cohort, course, config = self.cohort, self.course, self.config
        zoom = cohort.zoom
        facilitators = []
        for facilitator_id in cohort.facilitator_ids(course):
            found = config.facilitator(facilitator_id)
            if found is not None:
                facilitators.append({"name": found.name, "organisation": found.organisation, "email": found.email})
        running = [t for t in self.times if not t.cancelled]
        names = _join_names([f["name"] for f in facilitators])
        signature = (config.email.signature or "").strip() or names or config.organisation.name
        return {
            "kind": self.kind,
            "today": self.today,
            "participant": {
                "name": person.name,
                "display_name": display_name(person.name),
                "first_name": first_name(person.name),
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
            "zoom": {"url": zoom.url, "meeting_id": zoom.meeting_id, "passcode": zoom.passcode} if zoom and zoom.url else None,
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
        "total": account.total,
        "paid": account.paid,
        "balance": account.balance,
        "currency": account.currency,
        "overdue": account.overdue(today),
        "days_overdue": account.days_overdue(today),
        "po": account.invoice.po,
        "bill_to": {"name": account.invoice.bill_to.name, "email": account.invoice.bill_to.email},
    }


def _owed_text(account: Account, today: date) -> str:
    from learncli.money import money

    when = "due on receipt" if account.due_on_receipt else f"due {fmt_day(account.due)}"
    late = f", {account.days_overdue(today)} days overdue" if account.overdue(today) else ""
    return f"{account.number} {money(account.balance, account.currency)} {when}{late}"


def _join_names(names: Iterable[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_NICKNAME = re.compile(r"[\"“]([^\"“”]+)[\"”]")


def first_name(name: str) -> str:
    """What to call someone in a greeting: `Ann` for `O'Neil, Ann`, `Peggy` for
    `Margaret "Peggy" Lowe`, else the first word of the name as written."""
    nickname = _NICKNAME.search(name)
    if nickname and nickname.group(1).strip():
        return nickname.group(1).strip()
    if name.count(",") == 1:
        surname, _, given = name.partition(",")
        if surname.strip() and given.strip():
            return given.split()[0]
    words = name.split()
    return words[0] if words else name


def display_name(name: str) -> str:
    """`Ann O'Neil` for `O'Neil, Ann`; any other name as written."""
    if name.count(",") == 1:
        surname, _, given = name.partition(",")
        if surname.strip() and given.strip():
            return f"{given.strip()} {surname.strip()}"
    return name


def time_label(zone: str) -> str:
    """How the course's clock is named in an email: `UK time` for Europe/London."""
    return "UK time" if zone in ("Europe/London", "GB", "GB-Eire", "Europe/Belfast") else f"{zone} time"
