"""`learn report ...` and the invoice line of `learn status`."""

from __future__ import annotations

import json


def test_contributions_owed_to_the_hls_collaborative(learn):
    payload = json.loads(learn("report", "contributions", "--year", "2026", "--json").stdout)
    assert payload["totals"] == [{"recipient": "HLS Collaborative", "currency": "GBP", "paid_participants": 9, "amount": "225.00"}]
    assert payload["lines"][0]["cohort"] == "2026-spring" and payload["lines"][0]["per_participant"] == "25.00"
    text = learn("report", "contributions").stdout
    assert "Total to HLS Collaborative: £225.00 for 9 paid participant(s)" in text


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
