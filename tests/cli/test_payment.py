"""`learn payment record`: part-payments add up exactly; impossible payments are refused."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from learncli.store.folder import DataFolder
from learncli.store.ledger import read_ledger


@pytest.fixture
def autumn(learn):
    """The autumn cohort invoiced on 1 Aug 2026: LWL-2026-0012 (Ann) to LWL-2026-0020."""
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    return learn


def account(data_dir, number):
    read = read_ledger(DataFolder(data_dir))
    assert read.ok
    return read.ledger.account(number)


def test_three_part_payments_settle_the_invoice_exactly(autumn, data_dir):
    for day, amount in (("2026-08-10", "191.67"), ("2026-08-20", "191.67"), ("2026-08-30", "191.66")):
        result = autumn("payment", "record", "LWL-2026-0012", "--amount", amount, "--date", day, "--method", "bank", "--reference", "NCC instalment")
        assert result.exit_code == 0, result.output
    paid = account(data_dir, "LWL-2026-0012")
    assert paid.paid == Decimal("575.00") and paid.balance == Decimal("0.00")
    assert all(type(p.amount) is Decimal for p in paid.payments)
    assert paid.status == "paid"
    assert "paid in full" in result.stdout
    shown = json.loads(autumn("invoice", "show", "LWL-2026-0012", "--json").stdout)
    assert (shown["paid"], shown["balance"], shown["status"]) == ("575.00", "0.00", "paid")


def test_the_balance_after_a_part_payment_is_shown(autumn):
    result = autumn("payment", "record", "LWL-2026-0013", "--amount", "£100", "--date", "2026-08-10", "--method", "card", "--json")
    payload = json.loads(result.stdout)
    assert payload["balance"] == "475.00" and payload["status"] == "part-paid"
    assert payload["payment"] == {"payment": "LWL-2026-0013", "date": "2026-08-10", "amount": "100.00", "method": "card", "reference": None, "note": None}


def test_overpayment_is_refused_and_nothing_is_written(autumn, data_dir):
    autumn("payment", "record", "LWL-2026-0012", "--amount", "500", "--date", "2026-08-10", "--method", "bank")
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    result = autumn("payment", "record", "LWL-2026-0012", "--amount", "75.01", "--date", "2026-08-11", "--method", "bank")
    assert result.exit_code == 1
    assert "would overpay LWL-2026-0012" in result.stderr and "£75.00 is outstanding" in result.stderr
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger
    full = autumn("payment", "record", "LWL-2026-0012", "--amount", "75.00", "--date", "2026-08-11", "--method", "bank")
    assert full.exit_code == 0
    more = autumn("payment", "record", "LWL-2026-0012", "--amount", "1", "--date", "2026-08-12", "--method", "bank")
    assert more.exit_code == 1 and "already paid in full" in more.stderr


def test_payment_to_a_void_invoice_is_refused(learn, data_dir):
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    result = learn("payment", "record", "LWL-2026-0008", "--amount", "575", "--date", "2026-03-25", "--method", "bank")
    assert result.exit_code == 1
    assert "voided by credit note LWL-2026-0011" in result.stderr
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger


def test_payment_to_a_credit_note_or_unknown_number_is_refused(learn):
    credit = learn("payment", "record", "LWL-2026-0011", "--amount", "1", "--date", "2026-03-25", "--method", "bank")
    assert credit.exit_code == 1 and "is a credit note" in credit.stderr
    unknown = learn("payment", "record", "LWL-2026-9999", "--amount", "1", "--date", "2026-03-25", "--method", "bank")
    assert unknown.exit_code == 1 and "no invoice" in unknown.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--amount", "12.345"], "more than two decimal places"),
        (["--amount", "ten"], "not an amount"),
        (["--amount", "0"], "positive amount"),
        (["--amount", "-5"], "positive amount"),
        (["--method", "bitcoin"], "cash or other"),
        (["--date", "25/03/2026"], "YYYY-MM-DD"),
    ],
)
def test_bad_options_are_usage_errors_or_refusals(autumn, data_dir, args, message):
    values = {"--amount": "10", "--date": "2026-08-10", "--method": "bank"}
    for key, value in zip(args[::2], args[1::2]):
        values[key] = value
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    result = autumn("payment", "record", "LWL-2026-0014", *[x for kv in values.items() for x in kv])
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger


def test_dry_run_shows_the_entry_and_writes_nothing(autumn, data_dir):
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    result = autumn("payment", "record", "LWL-2026-0014", "--amount", "575", "--date", "2026-08-10", "--method", "card", "--reference", "ch_1", "--dry-run")
    assert result.exit_code == 0
    assert "+  - payment: LWL-2026-0014" in result.stdout and "+    reference: ch_1" in result.stdout
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger


def test_a_payment_dated_in_another_year_goes_to_that_years_file(autumn, data_dir):
    autumn("--today", "2027-01-04", "payment", "record", "LWL-2026-0015", "--amount", "575", "--date", "2027-01-04", "--method", "bank")
    text = (data_dir / "invoices" / "2027.yaml").read_text()
    assert text.startswith("# The invoice ledger for 2027")
    assert "- payment: LWL-2026-0015" in text
    assert account(data_dir, "LWL-2026-0015").status == "paid"
