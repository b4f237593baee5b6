"""Invoices, credit notes and payments. Pure: ledger entries and models in, decisions out.

The ledger (`models.invoice`) is a journal; this module turns it into accounts (one per
invoice: what was invoiced, paid, credited, what is owed and by when) and decides what a
command may add to it:

* `plan_invoice_run` — who needs an invoice for a cohort, with numbers and due dates;
* `plan_payment` — a payment, refused if it would overpay or pays a void invoice;
* `plan_void` — a credit note cancelling an invoice;
* `unpaid`, `overdue`, `invoice_for`, `how_to_pay` — what reminders and emails need;
* `contributions`, `revenue`, `cohort_invoices` — reports and the status screen;
* `check_ledger` — the rules `learn validate` applies to the ledger.

Numbers come from `invoicing.number_format` (default `{prefix}-{year}-{seq:04d}`): the
next number of a series is one more than the highest ever used in it, so a number is
never reused, even when the invoice that had it was voided.
"""

from __future__ import annotations

import difflib
import re
import string
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from learncli.diagnostics import Diagnostic
from learncli.domain.schedule import fmt_day
from learncli.errors import DataError, NotFound, Refused
from learncli.limits import MAX_SEQUENCE
from learncli.models.cohort import Cohort, Participant
from learncli.models.course import BankDetails, Config, Course, Invoicing
from learncli.models.invoice import (
    BillTo,
    CreditNoteEntry,
    Entry,
    InvoiceEntry,
    InvoiceLine,
    PaymentEntry,
    Vat,
    entry_date,
    vat_amount,
)

if TYPE_CHECKING:
    from learncli.positions import Positions

ZERO = Decimal("0.00")


def _money(amount: Decimal, currency: str) -> str:
    from learncli.money import money

    return money(amount, currency)


# --- the ledger as accounts ---------------------------------------------------------


@dataclass
class Located:
    """An entry and where it is: its file, its index in `entries`, the file's positions."""

    entry: Entry
    path: Path
    index: int
    source: Positions | None = None

    def mark(self, key: str | None = None) -> tuple[int, int]:
        if self.source is None:
            return (0, 0)
        return self.source.mark(("entries", self.index, *((key,) if key else ())))

    def where(self) -> str:
        """`invoices/2026.yaml:12`, for messages that point at another entry."""
        line, _ = self.mark()
        return f"{self.path.parent.name}/{self.path.name}:{line}" if line else f"{self.path.parent.name}/{self.path.name}"

    def diagnostic(self, code: str, message: str, key: str | None = None) -> Diagnostic:
        line, col = self.mark(key)
        return Diagnostic.make(code, message, self.path, line, col)


@dataclass
class Account:
    """One invoice with everything that happened to it since."""

    invoice: InvoiceEntry
    at: Located
    payments: list[PaymentEntry] = field(default_factory=list)
    credit_note: CreditNoteEntry | None = None

    @property
    def number(self) -> str:
        return self.invoice.invoice

    @property
    def cohort(self) -> str:
        return self.invoice.cohort

    @property
    def participant(self) -> str:
        return self.invoice.participant

    @property
    def currency(self) -> str:
        return self.invoice.currency

    @property
    def total(self) -> Decimal:
        return self.invoice.total

    @property
    def issued(self) -> date:
        return self.invoice.issued

    @property
    def due(self) -> date:
        return self.invoice.due

    @property
    def due_on_receipt(self) -> bool:
        """Issued on or after the day payment was due: payable at once."""
        return self.invoice.due <= self.invoice.issued

    @property
    def void(self) -> bool:
        return self.credit_note is not None

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def balance(self) -> Decimal:
        """What is still owed; nothing for a void invoice."""
        return ZERO if self.void else self.total - self.paid

    @property
    def status(self) -> str:
        """`void`, `paid`, `part-paid` or `unpaid`."""
        if self.void:
            return "void"
        if self.balance <= 0:
            return "paid"
        return "part-paid" if self.payments else "unpaid"

    @property
    def settled_on(self) -> date | None:
        """The date of the payment that settled the invoice, if it is paid."""
        if self.status != "paid" or not self.payments:
            return None
        return max(p.date for p in self.payments)

    def overdue(self, today: date) -> bool:
        return not self.void and self.balance > 0 and today > self.due

    def days_overdue(self, today: date) -> int:
        return (today - self.due).days if self.overdue(today) else 0


