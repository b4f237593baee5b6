"""`calendar-state.yaml`: reading it, writing it, and sequencing a cohort's events with it.

The file lives in the data folder and is committed with it: it is what lets the next
export, on any machine, know that a session changed since calendars last saw it. Only
`learn` writes it, always inside a transaction (under the folder's lock), and always in
the same layout, one line per session, so a git diff shows which sessions moved.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from learncli.errors import DataError
from learncli.models.calendar_state import CalendarState

if TYPE_CHECKING:
    from pathlib import Path

    from learncli.domain.calendar import CohortEvents
    from learncli.store.folder import DataFolder, Transaction

STATE_FILE = "calendar-state.yaml"

_HEADER = """\
# Kept by `learn calendar export`: commit this file with the rest of the folder, and do
# not edit it. For every session exported so far it records the calendar event's UID, its
# SEQUENCE and a fingerprint of what people see in their calendars. When a session
# changes (its date, times, theme, Zoom details, cancellation; by a command or by hand),
# the next export raises the SEQUENCE, so calendar apps update the event they already
# have instead of adding a second one. After a git merge conflict here, keep the higher
# sequence of each session.
"""


def state_path(folder: DataFolder) -> Path:
    return folder.root / STATE_FILE


def read_state(folder: DataFolder, text: str | None = None) -> CalendarState:
    """The state file (empty when there is none yet), or `DataError` naming line and column."""
    path = state_path(folder)
    if text is None and not path.exists():
        return CalendarState()
    result = folder.read(path, CalendarState, text)
    errors = [d for d in result.diagnostics if d.is_error]
    if result.model is None or errors:
        raise DataError(
            f"{STATE_FILE} has {len(errors) or 'some'} error(s)",
            hint=f"it is written by `learn calendar export`; restore it from git (git checkout -- {STATE_FILE})",
            diagnostics=result.diagnostics,
        )
    return result.model


def state_text(state: CalendarState) -> str:
    """The file's text: cohorts and sessions in order, one session per line."""
    lines = [_HEADER.rstrip("\n"), "", f"version: {state.version}", "cohorts:" if state.cohorts else "cohorts: {}"]
    for cohort_id in sorted(state.cohorts):
        lines.append(f"  {_quote(cohort_id)}:")
        for number, record in sorted(state.cohorts[cohort_id].items()):
            fields = [
                f"uid: {_quote(record.uid)}",
                f"sequence: {record.sequence}",
                f"fingerprint: {_quote(record.fingerprint)}",
            ]
            if record.when is not None:
                fields.append(f"when: {_quote(record.when)}")
            lines.append(f"    {number}: {{{', '.join(fields)}}}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    # A JSON string is a valid double-quoted YAML scalar: any character is safe in it.
    return json.dumps(text, ensure_ascii=False)


def sequenced_events(folder: DataFolder, tx: Transaction, cohort_id: str) -> CohortEvents:
    """Every session of cohort `cohort_id` as calendar events, with their SEQUENCE.

    Call it inside `folder.transaction()`: it reads courses.yaml, the cohort and the
    state file under the folder's lock, compares each session with what the last export
    recorded, and, when anything changed, queues the updated state file in `tx` (written
    when the transaction commits; not at all with --dry-run). Calling it again in the
    same transaction sees the queued state, so two exports in one command agree.
    Raises `NotFound` or `DataError` (with positions) for a missing or invalid file.
    """
    from learncli.domain.calendar import cohort_events
    from learncli.domain.lookup import find_course

    config = folder.config()
    cohort = folder.cohort(cohort_id)
    course = find_course(config, cohort.course)
    path = state_path(folder)
    pending = tx.pending(path)
    state = read_state(folder, pending if isinstance(pending, str) else None)
    events = cohort_events(cohort, course, config, state.cohorts.get(cohort_id, {}))
    updated = state.model_copy(deep=True)
    updated.cohorts[cohort_id] = dict(events.records)
    before = pending if isinstance(pending, str) else (path.read_text(encoding="utf-8") if path.exists() else None)
    text = state_text(updated)
    if text != before:
        tx.output(path, text, data=True)
    return events


__all__ = ["STATE_FILE", "read_state", "sequenced_events", "state_path", "state_text"]
