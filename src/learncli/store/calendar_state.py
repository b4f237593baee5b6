"""`calendar-state/<cohort>.yaml`: reading it, writing it, and sequencing a cohort's events with it.

The files live in the data folder and are committed with it: they are what lets the next
export, on any machine, know that a session changed since calendars last saw it. Only
`learn` writes them, always inside a transaction (under the folder's lock), and always in
the same layout, one line per session, so a git diff shows which sessions moved.

There is one file per cohort, so exporting one cohort reads and writes only its own file,
however many cohorts the folder holds. Folders from before kept every cohort in one
`calendar-state.yaml`; it is still read for any cohort that has no file of its own yet
(the next export of that cohort writes its own file, which is read from then on).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from learncli.errors import DataError
from learncli.models.calendar_state import CalendarState, CohortCalendarState, SessionRecord
from learncli.store.folder import CALENDAR_STATE_DIR, read_data_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from learncli.domain.calendar import CohortEvents
    from learncli.store.folder import DataFolder, Transaction

STATE_DIR = CALENDAR_STATE_DIR
#: The single file of older folders, every cohort in it; read, never written.
LEGACY_FILE = "calendar-state.yaml"

_HEADER = """\
# Kept by `learn calendar export`: commit this file with the rest of the folder, and do
# not edit it. For every session of the cohort exported so far it records the calendar
# event's UID, its SEQUENCE and a fingerprint of what people see in their calendars. When
# a session changes (its date, times, theme, Zoom details, cancellation; by a command or
# by hand), the next export raises the SEQUENCE, so calendar apps update the event they
# already have instead of adding a second one. After a git merge conflict here, keep the
# higher sequence of each session.
"""


def state_dir(folder: DataFolder) -> Path:
    return folder.root / STATE_DIR


def state_path(folder: DataFolder, cohort_id: str) -> Path:
    """`calendar-state/<cohort>.yaml` (the id is checked: it becomes a file name)."""
    from learncli.store.folder import check_id

    return state_dir(folder) / f"{check_id(cohort_id)}.yaml"


def legacy_path(folder: DataFolder) -> Path:
    return folder.root / LEGACY_FILE


def state_files(folder: DataFolder) -> list[Path]:
    """Every state file there is, for `learn validate`: the cohorts' files, then the old one."""
    from learncli.names import ID_PATTERN
    from learncli.store.conflict_copies import copy_of

    found = sorted(p for p in state_dir(folder).glob("*.yaml") if ID_PATTERN.match(p.stem) and copy_of(p) is None) if state_dir(folder).is_dir() else []
    return found + ([legacy_path(folder)] if legacy_path(folder).exists() else [])


def state_model(path: Path) -> type[CohortCalendarState] | type[CalendarState]:
    return CalendarState if path.name == LEGACY_FILE and path.parent.name != STATE_DIR else CohortCalendarState


def read_records(folder: DataFolder, cohort_id: str, text: str | None = None) -> dict[int, SessionRecord]:
    """What the last export of `cohort_id` recorded (empty when it was never exported).

    From `text` when given (the file as a transaction has it), else from the cohort's own
    file, else from the old single file. `DataError` with line and column if it is invalid.
    """
    path = state_path(folder, cohort_id)
    if text is not None or path.exists():
        return dict(_read(folder, path, CohortCalendarState, text).sessions)
    legacy = legacy_path(folder)
    if legacy.exists():
        return dict(_read(folder, legacy, CalendarState).cohorts.get(cohort_id, {}))
    return {}


def _read(folder: DataFolder, path: Path, model: type, text: str | None = None):  # type: ignore[no-untyped-def]
    result = folder.read(path, model, text)
    errors = [d for d in result.diagnostics if d.is_error]
    if result.model is None or errors:
        name = path.relative_to(folder.root) if path.is_relative_to(folder.root) else path
        raise DataError(
            f"{name} has {len(errors) or 'some'} error(s)",
            hint=f"it is written by `learn calendar export`; restore it from git (git checkout -- {name})",
            diagnostics=result.diagnostics,
        )
    return result.model


def state_text(records: Mapping[int, SessionRecord]) -> str:
    """A cohort's file: its sessions in order, one per line."""
    lines = [_HEADER.rstrip("\n"), "", "version: 1", "sessions:" if records else "sessions: {}"]
    for number, record in sorted(records.items()):
        fields = [
            f"uid: {_quote(record.uid)}",
            f"sequence: {record.sequence}",
            f"fingerprint: {_quote(record.fingerprint)}",
        ]
        if record.when is not None:
            fields.append(f"when: {_quote(record.when)}")
        if record.uninvited:
            people = ", ".join(f"{_quote(email)}: {seq}" for email, seq in sorted(record.uninvited.items()))
            fields.append(f"uninvited: {{{people}}}")
        lines.append(f"  {number}: {{{', '.join(fields)}}}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    # A JSON string is a valid double-quoted YAML scalar: any character is safe in it.
    return json.dumps(text, ensure_ascii=False)


def sequenced_events(folder: DataFolder, tx: Transaction, cohort_id: str) -> CohortEvents:
    """Every session of cohort `cohort_id` as calendar events, with their SEQUENCE.

    Call it inside `folder.transaction()`: it reads courses.yaml, the cohort and its state
    file under the folder's lock, compares each session with what the last export
    recorded, and, when anything changed, queues the cohort's updated state file in `tx`
    (written when the transaction commits; not at all with --dry-run). Calling it again
    in the same transaction sees the queued state, so two exports in one command agree.
    Raises `NotFound` or `DataError` (with positions) for a missing or invalid file.
    """
    from learncli.domain.calendar import cohort_events

    config = folder.config()
    cohort = folder.cohort(cohort_id)
    course = folder.course_for(config, cohort)
    events = cohort_events(cohort, course, config, read_records(folder, cohort_id, _queued(tx, state_path(folder, cohort_id))))
    _keep(folder, tx, events)
    return events


def uninvited_events(folder: DataFolder, tx: Transaction, events: CohortEvents, email: str, numbers: Iterable[int]) -> CohortEvents:
    """`events` with the cancellations that take `email` off sessions `numbers` given
    their SEQUENCE (see `domain.calendar.uninvite`), recorded in the cohort's state file
    in `tx`. For the transaction that produced `events` with `sequenced_events`."""
    from learncli.domain.calendar import uninvite

    events = uninvite(events, email, numbers)
    _keep(folder, tx, events)
    return events


def _queued(tx: Transaction, path: Path) -> str | None:
    pending = tx.pending(path)
    return pending if isinstance(pending, str) else None


def _keep(folder: DataFolder, tx: Transaction, events: CohortEvents) -> None:
    """Queue the cohort's state file in `tx` if its records differ from the file's."""
    path = state_path(folder, events.cohort.id)
    queued = _queued(tx, path)
    before = queued if queued is not None else (read_data_text(path, "utf-8") if path.exists() else None)
    text = state_text(events.records)
    if text != before:
        tx.output(path, text, data=True)


__all__ = ["LEGACY_FILE", "STATE_DIR", "read_records", "sequenced_events", "state_files", "state_path", "state_text", "uninvited_events"]
