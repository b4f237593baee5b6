"""`invoices/<year>.yaml`: the invoice ledger, a journal of invoices, credit notes, payments,
refunds and contribution payouts.

The ledger is append-only: an issued invoice is never changed. A payment is a new entry
naming the invoice it pays; crediting an invoice (in part, or voiding it in full) adds a
credit note naming the invoice it is against; money paid back is a refund naming the
invoice. So every write is an append, and whether an invoice is paid, settled or void
follows from the entries (see `domain.invoicing`).

Each entry is a mapping whose first key says what it is:

    - invoice: LWL-2026-0001        # an invoice, with its number
    - credit_note: LWL-2026-0011    # a credit note, with its own number
    - payment: LWL-2026-0001        # a payment, naming the invoice it pays
    - refund: LWL-2026-0001         # money paid back, naming the invoice it was paid to
    - payout: HLS Collaborative     # contributions paid over to their recipient
    - allocation: LWL-2026-0030     # money held on another invoice moved to this one

An invoice names the people it is for on its lines when it is for more than one (a
group invoice on one purchase order) or for one share of a split fee; an invoice of the
simple kind names its one person in `participant` only. A credit note with `partial:
true` credits part of an invoice (one person's line of a group invoice) and leaves the
rest owed.

An allocation moves money held on one invoice (`from_invoice`, credited when its
person transferred to another cohort) to another (the invoice of their new place): no
money changes hands, so it is received on the second invoice without being a payment.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from learncli.models.types import (
    Code,
    Currency,
    Date,
    Email,
    Id,
    Line,
    Money,
    Percent,
    SignedMoney,
    StrictModel,
    Text,
    invalid,
)

PaymentMethod = Literal["bank", "card", "cheque", "cash", "other"]
PAYMENT_METHODS: tuple[str, ...] = ("bank", "card", "cheque", "cash", "other")
CENT = Decimal("0.01")


def vat_amount(net: Decimal, rate: Decimal) -> Decimal:
    """VAT on `net` at `rate` percent, rounded half up to the penny (HMRC allows either way)."""
    return (net * rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


class BillTo(StrictModel):
    """Who the invoice is addressed to, as it was when the invoice was issued."""

    name: Line
    organisation: Line | None = None
    email: Email
    address: list[Line] = Field(default_factory=list)


class InvoiceLine(StrictModel):
    """One line of an invoice: the fee, one share of it, or a discount (negative).

    `participant` and `participant_name` name whose line it is on a group invoice or a
    share invoice; `share` is the number of the share (1-based) of a split fee;
    `discount` is the reason on a discount line, whose amount is below zero."""

    description: Line
    amount: SignedMoney
    participant: Email | None = None
    participant_name: Line | None = None
    share: int | None = Field(None, ge=1)
    discount: Line | None = None

    @model_validator(mode="after")
    def _sign(self) -> InvoiceLine:
        if self.discount is not None and self.amount >= 0:
            raise invalid("a discount line takes off money: its amount must be below zero, not {amount}", amount=str(self.amount))
        if self.discount is None and self.amount < 0:
            raise invalid("only a discount line (with `discount: REASON`) may be below zero, not {amount}", amount=str(self.amount))
        return self


class IssuedSession(StrictModel):
    """A session as the invoice described it when it was issued (times as HH:MM)."""

    number: int = Field(ge=1)
    date: Date
    start: Line
    end: Line
    theme: Line | None = None
    cancelled: bool = False


class Vat(StrictModel):
    """Present only when the organisation is VAT-registered (vat_number and vat_rate set)."""

    rate: Percent
    amount: Money


class InvoiceEntry(StrictModel):
    """An invoice as issued. Never edited afterwards: pay it or void it with new entries."""

    invoice: Code
    issued: Date
    due: Date
    cohort: Id
    participant: Email
    participant_name: Line
    bill_to: BillTo
    po: Code | None = None
    currency: Currency
    lines: list[InvoiceLine] = Field(min_length=1)
    vat: Vat | None = None
    total: Money
    note: Text | None = None
    #: What the invoice said about the cohort when it was issued, so that rendering it
    #: again later gives the same document (absent on invoices issued before learn kept it).
    cohort_title: Line | None = None
    sessions: list[IssuedSession] | None = None

    @property
    def number(self) -> str:
        return self.invoice

    @property
    def people(self) -> list[tuple[str, str]]:
        """(email, name) of everyone the invoice is for: from its lines when they name
        people (a group or share invoice), else its one `participant`."""
        named: dict[str, str] = {}
        for line in self.lines:
            if line.participant is not None:
                named.setdefault(line.participant, line.participant_name or line.participant)
        return list(named.items()) or [(self.participant, self.participant_name)]

    @property
    def share(self) -> int | None:
        """The share number when the invoice bills one share of a split fee."""
        return next((line.share for line in self.lines if line.share is not None), None)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @model_validator(mode="after")
    def _adds_up(self) -> InvoiceEntry:
        expected = self.subtotal + (self.vat.amount if self.vat else Decimal(0))
        if self.total != expected:
            raise invalid(
                "total {total} does not match the lines{vat} ({expected})",
                total=str(self.total),
                vat=" plus VAT" if self.vat else "",
                expected=str(expected),
            )
        if self.due < self.issued:
            raise invalid("due date {due} is before the issue date {issued}", due=str(self.due), issued=str(self.issued))
        return self


class CreditNoteEntry(StrictModel):
    """Credits one invoice, in part or (with what earlier credit notes left) in full: an
    invoice credited in full is void. `partial: true` with `participant` marks the credit
    of one person's line of a group invoice. Has a number of its own from the same
    sequence."""

    credit_note: Code
    issued: Date
    cancels: Code
    reason: Line
    currency: Currency
    total: Money
    partial: bool = False
    participant: Email | None = None

    @property
    def number(self) -> str:
        return self.credit_note


class PaymentEntry(StrictModel):
    """Money received against one invoice; several part-payments may add up to its total."""

    payment: Code
    date: Date
    amount: Annotated[Money, Field(gt=Decimal(0))]
    method: PaymentMethod
    reference: Code | None = None
    note: Text | None = None

    @property
    def invoice(self) -> str:
        return self.payment


class RefundEntry(StrictModel):
    """Money paid back to whoever paid one invoice: never more than was received on it."""

    refund: Code
    date: Date
    amount: Annotated[Money, Field(gt=Decimal(0))]
    method: PaymentMethod
    reference: Code | None = None
    note: Text | None = None

    @property
    def invoice(self) -> str:
        return self.refund


class PayoutEntry(StrictModel):
    """Contributions paid over to their recipient (a course's `contribution.recipient`)."""

    payout: Line
    date: Date
    amount: Annotated[Money, Field(gt=Decimal(0))]
    currency: Currency
    reference: Code | None = None
    note: Text | None = None


class AllocationEntry(StrictModel):
    """Money held on `from_invoice` counted as received on `allocation` instead: a
    transfer's payment following the person to their new cohort's invoice. Never more
    than is held on the first, nor more than the second still owes."""

    allocation: Code
    from_invoice: Code
    date: Date
    amount: Annotated[Money, Field(gt=Decimal(0))]
    note: Text | None = None

    @property
    def invoice(self) -> str:
        return self.allocation


Entry = InvoiceEntry | CreditNoteEntry | PaymentEntry | RefundEntry | PayoutEntry | AllocationEntry
#: The entries that move money on a day of their own (`date:`), not issued documents.
DATED = (PaymentEntry, RefundEntry, PayoutEntry, AllocationEntry)


def entry_date(entry: Entry) -> date:
    """The date an entry is filed under: the date money moved, or the issue date."""
    return entry.date if isinstance(entry, DATED) else entry.issued

#: The key that says what kind an entry is -> the tag of its model in the union. Tags are
#: written `<...>` so they can never be mistaken for a key when an error is traced back
#: to its line (see `store.parse`).
KIND_KEYS: dict[str, str] = {
    "invoice": "<invoice>",
    "credit_note": "<credit_note>",
    "payment": "<payment>",
    "refund": "<refund>",
    "payout": "<payout>",
    "allocation": "<allocation>",
}


def _entry_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((tag for key, tag in KIND_KEYS.items() if key in value), None)
    if isinstance(value, InvoiceEntry | CreditNoteEntry | PaymentEntry | RefundEntry | PayoutEntry | AllocationEntry):
        return KIND_KEYS[next(iter(type(value).model_fields))]
    return None


AnyEntry = Annotated[
    Union[
        Annotated[InvoiceEntry, Tag("<invoice>")],
        Annotated[CreditNoteEntry, Tag("<credit_note>")],
        Annotated[PaymentEntry, Tag("<payment>")],
        Annotated[RefundEntry, Tag("<refund>")],
        Annotated[PayoutEntry, Tag("<payout>")],
        Annotated[AllocationEntry, Tag("<allocation>")],
    ],
    Discriminator(
        _entry_kind,
        custom_error_type="learn_invalid",
        custom_error_message="an entry must start with invoice:, credit_note:, payment:, refund:, payout: or allocation:",
    ),
]


class LedgerFile(StrictModel):
    """One file of the ledger (learn writes one per calendar year: `invoices/2026.yaml`)."""

    entries: list[AnyEntry] | None = None