class Ledger:
    """Every entry of every ledger file, in file order, with accounts per invoice."""

    def __init__(self, items: list[Located], *, other_numbers: Iterable[str] = ()) -> None:
        """`other_numbers`: numbers in use by entries left out of `items` (when `items` is
        one cohort's part of the ledger), so that `next_numbers` never reuses one."""
        self.items = items
        self.accounts: dict[str, Account] = {}
        self.credit_notes: dict[str, Located] = {}
        #: Every invoice or credit-note number -> where it is used (more than once is M001).
        self.numbers: dict[str, list[Located]] = defaultdict(list)
        for item in items:
            entry = item.entry
            if isinstance(entry, InvoiceEntry):
                self.numbers[entry.invoice].append(item)
                self.accounts.setdefault(entry.invoice, Account(entry, item))
            elif isinstance(entry, CreditNoteEntry):
                self.numbers[entry.credit_note].append(item)
                self.credit_notes.setdefault(entry.credit_note, item)
        for number in other_numbers:
            self.numbers.setdefault(number, [])
        for item in items:
            entry = item.entry
            if isinstance(entry, PaymentEntry) and entry.payment in self.accounts:
                self.accounts[entry.payment].payments.append(entry)
            elif isinstance(entry, CreditNoteEntry) and entry.cancels in self.accounts:
                account = self.accounts[entry.cancels]
                if account.credit_note is None:
                    account.credit_note = entry
        # Indexes for `all()`: the status screen asks once per cohort and once per person,
        # and a scan of every account each time made it quadratic in the ledger's size.
        self._by_cohort: dict[str, list[Account]] = defaultdict(list)
        self._by_participant: dict[str, list[Account]] = defaultdict(list)
        self._order = {number: index for index, number in enumerate(self.accounts)}
        for account in self.accounts.values():
            self._by_cohort[account.cohort].append(account)
            self._by_participant[account.participant].append(account)

    def __len__(self) -> int:
        return len(self.items)

    def account(self, number: str) -> Account:
        """The invoice `number`, or `NotFound` (with a suggestion) / `Refused` for a credit note."""
        wanted = number.strip()
        if wanted in self.accounts:
            return self.accounts[wanted]
        folded = {n.upper(): n for n in self.accounts}
        if wanted.upper() in folded:
            return self.accounts[folded[wanted.upper()]]
        if wanted in self.credit_notes:
            note = self.credit_notes[wanted].entry
            assert isinstance(note, CreditNoteEntry)
            raise Refused(f"{wanted} is a credit note (cancelling {note.cancels}), not an invoice")
        close = difflib.get_close_matches(wanted, list(self.accounts), n=1, cutoff=0.6)
        raise NotFound(f"no invoice {wanted!r} in the ledger", hint=f"did you mean {close[0]}?" if close else "see `learn invoice list`")

    def document(self, number: str) -> InvoiceEntry | CreditNoteEntry:
        """An invoice or a credit note by number (for rendering)."""
        if number.strip() in self.credit_notes:
            entry = self.credit_notes[number.strip()].entry
            assert isinstance(entry, CreditNoteEntry)
            return entry
        return self.account(number).invoice

    def all(self, *, cohort: str | None = None, participant: str | Participant | None = None) -> list[Account]:
        """Accounts in the order the invoices were recorded, optionally of one cohort / person.

        A person given as a `Participant` is found under every address they have had: an
        invoice keeps the email it was issued to when `participant edit` changes it."""
        if participant is None:
            wanted: frozenset[str] | None = None
        elif isinstance(participant, str):
            wanted = frozenset({participant.strip().lower()})
        else:
            wanted = frozenset(participant.emails)
        if cohort is not None:
            pool = self._by_cohort.get(cohort, [])
        elif wanted is not None:
            pool = sorted((a for email in wanted for a in self._by_participant.get(email, [])), key=lambda a: self._order[a.number])
        else:
            pool = list(self.accounts.values())
        return [a for a in pool if (cohort is None or a.cohort == cohort) and (wanted is None or a.participant in wanted)]

    def live(self, cohort: str, participant: str | Participant) -> Account | None:
        """The participant's invoice for the cohort that has not been voided, if any."""
        return next((a for a in self.all(cohort=cohort, participant=participant) if not a.void), None)


