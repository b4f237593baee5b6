"""The calendar state files through the store: one transaction, several cohorts, reread."""

from __future__ import annotations

from learncli.store.calendar_state import read_records, sequenced_events, state_path, state_text
from learncli.store.folder import DataFolder


def test_two_cohorts_in_one_transaction_each_get_their_file(data_dir):
    folder = DataFolder(data_dir)
    with folder.transaction() as tx:
        autumn = sequenced_events(folder, tx, "2026-autumn")
        spring = sequenced_events(folder, tx, "2026-spring")
        again = sequenced_events(folder, tx, "2026-autumn")
    assert read_records(folder, "2026-autumn") == dict(autumn.records)
    assert read_records(folder, "2026-spring") == dict(spring.records)
    assert again.records == autumn.records and again.new == ()
    assert sorted(str(c.path.relative_to(data_dir)) for c in tx.changes) == [
        "calendar-state/2026-autumn.yaml",
        "calendar-state/2026-spring.yaml",
    ]


def test_the_written_text_reads_back_to_the_same_records(data_dir):
    folder = DataFolder(data_dir)
    with folder.transaction() as tx:
        sequenced_events(folder, tx, "2026-autumn")
    text = state_path(folder, "2026-autumn").read_text(encoding="utf-8")
    assert state_text(read_records(folder, "2026-autumn")) == text


def test_dry_run_queues_the_state_but_writes_nothing(data_dir):
    folder = DataFolder(data_dir)
    with folder.transaction(dry_run=True) as tx:
        sequenced_events(folder, tx, "2026-autumn")
    assert [c.path.name for c in tx.changes] == ["2026-autumn.yaml"]
    assert not state_path(folder, "2026-autumn").exists()


def test_a_cohort_never_exported_has_no_records(data_dir):
    assert read_records(DataFolder(data_dir), "2026-autumn") == {}
