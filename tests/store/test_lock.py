"""The data folder's lock: waits, gives up with a message, never follows a planted link."""

from __future__ import annotations

from filelock import FileLock

from tests.conftest import run_process


def test_a_writer_waits_for_the_lock_and_gives_up_with_a_clear_message(data_dir):
    with FileLock(data_dir / ".learn.lock"):
        proc = run_process(
            "--data", str(data_dir), "participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org",
            env={"LEARN_LOCK_TIMEOUT": "0.5"},
        )
    assert proc.returncode == 1
    assert "another learn command" in proc.stderr and "Traceback" not in proc.stderr
    assert "kai@example.org" not in (data_dir / "cohorts" / "2026-autumn.yaml").read_text()


def test_readers_do_not_need_the_lock(data_dir):
    with FileLock(data_dir / ".learn.lock"):
        proc = run_process("--data", str(data_dir), "--today", "2026-11-23", "status", env={"LEARN_LOCK_TIMEOUT": "0.5"})
    assert proc.returncode == 0 and "Autumn 2026" in proc.stdout


def test_a_symlink_planted_at_the_lock_path_truncates_nothing(learn, data_dir, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("important\n")
    (data_dir / ".learn.lock").symlink_to(victim)
    result = learn("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org")
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert victim.read_text() == "important\n"


def test_a_symlinked_cohort_file_is_read_but_never_written_through(learn, data_dir, tmp_path):
    real = tmp_path / "elsewhere.yaml"
    cohort = data_dir / "cohorts" / "2026-autumn.yaml"
    real.write_text(cohort.read_text())
    cohort.unlink()
    cohort.symlink_to(real)
    assert learn("--today", "2026-11-23", "status").exit_code == 0
    before = real.read_bytes()
    result = learn("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org")
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert real.read_bytes() == before and cohort.is_symlink()