# --- numbers ------------------------------------------------------------------------


def _fields(fmt: str) -> list[tuple[str, str | None, str]]:
    return [(literal, name, spec or "") for literal, name, spec, _ in string.Formatter().parse(fmt)]


def format_number(invoicing: Invoicing, year: int, seq: int) -> str:
    return invoicing.number_format.format(prefix=invoicing.prefix, year=year, seq=seq)


def number_pattern(invoicing: Invoicing, year: int) -> re.Pattern[str]:
    """Matches the numbers of one series (one year, with the default format); group `seq`."""
    parts: list[str] = []
    for literal, name, spec in _fields(invoicing.number_format):
        parts.append(re.escape(literal))
        if name == "seq":  # once in a format (limits.number_format_problem)
            # At most nine digits (MAX_SEQUENCE): a longer run of digits is not one of ours.
            parts.append(r"(?P<seq>\d{1,9})")
        elif name == "prefix":
            parts.append(re.escape(format(invoicing.prefix, spec)))
        elif name == "year":
            parts.append(re.escape(format(year, spec)))
    return re.compile("".join(parts))


def used_seqs(ledger: Ledger, invoicing: Invoicing, year: int) -> list[tuple[int, str]]:
    """(seq, number) of every number in the series of `year`, sorted."""
    pattern = number_pattern(invoicing, year)
    found = []
    for number in ledger.numbers:
        match = pattern.fullmatch(number)
        if match:
            found.append((int(match.group("seq")), number))
    return sorted(found)


def next_numbers(ledger: Ledger, invoicing: Invoicing, issued: date, count: int) -> list[str]:
    """The next `count` numbers for documents issued on `issued`: never one used before."""
    seqs = used_seqs(ledger, invoicing, issued.year)
    seq = seqs[-1][0] if seqs else 0
    out: list[str] = []
    while len(out) < count:
        seq += 1
        if seq > MAX_SEQUENCE:
            last = format_number(invoicing, issued.year, MAX_SEQUENCE)
            raise Refused(
                f"the numbers of {issued.year} have reached {MAX_SEQUENCE:,}, the largest sequence learn issues",
                hint="start a new series: change invoicing.number_format or invoicing.prefix in courses.yaml",
                diagnostics=invoicing.format_diagnostics(
                    "M009", f"number_format: the series of {issued.year} has no number left after {last} ({MAX_SEQUENCE:,})"
                ),
            )
        number = format_number(invoicing, issued.year, seq)
        if number not in ledger.numbers and number not in out:
            out.append(number)
    return out


# --- issuing ------------------------------------------------------------------------


def first_session(cohort: Cohort) -> date:
    running = [s.date for s in cohort.sessions if not s.cancelled]
    return min(running) if running else cohort.first_date


def due_date(cohort: Cohort, invoicing: Invoicing, issued: date) -> tuple[date, bool]:
    """(due date, due on receipt?): the first session minus the payment terms, or the
    issue date itself when that day has already come."""
    due = first_session(cohort) - timedelta(days=invoicing.payment_terms_days)
    if issued >= due:
        return issued, True
    return due, False


def bill_to(person: Participant) -> BillTo:
    """The billing contact when the participant has one, else the participant."""
    if person.billing_name or person.billing_email or person.billing_address:
        name = person.billing_name or person.organisation or person.name
        organisation = person.organisation if person.organisation and person.organisation not in name else None
        return BillTo(name=name, organisation=organisation, email=person.billing_email or person.email, address=list(person.billing_address))
    return BillTo(name=person.name, organisation=person.organisation, email=person.email)


def describe(cohort: Cohort, course: Course) -> str:
    """The invoice line: course, cohort and its span."""
    running = [s.date for s in cohort.sessions if not s.cancelled] or [cohort.first_date]
    first, last = min(running), max(running)  # a make-up listed last may meet earlier
    return f"{cohort.display_title(course)}, {len(running)} sessions from {first.day} {first:%b %Y} to {last.day} {last:%b %Y}"


