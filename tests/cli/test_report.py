"""`learn report ...` and the invoice line of `learn status`."""

from __future__ import annotations

import json


def test_contributions_owed_to_the_hls_collaborative(learn):
    payload = json.loads(learn("report", "contributions", "--year", "2026", "--json").stdout)
    assert payload["totals"] == [{"recipient": "HLS Collaborative", "currency": "GBP", "paid_participants": 9, "amount": "225.00",
                                 "owed": "225.00", "paid_out": "0.00", "balance": "225.00", "payouts": []}]
    assert payload["lines"][0]["cohort"] == "2026-spring" and payload["lines"][0]["per_participant"] == "25.00"
    text = learn("report", "contributions").stdout
    assert "HLS Collaborative: £225.00 owed for 9 paid participant(s), £0.00 paid out, balance £225.00" in text


def test_contributions_count_an_invoice_once_paid_in_full(learn):
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    learn("payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-09-01", "--method", "bank")
    learn("payment", "record", "LWL-2026-0013", "--amount", "200", "--date", "2026-09-01", "--method", "bank")
    payload = json.loads(learn("report", "contributions", "--json").stdout)
    by_cohort = {line["cohort"]: line["paid_participants"] for line in payload["lines"]}
    assert by_cohort == {"2026-autumn": 1, "2026-spring": 9}
    assert payload["totals"][0]["amount"] == "250.00"


def test_revenue_per_cohort_and_in_total(learn):
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    learn("payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-09-01", "--method", "card")
    payload = json.loads(learn("--today", "2026-09-20", "report", "revenue", "--year", "2026", "--json").stdout)
    autumn = next(c for c in payload["cohorts"] if c["cohort"] == "2026-autumn")
    assert (autumn["invoiced"], autumn["received_card"], autumn["outstanding"], autumn["overdue"]) == ("5175.00", "575.00", "4600.00", "4600.00")
    [total] = payload["totals"]
    assert (total["invoiced"], total["credited"], total["net"], total["received"]) == ("10925.00", "575.00", "10350.00", "5750.00")
    assert json.loads(learn("report", "revenue", "--year", "2025", "--json").stdout)["cohorts"] == []
    text = learn("--today", "2026-09-20", "report", "revenue").stdout
    assert "2026-autumn" in text and "£4,600.00" in text


def test_status_shows_invoiced_paid_and_overdue(learn):
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    learn("payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-09-01", "--method", "bank")
    learn("payment", "record", "LWL-2026-0013", "--amount", "100", "--date", "2026-09-01", "--method", "bank")
    payload = json.loads(learn("--today", "2026-09-15", "status", "--json").stdout)
    [autumn] = payload["cohorts"]
    assert autumn["invoices"] == {
        "currency": "GBP", "invoiced": 9, "paid": 1, "part_paid": 1, "unpaid": 8, "overdue": 8, "not_invoiced": 0,
        "total": "5175.00", "received": "675.00", "outstanding": "4500.00", "overdue_amount": "4500.00",
    }
    text = learn("--today", "2026-09-15", "status").stdout
    assert "invoices     9 invoiced: 1 paid, 8 unpaid (£4,500.00), 8 overdue (£4,500.00)" in text


def test_status_says_who_is_not_invoiced_yet(learn):
    text = learn("--today", "2026-08-01", "status").stdout
    assert "none issued yet; 9 registered participant(s) not invoiced yet" in text


