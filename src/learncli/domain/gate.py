"""The payment gate: before a cohort starts, who has not paid, and who still needs a PO.

The course asks for payment before the first session (the payment terms, 14 days for
Leading with Learning). Facilitators look three times: 21 days before the start (a week
before payment is due: time for a friendly reminder), 14 days (due), and 7 days (the
joining email goes out, and is held for anyone unpaid). At each look the question is the
same: for every registered participant, is there an invoice, is it paid, and where an
employer pays, is there a purchase-order number, without which many finance teams will
not pay at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from learncli.domain.billing import amount_to_invoice
from learncli.domain.invoicing import Ledger, first_session
from learncli.models.cohort import Cohort, Participant
from learncli.models.course import Config, Course

#: Days before the first session at which the gate is looked at.
CHECKPOINTS: tuple[int, ...] = (21, 14, 7)

GateState = Literal["paid", "part-paid", "unpaid", "not-invoiced"]


@dataclass
class GateLine:
    """One registered participant at the gate."""

    email: str
    name: str
    state: GateState
    #: What is still owed: the invoice's balance, or (not invoiced) the fee with any VAT.
    owed: Decimal
    currency: str
    #: What the invoice comes to (less its credit notes), or the fee not invoiced yet.
    total: Decimal = Decimal("0.00")
    invoice: str | None = None
    due: date | None = None
    days_overdue: int = 0
    #: Who pays: the invoice's bill-to (or, before the invoice, the billing contact).
    billed_to: str | None = None
    po: str | None = None
    #: An employer pays but no PO number is known, and it is not paid yet.
    needs_po: bool = False
    #: What to do, in the order to do it.
    actions: list[str] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        return self.state == "paid"

    @property
    def owed_text(self) -> str:
        """`£383.34 of £575.00 outstanding, due Wed 9 Sep 2026, 5 days overdue`."""
        from learncli.domain.accounts import outstanding_text

        return outstanding_text(self.owed, self.total, self.currency, self.due, False, self.days_overdue)


@dataclass
class Gate:
    cohort: str
    today: date
    start: date
    days_to_start: int
    #: The latest checkpoint reached (21, 14 or 7 days before the start), or None when
    #: the first is still to come.
    checkpoint: int | None
    #: The next checkpoint's date, if one is still to come before the start.
    next_check: date | None
    #: When payment is due: the payment terms before the first session.
    payment_due: date
    lines: list[GateLine]

    @property
    def waiting(self) -> list[GateLine]:
        """Everyone not paid in full, in the order of the cohort file."""
        return [line for line in self.lines if not line.clear]


def payment_gate(cohort: Cohort, course: Course, config: Config, ledger: Ledger, today: date) -> Gate:
    """Who is clear to start and who is not, as of `today`.

    `ledger` needs to hold this cohort's invoices (one cohort's part will do).
    """
    start = first_session(cohort)
    days = (start - today).days
    reached = [c for c in CHECKPOINTS if days <= c]
    coming = [c for c in CHECKPOINTS if days > c]
    lines = [_line(person, cohort, course, amount_to_invoice(course, config, person), ledger, today) for person in cohort.registered]
    return Gate(
        cohort=cohort.id,
        today=today,
        start=start,
        days_to_start=days,
        checkpoint=min(reached) if reached else None,
        next_check=start - timedelta(days=max(coming)) if coming else None,
        payment_due=start - timedelta(days=config.invoicing.payment_terms_days),
        lines=lines,
    )


def _line(person: Participant, cohort: Cohort, course: Course, fee: Decimal, ledger: Ledger, today: date) -> GateLine:
    accounts = ledger.live_all(cohort.id, person)  # one per share of a split fee
    if not accounts:
        employer = bool(person.billing_email) and person.billing_email != person.email
        line = GateLine(
            email=person.email,
            name=person.name,
            state="not-invoiced",
            owed=fee,
            currency=course.currency,
            total=fee,
            billed_to=person.billing_email if employer else person.email,
            po=person.po,
            needs_po=employer and not person.po,
        )
        if line.needs_po:
            line.actions.append("ask their organisation for a PO number (and add it as po:)")
        line.actions.append(f"issue the invoice (learn invoice run {cohort.id})")
        return line
    account = next((a for a in accounts if a.balance > 0), accounts[0])  # the one to chase
    invoice = account.invoice
    employer = invoice.bill_to.email != person.email
    balance = sum((a.balance for a in accounts), Decimal(0))
    if balance <= 0:
        state: GateState = "paid"
    elif any(a.held > 0 for a in accounts):
        state = "part-paid"
    else:
        state = "unpaid"
    line = GateLine(
        email=person.email,
        name=person.name,
        state=state,
        owed=balance,
        currency=account.currency,
        total=sum((a.net_total for a in accounts), Decimal(0)),
        invoice=", ".join(a.number for a in accounts),
        due=account.due,
        days_overdue=account.days_overdue(today),
        billed_to=invoice.bill_to.email,
        po=invoice.po,
        needs_po=state != "paid" and employer and not invoice.po,
    )
    if line.needs_po:
        line.actions.append(f"ask {invoice.bill_to.email} for a PO number; then void {account.number} and invoice again with it")
    if state != "paid":
        line.actions.append("send a payment reminder" + (f" ({line.days_overdue} day(s) overdue)" if line.days_overdue else ""))
    return line