def course_vat(course: Course, config: Config) -> Vat | None:
    """The VAT on the course fee: only when the settings give a VAT number and a rate."""
    rate = config.vat_rate
    return None if rate is None else Vat(rate=rate, amount=vat_amount(course.fee, rate))


def amount_to_invoice(course: Course, config: Config) -> Decimal:
    """What one participant's invoice will come to: the fee, and VAT if any."""
    return config.invoice_total(course)


def build_invoice(
    number: str, person: Participant, cohort: Cohort, course: Course, config: Config, issued: date, due: date
) -> InvoiceEntry:
    fee = course.fee
    vat = course_vat(course, config)
    return InvoiceEntry(
        invoice=number,
        issued=issued,
        due=due,
        cohort=cohort.id,
        participant=person.email,
        participant_name=person.name,
        bill_to=bill_to(person),
        po=person.po,
        currency=course.currency,
        lines=[InvoiceLine(description=describe(cohort, course), amount=fee)],
        vat=vat,
        total=fee + (vat.amount if vat else ZERO),
    )


@dataclass
class RunPlan:
    """What `learn invoice run` will do for one cohort."""

    cohort: str
    issued: date
    due: date
    due_on_receipt: bool
    new: list[InvoiceEntry]
    #: Registered participants who already have a live invoice for the cohort.
    already: list[Account]
    #: Withdrawn participants, who are never invoiced by a run.
    withdrawn: list[Participant]
    #: People on the waiting list: invoiced when they are given a place.
    waiting: list[Participant] = field(default_factory=list)


def course_of(config: Config, cohort: Cohort) -> Course:
    """The cohort's course, which money needs (its fee): `DataError` if it is not defined."""
    course = config.course(cohort.course)
    if course is None:
        raise DataError(f"cohort {cohort.id} names course {cohort.course!r}, which is not in courses.yaml")
    return course


def plan_invoice_run(ledger: Ledger, config: Config, cohort: Cohort, today: date) -> RunPlan:
    """One invoice, issued today, for each registered participant without a live one."""
    course = course_of(config, cohort)
    for (_, index, _), problem in config.money_problems():
        if config.courses[index] is course:  # settings not read through the folder, which refuses them
            raise Refused(f"course {course.id}: {problem}")
    due, on_receipt = due_date(cohort, config.invoicing, today)
    needing = []
    already = []
    for person in cohort.registered:
        existing = ledger.live(cohort.id, person)
        if existing is None:
            needing.append(person)
        else:
            already.append(existing)
    numbers = next_numbers(ledger, config.invoicing, today, len(needing))
    new = [build_invoice(n, p, cohort, course, config, today, due) for n, p in zip(numbers, needing)]
    return RunPlan(cohort.id, today, due, on_receipt, new, already, cohort.withdrawn_people, cohort.waiting_list)


def plan_payment(
    ledger: Ledger, number: str, amount: Decimal, on: date, method: str, reference: str | None = None
) -> PaymentEntry:
    """A payment against invoice `number`; refused if it is void, settled, or would be overpaid."""
    account = ledger.account(number)
    if account.void:
        assert account.credit_note is not None
        raise Refused(
            f"{account.number} was voided by credit note {account.credit_note.credit_note} on "
            f"{fmt_day(account.credit_note.issued)}; a void invoice takes no payments"
        )
    if amount <= 0:
        raise Refused(f"a payment must be a positive amount, not {amount}")
    if account.balance <= 0:
        raise Refused(f"{account.number} is already paid in full ({_money(account.paid, account.currency)})")
    if amount > account.balance:
        raise Refused(
            f"{_money(amount, account.currency)} would overpay {account.number}: "
            f"{_money(account.balance, account.currency)} is outstanding of {_money(account.total, account.currency)}",
            hint=f"record at most {account.balance}; nothing was written",
        )
    return PaymentEntry(payment=account.number, date=on, amount=amount, method=method, reference=reference)


def plan_void(ledger: Ledger, invoicing: Invoicing, number: str, reason: str, today: date) -> CreditNoteEntry:
    """A credit note, numbered from the same sequence, cancelling invoice `number` in full."""
    account = ledger.account(number)
    if account.void:
        assert account.credit_note is not None
        raise Refused(f"{account.number} is already void (credit note {account.credit_note.credit_note})")
    if account.payments:
        raise Refused(
            f"{account.number} has {_money(account.paid, account.currency)} paid against it; "
            "learn voids only invoices with no payments",
            hint="refund the payment first, and correct the ledger by hand if the payment was recorded in error",
        )
    [credit] = next_numbers(ledger, invoicing, today, 1)
    return CreditNoteEntry(
        credit_note=credit, issued=today, cancels=account.number, reason=reason, currency=account.currency, total=account.total
    )


