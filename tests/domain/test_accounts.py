"""The ledger after issue, through the domain API: settling, the ledger as of a day, and
what `check_money` reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from learncli.domain import accounts
from learncli.domain.invoicing import Ledger, Located, next_numbers
from learncli.errors import Refused
from learncli.models.course import Invoicing
from learncli.models.invoice import BillTo, CreditNoteEntry, InvoiceEntry, InvoiceLine, PaymentEntry, RefundEntry

SERIES = Invoicing(prefix="T")
DAY = date(2026, 9, 30)


def invoice(number: str = "T-2026-0001", total: str = "575.00") -> InvoiceEntry:
    return InvoiceEntry(
        invoice=number, issued=date(2026, 8, 1), due=date(2026, 9, 9), cohort="c", participant="a@example.org",
        participant_name="A", bill_to=BillTo(name="A", email="a@example.org"), currency="GBP",
        lines=[InvoiceLine(description="Course", amount=Decimal(total))], total=Decimal(total),
    )


def paid(amount: str, on: date = date(2026, 8, 20), number: str = "T-2026-0001") -> PaymentEntry:
    return PaymentEntry(payment=number, date=on, amount=Decimal(amount), method="bank")


def ledger_of(*entries, today: date | None = DAY) -> Ledger:
    return Ledger([Located(e, Path("invoices/2026.yaml"), i) for i, e in enumerate(entries)], today=today)


def test_settled_when_payments_less_refunds_equal_the_total_less_credits():
    entries: list = [invoice(), paid("575.00")]
    credit = accounts.plan_credit(ledger_of(*entries), SERIES, "T-2026-0001", Decimal("287.50"), "half", DAY)
    assert (credit.credit_note, credit.total, credit.cancels) == ("T-2026-0002", Decimal("287.50"), "T-2026-0001")
    entries.append(credit)
    owed_back = ledger_of(*entries).account("T-2026-0001")
    assert (owed_back.status, owed_back.balance, owed_back.void) == ("refund-due", Decimal("-287.50"), False)
    with pytest.raises(Refused, match="more than is held"):
        accounts.plan_refund(ledger_of(*entries), "T-2026-0001", Decimal("575.01"), DAY, "bank", today=DAY)
    entries.append(accounts.plan_refund(ledger_of(*entries), "T-2026-0001", Decimal("287.50"), DAY, "bank", today=DAY))
    settled = ledger_of(*entries).account("T-2026-0001")
    assert (settled.status, settled.balance, settled.held, settled.net_total) == ("paid", Decimal("0.00"), Decimal("287.50"), Decimal("287.50"))
    with pytest.raises(Refused, match="more than is left to credit"):
        accounts.plan_credit(ledger_of(*entries), SERIES, "T-2026-0001", Decimal("287.51"), "rest", DAY)
    with pytest.raises(Refused, match="a void invoice holds no money") as refused:
        accounts.plan_void(ledger_of(*entries), SERIES, "T-2026-0001", "withdrew", DAY)
    assert "refund it first" in refused.value.hint and "learn invoice credit T-2026-0001" in refused.value.hint


def test_a_void_credits_what_is_left_and_the_invoice_takes_no_more():
    entries: list = [invoice(), CreditNoteEntry(credit_note="T-2026-0002", issued=DAY, cancels="T-2026-0001", reason="x", currency="GBP", total=Decimal("100.00"))]
    void = accounts.plan_void(ledger_of(*entries), SERIES, "T-2026-0001", "withdrew", DAY)
    assert void.total == Decimal("475.00")
    account = ledger_of(*entries, void).account("T-2026-0001")
    assert (account.void, account.status, account.balance, account.credit_note) == (True, "void", Decimal("0.00"), void)
    with pytest.raises(Refused, match="a void invoice takes no payments"):
        accounts.plan_payment(ledger_of(*entries, void), "T-2026-0001", Decimal("1"), DAY, "cash", today=DAY)


def test_the_ledger_as_of_a_day_counts_nothing_later_but_keeps_every_number():
    later = CreditNoteEntry(credit_note="T-2026-0002", issued=date(2026, 10, 5), cancels="T-2026-0001", reason="x", currency="GBP", total=Decimal("575.00"))
    entries = [invoice(), paid("100.00", date(2026, 10, 1)), later]
    then = ledger_of(*entries)
    account = then.account("T-2026-0001")
    assert (account.paid, account.credited, account.status) == (Decimal("0.00"), Decimal("0.00"), "unpaid")
    assert next_numbers(then, SERIES, DAY, 1) == ["T-2026-0003"]
    assert ledger_of(*entries, today=date(2026, 10, 1)).account("T-2026-0001").paid == Decimal("100.00")
    with pytest.raises(Refused, match="after today"):
        accounts.plan_payment(then, "T-2026-0001", Decimal("1"), date(2026, 10, 1), "bank", today=DAY)


def test_check_money_reports_early_late_and_impossible_entries():
    entries = [
        invoice(),
        paid("100.00", date(2026, 7, 1)),
        paid("100.00", date(2026, 10, 1)),
        RefundEntry(refund="T-2026-0001", date=date(2026, 8, 20), amount=Decimal("300.00"), method="bank"),
        CreditNoteEntry(credit_note="T-2026-0002", issued=DAY, cancels="T-2026-0001", reason="x", currency="GBP", total=Decimal("600.00")),
    ]
    codes = [d.code for d in accounts.check_money(ledger_of(*entries, today=None), DAY)]
    assert sorted(codes) == ["M006", "M020", "M021", "M022"]
