"""Invoices, credit notes and payments. Pure: ledger entries and models in, decisions out.

The ledger (`models.invoice`) is a journal; this module turns it into accounts (one per
invoice: what was invoiced, paid, credited, what is owed and by when) and decides what a
command may add to it:

* `due_date`, `next_numbers` — what the invoice run (`domain.billing`) builds on;
* `partial_credit` — a credit note for one person's line of a group invoice;
* `unpaid`, `overdue`, `invoice_for`, `how_to_pay` — what reminders and emails need;
* `cohort_invoices` — the status screen;
* `check_ledger` — the rules `learn validate` applies to the ledger's documents.

What happens after issue (payments, refunds, credit notes, payouts, the reports and
the checks of money) is `domain.accounts`.

Numbers come from `invoicing.number_format` (default `{prefix}-{year}-{series}{seq:04d}`,
`{series}` being this clone's invoice series, empty unless `learn git install --series`
set one): the next number of a series is one more than the highest ever used in it, so
a number is never reused, even when the invoice that had it was voided.
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
from learncli.errors import NotFound, Refused
from learncli.limits import MAX_SEQUENCE
from learncli.models.cohort import Cohort, Participant
from learncli.models.course import BankDetails, Config, Invoicing
from learncli.models.invoice import (
    AllocationEntry,
    BillTo,
    DATED,
    CreditNoteEntry,
    Entry,
    InvoiceEntry,
    PaymentEntry,
    PayoutEntry,
    RefundEntry,
    Vat,
    entry_date,
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
    """One invoice with everything that happened to it since (as of the ledger's day)."""

    invoice: InvoiceEntry
    at: Located
    payments: list[PaymentEntry] = field(default_factory=list)
    refunds: list[RefundEntry] = field(default_factory=list)
    #: Credit notes against the invoice, in the order recorded: part credits, then
    #: perhaps the one that voided what was left.
    credits: list[CreditNoteEntry] = field(default_factory=list)
    #: Money held on other invoices moved to this one (a transfer's payment), and money
    #: held on this one moved to another: received and given up without a payment.
    allocated_in: list[AllocationEntry] = field(default_factory=list)
    allocated_out: list[AllocationEntry] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.invoice.invoice

    @property
    def cohort(self) -> str:
        return self.invoice.cohort

    @property
    def participant(self) -> str:
        """The first person the invoice is for (a group invoice has several: `people`)."""
        return self.invoice.participant

    @property
    def people(self) -> list[str]:
        """The emails of everyone the invoice is still for: a person whose line a partial
        credit note took off (they withdrew from a group invoice) is no longer on it."""
        gone = {c.participant for c in self.credits if c.participant}
        return [email for email, _ in self.invoice.people if email not in gone]

    @property
    def credited(self) -> Decimal:
        """What partial credit notes took off the invoice."""
        return sum((c.total for c in self.credits), ZERO)

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
        """Credited in full: nothing is owed on it, whatever was paid and paid back."""
        return bool(self.credits) and self.credited >= self.total

    @property
    def credit_note(self) -> CreditNoteEntry | None:
        """The credit note that made the invoice void (the last one), if it is void."""
        return self.credits[-1] if self.void else None

    @property
    def paid(self) -> Decimal:
        """Money received on the invoice (before refunds)."""
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds), ZERO)

    @property
    def allocated(self) -> Decimal:
        """Money moved here from other invoices less money moved from here to others."""
        return sum((a.amount for a in self.allocated_in), ZERO) - sum((a.amount for a in self.allocated_out), ZERO)

    @property
    def held(self) -> Decimal:
        """Money received and not paid back: payments less refunds, plus what was
        allocated here from another invoice, less what was allocated away."""
        return self.paid - self.refunded + self.allocated

    @property
    def surplus(self) -> Decimal:
        """What is held beyond what the invoice now comes to (a refund due, or money a
        transfer may allocate to the new place's invoice)."""
        return max(-self.balance, ZERO)

    @property
    def net_total(self) -> Decimal:
        """What the invoice comes to after its credit notes."""
        return self.total - self.credited

    @property
    def balance(self) -> Decimal:
        """What is still owed: the total less credits, less what is held. Below nothing
        when more is held than is now owed (a refund is due)."""
        return self.net_total - self.held

    @property
    def status(self) -> str:
        """`void`, `paid` (settled), `refund-due`, `part-paid` or `unpaid`."""
        if self.void and self.held == 0:
            return "void"
        if self.balance == 0:
            return "paid"
        if self.balance < 0:
            return "refund-due"
        return "part-paid" if self.held > 0 else "unpaid"

    @property
    def settled_on(self) -> date | None:
        """The date of the payment (or allocation) that settled the invoice, if it is paid."""
        days = [p.date for p in self.payments] + [a.date for a in self.allocated_in]
        if self.status != "paid" or not days:
            return None
        return max(days)

    def overdue(self, today: date) -> bool:
        return self.balance > 0 and today > self.due

    def days_overdue(self, today: date) -> int:
        return (today - self.due).days if self.overdue(today) else 0


