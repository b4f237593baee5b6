"""The ledger after issue: money in, money back, credits, payouts, and what they add up to.

Pure, like `domain.invoicing`, whose accounts it works on:

* `plan_payment`, `plan_refund` — money received against an invoice, and paid back;
* `plan_credit`, `plan_void` — a credit note for part of an invoice, or for all that is left;
* `plan_payout` — contributions paid over to their recipient;
* `contributions`, `revenue` — the reports;
* `check_money` — what `learn validate` says about money moved;
* `plan_allocations` — a transfer's money moved to the invoice of the new place.

An invoice is settled when what is held on it (payments less refunds) equals what it
comes to after its credit notes. Nothing dated after today may be recorded, and a ledger
read as of a day (`Ledger(today=...)`) counts nothing dated later.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from learncli.diagnostics import Diagnostic
from learncli.domain.invoicing import ZERO, Account, Ledger, Located, line_total, next_numbers
from learncli.domain.schedule import fmt_day
from learncli.errors import Refused
from learncli.models.course import Config, Invoicing
from learncli.models.cohort import Participant
from learncli.models.invoice import AllocationEntry, CreditNoteEntry, InvoiceEntry, PaymentEntry, PayoutEntry, RefundEntry


def _money(amount: Decimal, currency: str) -> str:
    from learncli.money import money

    return money(amount, currency)


def _not_after(on: date, today: date, what: str) -> None:
    """Refuse money dated after today: the ledger records what has happened."""
    if on > today:
        raise Refused(
            f"{what} is dated {fmt_day(on)}, after today ({fmt_day(today)}); the ledger records only what has happened",
            hint="record it on the day the money moves (or set the day with --today)",
        )


def _positive(amount: Decimal, what: str) -> None:
    if amount <= 0:
        raise Refused(f"{what} must be a positive amount, not {amount}")


def outstanding_text(owed: Decimal, total: Decimal, currency: str, due: date | None, on_receipt: bool, days_overdue: int) -> str:
    """`£383.34 of £575.00 outstanding, due Wed 9 Sep 2026, 5 days overdue`: what is
    left to pay of what total, and whether it is late."""
    when = "" if due is None else (", due on receipt" if on_receipt else f", due {fmt_day(due)}")
    late = f", {days_overdue} day{'s' if days_overdue != 1 else ''} overdue" if days_overdue else ""
    return f"{_money(owed, currency)} of {_money(total, currency)} outstanding{when}{late}"


def account_outstanding(account: Account, today: date) -> str:
    """`outstanding_text` for an invoice: its balance of its total less credits."""
    return outstanding_text(account.balance, account.net_total, account.currency, account.due, account.due_on_receipt, account.days_overdue(today))


# --- money in and back --------------------------------------------------------------


def plan_payment(
    ledger: Ledger, number: str, amount: Decimal, on: date, method: str, reference: str | None = None, *, today: date
) -> PaymentEntry:
    """A payment against invoice `number`; refused if it is void, settled, would be
    overpaid, or is dated after `today`."""
    account = ledger.account(number)
    _not_after(on, today, "the payment")
    if account.void:
        assert account.credit_note is not None
        raise Refused(
            f"{account.number} was voided by credit note {account.credit_note.credit_note} on "
            f"{fmt_day(account.credit_note.issued)}; a void invoice takes no payments"
        )
    _positive(amount, "a payment")
    c = account.currency
    if account.balance <= 0:
        raise Refused(f"{account.number} is already paid in full ({_money(account.held, c)} received of {_money(account.net_total, c)})")
    if amount > account.balance:
        raise Refused(
            f"{_money(amount, c)} would overpay {account.number}: "
            f"{_money(account.balance, c)} is outstanding of {_money(account.net_total, c)}",
            hint=f"record at most {account.balance}; nothing was written",
        )
    return PaymentEntry(payment=account.number, date=on, amount=amount, method=method, reference=reference)


def plan_refund(
    ledger: Ledger, number: str, amount: Decimal, on: date, method: str, reference: str | None = None, *, today: date
) -> RefundEntry:
    """Money paid back on invoice `number`: never more than is held on it."""
    account = ledger.account(number)
    _not_after(on, today, "the refund")
    _positive(amount, "a refund")
    c = account.currency
    if amount > account.held:
        received = f"{_money(account.paid, c)} was received" + (f" and {_money(account.refunded, c)} already refunded" if account.refunds else "")
        raise Refused(
            f"{_money(amount, c)} is more than is held on {account.number}: {received}",
            hint=f"refund at most {account.held}; nothing was written",
        )
    return RefundEntry(refund=account.number, date=on, amount=amount, method=method, reference=reference)


# --- credit notes -------------------------------------------------------------------


def _credit(ledger: Ledger, invoicing: Invoicing, account: Account, amount: Decimal, reason: str, today: date) -> CreditNoteEntry:
    [number] = next_numbers(ledger, invoicing, today, 1)
    return CreditNoteEntry(credit_note=number, issued=today, cancels=account.number, reason=reason, currency=account.currency, total=amount)


def _open(ledger: Ledger, number: str) -> Account:
    account = ledger.account(number)
    if account.void:
        assert account.credit_note is not None
        raise Refused(f"{account.number} is already void (credit note {account.credit_note.credit_note})")
    return account


def plan_credit(ledger: Ledger, invoicing: Invoicing, number: str, amount: Decimal, reason: str, today: date) -> CreditNoteEntry:
    """A credit note for `amount` of invoice `number`, never more than is left to credit.

    Money already received stays where it is: if more is then held than the invoice
    comes to, the account says a refund is due (`learn payment refund`).
    """
    account = _open(ledger, number)
    _positive(amount, "a credit")
    c = account.currency
    if amount > account.net_total:
        already = f" ({_money(account.credited, c)} already credited)" if account.credits else ""
        raise Refused(
            f"{_money(amount, c)} is more than is left to credit on {account.number}: {_money(account.net_total, c)} of {_money(account.total, c)}{already}",
            hint=f"credit at most {account.net_total}; nothing was written",
        )
    return _credit(ledger, invoicing, account, amount, reason, today)


def plan_void(ledger: Ledger, invoicing: Invoicing, number: str, reason: str, today: date) -> CreditNoteEntry:
    """A credit note for all that is left of invoice `number`, which makes it void:
    refused while money received on it has not been paid back."""
    account = _open(ledger, number)
    c = account.currency
    if account.held > 0:
        raise Refused(
            f"{account.number} has {_money(account.held, c)} received on it; a void invoice holds no money",
            hint=(
                f"refund it first (learn payment refund {account.number} --amount {account.held} --date ... --method ...), "
                f"then void; or credit only part of it (learn invoice credit {account.number} --amount ... --reason ...)"
            ),
        )
    return _credit(ledger, invoicing, account, account.net_total, reason, today)


# --- contributions ------------------------------------------------------------------


def recipients(config: Config) -> dict[str, tuple[str, str]]:
    """Every contribution recipient named by a course: folded name -> (name, currency)."""
    found: dict[str, tuple[str, str]] = {}
    for course in config.courses:
        if course.contribution is not None:
            found.setdefault(course.contribution.recipient.casefold(), (course.contribution.recipient, course.currency))
    return found


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
    #: What the paid invoices owe the recipient (the same as `owed`).
    amount: Decimal
    paid_out: Decimal = ZERO
    payouts: list[PayoutEntry] = field(default_factory=list)

    @property
    def owed(self) -> Decimal:
        return self.amount

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid_out


@dataclass
class ContributionReport:
    year: int | None
    lines: list[ContributionLine]
    totals: list[ContributionTotal]
    #: Cohorts with paid invoices whose course cannot be found (no cohort file or course).
    unknown_cohorts: list[str]

    def json(self) -> dict[str, object]:
        """The report with `owed`, `paid_out` and `balance` per recipient, and over all of
        them when they share one currency (else those three are null)."""
        currencies = {t.currency for t in self.totals}
        single = len(currencies) == 1

        def overall(name: str) -> Decimal | None:
            return sum((getattr(t, name) for t in self.totals), ZERO) if single else None

        return {
            "year": self.year,
            "lines": self.lines,
            "totals": [
                {"recipient": t.recipient, "currency": t.currency, "paid_participants": t.paid_participants, "amount": t.amount,
                 "owed": t.owed, "paid_out": t.paid_out, "balance": t.balance, "payouts": t.payouts}
                for t in self.totals
            ],
            "currency": next(iter(currencies)) if single else None,
            "owed": overall("owed"),
            "paid_out": overall("paid_out"),
            "balance": overall("balance"),
            "unknown_cohorts": self.unknown_cohorts,
        }


def _settled(account: Account) -> date | None:
    """When an invoice was settled with money received, if it is."""
    return account.settled_on if account.held > 0 else None


def paid_places(ledger: Ledger) -> list[tuple[str, date]]:
    """(cohort, day settled) of every place paid for: one per person on a settled
    invoice (several on a group invoice), and one per person whose every share invoice
    of a split fee is settled (on the day the last of them was)."""
    places: list[tuple[str, date]] = []
    shares: dict[tuple[str, str], list[Account]] = defaultdict(list)
    for account in ledger.accounts.values():
        if account.invoice.share is not None:
            shares[(account.cohort, account.participant)].append(account)
            continue
        settled = _settled(account)
        if settled is not None:
            places += [(account.cohort, settled)] * len(account.people)
    for (cohort_id, _), parts in shares.items():
        days = [_settled(a) for a in parts if not a.void]
        if days and all(day is not None for day in days):
            places.append((cohort_id, max(day for day in days if day is not None)))
    return places


def contributions(ledger: Ledger, config: Config, cohort_courses: dict[str, str], year: int | None = None) -> ContributionReport:
    """What is owed to each contribution recipient (the course's amount per paid
    invoice), what has been paid over to them, and the balance.

    An invoice counts once it is settled with money received, in the year its last
    payment was made. Payouts count in the year of their date. `cohort_courses` maps
    cohort ids to their course ids.
    """
    counted: dict[str, int] = defaultdict(int)
    unknown: set[str] = set()
    for cohort_id, settled in paid_places(ledger):
        if year is None or settled.year == year:
            counted[cohort_id] += 1
    lines: list[ContributionLine] = []
    for cohort_id in sorted(counted):
        course = config.course(cohort_courses.get(cohort_id, ""))
        if course is None:
            unknown.add(cohort_id)
            continue
        if course.contribution is None:
            continue
        share = course.contribution.amount
        count = counted[cohort_id]
        lines.append(ContributionLine(cohort_id, course.id, course.contribution.recipient, course.currency, share, count, share * count))
    totals: dict[tuple[str, str], ContributionTotal] = {}
    for line in lines:
        total = totals.setdefault((line.recipient.casefold(), line.currency), ContributionTotal(line.recipient, line.currency, 0, ZERO))
        total.paid_participants += line.paid_participants
        total.amount += line.amount
    for payout in ledger.payouts:
        if year is None or payout.date.year == year:
            total = totals.setdefault((payout.payout.casefold(), payout.currency), ContributionTotal(payout.payout, payout.currency, 0, ZERO))
            total.paid_out += payout.amount
            total.payouts.append(payout)
    return ContributionReport(year, lines, list(totals.values()), sorted(unknown))


def plan_payout(
    ledger: Ledger, config: Config, cohort_courses: dict[str, str], recipient: str, amount: Decimal, on: date,
    reference: str | None = None, *, today: date,
) -> PayoutEntry:
    """Contributions paid over to `recipient` (as a course names them): refused for
    someone no course names, or for more than is owed to them."""
    known = recipients(config)
    wanted = recipient.strip().casefold()
    if wanted not in known:
        named = ", ".join(sorted(name for name, _ in known.values())) or "none"
        raise Refused(f"no course names {recipient.strip()!r} as its contribution recipient (recipients: {named})")
    name, currency = known[wanted]
    _not_after(on, today, "the payout")
    _positive(amount, "a payout")
    report = contributions(ledger, config, cohort_courses)
    total = next((t for t in report.totals if t.recipient.casefold() == wanted and t.currency == currency), None)
    balance = total.balance if total is not None else ZERO
    if amount > balance:
        raise Refused(
            f"{_money(amount, currency)} is more than is owed to {name}: {_money(balance, currency)}",
            hint="see learn report contributions; nothing was written",
        )
    return PayoutEntry(payout=name, date=on, amount=amount, currency=currency, reference=reference)


# --- revenue ------------------------------------------------------------------------


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
    #: By cheque, in cash or otherwise.
    received_other: Decimal = ZERO
    refunded: Decimal = ZERO
    #: Money received less money paid back.
    received: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO


AMOUNTS = ("invoices", "invoiced", "credited", "net", "received_bank", "received_card", "received_other", "refunded", "received", "outstanding", "overdue")


@dataclass
class RevenueReport:
    year: int | None
    today: date
    cohorts: list[RevenueLine]
    #: One line per currency, with `cohort` "all".
    totals: list[RevenueLine]


def revenue(ledger: Ledger, today: date, year: int | None = None) -> RevenueReport:
    """Invoiced, credited, received and refunded per cohort; with `year`, by the date of
    each entry. Outstanding and overdue are today's balances of the invoices issued in
    the period (a balance below nothing, a refund due, is not outstanding)."""
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
            row.outstanding += max(account.balance, ZERO)
            if account.overdue(today):
                row.overdue += account.balance
        for note in account.credits:
            if within(note.issued):
                line(account).credited += note.total
        for payment in account.payments:
            if within(payment.date):
                row = line(account)
                column = {"bank": "received_bank", "card": "received_card"}.get(payment.method, "received_other")
                setattr(row, column, getattr(row, column) + payment.amount)
                row.received += payment.amount
        for refund in account.refunds:
            if within(refund.date):
                row = line(account)
                row.refunded += refund.amount
                row.received -= refund.amount
    rows = sorted(lines.values(), key=lambda r: (r.cohort, r.currency))
    totals: dict[str, RevenueLine] = {}
    for row in rows:
        row.net = row.invoiced - row.credited
        total = totals.setdefault(row.currency, RevenueLine("all", row.currency))
        for name in AMOUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return RevenueReport(year, today, rows, list(totals.values()))


# --- what `learn validate` says about money moved -----------------------------------


def check_money(ledger: Ledger, today: date) -> list[Diagnostic]:
    """Payments and refunds that name no invoice, overpay it, pay back more than was
    received, go to a void invoice, or are dated before the invoice or after today;
    credit notes that credit more than the invoice's total; allocations that name no
    invoice or move more than is held (M023). The whole ledger is read,
    whatever its day: a later entry is what M021 reports."""
    out: list[Diagnostic] = []
    held: dict[str, Decimal] = defaultdict(lambda: ZERO)
    credited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    voided: dict[str, CreditNoteEntry] = {}
    for item in ledger.items:
        entry = item.entry
        if isinstance(entry, PayoutEntry):
            if entry.date > today:
                out.append(item.diagnostic("M021", f"payout to {entry.payout} dated {fmt_day(entry.date)}, after today ({fmt_day(today)}); it is not counted", "date"))
            continue
        if isinstance(entry, AllocationEntry):
            out += _check_allocation(ledger, item, entry, held, today)
            continue
        if isinstance(entry, PaymentEntry | RefundEntry):
            kind = "payment" if isinstance(entry, PaymentEntry) else "refund"
            number = entry.invoice
            account = ledger.accounts.get(number)
            if account is None:
                what = "a credit note" if number in ledger.credit_notes else "not an invoice in the ledger"
                out.append(item.diagnostic("M004", f"{kind} for {number}, which is {what}", kind))
                continue
            invoice = account.invoice
            if entry.date < invoice.issued:
                out.append(item.diagnostic("M020", f"{kind} for {number} dated {fmt_day(entry.date)}, before the invoice was issued on {fmt_day(invoice.issued)}", "date"))
            if entry.date > today:
                out.append(item.diagnostic("M021", f"{kind} for {number} dated {fmt_day(entry.date)}, after today ({fmt_day(today)}); it is not counted", "date"))
            c = invoice.currency
            if isinstance(entry, RefundEntry):
                held[number] -= entry.amount
                if held[number] < 0:
                    out.append(item.diagnostic("M022", f"refunds for {number} add up to more than was received on it ({_money(-held[number], c)} more)", "amount"))
                continue
            if number in voided:
                out.append(item.diagnostic("M005", f"payment for {number}, which is void (credit note {voided[number].credit_note})", "payment"))
                continue
            held[number] += entry.amount
            if held[number] > invoice.total:
                out.append(
                    item.diagnostic(
                        "M005",
                        f"payments for {number} add up to {_money(held[number], c)}, more than its total of {_money(invoice.total, c)}",
                        "amount",
                    )
                )
        elif isinstance(entry, CreditNoteEntry):
            target = ledger.accounts.get(entry.cancels)
            if target is None:
                what = "a credit note" if entry.cancels in ledger.credit_notes else "not an invoice in the ledger"
                out.append(item.diagnostic("M004", f"credit note {entry.credit_note} cancels {entry.cancels}, which is {what}", "cancels"))
                continue
            if entry.cancels in voided:
                out.append(item.diagnostic("M006", f"{entry.cancels} is already cancelled in full by credit note {voided[entry.cancels].credit_note}", "cancels"))
                continue
            credited[entry.cancels] += entry.total
            if credited[entry.cancels] > target.total:
                out.append(item.diagnostic("M006", f"credit notes for {entry.cancels} add up to more than its total of {_money(target.total, target.currency)}", "total"))
            if credited[entry.cancels] >= target.total:
                voided[entry.cancels] = entry
    return out


def _check_allocation(ledger: Ledger, item: Located, entry: AllocationEntry, held: dict[str, Decimal], today: date) -> list[Diagnostic]:
    """An allocation must move money between two different invoices of the ledger, no
    more than is held on the first at that point, and no more than the second's total
    with what it already holds (M023). `held` is what `check_money` has counted so far."""
    source, target = ledger.accounts.get(entry.from_invoice), ledger.accounts.get(entry.allocation)
    for number, account, key in ((entry.from_invoice, source, "from_invoice"), (entry.allocation, target, "allocation")):
        if account is None:
            what = "a credit note" if number in ledger.credit_notes else "not an invoice in the ledger"
            return [item.diagnostic("M023", f"allocation names {number}, which is {what}", key)]
    assert source is not None and target is not None
    if source is target:
        return [item.diagnostic("M023", f"allocation moves money from {entry.allocation} to itself", "from_invoice")]
    out: list[Diagnostic] = []
    c = source.currency
    if target.currency != c:
        out.append(item.diagnostic("M023", f"allocation moves {c} from {source.number} to {target.number}, which is in {target.currency}", "allocation"))
    if entry.amount > held[source.number]:
        out.append(
            item.diagnostic(
                "M023",
                f"allocation of {_money(entry.amount, c)} from {source.number}, which holds only {_money(held[source.number], c)} at that point",
                "amount",
            )
        )
    if held[target.number] + entry.amount > target.total:
        out.append(item.diagnostic("M023", f"allocation would put more on {target.number} than its total of {_money(target.total, c)}", "amount"))
    if entry.date < target.issued:
        out.append(item.diagnostic("M020", f"allocation to {target.number} dated {fmt_day(entry.date)}, before it was issued on {fmt_day(target.issued)}", "date"))
    if entry.date > today:
        out.append(item.diagnostic("M021", f"allocation to {target.number} dated {fmt_day(entry.date)}, after today ({fmt_day(today)}); it is not counted", "date"))
    held[source.number] -= entry.amount
    held[target.number] += entry.amount
    return out


# --- transfers ----------------------------------------------------------------------


def transferred_money(ledger: Ledger, cohort_id: str, person: Participant) -> list[Account]:
    """The invoices for `person`'s place on `cohort_id` (the cohort they transferred
    from) holding more than they now come to: what a transfer can move on."""
    return [a for a in ledger.all(cohort=cohort_id, participant=person) if a.surplus > 0]


def plan_allocations(ledger: Ledger, invoices: list[InvoiceEntry], arrivals: list[Participant], on: date) -> list[AllocationEntry]:
    """For each new invoice of a person who transferred in (`transferred_from`), the
    money held on the invoices of the place they left, moved to it: as much as it comes
    to (their own lines, on a group invoice), never more than is held. A share invoice
    takes first from the old invoice of the same share. No money moves, so the
    allocation is received on the new invoice without being revenue again."""
    left: dict[str, Decimal] = {}
    out: list[AllocationEntry] = []
    for invoice in invoices:
        account = Account(invoice, Located(invoice, Path(), -1))
        room = invoice.total
        for email, _ in invoice.people:
            person = next((p for p in arrivals if email in p.emails and p.transferred_from), None)
            if person is None or person.transferred_from is None:
                continue
            wanted = min(room, invoice.total if len(invoice.people) == 1 else line_total(account, email))
            sources = sorted(transferred_money(ledger, person.transferred_from, person), key=lambda a: a.invoice.share != invoice.share)
            for source in sources:
                if wanted <= 0:
                    break
                available = left.setdefault(source.number, source.surplus)
                amount = min(available, wanted)
                if amount <= 0 or source.currency != invoice.currency:
                    continue
                out.append(AllocationEntry(allocation=invoice.invoice, from_invoice=source.number, date=on, amount=amount))
                left[source.number] -= amount
                wanted -= amount
                room -= amount
    return out
