"""`learn validate` on the invoice ledger: duplicates, gaps, late payers, references."""

from __future__ import annotations

import re
from pathlib import Path

from learncli.store.ledger import entry_text

from tests.conftest import use_own_details

DIAG = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) (?P<severity>error|warning|info): (?P<message>.*)$")


def diagnostics(output: str, code: str | None = None) -> list[dict[str, str]]:
    found = [m.groupdict() for m in map(DIAG.match, output.splitlines()) if m]
    return [d for d in found if code is None or d["code"] == code]


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    hits = [i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def block(path: Path, number: str) -> str:
    """The text of the invoice entry `number`, as written in the file."""
    text = path.read_text()
    start = text.index(f"  - invoice: {number}\n")
    end = text.find("\n  - ", start + 1)
    return text[start:end + 1]


def test_bundled_data_with_the_ledger_has_only_its_two_notes(learn, data_dir):
    use_own_details(data_dir)
    result = learn("--today", "2026-11-23", "validate", "--strict")
    assert result.exit_code == 0
    assert sorted(d["code"] for d in diagnostics(result.stdout)) == ["D007", "D008"]
    assert "4 file(s) checked" in result.stdout


def test_duplicate_numbers_after_a_merge_are_errors_at_both_positions(learn, data_dir):
    # Two facilitators each ran `invoice run` on their own branch; git merged both.
    path = data_dir / "invoices" / "2026.yaml"
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    theirs = block(path, "LWL-2026-0012").replace("ann.oneil@example.org", "sian.evans@example.org").replace("O'Neil, Ann", "Siân Evans")
    path.write_text(path.read_text() + "\n" + theirs)
    result = learn("--today", "2026-08-02", "validate")
    assert result.exit_code == 1
    found = diagnostics(result.stdout, "M001")
    first, second = line_of(path, "- invoice: LWL-2026-0012", 1), line_of(path, "- invoice: LWL-2026-0012", 2)
    assert [int(d["line"]) for d in found] == [first, second]
    assert f"invoices/2026.yaml:{second}" in found[0]["message"]
    assert f"invoices/2026.yaml:{first}" in found[1]["message"]
    assert all(d["severity"] == "error" for d in found)


def test_a_gap_in_the_numbers_is_a_warning(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    path.write_text(path.read_text().replace(block(path, "LWL-2026-0009"), "").replace("payment: LWL-2026-0009", "payment: LWL-2026-0010", 0))
    text = path.read_text()
    # the payment for the removed invoice now dangles: drop it too
    start = text.index("  - payment: LWL-2026-0009")
    path.write_text(text[:start] + text[text.index("\n  - ", start + 1) + 1:])
    result = learn("--today", "2026-11-23", "validate")
    [gap] = diagnostics(result.stdout, "M002")
    assert gap["severity"] == "warning"
    assert "LWL-2026-0009 is missing before LWL-2026-0010" in gap["message"]
    assert int(gap["line"]) == line_of(path, "- invoice: LWL-2026-0010")
    assert result.exit_code == 0


def test_unpaid_after_the_due_date_is_a_warning_that_honours_today(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    on_time = learn("--today", "2026-09-09", "validate")
    assert diagnostics(on_time.stdout, "M003") == []
    late = learn("--today", "2026-09-10", "validate")
    found = diagnostics(late.stdout, "M003")
    assert len(found) == 9 and late.exit_code == 0
    path = data_dir / "invoices" / "2026.yaml"
    assert int(found[0]["line"]) == line_of(path, "due: 2026-09-09")
    assert "O'Neil, Ann" in found[0]["message"] and "1 day(s) late" in found[0]["message"]
    assert learn("--today", "2026-09-10", "validate", "--strict").exit_code == 1


def test_references_to_missing_cohorts_and_participants_are_errors(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    text = path.read_text()
    text = text.replace("cohort: 2026-spring\n    participant: rory.mcallister@example.org", "cohort: 2025-spring\n    participant: rory.mcallister@example.org")
    text = text.replace("participant: hannah.price@example.org", "participant: hannah.prize@example.org")
    path.write_text(text)
    result = learn("--today", "2026-11-23", "validate")
    assert result.exit_code == 1
    [cohort] = diagnostics(result.stdout, "R003")
    assert "2025-spring" in cohort["message"] and int(cohort["line"]) == line_of(path, "cohort: 2025-spring")
    [person] = diagnostics(result.stdout, "R004")
    assert "hannah.prize@example.org" in person["message"] and int(person["line"]) == line_of(path, "hannah.prize@example.org")


def test_impossible_payments_and_credit_notes_are_errors(learn, data_dir):
    from datetime import date
    from decimal import Decimal

    from learncli.models.invoice import CreditNoteEntry, PaymentEntry

    path = data_dir / "invoices" / "2026.yaml"
    extra = [
        PaymentEntry(payment="LWL-2026-0001", date=date(2026, 4, 1), amount=Decimal("0.01"), method="bank"),  # overpays
        PaymentEntry(payment="LWL-2026-0008", date=date(2026, 4, 1), amount=Decimal("10"), method="bank"),  # void
        PaymentEntry(payment="LWL-2026-0404", date=date(2026, 4, 1), amount=Decimal("10"), method="card"),  # unknown
        CreditNoteEntry(credit_note="LWL-2026-0012", issued=date(2026, 4, 2), cancels="LWL-2026-0008", reason="again", currency="GBP", total=Decimal("575")),
    ]
    path.write_text(path.read_text() + "".join("\n" + entry_text(e) for e in extra))
    result = learn("--today", "2026-11-23", "validate")
    codes = [(d["code"], d["message"]) for d in diagnostics(result.stdout) if d["code"].startswith("M")]
    assert [c for c, _ in codes] == ["M005", "M005", "M004", "M006"]
    assert "more than its total of £575.00" in codes[0][1]
    assert "void" in codes[1][1] and "LWL-2026-0404" in codes[2][1] and "already cancelled" in codes[3][1]


def test_two_live_invoices_for_one_person_are_flagged(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    copy = block(path, "LWL-2026-0010").replace("LWL-2026-0010", "LWL-2026-0012")
    path.write_text(path.read_text() + "\n" + copy)
    [twice] = diagnostics(learn("--today", "2026-11-23", "validate").stdout, "M007")
    assert "LWL-2026-0010 and LWL-2026-0012" in twice["message"]


def test_schema_errors_inside_an_entry_point_at_the_value(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    text = path.read_text().replace("    method: card\n", "    method: bitcoin\n", 1).replace("    total: 575.00\n", "    totl: 575.00\n", 1)
    path.write_text(text)
    result = learn("--today", "2026-11-23", "validate")
    assert result.exit_code == 1
    found = diagnostics(result.stdout)
    method = next(d for d in found if "bitcoin" in d["message"])
    assert method["code"] == "F003" and int(method["line"]) == line_of(path, "method: bitcoin")
    assert int(method["col"]) == 13
    unknown = next(d for d in found if d["code"] == "F001")
    assert "did you mean 'total'?" in unknown["message"] and int(unknown["line"]) == line_of(path, "totl: 575.00")


def test_an_entry_of_no_known_kind_is_an_error_at_the_entry(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    path.write_text(path.read_text() + "\n  - rebate: LWL-2026-0001\n    amount: 5\n")
    [problem] = [d for d in diagnostics(learn("validate").stdout) if d["path"].endswith("2026.yaml")]
    assert problem["code"] == "F003" and "invoice:, credit_note:, payment:, refund:, payout: or allocation:" in problem["message"]
    assert int(problem["line"]) == line_of(path, "- rebate:")


def test_a_total_that_does_not_add_up_is_an_error(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    path.write_text(path.read_text().replace("    total: 575.00\n", "    total: 557.00\n", 1))
    result = learn("validate")
    assert result.exit_code == 1
    assert any("does not match the lines" in d["message"] for d in diagnostics(result.stdout, "F003"))


def test_an_entry_typed_into_another_years_file_is_pointed_at(learn, data_dir):
    from datetime import date
    from decimal import Decimal

    from learncli.models.invoice import PaymentEntry

    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    # learn files a January payment under the new year ...
    recorded = learn("--today", "2027-01-06", "payment", "record", "LWL-2026-0012", "--amount", "10", "--date", "2027-01-05", "--method", "bank")
    assert recorded.exit_code == 0, recorded.output
    assert "payment: LWL-2026-0012" in (data_dir / "invoices" / "2027.yaml").read_text()
    assert not diagnostics(learn("--today", "2027-01-06", "validate").stdout, "M008")
    # ... and a person who types the next one into last year's file is told where it goes.
    path = data_dir / "invoices" / "2026.yaml"
    typed = PaymentEntry(payment="LWL-2026-0012", date=date(2027, 1, 12), amount=Decimal("5"), method="card")
    path.write_text(path.read_text() + "\n" + entry_text(typed))
    result = learn("--today", "2027-01-13", "validate")
    [misfiled] = diagnostics(result.stdout, "M008")
    assert misfiled["severity"] == "warning" and result.exit_code == 0
    assert misfiled["path"].endswith("invoices/2026.yaml")
    assert int(misfiled["line"]) == line_of(path, "date: 2027-01-12")
    assert "invoices/2027.yaml" in misfiled["message"]