class Ledger:
    """Every entry of every ledger file, in file order, with accounts per invoice.

    With `today`, the accounts count only what is dated on or before it (payments,
    refunds, credit notes, payouts): the ledger as it stood that day. Every number stays
    in use whatever its date, so `next_numbers` never reuses one.
    """

    def __init__(self, items: list[Located], *, other_numbers: Iterable[str] = (), today: date | None = None) -> None:
        """`other_numbers`: numbers in use by entries left out of `items` (when `items` is
        one cohort's part of the ledger), so that `next_numbers` never reuses one."""
        self.items = items
        self.today = today
        self.other_numbers = tuple(other_numbers)
        self.accounts: dict[str, Account] = {}
        self.credit_notes: dict[str, Located] = {}
        #: Contributions paid over, as of `today`.
        self.payouts: list[PayoutEntry] = []
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
        for number in self.other_numbers:
            self.numbers.setdefault(number, [])
        for item in items:
            entry = item.entry
            if today is not None and not isinstance(entry, InvoiceEntry) and entry_date(entry) > today:
                continue
            if isinstance(entry, PayoutEntry):
                self.payouts.append(entry)
            elif isinstance(entry, PaymentEntry) and entry.payment in self.accounts:
                self.accounts[entry.payment].payments.append(entry)
            elif isinstance(entry, RefundEntry) and entry.refund in self.accounts:
                self.accounts[entry.refund].refunds.append(entry)
            elif isinstance(entry, AllocationEntry):
                if entry.allocation in self.accounts:
                    self.accounts[entry.allocation].allocated_in.append(entry)
                if entry.from_invoice in self.accounts:
                    self.accounts[entry.from_invoice].allocated_out.append(entry)
            elif isinstance(entry, CreditNoteEntry) and entry.cancels in self.accounts:
                account = self.accounts[entry.cancels]
                if not account.void:
                    account.credits.append(entry)
        # Indexes for `all()`: the status screen asks once per cohort and once per person,
        # and a scan of every account each time made it quadratic in the ledger's size.
        self._by_cohort: dict[str, list[Account]] = defaultdict(list)
        self._by_participant: dict[str, list[Account]] = defaultdict(list)
        self._order = {number: index for index, number in enumerate(self.accounts)}
        for account in self.accounts.values():
            self._by_cohort[account.cohort].append(account)
            for email, _ in account.invoice.people:
                self._by_participant[email].append(account)

    def plus(self, items: list[Located]) -> Ledger:
        """This ledger with `items` added at the end (what a command is about to write)."""
        return Ledger(self.items + items, other_numbers=self.other_numbers, today=self.today)

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
        return [a for a in pool if (cohort is None or a.cohort == cohort) and (wanted is None or not wanted.isdisjoint(a.people))]

    def live(self, cohort: str, participant: str | Participant) -> Account | None:
        """The participant's invoice for the cohort that has not been voided, if any (the
        first, when their fee is split into shares: `live_all` has every one)."""
        return next(iter(self.live_all(cohort, participant)), None)

    def live_all(self, cohort: str, participant: str | Participant) -> list[Account]:
        """Every invoice for the participant's place on the cohort not voided: one, or
        one per share of a split fee."""
        return [a for a in self.all(cohort=cohort, participant=participant) if not a.void]


