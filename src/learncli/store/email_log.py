"""The send log on disk: `email-log/<cohort>.yaml`, one line per attempt.

Only `learn email send` writes it, under the folder's lock, rewriting the whole file
atomically each time (it is small: one line per message). The layout is fixed, one
flow mapping per line, so a git diff shows exactly which messages were sent, and a
person can read it (or, knowing a message did arrive, change its `sending` to `sent`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from learncli.errors import DataError
from learncli.models.email_log import EmailLog, LoggedMessage
from learncli.store.folder import EMAIL_LOG_DIR

if TYPE_CHECKING:
    from pathlib import Path

    from learncli.store.folder import DataFolder

LOG_DIR = EMAIL_LOG_DIR

_HEADER = """\
# Kept by `learn email send`: every email it has tried to send for this cohort, one line
# per attempt. Commit this file with the rest of the folder: it is what stops a message
# from going to the same person twice. `status: sending` means a run stopped after
# handing the message over and before the server's answer was recorded, so it may have
# arrived; `learn email send` reports it and sends it again only with --resend. If you
# know it arrived, you may change its status to sent.
"""


def log_path(folder: DataFolder, cohort_id: str) -> Path:
    folder.cohort_path(cohort_id)  # the id is checked before it becomes a file name
    return folder.root / LOG_DIR / f"{cohort_id}.yaml"


def log_paths(folder: DataFolder) -> list[Path]:
    """Every log file in the folder, sorted by name."""
    directory = folder.root / LOG_DIR
    if not directory.is_dir():
        return []
    from learncli.store.conflict_copies import copy_of

    return sorted(p for p in directory.glob("*.yaml") if not p.name.startswith(".") and copy_of(p) is None)


def read_log(folder: DataFolder, cohort_id: str) -> EmailLog:
    """The cohort's log (empty when nothing was sent yet), or `DataError` with positions."""
    path = log_path(folder, cohort_id)
    if not path.exists():
        return EmailLog(cohort=cohort_id)
    result = folder.read(path, EmailLog)
    errors = [d for d in result.diagnostics if d.is_error]
    if result.model is None or errors:
        raise DataError(
            f"{LOG_DIR}/{path.name} has {len(errors) or 'some'} error(s); nothing was sent",
            hint=f"it is written by `learn email send`; fix the line shown, or restore it from git (git checkout -- {LOG_DIR}/{path.name})",
            diagnostics=result.diagnostics,
        )
    if result.model.cohort != cohort_id:
        raise DataError(f"{LOG_DIR}/{path.name} says it is the log of cohort {result.model.cohort!r}; nothing was sent")
    return result.model


def save_log(folder: DataFolder, log: EmailLog) -> None:
    """Write the log now, atomically (inside `folder.locked()` during a send)."""
    path = log_path(folder, log.cohort)
    folder.inside(path)
    with folder.transaction() as tx:
        tx.output(path, log_text(log), data=True)


def log_text(log: EmailLog) -> str:
    lines = [_HEADER.rstrip("\n"), "", f"version: {log.version}", f"cohort: {_quote(log.cohort)}"]
    if not log.messages:
        lines.append("messages: []")
    else:
        lines.append("messages:")
        lines.extend(f"  - {record_text(record)}" for record in log.messages)
    return "\n".join(lines) + "\n"


def record_text(record: LoggedMessage) -> str:
    fields: list[tuple[str, object]] = [("kind", record.kind)]
    if record.session is not None:
        fields.append(("session", record.session))
    fields.append(("to", record.to))
    if record.cc:
        fields.append(("cc", record.cc))
    fields += [("status", record.status), ("started", record.started)]
    for name in ("finished", "message_id", "subject", "error"):
        value = getattr(record, name)
        if value is not None:
            fields.append((name, value))
    if record.told:
        fields.append(("told", {n: t.model_dump(exclude_none=True) for n, t in sorted(record.told.items())}))
    return "{" + ", ".join(f"{name}: {_value(value)}" for name, value in fields) + "}"


def _value(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return _quote(value.isoformat())
    return _quote(str(value))


def _quote(text: str) -> str:
    # A JSON string is a valid double-quoted YAML scalar: any character is safe in it.
    return json.dumps(text, ensure_ascii=False)


__all__ = ["LOG_DIR", "log_path", "log_paths", "log_text", "read_log", "record_text", "save_log"]
