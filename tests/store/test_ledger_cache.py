"""The ledger cache never changes an answer: same entries, same positions, any change seen."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from learncli.models.invoice import PaymentEntry
from learncli.store import ledger_cache
from learncli.store.folder import DataFolder
from learncli.store.ledger import append_entries, read_ledger
from learncli.store.yamlread import read_yaml

TODAY = ("--today", "2026-11-23")
KEYS = ("invoice", "payment", "credit_note", "cohort", "participant", "due", "amount", "cancels", "issued", "date")


def positions(read) -> list[tuple]:
    """Where every entry and each of its usual keys is, as messages would point at them."""
    return [(item.path, item.index, key, item.mark(key)) for item in read.ledger.items for key in (None, *KEYS)]


def fresh(path: Path):
    """What reading `path` from YAML gives: its entries and the cache's table of positions."""
    loaded = read_yaml(path)
    folder = DataFolder(path.parents[1])
    result = folder.read(path, ledger_cache.LedgerFile)
    marks = ledger_cache._marks(loaded.source, len(result.model.entries or []))
    return result.model.entries, marks, ledger_cache._appendable(loaded.source, path.read_text(encoding="utf-8-sig"))


def remembered(folder: DataFolder, path: Path):
    """What a later command finds in the cache for `path` as it is now (None: nothing)."""
    ledger_cache.start_reading()  # as a new process would: nothing in memory
    return ledger_cache.load(folder, path, path.read_bytes())


@pytest.fixture
def busy(learn, make_cohort, data_dir):
    """The bundled ledger plus a run of 30, two payments and a void."""
    make_cohort("big", 30, po=lambda i: f"PO-{i}" if i % 2 else None)
    assert learn("--today", "2026-08-01", "invoice", "run", "big").exit_code == 0
    for number in ("LWL-2026-0012", "LWL-2026-0013"):
        assert learn("payment", "record", number, "--amount", "100", "--date", "2026-08-20", "--method", "card").exit_code == 0
    assert learn("--today", "2026-08-21", "invoice", "void", "LWL-2026-0020", "--reason", "Wrong PO").exit_code == 0
    return DataFolder(data_dir)


def test_a_read_from_the_cache_equals_a_read_from_yaml(busy):
    uncached = read_ledger(busy, use_cache=False)
    read_ledger(busy)  # fills the cache for any file not in it yet
    cached = read_ledger(busy)
    assert all(isinstance(f.source, ledger_cache.CachedSource) for f in cached.files)
    assert [i.entry for i in cached.ledger.items] == [i.entry for i in uncached.ledger.items]
    assert all(type(a.entry) is type(b.entry) for a, b in zip(cached.ledger.items, uncached.ledger.items))
    assert positions(cached) == positions(uncached)
    assert [i.entry.model_dump() for i in cached.ledger.items] == [i.entry.model_dump() for i in uncached.ledger.items]


def test_every_command_answers_the_same_with_and_without_the_cache(busy, learn, data_dir, monkeypatch):
    commands = [
        ("invoice", "list", "--json"), ("invoice", "show", "LWL-2026-0013", "--json"), ("status", "--json"),
        ("report", "revenue", "--year", "2026", "--json"), ("validate", "--json"),
    ]
    # Edit a cohort so that validate's own cache cannot answer: it reads the ledger.
    spring = data_dir / "cohorts" / "2026-spring.yaml"
    spring.write_text(spring.read_text() + "\n# touched\n")
    with_cache = [learn(*TODAY, *c).stdout for c in commands]
    monkeypatch.setenv("LEARN_NO_CACHE", "1")
    without = [learn(*TODAY, *c).stdout for c in commands]
    assert with_cache == without
    assert "M003" in without[-1]  # positions of ledger warnings were compared too


def test_a_changed_file_is_always_read_again(busy, learn, data_dir):
    read_ledger(busy)
    path = data_dir / "invoices" / "2026.yaml"
    stat = path.stat()
    text = path.read_text()
    edited = text.replace("amount: 100.00", "amount: 200.00", 1)  # the same length
    assert edited != text and len(edited) == len(text)
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    shown = json.loads(learn("invoice", "show", "LWL-2026-0012", "--json").stdout)
    assert shown["paid"] == "200.00"