# --- numbers ------------------------------------------------------------------------


def _fields(fmt: str) -> list[tuple[str, str | None, str]]:
    return [(literal, name, spec or "") for literal, name, spec, _ in string.Formatter().parse(fmt)]


def format_number(invoicing: Invoicing, year: int, seq: int, series: str | None = None) -> str:
    """The number `seq` of `year` in `series` (by default this clone's)."""
    series = invoicing.series if series is None else series
    return invoicing.number_format.format(prefix=invoicing.prefix, year=year, series=series, seq=seq)


#: What `{series}` matches in a number of any series: letters only (gitrepo.SERIES_PATTERN).
_ANY_SERIES = r"(?P<series>[A-Za-z]{0,12})"


def number_pattern(invoicing: Invoicing, year: int, series: str | None = None, *, any_series: bool = False) -> re.Pattern[str]:
    """Matches the numbers of one series (one year, with the default format, in `series`,
    by default this clone's; with `any_series`, of every series, in group `series`);
    group `seq`."""
    series = invoicing.series if series is None else series
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, spec in _fields(invoicing.number_format):
        parts.append(re.escape(literal))
        if name in seen and name in ("seq", "series"):
            parts.append(f"(?P={name})")
        elif name == "seq":
            # At most nine digits (MAX_SEQUENCE): a longer run of digits is not one of ours.
            parts.append(r"(?P<seq>\d{1,9})")
        elif name == "series":
            parts.append(_ANY_SERIES if any_series else f"(?P<series>{re.escape(series)})")
        elif name == "prefix":
            parts.append(re.escape(format(invoicing.prefix, spec)))
        elif name == "year":
            parts.append(re.escape(format(year, spec)))
        if name:
            seen.add(name)
    return re.compile("".join(parts))


def used_seqs(ledger: Ledger, invoicing: Invoicing, year: int, series: str | None = None) -> list[tuple[int, str]]:
    """(seq, number) of every number in the series of `year` (and `series`), sorted."""
    pattern = number_pattern(invoicing, year, series)
    found = []
    for number in ledger.numbers:
        match = pattern.fullmatch(number)
        if match:
            found.append((int(match.group("seq")), number))
    return sorted(found)


def next_numbers(ledger: Ledger, invoicing: Invoicing, issued: date, count: int) -> list[str]:
    """The next `count` numbers for documents issued on `issued`: never one used before."""
    if invoicing.series and "series" not in {name for _, name, _ in _fields(invoicing.number_format)}:
        raise Refused(
            f"this clone issues invoice series {invoicing.series!r}, but invoicing.number_format "
            f"({invoicing.number_format}) has no {{series}}, so its numbers could collide with another clone's",
            hint="put {series} before {seq} in invoicing.number_format in courses.yaml, as in {prefix}-{year}-{series}{seq:04d}",
        )
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


def partial_credit(
    ledger: Ledger, invoicing: Invoicing, number: str, amount: Decimal, reason: str, today: date, participant: str | None = None
) -> CreditNoteEntry:
    """A credit note taking `amount` off invoice `number` (`partial: true`), as `invoice
    credit` writes; `participant` names the person whose line of a group invoice it
    credits. Refused for a void invoice, an amount that is not positive, or more than is
    left to credit."""
    from learncli.domain.accounts import plan_credit

    note = plan_credit(ledger, invoicing, number, amount, reason, today)
    return note.model_copy(update={"partial": True, "participant": participant})


def line_total(account: Account, email: str) -> Decimal:
    """What the lines of one person on a group invoice come to, with their share of VAT."""
    invoice = account.invoice
    net = sum((line.amount for line in invoice.lines if line.participant == email), ZERO)
    if invoice.vat is None or not invoice.subtotal:
        return net
    return net + (invoice.vat.amount * net / invoice.subtotal).quantize(Decimal("0.01"))


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
        received=sum((a.held for a in live), ZERO),
        outstanding=sum((a.balance for a in live), ZERO),
        overdue_amount=sum((a.balance for a in late), ZERO),
    )


