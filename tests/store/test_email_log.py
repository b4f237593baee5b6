"""The send log file: written in a fixed layout, read back exactly, checked by validate."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from learncli.models.email_log import EmailLog, LoggedMessage
from learncli.store.email_log import log_path, log_text, read_log, save_log
from learncli.store.folder import DataFolder

BST = timezone(timedelta(hours=1))


def record(**changes) -> LoggedMessage:
    values = dict(
        kind="reminder", session=5, to="ann.oneil@example.org", status="sent",
        message_id="<reminder-s5.2026-autumn.0123456789abcdef0123@example.org>",
        started=datetime(2026, 11, 16, 9, 0, 1, tzinfo=BST), finished=datetime(2026, 11, 16, 9, 0, 2, tzinfo=BST),
        subject="Reminder: Leading with Learning session 5, Connecting learning cycles, Wed 18 Nov 2026",
    )
    values.update(changes)
    return LoggedMessage(**values)


def test_a_log_reads_back_exactly_whatever_its_text(data_dir):
    folder = DataFolder(data_dir)
    log = EmailLog(
        cohort="2026-autumn",
        messages=[
            record(),
            record(kind="joining", session=None, to="jose.martinez@example.org", status="failed", finished=None,
                   subject='José: "quotes", #hash, colons: and — dashes', error="550 5.1.1 <jose.martinez@example.org>: no"),
            record(to="zoe.hartmann@example.org", status="sending", finished=None, subject="NO"),
        ],
    )
    save_log(folder, log)
    assert read_log(folder, "2026-autumn") == log
    lines = log_path(folder, "2026-autumn").read_text().splitlines()
    messages = lines[lines.index("messages:") + 1:]
    assert len(messages) == 3 and all(line.startswith("  - {kind: ") for line in messages)


def test_no_log_yet_is_an_empty_log(data_dir):
    assert read_log(DataFolder(data_dir), "2026-autumn") == EmailLog(cohort="2026-autumn")
    assert "messages: []" in log_text(EmailLog(cohort="2026-autumn"))


def test_a_log_under_another_cohorts_name_is_reported_by_validate(learn, data_dir):
    folder = DataFolder(data_dir)
    save_log(folder, EmailLog(cohort="2026-spring", messages=[record()]))
    log_path(folder, "2026-spring").rename(log_path(folder, "2026-autumn"))
    result = learn("validate")
    assert result.exit_code == 1
    assert "email-log/2026-autumn.yaml:" in result.stdout + result.stderr and "F006" in result.stdout + result.stderr


def test_a_stamp_without_an_offset_is_an_error_with_its_position(learn, data_dir):
    folder = DataFolder(data_dir)
    save_log(folder, EmailLog(cohort="2026-autumn", messages=[record()]))
    path = log_path(folder, "2026-autumn")
    path.write_text(path.read_text().replace("2026-11-16T09:00:01+01:00", "2026-11-16 09:00"), encoding="utf-8")
    result = learn("validate")
    output = result.stdout + result.stderr
    assert result.exit_code == 1 and "no UTC offset" in output
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "2026-11-16 09:00" in text)
    assert f"email-log/2026-autumn.yaml:{line}:" in output
