"""A transfer's money moved to the new place's invoice, through the domain API:
`plan_allocations` and what `check_money` says about allocations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from learncli.domain import accounts
from learncli.domain.invoicing import Ledger, Located
from learncli.models.cohort import Participant
from learncli.models.invoice import AllocationEntry, BillTo, CreditNoteEntry, InvoiceEntry, InvoiceLine, PaymentEntry

DAY = date(2026, 11, 30)
ANN = "ann@example.org"


def invoice(number: str, cohort: str, lines: list[tuple[str | None, str]], share: int | None = None) -> InvoiceEntry:
    """An invoice whose lines are (person or None, amount); named lines make it a group
    (or, with `share`, a share) invoice."""
    built = [
        InvoiceLine(description="Course", amount=Decimal(amount), participant=who, participant_name=who, share=share if who else None)
        for who, amount in lines
    ]
    total = sum((line.amount for line in built), Decimal("0.00"))
    return InvoiceEntry(
        invoice=number, issued=date(2026, 8, 1), due=date(2026, 9, 9), cohort=cohort, participant=lines[0][0] or ANN,
        participant_name="Ann", bill_to=BillTo(name="Ann", email=ANN), currency="GBP", lines=built, total=total,
    )


def credit(number: str, of: str, total: str) -> CreditNoteEntry:
    return CreditNoteEntry(credit_note=number, issued=DAY, cancels=of, reason="transferred", currency="GBP", total=Decimal(total))


def pay(number: str, amount: str) -> PaymentEntry:
    return PaymentEntry(payment=number, date=date(2026, 9, 1), amount=Decimal(amount), method="bank")


def ledger_of(*entries) -> Ledger:
    return Ledger([Located(e, Path("invoices/2026.yaml"), i) for i, e in enumerate(entries)], today=DAY)


ARRIVED = Participant(name="Ann", email=ANN, transferred_from="old")


def test_on_a_group_invoice_only_the_transferred_persons_line_is_paid_by_the_allocation():
    old = [invoice("T-1", "old", [(None, "575.00")]), pay("T-1", "575.00"), credit("T-2", "T-1", "575.00")]
    group = invoice("T-3", "new", [(ANN, "575.00"), ("bo@example.org", "575.00")])
    [moved] = accounts.plan_allocations(ledger_of(*old), [group], [ARRIVED], DAY)
    assert (moved.allocation, moved.from_invoice, moved.amount) == ("T-3", "T-1", Decimal("575.00"))
    after = ledger_of(*old, group, moved)
    assert (after.account("T-3").balance, after.account("T-1").status) == (Decimal("575.00"), "void")


def test_a_cheaper_place_takes_only_what_it_costs_and_the_rest_stays_to_refund():
    old = [invoice("T-1", "old", [(None, "575.00")]), pay("T-1", "575.00"), credit("T-2", "T-1", "575.00")]
    new = invoice("T-3", "new", [(None, "500.00")])
    [moved] = accounts.plan_allocations(ledger_of(*old), [new], [ARRIVED], DAY)
    after = ledger_of(*old, new, moved)
    assert (moved.amount, after.account("T-3").status) == (Decimal("500.00"), "paid")
    assert (after.account("T-1").status, after.account("T-1").balance) == ("refund-due", Decimal("-75.00"))


def test_each_share_is_paid_from_the_old_invoice_of_the_same_share():
    split = Participant.model_validate({"name": "Ann", "email": ANN, "transferred_from": "old", "split": [{"amount": "400.00"}, {"amount": "175.00"}]})
    old = [
        invoice("T-1", "old", [(ANN, "400.00")], share=1), invoice("T-2", "old", [(ANN, "175.00")], share=2),
        pay("T-1", "400.00"), pay("T-2", "175.00"), credit("T-3", "T-1", "400.00"), credit("T-4", "T-2", "175.00"),
    ]
    new = [invoice("T-6", "new", [(ANN, "175.00")], share=2), invoice("T-5", "new", [(ANN, "400.00")], share=1)]
    moved = accounts.plan_allocations(ledger_of(*old), new, [split], DAY)
    assert [(m.allocation, m.from_invoice, m.amount) for m in moved] == [("T-6", "T-2", Decimal("175.00")), ("T-5", "T-1", Decimal("400.00"))]


def test_nothing_is_allocated_from_an_invoice_that_holds_no_more_than_it_comes_to():
    old = [invoice("T-1", "old", [(None, "575.00")]), pay("T-1", "575.00")]  # not credited: still their place
    assert accounts.plan_allocations(ledger_of(*old), [invoice("T-3", "new", [(None, "575.00")])], [ARRIVED], DAY) == []


def test_check_money_allows_what_is_held_and_reports_more_at_the_amount():
    entries = [invoice("T-1", "old", [(None, "575.00")]), pay("T-1", "575.00"), credit("T-2", "T-1", "575.00"), invoice("T-3", "new", [(None, "575.00")])]
    fine = AllocationEntry(allocation="T-3", from_invoice="T-1", date=DAY, amount=Decimal("575.00"))
    assert [d.code for d in accounts.check_money(ledger_of(*entries, fine), DAY)] == []
    again = AllocationEntry(allocation="T-3", from_invoice="T-1", date=DAY, amount=Decimal("0.01"))
    codes = [d.code for d in accounts.check_money(ledger_of(*entries, fine, again), DAY)]
    assert codes == ["M023", "M023"]  # nothing left on T-1, and T-3 would hold more than its total
    to_a_credit_note = AllocationEntry(allocation="T-2", from_invoice="T-1", date=DAY, amount=Decimal("1.00"))
    [problem] = accounts.check_money(ledger_of(*entries, to_a_credit_note), DAY)
    assert problem.code == "M023" and "T-2, which is a credit note" in problem.message