# --- the rules `learn validate` applies -----------------------------------------------


def check_ledger(ledger: Ledger, config: Config | None, cohorts: dict[str, Cohort | None], today: date) -> list[Diagnostic]:
    """Duplicate numbers, gaps, late payers, dangling references, entries in the wrong
    year's file (what money may move is `domain.accounts.check_money`).

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

    live: dict[tuple[str, str, int], Account] = {}
    for account in ledger.accounts.values():
        invoice, at = account.invoice, account.at
        cohort = cohorts.get(invoice.cohort)
        person = cohort.participant(invoice.participant) if cohort is not None else None
        if cohort is not None and cohort.forgotten is not None and invoice.invoice in cohort.forgotten.invoices:
            person = None  # erased from the cohort (learn participant forget); the ledger keeps the invoice
        elif invoice.cohort not in cohorts:
            out.append(at.diagnostic("R003", f"{invoice.invoice} is for cohort {invoice.cohort!r}, which has no file in cohorts/", "cohort"))
        elif cohort is not None:
            for email, _ in invoice.people:
                if cohort.participant(email) is None:
                    out.append(at.diagnostic("R004", f"{invoice.invoice} is for {email}, who is not a participant of {invoice.cohort}", "participant"))
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
            for email in account.people:
                # One person, whatever address each invoice was issued to; a split fee has
                # one live invoice per share.
                person = cohort.participant(email) if cohort is not None else None
                key = (invoice.cohort, person.email if person is not None else email, invoice.share or 0)
                if key in live:
                    out.append(
                        at.diagnostic(
                            "M007",
                            f"{email} has two live invoices for {invoice.cohort}: {live[key].number} and {invoice.invoice}; void one",
                        )
                    )
                live.setdefault(key, account)

    for item in ledger.items:
        entry = item.entry
        filed = entry_date(entry)
        if item.path.stem.isdigit() and len(item.path.stem) == 4 and int(item.path.stem) != filed.year:
            key = "date" if isinstance(entry, DATED) else "issued"
            out.append(
                item.diagnostic(
                    "M008",
                    f"this entry is dated {filed.isoformat()} but is in the file for {item.path.stem}; "
                    f"move it to {item.path.parent.name}/{filed.year}.yaml (each entry goes in the file of the year of its date)",
                    key,
                )
            )
    return out


def _gaps(ledger: Ledger, invoicing: Invoicing) -> list[Diagnostic]:
    """Gaps in each series of each year, every series on its own (each clone numbers
    its own series, `learn git install --series`)."""
    out: list[Diagnostic] = []
    years = sorted({item.entry.issued.year for item in ledger.items if not isinstance(item.entry, DATED)})
    seen_patterns: set[str] = set()
    for year in years:
        every = number_pattern(invoicing, year, any_series=True)
        found = (every.fullmatch(number) for number in ledger.numbers)
        for series in sorted({m.groupdict().get("series") or "" for m in found if m}):
            pattern = number_pattern(invoicing, year, series)
            if pattern.pattern in seen_patterns:
                continue
            seen_patterns.add(pattern.pattern)
            seqs = used_seqs(ledger, invoicing, year, series)
            for (before, _), (after, number) in zip(seqs, seqs[1:]):
                if after - before > 1:
                    # A range, never the list: a gap can be a billion numbers long.
                    first = format_number(invoicing, year, before + 1, series)
                    if after - before == 2:
                        shown = f"{first} is"
                    else:
                        last = format_number(invoicing, year, after - 1, series)
                        shown = f"{first} to {last} ({after - before - 1:,} numbers) are"
                    place = ledger.numbers[number][0]
                    out.append(place.diagnostic("M002", f"{shown} missing before {number}: numbers should have no gaps"))
    return out