def gate(learn, today: str, cohort: str = "2026-autumn") -> dict:
    result = learn("--today", today, "report", "payment-gate", cohort, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_payment_gate_three_weeks_before_the_start(learn):
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    learn("payment", "record", "LWL-2026-0013", "--amount", "575", "--date", "2026-08-20", "--method", "card")
    learn("payment", "record", "LWL-2026-0014", "--amount", "200", "--date", "2026-08-20", "--method", "bank")
    found = gate(learn, "2026-09-02")
    # Session 1 is Wed 23 Sep 2026: 21 days on; payment is due 14 days before it.
    assert (found["start"], found["days_to_start"], found["checkpoint"], found["payment_due"]) == ("2026-09-23", 21, 21, "2026-09-09")
    by_email = {line["email"]: line for line in found["lines"]}
    assert "tom.whitfield@example.org" not in by_email  # withdrawn
    assert len(by_email) == 9 and found["waiting"] == 8
    assert (by_email["sian.evans@example.org"]["state"], by_email["sian.evans@example.org"]["owed"]) == ("paid", "0.00")
    assert (by_email["jose.martinez@example.org"]["state"], by_email["jose.martinez@example.org"]["owed"]) == ("part-paid", "375.00")
    ann = by_email["ann.oneil@example.org"]
    assert (ann["state"], ann["owed"], ann["invoice"], ann["po"], ann["billed_to"]) == ("unpaid", "575.00", "LWL-2026-0012", "NCC-PO-77812", "accounts.payable@example.org")
    assert ann["needs_po"] is False and ann["days_overdue"] == 0
    text = learn("--today", "2026-09-02", "report", "payment-gate", "2026-autumn")
    assert "the 21-day check" in text.stdout and "1 of 9 paid in full; 8 not yet" in text.stdout
    assert "learn email render payment-reminder 2026-autumn" in text.stderr


def test_payment_gate_asks_for_a_po_where_an_employer_pays_without_one(learn):
    added = learn("participant", "add", "2026-autumn", "--name", "Kai Lindqvist", "--email", "kai@example.org", "--billing-email", "invoices@employer.example.org")
    assert added.exit_code == 0, added.output
    kai = next(line for line in gate(learn, "2026-08-01")["lines"] if line["email"] == "kai@example.org")
    assert (kai["state"], kai["owed"], kai["needs_po"], kai["billed_to"]) == ("not-invoiced", "575.00", True, "invoices@employer.example.org")
    assert "PO" in kai["actions"][0] and "learn invoice run 2026-autumn" in kai["actions"][1]
    # Invoiced without the PO: still needed, and the invoice must be issued again with it.
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    kai = next(line for line in gate(learn, "2026-09-10")["lines"] if line["email"] == "kai@example.org")
    assert kai["needs_po"] is True and f"void {kai['invoice']}" in kai["actions"][0]
    assert kai["days_overdue"] == 1 and "1 day(s) overdue" in kai["actions"][1]
    # Paid after all: nothing more to ask.
    learn("payment", "record", kai["invoice"], "--amount", "575", "--date", "2026-09-11", "--method", "bank")
    kai = next(line for line in gate(learn, "2026-09-12")["lines"] if line["email"] == "kai@example.org")
    assert (kai["state"], kai["needs_po"], kai["actions"]) == ("paid", False, [])


def test_payment_gate_knows_which_check_it_is(learn):
    # Session 1 on 23 Sep: checks on 2, 9 and 16 Sep.
    cases = {"2026-09-01": (22, None, "2026-09-02"), "2026-09-02": (21, 21, "2026-09-09"), "2026-09-08": (15, 21, "2026-09-09"),
             "2026-09-09": (14, 14, "2026-09-16"), "2026-09-16": (7, 7, None), "2026-09-23": (0, 7, None)}
    for today, (days, checkpoint, next_check) in cases.items():
        found = gate(learn, today)
        assert (found["days_to_start"], found["checkpoint"], found["next_check"]) == (days, checkpoint, next_check), today
    assert "before the first check (Wed 2 Sep 2026)" in learn("--today", "2026-09-01", "report", "payment-gate", "2026-autumn").stdout


def test_payment_gate_for_an_unknown_cohort_is_a_clear_error(learn):
    result = learn("report", "payment-gate", "2026-autum")
    assert result.exit_code == 1 and "did you mean '2026-autumn'" in result.stderr


def test_payment_gate_owes_the_fee_with_vat_before_the_invoice_says_so(learn, data_dir):
    courses = data_dir / "courses.yaml"
    text = courses.read_text().replace("  # vat_number: GB000000000   # not VAT-registered, so no VAT line on invoices", "  vat_number: GB123456789")
    courses.write_text(text.replace("  payment_terms_days: 14", "  payment_terms_days: 14\n  vat_rate: 20"))
    before = {line["email"]: line["owed"] for line in gate(learn, "2026-08-01")["lines"]}
    assert set(before.values()) == {"690.00"}  # £575 and 20% VAT, as the invoice will say
    brief = json.loads(learn("--today", "2026-08-01", "session", "brief", "2026-autumn", "1", "--json").stdout)
    assert {(u["invoice"], u["balance"]) for u in brief["unpaid"]} == {(None, "690.00")}  # the brief says the same
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    after = {line["email"]: line["owed"] for line in gate(learn, "2026-08-02")["lines"]}
    assert after == before
