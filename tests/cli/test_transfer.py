"""`learn participant transfer`: a person moves to another cohort and what they paid
follows them, by an allocation in the ledger that `invoice run` on the new cohort adds."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
import yaml

TODAY = ("--today", "2026-11-30")
ANN = "ann.oneil@example.org"


@pytest.fixture
def paid(learn):
    """Autumn invoiced on 1 Aug 2026; Ann's invoice LWL-2026-0012 paid in full on 1 Sep;
    a new cohort 2027-spring planned with `cohort add`."""
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    run = lambda *args: learn(*TODAY, *args)  # noqa: E731
    assert run("payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-09-01", "--method", "bank").exit_code == 0
    added = run("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", "2027-spring")
    assert added.exit_code == 0, added.output
    return run


def as_json(run, *args):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def person(data_dir, cohort, email):
    people = yaml.safe_load((data_dir / "cohorts" / f"{cohort}.yaml").read_text())["participants"]
    return next(p for p in people if p["email"] == email)


def new_invoice(run):
    issued = as_json(run, "invoice", "run", "2027-spring")["issued"]
    [number] = [i["number"] for i in issued if i["participant"] == ANN]
    return number


def set_fee(data_dir, fee):
    """The course fee changed after autumn was invoiced (the issued invoices keep theirs)."""
    path = data_dir / "courses.yaml"
    path.write_text(path.read_text().replace("fee: 575.00", f"fee: {fee}"))


def test_a_paid_person_transferred_is_paid_on_the_new_cohort_and_counted_once(paid, data_dir):
    received = as_json(paid, "report", "revenue")["totals"][0]["received"]
    counted = as_json(paid, "report", "contributions")["totals"][0]["paid_participants"]

    comments = [line for line in (data_dir / "cohorts" / "2026-autumn.yaml").read_text().splitlines() if line.lstrip().startswith("#")]
    moved = paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring", "--date", "2026-11-20")
    assert moved.exit_code == 0, moved.output
    kept = (data_dir / "cohorts" / "2026-autumn.yaml").read_text().splitlines()
    assert comments and all(line in kept for line in comments)
    assert "£575.00 paid for 2026-autumn moves to their invoice for 2027-spring" in moved.stderr
    old, new = person(data_dir, "2026-autumn", ANN), person(data_dir, "2027-spring", ANN)
    assert (old["status"], str(old["withdrawn"]), old["transferred_to"]) == ("withdrawn", "2026-11-20", "2027-spring")
    same = ("name", "organisation", "role", "po", "billing_name", "billing_email")
    assert {k: new[k] for k in same} == {k: old[k] for k in same}
    assert (str(new["registered"]), new["transferred_from"], new.get("status", "registered")) == ("2026-11-20", "2026-autumn", "registered")
    # Credited in full, the money still held on it: a refund would be due if it stayed.
    credited = as_json(paid, "invoice", "show", "LWL-2026-0012")
    assert (credited["status"], credited["credited"], credited["held"]) == ("refund-due", "575.00", "575.00")

    number = new_invoice(paid)
    after = as_json(paid, "invoice", "show", number)
    assert (after["total"], after["paid"], after["balance"], after["status"]) == ("575.00", "0.00", "0.00", "paid")
    assert [(a["from_invoice"], a["amount"]) for a in after["allocated_in"]] == [("LWL-2026-0012", "575.00")]
    old_after = as_json(paid, "invoice", "show", "LWL-2026-0012")
    assert (old_after["status"], old_after["balance"], old_after["held"]) == ("void", "0.00", "0.00")

    assert as_json(paid, "report", "revenue")["totals"][0]["received"] == received
    contributions = as_json(paid, "report", "contributions")
    assert contributions["totals"][0]["paid_participants"] == counted
    by_cohort = {line["cohort"]: line["paid_participants"] for line in contributions["lines"]}
    assert "2026-autumn" not in by_cohort and by_cohort["2027-spring"] == 1

    # The books agree: the allocation moves nothing, so the receivable is still what is
    # outstanding, and the contribution is owed once, for the new invoice.
    from tests.cli.test_ledger_after_issue import load_books

    books = paid("export", "beancount", "-o", "-")
    assert books.exit_code == 0, books.output
    balance = load_books(books.stdout)
    assert balance("Assets:Receivable") == sum(Decimal(a["balance"]) for a in as_json(paid, "invoice", "list"))
    assert -balance("Liabilities:Contributions:HLS-Collaborative") == Decimal(contributions["balance"])

    check = as_json(paid, "validate")
    assert check["counts"]["error"] == 0, check
    assert not [d for d in check["diagnostics"] if d["code"] in ("M004", "M005", "M007", "M023")]
    # A second run allocates nothing more.
    again = as_json(paid, "invoice", "run", "2027-spring")
    assert again["issued"] == [] and again["allocated"] == []


def test_a_dearer_course_leaves_the_difference_owed(paid, data_dir):
    set_fee(data_dir, "650.00")
    moved = paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring")
    assert moved.exit_code == 0, moved.output
    assert "the new place costs £650.00, so £75.00 will still be owed" in moved.stderr
    run = paid("invoice", "run", "2027-spring")
    assert run.exit_code == 0, run.output
    assert "£75.00 is still owed on" in run.stderr
    [number] = re.findall(r"to (LWL-2026-\d+) \(a transfer", run.stderr)
    after = as_json(paid, "invoice", "show", number)
    assert (after["total"], after["balance"], after["status"]) == ("650.00", "75.00", "part-paid")
    assert as_json(paid, "invoice", "show", "LWL-2026-0012")["status"] == "void"


def test_a_cheaper_course_leaves_the_difference_refundable(paid, data_dir):
    set_fee(data_dir, "500.00")
    moved = paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring")
    assert moved.exit_code == 0, moved.output
    assert "the new place costs £500.00, so £75.00 will be refundable" in moved.stderr
    run = paid("invoice", "run", "2027-spring")
    assert "£75.00 held on LWL-2026-0012 is more than the new place costs: refund it" in run.stderr
    old = as_json(paid, "invoice", "show", "LWL-2026-0012")
    assert (old["status"], old["balance"]) == ("refund-due", "-75.00")
    refund = paid("payment", "refund", "LWL-2026-0012", "--amount", "75", "--date", "2026-11-30", "--method", "bank")
    assert refund.exit_code == 0, refund.output
    assert as_json(paid, "invoice", "show", "LWL-2026-0012")["status"] == "void"
    assert as_json(paid, "report", "revenue")["totals"][0]["refunded"] == "75.00"


def test_an_unpaid_transfer_moves_nothing_and_the_new_place_is_invoiced_in_full(paid, data_dir):
    moved = paid("participant", "transfer", "2026-autumn", "sian.evans@example.org", "--to", "2027-spring")
    assert moved.exit_code == 0, moved.output
    assert "nothing was paid on the old invoice" in moved.stderr
    issued = as_json(paid, "invoice", "run", "2027-spring")
    assert issued["allocated"] == [] and [i["total"] for i in issued["issued"]] == ["575.00"]


def test_dry_run_writes_nothing(paid, data_dir):
    def snapshot():
        return {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file() and ".learn-cache" not in p.parts}

    before = snapshot()
    moved = paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring", "--dry-run")
    assert moved.exit_code == 0, moved.output
    assert "would credit £575.00 of LWL-2026-0012" in moved.stderr
    assert snapshot() == before


def test_refusals_write_nothing(paid, data_dir):
    before = (data_dir / "invoices" / "2026.yaml").read_text()
    same = paid("participant", "transfer", "2026-autumn", ANN, "--to", "2026-autumn")
    assert same.exit_code == 1 and "another cohort" in same.stderr
    assert paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring").exit_code == 0
    twice = paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring")
    assert twice.exit_code == 1 and "already withdrawn from 2026-autumn (transferred to 2027-spring)" in twice.stderr
    nowhere = paid("participant", "transfer", "2026-autumn", "sian.evans@example.org", "--to", "2031-never")
    assert nowhere.exit_code == 1
    assert (data_dir / "invoices" / "2026.yaml").read_text().count("credit_note:") == before.count("credit_note:") + 1


def test_validate_reports_an_allocation_of_more_than_is_held_or_to_no_invoice(paid, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    path.write_text(
        path.read_text()
        + "\n  - allocation: LWL-2026-0013\n    from_invoice: LWL-2026-0012\n    date: 2026-11-01\n    amount: 600.00\n"
        + "\n  - allocation: LWL-2026-0999\n    from_invoice: LWL-2026-0012\n    date: 2026-11-01\n    amount: 1.00\n"
    )
    lines = path.read_text().splitlines()
    result = paid("validate", "--json")
    assert result.exit_code == 1
    check = json.loads(result.stdout)
    found = [(d["line"], d["message"]) for d in check["diagnostics"] if d["code"] == "M023"]
    amount_line = next(i for i, text in enumerate(lines, 1) if text.strip() == "amount: 600.00")
    target_line = next(i for i, text in enumerate(lines, 1) if text.strip() == "- allocation: LWL-2026-0999")
    assert (amount_line, "allocation of £600.00 from LWL-2026-0012, which holds only £575.00 at that point") in found
    assert any(line == target_line and "LWL-2026-0999, which is not an invoice" in message for line, message in found)
    assert check["counts"]["error"] >= 2 and not check["ok"]


def test_each_cohorts_part_of_the_ledger_sees_the_allocation(paid, data_dir):
    """Commands about one cohort read only its part of the ledger (from the cache): the
    allocation, which names an invoice of each cohort, belongs to both parts."""
    from learncli.store import ledger_cache
    from learncli.store.folder import DataFolder
    from learncli.store.ledger import read_ledger

    assert paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring").exit_code == 0
    number = new_invoice(paid)
    folder = DataFolder(data_dir)
    read_ledger(folder)  # remembers every file, so the parts below come from the cache
    assert ledger_cache.cohort_part(folder, folder.ledger_paths(), "2027-spring") is not None
    new = read_ledger(folder, cohort="2027-spring").ledger.account(number)
    old = read_ledger(folder, cohort="2026-autumn").ledger.account("LWL-2026-0012")
    assert (new.balance, new.status, old.held, old.status) == (0, "paid", 0, "void")


def test_reinstating_a_transferred_person_says_they_are_still_on_the_other_cohort(paid, data_dir):
    assert paid("participant", "transfer", "2026-autumn", ANN, "--to", "2027-spring").exit_code == 0
    back = paid("participant", "reinstate", "2026-autumn", ANN)
    assert back.exit_code == 0, back.output
    assert f"`learn participant withdraw 2027-spring {ANN}`" in back.stderr
    assert "transferred_to" not in person(data_dir, "2026-autumn", ANN)
