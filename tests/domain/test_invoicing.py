"""The pure invoicing rules: numbers, due dates, balances, reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from learncli.domain import accounts, billing, invoicing
from learncli.domain.invoicing import Ledger, Located
from learncli.errors import Refused
from learncli.models.cohort import Cohort
from learncli.models.course import Config
from learncli.models.invoice import CreditNoteEntry, PaymentEntry
from learncli.store.folder import DataFolder

BUNDLED = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def config() -> Config:
    return DataFolder(BUNDLED).config()


@pytest.fixture(scope="module")
def autumn() -> Cohort:
    return DataFolder(BUNDLED).cohort("2026-autumn")


def ledger_of(*entries) -> Ledger:
    return Ledger([Located(e, Path("invoices/2026.yaml"), i) for i, e in enumerate(entries)])


def issue(config, cohort, today, ledger=None):
    ledger = ledger or ledger_of()
    plan = billing.plan_invoice_run(ledger, config, cohort, today)
    return plan, ledger_of(*(item.entry for item in ledger.items), *plan.new)


def test_due_date_is_the_first_session_minus_the_terms(config, autumn):
    assert invoicing.due_date(autumn, config.invoicing, date(2026, 8, 1)) == (date(2026, 9, 9), False)
    assert invoicing.due_date(autumn, config.invoicing, date(2026, 9, 8)) == (date(2026, 9, 9), False)
    assert invoicing.due_date(autumn, config.invoicing, date(2026, 9, 9)) == (date(2026, 9, 9), True)
    assert invoicing.due_date(autumn, config.invoicing, date(2026, 9, 20)) == (date(2026, 9, 20), True)
    spring = DataFolder(BUNDLED).cohort("2026-spring")
    assert invoicing.due_date(spring, config.invoicing, date(2026, 3, 2)) == (date(2026, 3, 31), False)


def test_a_cancelled_first_session_moves_the_due_date(config, autumn):
    moved = autumn.model_copy(deep=True)
    moved.sessions[0].cancelled = True
    moved._id = autumn.id
    assert invoicing.due_date(moved, config.invoicing, date(2026, 8, 1))[0] == date(2026, 9, 23)


@pytest.mark.parametrize(
    "fmt, year, expected",
    [
        ("{prefix}-{year}-{seq:04d}", 2026, ["LWL-2026-0001", "LWL-2026-0002"]),
        ("{prefix}/{seq:05d}", 2026, ["LWL/00001", "LWL/00002"]),
        ("{year}{seq:03d}", 2027, ["2027001", "2027002"]),
        ("INV-{seq}", 2026, ["INV-1", "INV-2"]),
    ],
)
def test_numbers_follow_the_format(config, autumn, fmt, year, expected):
    settings = config.model_copy(update={"invoicing": config.invoicing.model_copy(update={"prefix": "LWL", "number_format": fmt, "payment_terms_days": 14})})
    cohort = autumn.model_copy(deep=True)
    cohort._id = autumn.id
    cohort.participants = cohort.participants[:2]
    plan, _ = issue(settings, cohort, date(year, 1, 5))
    assert [e.invoice for e in plan.new] == expected


def test_numbers_restart_each_year_and_are_never_reused(config, autumn):
    plan, ledger = issue(config, autumn, date(2025, 12, 30))
    assert plan.new[-1].invoice == "LWL-2025-0009"
    void = accounts.plan_void(ledger, config.invoicing, "LWL-2025-0009", "moved to 2026", date(2025, 12, 31))
    assert void.credit_note == "LWL-2025-0010"
    ledger = ledger_of(*(i.entry for i in ledger.items), void)
    plan, ledger = issue(config, autumn, date(2026, 1, 2), ledger)
    assert [e.invoice for e in plan.new] == ["LWL-2026-0001"]  # only the voided person, new year, new series
    assert plan.new[0].participant == "fatima.alsayed@example.org"


def test_a_gap_left_by_hand_is_not_filled(config, autumn):
    plan, ledger = issue(config, autumn, date(2026, 8, 1))
    kept = [i.entry for i in ledger.items if i.entry.invoice != "LWL-2026-0005"]
    again = billing.plan_invoice_run(ledger_of(*kept), config, autumn, date(2026, 8, 2))
    assert [e.invoice for e in again.new] == ["LWL-2026-0010"]


def test_balances_are_exact_and_overpayment_is_refused(config, autumn):
    plan, ledger = issue(config, autumn, date(2026, 8, 1))
    entries = [i.entry for i in ledger.items]
    for amount in ("191.67", "191.67"):
        entries.append(accounts.plan_payment(ledger_of(*entries), "LWL-2026-0001", Decimal(amount), date(2026, 8, 5), "bank", today=date(2026, 12, 31)))
    account = ledger_of(*entries).account("LWL-2026-0001")
    assert account.balance == Decimal("191.66") and account.status == "part-paid"
    with pytest.raises(Refused, match="would overpay"):
        accounts.plan_payment(ledger_of(*entries), "LWL-2026-0001", Decimal("191.67"), date(2026, 8, 6), "card", today=date(2026, 12, 31))
    entries.append(accounts.plan_payment(ledger_of(*entries), "LWL-2026-0001", Decimal("191.66"), date(2026, 8, 6), "card", today=date(2026, 12, 31)))
    settled = ledger_of(*entries).account("LWL-2026-0001")
    assert settled.balance == Decimal("0.00") and settled.settled_on == date(2026, 8, 6)


def test_what_the_email_work_needs(config, autumn):
    plan, ledger = issue(config, autumn, date(2026, 8, 1))
    entries = [i.entry for i in ledger.items]
    entries.append(PaymentEntry(payment="LWL-2026-0001", date=date(2026, 8, 5), amount=Decimal("575"), method="bank"))
    entries.append(PaymentEntry(payment="LWL-2026-0002", date=date(2026, 8, 5), amount=Decimal("75"), method="card"))
    ledger = ledger_of(*entries)
    unpaid = invoicing.unpaid(ledger, cohort="2026-autumn")
    assert [a.number for a in unpaid][:2] == ["LWL-2026-0002", "LWL-2026-0003"] and len(unpaid) == 8
    assert unpaid[0].balance == Decimal("500.00")
    assert invoicing.unpaid(ledger, participant="ANN.ONEIL@example.org") == []
    assert invoicing.overdue(ledger, date(2026, 9, 9)) == []
    assert len(invoicing.overdue(ledger, date(2026, 9, 10), cohort="2026-autumn")) == 8
    assert invoicing.invoice_for(ledger, "2026-autumn", "sian.evans@example.org").number == "LWL-2026-0002"
    assert invoicing.invoice_for(ledger, "2026-autumn", "tom.whitfield@example.org") is None
    pay = invoicing.how_to_pay(config, unpaid[0])
    assert (pay.reference, pay.amount, pay.due, pay.due_on_receipt) == ("LWL-2026-0002", Decimal("500.00"), date(2026, 9, 9), False)
    assert pay.bank.sort_code == "00-00-00" and pay.card_url == "https://pay.example.org/leading-with-learning"


def test_reports_on_the_bundled_ledger(config):
    from learncli.store.ledger import load_ledger

    folder = DataFolder(BUNDLED)
    ledger = load_ledger(folder)
    courses = {r.model.id: r.model.course for r in folder.all_cohorts()}
    report = accounts.contributions(ledger, config, courses, 2026)
    [line] = report.lines
    assert (line.cohort, line.recipient, line.paid_participants, line.amount) == ("2026-spring", "HLS Collaborative", 9, Decimal("225.00"))
    assert accounts.contributions(ledger, config, courses, 2025).lines == []
    revenue = accounts.revenue(ledger, date(2026, 11, 23), 2026)
    [total] = revenue.totals
    assert (total.invoices, total.invoiced, total.credited, total.net) == (10, Decimal("5750.00"), Decimal("575.00"), Decimal("5175.00"))
    assert (total.received_bank, total.received_card, total.received, total.outstanding) == (
        Decimal("3450.00"), Decimal("1725.00"), Decimal("5175.00"), Decimal("0.00"),
    )


def test_credit_notes_take_numbers_from_the_same_sequence(config, autumn):
    plan, ledger = issue(config, autumn, date(2026, 8, 1))
    note = accounts.plan_void(ledger, config.invoicing, "lwl-2026-0003", "typo", date(2026, 8, 2))
    assert isinstance(note, CreditNoteEntry) and note.credit_note == "LWL-2026-0010" and note.cancels == "LWL-2026-0003"


def test_settings_whose_fee_and_vat_pass_the_cap_are_refused_by_the_run(config, autumn):
    """Settings built in code, not read through the folder (which refuses them at the fee)."""
    course = config.courses[0].model_copy(update={"fee": Decimal("999999999.99")})
    settings = config.model_copy(
        update={
            "organisation": config.organisation.model_copy(update={"vat_number": "GB000000000"}),
            "invoicing": config.invoicing.model_copy(update={"vat_rate": Decimal("20")}),
            "courses": [course],
        }
    )
    assert settings.invoice_total(course) == Decimal("1199999999.99")
    assert [loc for loc, _ in settings.money_problems()] == [("courses", 0, "fee")]
    with pytest.raises(Refused, match=r"fee 999,999,999.99 plus 20% VAT comes to 1,199,999,999.99"):
        billing.plan_invoice_run(ledger_of(), settings, autumn, date(2026, 8, 1))
    cheaper = settings.model_copy(update={"courses": [course.model_copy(update={"fee": Decimal("833333333.32")})]})
    plan, _ = issue(cheaper, autumn, date(2026, 8, 1))
    assert {e.total for e in plan.new} == {Decimal("999999999.98")}
