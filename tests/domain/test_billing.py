"""The invoice run's decisions and the ledger's view of group and share invoices, through
the domain API on the bundled course (fee £575)."""

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
from learncli.store.folder import DataFolder

BUNDLED = Path(__file__).resolve().parents[2] / "data"
TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def config() -> Config:
    return DataFolder(BUNDLED).config()


def cohort_of(people: list[dict]) -> Cohort:
    cohort = Cohort.model_validate(
        {"course": "leading-with-learning", "sessions": [{"date": d} for d in ("2027-04-13", "2027-04-27", "2027-05-11", "2027-05-25", "2027-06-08", "2027-06-22")],
         "participants": people}
    )
    cohort._id = "2027-spring"
    return cohort


def ledger_of(*entries) -> Ledger:
    return Ledger([Located(e, Path("invoices/2026.yaml"), i) for i, e in enumerate(entries)])


COUNCIL = {"po": "PO-4471", "billing_name": "Accounts Payable", "billing_email": "ap@council.example"}
ANN = {"name": "Ann Able", "email": "ann@council.example", **COUNCIL}
BOB = {"name": "Bob Baker", "email": "bob@council.example", **COUNCIL}


def test_a_group_invoice_is_found_for_each_person_on_it(config):
    cohort = cohort_of([ANN, BOB])
    [group] = billing.plan_invoice_run(ledger_of(), config, cohort, TODAY).new
    ledger = ledger_of(group)
    for person in cohort.participants:
        assert [a.number for a in ledger.all(participant=person)] == [group.invoice]
        assert ledger.live(cohort.id, person) is not None
    assert invoicing.not_invoiced(ledger, cohort) == []
    assert invoicing.check_ledger(ledger, config, {cohort.id: cohort}, TODAY) == []


def test_a_partial_credit_takes_one_line_off_and_no_more_than_is_left(config):
    cohort = cohort_of([ANN, BOB])
    [group] = billing.plan_invoice_run(ledger_of(), config, cohort, TODAY).new
    ledger = ledger_of(group)
    account = ledger.account(group.invoice)
    credit = invoicing.partial_credit(ledger, config.invoicing, group.invoice, invoicing.line_total(account, BOB["email"]), "Bob withdrew", TODAY, participant=BOB["email"])
    assert (credit.total, credit.partial, credit.participant) == (Decimal("575.00"), True, BOB["email"])

    after = ledger_of(group, credit)
    account = after.account(group.invoice)
    assert (account.balance, account.status, account.people) == (Decimal("575.00"), "unpaid", [ANN["email"]])
    assert after.live(cohort.id, cohort.participants[1]) is None  # Bob: invoiced again if he comes back
    with pytest.raises(Refused, match="more than is left"):
        invoicing.partial_credit(after, config.invoicing, group.invoice, Decimal("575.01"), "too much", TODAY)
    # Voiding later credits what is left, not the whole invoice again.
    assert accounts.plan_void(after, config.invoicing, group.invoice, "cancelled", TODAY).total == Decimal("575.00")
    assert invoicing.check_ledger(after, config, {cohort.id: cohort}, TODAY) == []


def test_share_invoices_are_one_place_not_two_live_invoices(config):
    sam = {"name": "Sam Split", "email": "sam@x.example", "split": [{"amount": 400, "po": "EMP-1", "billing_email": "hr@emp.example"}, {"amount": 175}]}
    cohort = cohort_of([sam])
    shares = billing.plan_invoice_run(ledger_of(), config, cohort, TODAY).new
    assert [(s.total, s.po, s.bill_to.email, s.share) for s in shares] == [
        (Decimal("400.00"), "EMP-1", "hr@emp.example", 1),
        (Decimal("175.00"), None, "sam@x.example", 2),
    ]
    ledger = ledger_of(*shares)
    assert [a.number for a in ledger.live_all(cohort.id, cohort.participants[0])] == [s.invoice for s in shares]
    assert invoicing.check_ledger(ledger, config, {cohort.id: cohort}, TODAY) == []


@pytest.mark.parametrize(
    "person, problem",
    [
        ({"split": [{"amount": 400}, {"amount": 175}]}, None),
        ({"split": [{"amount": 400}, {"amount": 100}]}, "add up to £500.00, but they owe £575.00"),
        ({"split": [{"amount": 400}, {"amount": 75}], "discount": {"amount": 100, "reason": "Early booking"}}, None),
        ({"split": [{"amount": 575}], "discount": {"amount": 100, "reason": "Early booking"}}, "add up to £575.00, but they owe £475.00"),
    ],
)
def test_shares_must_add_up_to_the_fee_less_the_discount(config, person, problem):
    cohort = cohort_of([{"name": "Sam", "email": "sam@x.example", **person}])
    found = billing.check_split(cohort.participants[0], config.course("leading-with-learning"))
    assert (found is None) if problem is None else (problem in found)


def test_vat_is_added_to_what_the_lines_come_to(config):
    vat_config = config.model_copy(deep=True)
    vat_config.organisation.vat_number = "GB123456789"
    vat_config.invoicing.vat_rate = Decimal("20")
    dee = {"name": "Dee Disc", "email": "dee@x.example", "discount": {"amount": 100, "reason": "Early booking"}}
    [invoice] = billing.plan_invoice_run(ledger_of(), vat_config, cohort_of([dee]), TODAY).new
    assert [line.amount for line in invoice.lines] == [Decimal("575.00"), Decimal("-100.00")]
    assert (invoice.vat.amount, invoice.total) == (Decimal("95.00"), Decimal("570.00"))
