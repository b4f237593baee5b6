"""Atomic replacement: old or new content, never half; permissions kept; links refused."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from learncli.errors import Refused, WriteFailed
from learncli.store.atomic import TEMP_PREFIX, atomic_write, remove_stale_temp_files


def test_replaces_content_and_keeps_the_file_mode(tmp_path):
    path = tmp_path / "cohort.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    atomic_write(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["cohort.yaml"]


def test_a_new_file_gets_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.yaml", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_a_failing_system_call_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, failing):
    path = tmp_path / "ledger.yaml"
    path.write_text("precious\n")

    def boom(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(WriteFailed) as caught:
        atomic_write(path, "replacement\n")
    monkeypatch.undo()
    assert "disk is full" in str(caught.value)
    assert path.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.yaml"]


def test_writing_through_a_symlink_is_refused_and_the_target_untouched(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    link = tmp_path / "cohort.yaml"
    link.symlink_to(target)
    with pytest.raises(Refused):
        atomic_write(link, "overwrite\n")
    assert target.read_text() == "keep me\n" and link.is_symlink()


def test_temp_files_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / f"{TEMP_PREFIX}cohort.yaml.999999"
    dead.write_text("half")
    live = tmp_path / f"{TEMP_PREFIX}cohort.yaml.{os.getppid()}"
    live.write_text("in progress")
    remove_stale_temp_files(tmp_path)
    assert not dead.exists()
    assert live.exists()


def test_every_write_sweeps_temp_files_of_dead_processes_from_all_data_folders(learn, data_dir):
    # A calendar export killed while writing calendar-state.yaml leaves its temporary file
    # in the folder's root, where a participant add writes nothing: it is removed all the same.
    left = [
        data_dir / f"{TEMP_PREFIX}calendar-state.yaml.999999",
        data_dir / "invoices" / f"{TEMP_PREFIX}2026.yaml.999998",
    ]
    for path in left:
        path.write_text("half")
    result = learn("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org")
    assert result.exit_code == 0, result.output
    assert not any(path.exists() for path in left)


def test_a_transaction_removes_generated_files_after_its_writes_and_never_a_data_file(data_dir):
    from learncli.store.folder import DataFolder

    folder = DataFolder(data_dir)
    out = data_dir / "out" / "invitations"
    out.mkdir(parents=True)
    (out / "old.ics").write_bytes(b"an invitation no longer right")
    cohort = data_dir / "cohorts" / "2026-autumn.yaml"
    with pytest.raises(Refused), folder.transaction() as tx:
        tx.remove(cohort)
    assert cohort.exists()

    with folder.transaction(dry_run=True) as tx:
        tx.remove(out / "old.ics")
    assert [(c.path.name, c.removed) for c in tx.changes] == [("old.ics", True)] and (out / "old.ics").exists()

    with folder.transaction() as tx:
        tx.remove(out / "old.ics")
        tx.remove(out / "never-there.ics")  # nothing to remove: no change
        tx.output(out / "new.ics", b"its cancellation")
    assert [(c.path.name, c.removed) for c in tx.changes] == [("new.ics", False), ("old.ics", True)]
    assert sorted(p.name for p in out.iterdir()) == ["new.ics"]