# --- what reminders and emails need -------------------------------------------------


def unpaid(ledger: Ledger, *, cohort: str | None = None, participant: str | Participant | None = None) -> list[Account]:
    """Invoices (not void) with something still owed, of one cohort and/or one participant."""
    return [a for a in ledger.all(cohort=cohort, participant=participant) if a.balance > 0]


def overdue(ledger: Ledger, today: date, *, cohort: str | None = None, participant: str | Participant | None = None) -> list[Account]:
    """Unpaid invoices whose due date has passed by `today`."""
    return [a for a in unpaid(ledger, cohort=cohort, participant=participant) if a.overdue(today)]


def invoice_for(ledger: Ledger, cohort: str, participant: str | Participant) -> Account | None:
    """The participant's live (not void) invoice for the cohort, if one was issued."""
    return ledger.live(cohort, participant)


def not_invoiced(ledger: Ledger, cohort: Cohort) -> list[Participant]:
    """Registered participants of `cohort` with no live invoice yet."""
    return [p for p in cohort.registered if ledger.live(cohort.id, p) is None]


@dataclass
class PaymentInstructions:
    """How to pay one invoice: what a payment reminder or the invoice itself says."""

    number: str
    #: What the payer should quote: always the invoice number.
    reference: str
    amount: Decimal
    currency: str
    due: date
    due_on_receipt: bool
    bank: BankDetails | None
    card_url: str | None


def how_to_pay(config: Config, account: Account) -> PaymentInstructions:
    return PaymentInstructions(
        number=account.number,
        reference=account.number,
        amount=account.balance,
        currency=account.currency,
        due=account.due,
        due_on_receipt=account.due_on_receipt,
        bank=config.invoicing.bank,
        card_url=config.invoicing.card_payment_url,
    )


# --- reports and status -------------------------------------------------------------


@dataclass
class InvoiceSummary:
    """A cohort's invoices at a glance, for `learn status`."""

    currency: str | None
    invoiced: int
    paid: int
    part_paid: int
    unpaid: int
    overdue: int
    not_invoiced: int
    total: Decimal
    received: Decimal
    outstanding: Decimal
    overdue_amount: Decimal


def cohort_invoices(ledger: Ledger, cohort: Cohort, today: date) -> InvoiceSummary:
    live = [a for a in ledger.all(cohort=cohort.id) if not a.void]
    late = [a for a in live if a.overdue(today)]
    return InvoiceSummary(
        currency=live[0].currency if live else None,
        invoiced=len(live),
        paid=sum(a.status == "paid" for a in live),
        part_paid=sum(a.status == "part-paid" for a in live),
        unpaid=sum(a.balance > 0 for a in live),
        overdue=len(late),
        not_invoiced=len(not_invoiced(ledger, cohort)),
        total=sum((a.total for a in live), ZERO),
        received=sum((a.paid for a in live), ZERO),
        outstanding=sum((a.balance for a in live), ZERO),
        overdue_amount=sum((a.balance for a in late), ZERO),
    )


@dataclass
class ContributionLine:
    cohort: str
    course: str | None
    recipient: str
    currency: str
    per_participant: Decimal
    paid_participants: int
    amount: Decimal


@dataclass
class ContributionTotal:
    recipient: str
    currency: str
    paid_participants: int
    amount: Decimal


@dataclass
class ContributionReport:
    year: int | None
    lines: list[ContributionLine]
    totals: list[ContributionTotal]
    #: Cohorts with paid invoices whose course cannot be found (no cohort file or course).
    unknown_cohorts: list[str]


