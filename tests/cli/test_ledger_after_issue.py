"""The ledger after issue: part credit notes, refunds, payouts, the ledger as of --today,
and the exports for the accounts (Xero's import CSV, Beancount books read by Beancount)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest

TODAY = ("--today", "2026-11-30")


@pytest.fixture
def books(learn):
    """The bundled ledger with the autumn cohort invoiced on 1 Aug 2026 (LWL-2026-0012 to
    LWL-2026-0020, unpaid); spring's invoices are paid, LWL-2026-0008 is void."""
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    return lambda *args: learn(*TODAY, *args)


def shown(books, number):
    result = books("invoice", "show", number, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ledger_text(data_dir):
    return (data_dir / "invoices" / "2026.yaml").read_text()


def test_a_paid_invoice_credited_half_and_refunded_half_is_settled(books, data_dir):
    credit = books("invoice", "credit", "LWL-2026-0001", "--amount", "287.50", "--reason", "Withdrew after session 3: half the fee")
    assert credit.exit_code == 0, credit.output
    [number] = re.findall(r"credit note (LWL-2026-\d+)", credit.stdout)
    owed_back = shown(books, "LWL-2026-0001")
    assert (owed_back["status"], owed_back["balance"], owed_back["credited"]) == ("refund-due", "-287.50", "287.50")

    refund = books("payment", "refund", "LWL-2026-0001", "--amount", "287.50", "--date", "2026-11-20", "--method", "cheque", "--reference", "CHQ 100231")
    assert refund.exit_code == 0, refund.output
    settled = shown(books, "LWL-2026-0001")
    assert (settled["status"], settled["balance"], settled["paid"], settled["refunded"]) == ("paid", "0.00", "575.00", "287.50")
    assert [r["method"] for r in settled["refunds"]] == ["cheque"]

    page = books("invoice", "render", number, "--format", "txt", "-o", "-")
    assert page.exit_code == 0, page.output
    assert "Credits invoice: LWL-2026-0001" in page.stdout and "TOTAL CREDITED: -£287.50" in page.stdout
    assert "Withdrew after session 3: half the fee" in page.stdout
    html = books("invoice", "render", number, "-o", "-").stdout
    assert "credits £287.50 against invoice LWL-2026-0001" in html and "in full" not in html


def test_refunding_more_than_was_received_is_refused_and_writes_nothing(books, data_dir):
    before = ledger_text(data_dir)
    too_much = books("payment", "refund", "LWL-2026-0002", "--amount", "575.01", "--date", "2026-11-20", "--method", "bank")
    assert too_much.exit_code == 1 and "more than is held on LWL-2026-0002" in too_much.stderr
    unpaid = books("payment", "refund", "LWL-2026-0013", "--amount", "1", "--date", "2026-11-20", "--method", "bank")
    assert unpaid.exit_code == 1 and "£0.00 was received" in unpaid.stderr
    assert ledger_text(data_dir) == before
    assert books("payment", "refund", "LWL-2026-0002", "--amount", "575", "--date", "2026-11-20", "--method", "bank").exit_code == 0
    again = books("payment", "refund", "LWL-2026-0002", "--amount", "0.01", "--date", "2026-11-21", "--method", "bank")
    assert again.exit_code == 1 and "£575.00 already refunded" in again.stderr


def test_crediting_more_than_is_left_and_voiding_held_money_are_refused(books, data_dir):
    assert books("invoice", "credit", "LWL-2026-0013", "--amount", "400", "--reason", "Discount agreed late").exit_code == 0
    before = ledger_text(data_dir)
    more = books("invoice", "credit", "LWL-2026-0013", "--amount", "175.01", "--reason", "x")
    assert more.exit_code == 1 and "more than is left to credit" in more.stderr and "£175.00 of £575.00" in more.stderr
    held = books("invoice", "void", "LWL-2026-0003", "--reason", "Withdrew")
    assert held.exit_code == 1 and "refund it first" in held.stderr and "learn invoice credit LWL-2026-0003" in held.stderr
    assert ledger_text(data_dir) == before
    # The rest credited: the invoice is void, and takes no payment.
    void = books("invoice", "void", "LWL-2026-0013", "--reason", "Withdrew")
    assert void.exit_code == 0, void.output
    after = shown(books, "LWL-2026-0013")
    assert (after["status"], after["balance"], [c["total"] for c in after["credit_notes"]]) == ("void", "0.00", ["400.00", "175.00"])
    paid = books("payment", "record", "LWL-2026-0013", "--amount", "1", "--date", "2026-11-20", "--method", "cash")
    assert paid.exit_code == 1 and "void" in paid.stderr


def test_a_payment_dated_after_today_is_refused_and_one_written_by_hand_is_not_counted(books, data_dir):
    before = ledger_text(data_dir)
    late = books("payment", "record", "LWL-2026-0012", "--amount", "100", "--date", "2026-12-01", "--method", "bank")
    assert late.exit_code == 1 and "after today" in late.stderr
    assert ledger_text(data_dir) == before
    path = data_dir / "invoices" / "2026.yaml"
    path.write_text(
        before
        + "\n  - payment: LWL-2026-0012\n    date: 2026-12-01\n    amount: 575.00\n    method: bank\n"
        + "\n  - payment: LWL-2026-0014\n    date: 2026-07-01\n    amount: 100.00\n    method: card\n"
    )
    assert shown(books, "LWL-2026-0012")["status"] == "unpaid"
    listed = {a["number"]: a for a in json.loads(books("invoice", "list", "--json").stdout)}
    assert listed["LWL-2026-0012"]["balance"] == "575.00"
    assert json.loads(books("--today", "2026-12-01", "invoice", "show", "LWL-2026-0012", "--json").stdout)["status"] == "paid"
    found = json.loads(books("validate", "--json").stdout)["diagnostics"]
    lines = path.read_text().splitlines()
    future = next(d for d in found if d["code"] == "M021")
    assert "after today" in future["message"] and lines[future["line"] - 1].strip() == "date: 2026-12-01"
    early = next(d for d in found if d["code"] == "M020")
    assert "before the invoice was issued" in early["message"] and lines[early["line"] - 1].strip() == "date: 2026-07-01"
    assert future["severity"] == early["severity"] == "warning"


def contributions(books):
    result = books("report", "contributions", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_payouts_reduce_the_contributions_balance(books, data_dir):
    before = contributions(books)
    assert (before["owed"], before["paid_out"], before["balance"]) == ("225.00", "0.00", "225.00")
    paid = books("payment", "payout", "HLS Collaborative", "--amount", "200", "--date", "2026-07-31", "--reference", "spring 2026")
    assert paid.exit_code == 0, paid.output
    after = contributions(books)
    assert (after["owed"], after["paid_out"], after["balance"]) == ("225.00", "200.00", "25.00")
    text = books("report", "contributions").stdout
    assert "£200.00 paid out" in text and "balance £25.00" in text
    ledger = ledger_text(data_dir)
    assert books("payment", "payout", "HLS Collaborative", "--amount", "25.01", "--date", "2026-11-30").exit_code == 1
    unknown = books("payment", "payout", "Someone Else", "--amount", "5", "--date", "2026-11-30")
    assert unknown.exit_code == 1 and "HLS Collaborative" in unknown.stderr
    assert ledger_text(data_dir) == ledger
    # The year of the payout is not the year asked about.
    assert contributions(books)["paid_out"] == "200.00"
    assert json.loads(books("report", "contributions", "--year", "2025", "--json").stdout)["paid_out"] in ("0.00", None)


def load_books(text):
    from beancount import loader
    from beancount.core import realization

    entries, errors, _ = loader.load_string(text)
    assert errors == []
    tree = realization.realize(entries)

    def balance(name):
        return realization.get(tree, name).balance.get_currency_units("GBP").number

    return balance


def test_the_beancount_books_load_and_the_receivable_is_what_is_outstanding(books, data_dir):
    books("invoice", "credit", "LWL-2026-0001", "--amount", "287.50", "--reason", "half")
    books("payment", "refund", "LWL-2026-0001", "--amount", "287.50", "--date", "2026-11-20", "--method", "bank")
    books("payment", "record", "LWL-2026-0012", "--amount", "383.34", "--date", "2026-09-01", "--method", "card")
    books("invoice", "credit", "LWL-2026-0014", "--amount", "75", "--reason", "early booking")
    books("payment", "record", "LWL-2026-0015", "--amount", "100", "--date", "2026-10-01", "--method", "cheque")
    books("payment", "payout", "HLS Collaborative", "--amount", "200", "--date", "2026-10-01")
    out = data_dir / "books.beancount"
    written = books("export", "beancount", "-o", str(out))
    assert written.exit_code == 0, written.output
    balance = load_books(out.read_text())
    invoices = json.loads(books("invoice", "list", "--json").stdout)
    assert balance("Assets:Receivable") == sum(Decimal(a["balance"]) for a in invoices)
    assert balance("Assets:Receivable") == Decimal("4616.66")  # 9 autumn invoices x 575, less 383.34 and 100 paid, 75 credited
    assert balance("Assets:Cheques") == Decimal("100.00")
    owed = contributions(books)
    assert -balance("Liabilities:Contributions:HLS-Collaborative") == Decimal(owed["balance"])
    # The year's books alone carry the years before in one opening transaction.
    year = books("export", "beancount", "--year", "2026", "-o", "-")
    assert load_books(year.stdout)("Assets:Receivable") == balance("Assets:Receivable")


def test_the_xero_csv_has_xeros_columns_and_every_invoice_and_credit_note(books, data_dir):
    books("invoice", "credit", "LWL-2026-0014", "--amount", "75", "--reason", "early booking")
    out = data_dir / "xero.csv"
    assert books("export", "xero", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    for column in ("*ContactName", "*InvoiceNumber", "*InvoiceDate", "*DueDate", "*Description", "*Quantity", "*UnitAmount", "*AccountCode", "*TaxType"):
        assert column in rows[0]
    invoices = {a["number"] for a in json.loads(books("invoice", "list", "--json").stdout)}
    numbers = {r["*InvoiceNumber"] for r in rows}
    assert invoices <= numbers and "LWL-2026-0011" in numbers
    first = next(r for r in rows if r["*InvoiceNumber"] == "LWL-2026-0012")
    assert (first["*InvoiceDate"], first["*DueDate"], first["*UnitAmount"], first["*AccountCode"], first["*TaxType"]) == (
        "01/08/2026", "09/09/2026", "575.00", "200", "No VAT")
    credits = [r for r in rows if r["Reference"] == "LWL-2026-0014" and r["*InvoiceNumber"] != "LWL-2026-0014"]
    assert [r["*UnitAmount"] for r in credits] == ["-75.00"]
    only_2025 = books("export", "xero", "--year", "2025", "-o", "-")
    assert len(list(csv.reader(io.StringIO(only_2025.stdout.lstrip("\ufeff"))))) == 1


def test_a_part_payment_is_described_as_what_is_outstanding_of_what_total(learn, data_dir):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    paid = learn("--today", "2026-09-01", "payment", "record", "LWL-2026-0012", "--amount", "191.66", "--date", "2026-09-01", "--method", "bank")
    assert paid.exit_code == 0, paid.output
    late = ("--today", "2026-09-14")
    gate = learn(*late, "report", "payment-gate", "2026-autumn")
    assert "£383.34 of £575.00" in gate.stdout
    [ann] = [line for line in json.loads(learn(*late, "report", "payment-gate", "2026-autumn", "--json").stdout)["lines"] if line["invoice"] == "LWL-2026-0012"]
    assert (ann["state"], ann["owed"], ann["total"], ann["days_overdue"]) == ("part-paid", "383.34", "575.00", 5)
    held = learn(*late, "email", "render", "joining", "2026-autumn", "-o", str(data_dir / "joining"))
    assert "LWL-2026-0012 £383.34 of £575.00 outstanding, due Wed 9 Sep 2026, 5 days overdue" in held.stderr
    out = data_dir / "reminders"
    assert learn(*late, "email", "render", "payment-reminder", "2026-autumn", "--participant", "ann.oneil@example.org", "-o", str(out)).exit_code == 0
    import email
    from email import policy

    [eml] = out.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "Still to pay: £383.34 (of £575.00; £191.66 received" in text and "5 days overdue" in text
    # A payment dated after the day asked about is not counted in the gate.
    assert json.loads(learn("--today", "2026-08-31", "report", "payment-gate", "2026-autumn", "--json").stdout)["lines"][0]["owed"] == "575.00"
