"""The calendar state file through the store: one transaction, several cohorts, reread."""

from __future__ import annotations

from learncli.store.calendar_state import read_state, sequenced_events, state_path, state_text
from learncli.store.folder import DataFolder


def test_two_cohorts_in_one_transaction_both_keep_their_records(data_dir):
    folder = DataFolder(data_dir)
    with folder.transaction() as tx:
        autumn = sequenced_events(folder, tx, "2026-autumn")
        spring = sequenced_events(folder, tx, "2026-spring")
        again = sequenced_events(folder, tx, "2026-autumn")
    state = read_state(folder)
    assert sorted(state.cohorts) == ["2026-autumn", "2026-spring"]
    assert state.cohorts["2026-autumn"] == dict(autumn.records)
    assert state.cohorts["2026-spring"] == dict(spring.records)
    assert again.records == autumn.records and again.new == ()
    assert [c.path.name for c in tx.changes] == ["calendar-state.yaml"]


def test_the_written_text_reads_back_to_the_same_state(data_dir):
    folder = DataFolder(data_dir)
    with folder.transaction() as tx:
        sequenced_events(folder, tx, "2026-autumn")
    text = state_path(folder).read_text(encoding="utf-8")
    assert state_text(read_state(folder)) == text


def test_dry_run_queues_the_state_but_writes_nothing(data_dir):
    folder = DataFolder(data_dir)
    with folder.transaction(dry_run=True) as tx:
        sequenced_events(folder, tx, "2026-autumn")
    assert [c.path.name for c in tx.changes] == ["calendar-state.yaml"]
    assert not state_path(folder).exists()