def contributions(ledger: Ledger, config: Config, cohort_courses: dict[str, str], year: int | None = None) -> ContributionReport:
    """What is owed to each contribution recipient: the course's amount per paid invoice.

    An invoice counts once it is paid in full, in the year its last payment was made.
    `cohort_courses` maps cohort ids to their course ids.
    """
    counted: dict[str, int] = defaultdict(int)
    unknown: set[str] = set()
    for account in ledger.accounts.values():
        settled = account.settled_on
        if settled is None or (year is not None and settled.year != year):
            continue
        counted[account.cohort] += 1
    lines: list[ContributionLine] = []
    for cohort_id in sorted(counted):
        course = config.course(cohort_courses.get(cohort_id, ""))
        if course is None:
            unknown.add(cohort_id)
            continue
        if course.contribution is None:
            continue
        share = course.contribution.amount
        lines.append(
            ContributionLine(
                cohort=cohort_id,
                course=course.id,
                recipient=course.contribution.recipient,
                currency=course.currency,
                per_participant=share,
                paid_participants=counted[cohort_id],
                amount=share * counted[cohort_id],
            )
        )
    totals: dict[tuple[str, str], ContributionTotal] = {}
    for line in lines:
        total = totals.setdefault((line.recipient, line.currency), ContributionTotal(line.recipient, line.currency, 0, ZERO))
        total.paid_participants += line.paid_participants
        total.amount += line.amount
    return ContributionReport(year, lines, list(totals.values()), sorted(unknown))


@dataclass
class RevenueLine:
    cohort: str
    currency: str
    invoices: int = 0
    invoiced: Decimal = ZERO
    credited: Decimal = ZERO
    net: Decimal = ZERO
    received_bank: Decimal = ZERO
    received_card: Decimal = ZERO
    received: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO


@dataclass
class RevenueReport:
    year: int | None
    today: date
    cohorts: list[RevenueLine]
    #: One line per currency, with `cohort` "all".
    totals: list[RevenueLine]