def test_a_file_whose_status_is_trusted_is_still_read_again_after_an_edit(busy, learn, data_dir, monkeypatch):
    """Once a file has stood unchanged, its status stands for its bytes (no read, no
    hash); an edit of the same length with the modification time put back still changes
    its change time, and is seen."""
    from learncli.store import stamps

    monkeypatch.setattr(stamps, "SETTLED_NS", 50_000_000)  # in-process: the CLI runner shares the module
    path = data_dir / "invoices" / "2026.yaml"
    read_ledger(busy)
    time.sleep(0.1)
    read_ledger(busy)  # hashed again, now settled: its status is kept as trusted
    key, raw = ledger_cache.key_of(busy, path)
    assert raw is None and key == ledger_cache.key(path.read_bytes())  # from the status alone
    stat = path.stat()
    text = path.read_text()
    edited = text.replace("amount: 100.00", "amount: 300.00", 1)
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size
    shown = json.loads(learn("invoice", "show", "LWL-2026-0012", "--json").stdout)
    assert shown["paid"] == "300.00"
    assert json.loads(learn(*TODAY, "status", "--all", "--json").stdout) == json.loads(
        learn(*TODAY, "status", "--all", "--json", "--no-cache").stdout)


def test_a_file_with_errors_is_never_remembered(busy, learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    path.write_text(path.read_text().replace("method: card", "method: bitcoin", 1))
    for _ in range(2):
        result = learn("invoice", "list")
        assert result.exit_code == 1 and "F003" in result.stderr
    assert remembered(busy, path) is None


def test_a_corrupt_or_doctored_cache_is_ignored(busy, learn, data_dir):
    expected = learn("invoice", "list", "--json").stdout
    cached = list((data_dir / ".learn-cache").glob("ledger-*.json"))
    assert cached
    for path in cached:
        stored = json.loads(path.read_text())
        stored["value"]["entries"][0][1][-2] = 575  # a number where text belongs
        path.write_text(json.dumps(stored))
    assert learn("invoice", "list", "--json").stdout == expected
    for path in cached:
        path.write_text("{not json")
    assert learn("invoice", "list", "--json").stdout == expected


def test_no_cache_means_no_cache_files(learn, data_dir, monkeypatch):
    monkeypatch.setenv("LEARN_NO_CACHE", "1")
    assert learn("invoice", "list").exit_code == 0
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    assert learn("invoice", "list").exit_code == 0
    assert not (data_dir / ".learn-cache").exists()


def test_what_learn_writes_is_remembered_exactly(busy, data_dir):
    """After each append (checked by its new entries only), the cache holds what a full
    read of the file gives: the same entries, positions and layout facts."""
    path = data_dir / "invoices" / "2026.yaml"
    hit = remembered(busy, path)
    assert hit is not None
    assert (hit.model.entries, hit.source.marks, hit.source.appendable) == fresh(path)


LAYOUTS = {
    "two spaces": "entries:\n  - payment: X-1\n    date: 2026-01-02\n    amount: 5\n    method: bank\n",
    "flush left, comment after": "entries:\n- payment: X-1\n  date: 2026-01-02\n  amount: 5\n  method: bank\n# trailing comment\n",
    "four spaces, no newline": "entries:\n    - payment: X-1\n      date: 2026-01-02\n      amount: 5\n      method: bank",
    "block text last": (
        "# kept by hand\nentries:\n  - payment: X-1\n    date: 2026-01-02\n    amount: 5\n    method: bank\n"
        "    note: |\n      paid at the door\n\n      in cash\n\n\n# the end\n"
    ),
    "byte-order mark": "\ufeffentries:\n  - payment: X-1\n    date: 2026-01-02\n    amount: 5\n    method: bank\n",
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_appending_to_a_remembered_file_gives_what_a_full_check_gives(tmp_path, layout):
    folder = DataFolder(tmp_path)
    path = tmp_path / "invoices" / "2026.yaml"
    path.parent.mkdir()
    path.write_text(LAYOUTS[layout], encoding="utf-8")
    assert read_ledger(folder).ok  # remembered
    before = remembered(folder, path)
    assert before is not None and before.source.appendable is not None
    payments = [PaymentEntry(payment="X-1", date=date(2026, 1, d), amount=Decimal(d), method="card") for d in (3, 4)]
    with folder.transaction() as tx:
        append_entries(tx, folder, payments)
    assert "2026.yaml" not in {p.name for p in tx.checked}  # only the new entries were read
    entries, marks, appendable = fresh(path)
    assert entries[-2:] == payments
    hit = remembered(folder, path)
    assert hit is not None and (hit.model.entries, hit.source.marks, hit.source.appendable) == (entries, marks, appendable)


@pytest.mark.parametrize(
    "text",
    [
        "entries:\n  - payment: X-1\n    date: 2026-01-02\n    amount: 5\n    method: bank\n...\n",
        "entries:\n  - payment: X-1\n    date: 2026-01-02\n    amount: 5\n    method: bank\n...\n# after the end\n",
    ],
)
def test_a_file_that_ends_its_document_is_checked_whole_and_appended_to(tmp_path, text):
    folder = DataFolder(tmp_path)
    path = tmp_path / "invoices" / "2026.yaml"
    path.parent.mkdir()
    path.write_text(text)
    assert read_ledger(folder).ok
    hit = remembered(folder, path)
    assert hit is not None and hit.source.appendable is None
    added = PaymentEntry(payment="X-1", date=date(2026, 1, 3), amount=Decimal(1), method="card")
    with folder.transaction() as tx:
        append_entries(tx, folder, [added])
    assert "2026.yaml" in {p.name for p in tx.checked}  # not appendable: read whole
    after = path.read_text()
    assert "\n...\n" not in after  # the end marker would have started a second document
    assert after.startswith(text.split("...\n")[0])
    entries, _, _ = fresh(path)
    assert entries[-1] == added and len(entries) == 2


def cohort_view(ledger, cohort_id: str) -> list[tuple]:
    """Everything a question about one cohort can see: its accounts, whole."""
    return [
        (a.number, a.participant, a.total, a.balance, a.status, [p.amount for p in a.payments], a.credit_note, a.at.index, a.at.mark("due"))
        for a in ledger.all(cohort=cohort_id)
    ]


@pytest.mark.parametrize("cohort_id", ["big", "2026-autumn", "2026-spring", "no-such-cohort"])
def test_one_cohorts_part_of_the_ledger_answers_as_the_whole_does(busy, cohort_id):
    # A payment for big's invoice filed in the next year's file, and a credit note
    # cancelling one of spring's: the part follows references across files.
    path = busy.invoices_dir / "2027.yaml"
    with busy.transaction() as tx:
        append_entries(tx, busy, [PaymentEntry(payment="LWL-2026-0014", date=date(2027, 1, 4), amount=Decimal("75.00"), method="bank")])
    whole = read_ledger(busy, use_cache=False).ledger
    read_ledger(busy)  # every file remembered
    ledger_cache.start_reading()
    part = read_ledger(busy, cohort=cohort_id)
    assert part.files == []  # built from the cache alone
    assert cohort_view(part.ledger, cohort_id) == cohort_view(whole, cohort_id)
    others = {a.cohort for a in part.ledger.accounts.values()}
    assert others <= {cohort_id}
    assert len(part.ledger) < len(whole)
    assert path.is_file()
    # Every number in use is known to the part, so an invoice run issues the same ones.
    from learncli.domain.invoicing import next_numbers

    invoicing = busy.config().invoicing
    for day in (date(2026, 11, 23), date(2027, 2, 1), date(2025, 5, 5)):
        assert next_numbers(part.ledger, invoicing, day, 3) == next_numbers(whole, invoicing, day, 3)
    assert set(part.ledger.numbers) == set(whole.numbers)


def test_one_cohorts_part_reads_a_changed_file_again(busy):
    read_ledger(busy)
    path = busy.invoices_dir / "2026.yaml"
    # By hand: LWL-2026-0013 is paid in full.
    path.write_text(path.read_text(encoding="utf-8") + "\n  - payment: LWL-2026-0013\n    date: 2026-09-01\n    amount: 475.00\n    method: bank\n", encoding="utf-8")
    ledger_cache.start_reading()
    part = read_ledger(busy, cohort="big")
    assert part.files, "a file not in the cache means the whole ledger is read"
    assert part.ledger.account("LWL-2026-0013").status == "paid"
    assert read_ledger(busy, cohort="big").files == []  # and now it is remembered
    assert read_ledger(busy, cohort="big").ledger.account("LWL-2026-0013").status == "paid"
