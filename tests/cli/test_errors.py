"""Errors reach the user as one message and an exit code, never a traceback."""

from __future__ import annotations

import pytest


def _broken(*args, **kwargs):
    raise RuntimeError("simulated fault")


def test_an_unexpected_failure_is_reported_without_a_traceback(learn, monkeypatch):
    import learncli.domain.status as status

    monkeypatch.setattr(status, "cohort_status", _broken)
    monkeypatch.delenv("LEARN_DEBUG")
    result = learn("--today", "2026-11-23", "status")
    assert result.exit_code == 1
    assert "internal error: RuntimeError: simulated fault" in result.stderr
    assert "LEARN_DEBUG=1" in result.stderr and "Traceback" not in result.output


def test_learn_debug_shows_the_real_exception(learn, monkeypatch):
    import learncli.domain.status as status

    monkeypatch.setattr(status, "cohort_status", _broken)
    with pytest.raises(RuntimeError, match="simulated fault"):
        learn("--today", "2026-11-23", "status")


def test_invalid_data_prints_diagnostics_then_one_line(learn, data_dir):
    (data_dir / "courses.yaml").write_text("organisation: {name: X, email: bad}\n")
    result = learn("status")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("data/courses.yaml:1:32: F003 error: ")
    assert "email" in lines[0] and "'bad' is not a valid email address" in lines[0]
    assert lines[-2] == "learn: courses.yaml has 1 error(s); fix them first"
    assert lines[-1] == f"data folder: {data_dir} (found by --data)"  # the folder those files are in, and why that one