def revenue(ledger: Ledger, today: date, year: int | None = None) -> RevenueReport:
    """Invoiced, credited and received per cohort; with `year`, by the date of each entry.

    Outstanding and overdue are today's balances of the invoices issued in the period.
    """
    lines: dict[tuple[str, str], RevenueLine] = {}

    def line(account: Account) -> RevenueLine:
        return lines.setdefault((account.cohort, account.currency), RevenueLine(account.cohort, account.currency))

    def within(day: date) -> bool:
        return year is None or day.year == year

    for account in ledger.accounts.values():
        if within(account.issued):
            row = line(account)
            row.invoices += 1
            row.invoiced += account.total
            row.outstanding += account.balance
            if account.overdue(today):
                row.overdue += account.balance
        note = account.credit_note
        if note is not None and within(note.issued):
            line(account).credited += note.total
        for payment in account.payments:
            if within(payment.date):
                row = line(account)
                if payment.method == "bank":
                    row.received_bank += payment.amount
                else:
                    row.received_card += payment.amount
                row.received += payment.amount
    rows = sorted(lines.values(), key=lambda r: (r.cohort, r.currency))
    totals: dict[str, RevenueLine] = {}
    for row in rows:
        row.net = row.invoiced - row.credited
        total = totals.setdefault(row.currency, RevenueLine("all", row.currency))
        for name in ("invoices", "invoiced", "credited", "net", "received_bank", "received_card", "received", "outstanding", "overdue"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return RevenueReport(year, today, rows, list(totals.values()))


# --- the rules `learn validate` applies -----------------------------------------------


def check_ledger(ledger: Ledger, config: Config | None, cohorts: dict[str, Cohort | None], today: date) -> list[Diagnostic]:
    """Duplicate numbers, gaps, late payers, dangling references, impossible payments.

    `cohorts` maps every cohort id with a file to its model (None when the file itself
    is invalid: its invoices are then not checked against it).
    """
    out: list[Diagnostic] = []
    for number, places in ledger.numbers.items():
        if len(places) > 1:
            for place in places:
                others = ", ".join(p.where() for p in places if p is not place)
                out.append(place.diagnostic("M001", f"number {number} is used {len(places)} times (also at {others}); every number must be unique"))
    if config is not None:
        out += _gaps(ledger, config.invoicing)

    live: dict[tuple[str, str], Account] = {}
    for account in ledger.accounts.values():
        invoice, at = account.invoice, account.at
        cohort = cohorts.get(invoice.cohort)
        person = cohort.participant(invoice.participant) if cohort is not None else None
        if invoice.cohort not in cohorts:
            out.append(at.diagnostic("R003", f"{invoice.invoice} is for cohort {invoice.cohort!r}, which has no file in cohorts/", "cohort"))
        elif cohort is not None and person is None:
            out.append(at.diagnostic("R004", f"{invoice.invoice} is for {invoice.participant}, who is not a participant of {invoice.cohort}", "participant"))
        if account.overdue(today):
            out.append(
                at.diagnostic(
                    "M003",
                    f"{invoice.invoice} ({invoice.participant_name}) was due on {fmt_day(invoice.due)}: "
                    f"{_money(account.balance, account.currency)} unpaid, {account.days_overdue(today)} day(s) late",
                    "due",
                )
            )
        if not account.void:
            # One person, whatever address each invoice was issued to.
            key = (invoice.cohort, person.email if person is not None else invoice.participant)
            if key in live:
                out.append(
                    at.diagnostic(
                        "M007",
                        f"{invoice.participant} has two live invoices for {invoice.cohort}: {live[key].number} and {invoice.invoice}; void one",
                    )
                )
            live.setdefault(key, account)

    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    cancelled: dict[str, Located] = {}
    for item in ledger.items:
        entry = item.entry
        filed = entry_date(entry)
        if item.path.stem.isdigit() and len(item.path.stem) == 4 and int(item.path.stem) != filed.year:
            key = "date" if isinstance(entry, PaymentEntry) else "issued"
            out.append(
                item.diagnostic(
                    "M008",
                    f"this entry is dated {filed.isoformat()} but is in the file for {item.path.stem}; "
                    f"move it to {item.path.parent.name}/{filed.year}.yaml (each entry goes in the file of the year of its date)",
                    key,
                )
            )
        if isinstance(entry, PaymentEntry):
            account = ledger.accounts.get(entry.payment)
            if account is None:
                kind = "a credit note" if entry.payment in ledger.credit_notes else "not an invoice in the ledger"
                out.append(item.diagnostic("M004", f"payment for {entry.payment}, which is {kind}", "payment"))
                continue
            if account.void:
                out.append(item.diagnostic("M005", f"payment for {entry.payment}, which is void (credit note {account.credit_note.credit_note if account.credit_note else '?'})", "payment"))
                continue
            paid[entry.payment] += entry.amount
            if paid[entry.payment] > account.total:
                out.append(
                    item.diagnostic(
                        "M005",
                        f"payments for {entry.payment} add up to {_money(paid[entry.payment], account.currency)}, "
                        f"more than its total of {_money(account.total, account.currency)}",
                        "amount",
                    )
                )
        elif isinstance(entry, CreditNoteEntry):
            if entry.cancels not in ledger.accounts:
                kind = "a credit note" if entry.cancels in ledger.credit_notes else "not an invoice in the ledger"
                out.append(item.diagnostic("M004", f"credit note {entry.credit_note} cancels {entry.cancels}, which is {kind}", "cancels"))
            elif entry.cancels in cancelled:
                out.append(
                    item.diagnostic(
                        "M006",
                        f"{entry.cancels} is already cancelled by the credit note at {cancelled[entry.cancels].where()}",
                        "cancels",
                    )
                )
            cancelled.setdefault(entry.cancels, item)
    return out


def _gaps(ledger: Ledger, invoicing: Invoicing) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    years = sorted({item.entry.issued.year for item in ledger.items if not isinstance(item.entry, PaymentEntry)})
    seen_patterns: set[str] = set()
    for year in years:
        pattern = number_pattern(invoicing, year)
        if pattern.pattern in seen_patterns:
            continue
        seen_patterns.add(pattern.pattern)
        seqs = used_seqs(ledger, invoicing, year)
        for (before, _), (after, number) in zip(seqs, seqs[1:]):
            if after - before > 1:
                # A range, never the list: a gap can be a billion numbers long.
                first = format_number(invoicing, year, before + 1)
                if after - before == 2:
                    shown = f"{first} is"
                else:
                    shown = f"{first} to {format_number(invoicing, year, after - 1)} ({after - before - 1:,} numbers) are"
                place = ledger.numbers[number][0]
                out.append(place.diagnostic("M002", f"{shown} missing before {number}: numbers should have no gaps"))
    return out
