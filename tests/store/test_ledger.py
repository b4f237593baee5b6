"""Writing the ledger by appending: any text round-trips, any hand layout survives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.models.invoice import BillTo, CreditNoteEntry, InvoiceEntry, InvoiceLine, LedgerFile, PaymentEntry
from learncli.models.types import _CONTROL, _LINE_BREAK
from learncli.store.folder import DataFolder
from learncli.store.ledger import append_entries, entry_text, read_ledger
from learncli.store.yamlread import read_yaml


def invoice(number: str = "LWL-2026-0001", name: str = "O'Neil, Ann", po: str | None = "PO-1", issued: date = date(2026, 8, 1)) -> InvoiceEntry:
    return InvoiceEntry(
        invoice=number, issued=issued, due=date(2026, 9, 9), cohort="2026-autumn", participant="ann@example.org",
        participant_name=name, bill_to=BillTo(name=name, email="ann@example.org", address=["1 High St", "Town"]), po=po,
        currency="GBP", lines=[InvoiceLine(description=f"Course for {name}", amount=Decimal("575.00"))], total=Decimal("575.00"),
    )


def parse(folder: DataFolder, path: Path, text: str) -> LedgerFile:
    result = folder.read(path, LedgerFile, text)
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.model


one_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda s: s.strip() and not _LINE_BREAK.search(s) and not _CONTROL.search(s.replace("\t", "")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=one_line, po=one_line, reason=one_line, reference=one_line)
def test_any_text_round_trips_through_the_written_yaml(tmp_path, name, po, reason, reference):
    folder = DataFolder(tmp_path)
    entries = [
        invoice(name=name.strip(), po=po.strip()),
        CreditNoteEntry(credit_note="LWL-2026-0002", issued=date(2026, 8, 2), cancels="LWL-2026-0001", reason=reason.strip(), currency="GBP", total=Decimal("575")),
        PaymentEntry(payment="LWL-2026-0001", date=date(2026, 8, 3), amount=Decimal("1.5"), method="card", reference=reference.strip()),
    ]
    text = "entries:\n" + "".join(entry_text(e) for e in entries)
    model = parse(folder, tmp_path / "2026.yaml", text)
    assert model.entries == entries


@pytest.mark.parametrize(
    "existing, dash",
    [
        (None, 2),
        ("# my ledger\nentries: []   # nothing yet\n", 2),
        ("entries:\n", 2),
        ("# only a comment\n", 2),
        ("entries:\n- payment: X-1\n  date: 2026-01-02\n  amount: 5\n  method: bank\n# trailing comment\n", 0),
        ("entries:\n    - payment: X-1\n      date: 2026-01-02\n      amount: 5\n      method: bank", 4),
    ],
)
def test_appending_keeps_what_was_there_and_its_layout(tmp_path, existing, dash):
    folder = DataFolder(tmp_path)
    path = tmp_path / "invoices" / "2026.yaml"
    if existing is not None:
        path.parent.mkdir()
        path.write_text(existing)
    with folder.transaction() as tx:
        append_entries(tx, folder, [invoice()])
    text = path.read_text()
    model = parse(folder, path, text)
    assert model.entries[-1] == invoice()
    assert f"\n{' ' * dash}- invoice: LWL-2026-0001\n" in text
    for line in (existing or "").splitlines():
        if line.startswith("#") or "- payment" in line:
            assert line in text


def test_inline_entries_are_refused_without_writing(tmp_path):
    folder = DataFolder(tmp_path)
    path = tmp_path / "invoices" / "2026.yaml"
    path.parent.mkdir()
    path.write_text("entries: [{payment: X-1, date: 2026-01-02, amount: 5, method: bank}]\n")
    from learncli.errors import Refused

    with pytest.raises(Refused), folder.transaction() as tx:
        append_entries(tx, folder, [invoice()])
    assert path.read_text().startswith("entries: [")


def test_entries_go_to_the_file_of_their_year(tmp_path):
    folder = DataFolder(tmp_path)
    with folder.transaction() as tx:
        append_entries(tx, folder, [invoice(), PaymentEntry(payment="LWL-2026-0001", date=date(2027, 1, 5), amount=Decimal("575"), method="bank")])
    assert sorted(p.name for p in (tmp_path / "invoices").iterdir()) == ["2026.yaml", "2027.yaml"]
    ledger = read_ledger(folder).ledger
    assert ledger.account("LWL-2026-0001").status == "paid"


def test_money_is_read_back_as_exact_decimals(tmp_path):
    loaded = read_yaml(tmp_path / "x.yaml", "entries:\n" + entry_text(PaymentEntry(payment="A-1", date=date(2026, 1, 1), amount=Decimal("191.67"), method="bank")))
    assert loaded.data["entries"][0]["amount"] == Decimal("191.67")
    assert type(loaded.data["entries"][0]["amount"]) is Decimal
