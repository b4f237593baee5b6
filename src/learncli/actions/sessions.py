"""Changes to a cohort's schedule after the plan: checked by every rule before they are written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from learncli.diagnostics import Diagnostic
    from learncli.models.course import Config
    from learncli.store.folder import DataFolder, Transaction


@dataclass(frozen=True)
class SessionAdded:
    """What `add_session` wrote (or, in a dry run, would write)."""

    cohort: str
    number: int
    date: date
    makes_up: int | None
    theme: str | None
    #: Warnings and notes the new session brings (the file's older ones left out).
    notices: list[Diagnostic]


def add_session(
    folder: DataFolder,
    tx: Transaction,
    cohort_id: str,
    day: date,
    *,
    start: time | None,
    end: time | None,
    theme: str | None,
    makes_up: int | None,
    today: date,
) -> SessionAdded:
    """Append a session to the cohort's `sessions:` list (the numbers of the others never
    change), a make-up of cancelled session `makes_up` when given.

    Whether the new session fits (a working day, no double booking of a facilitator, a
    make-up of a cancelled session not already made up, after it) is decided by the same
    rules `learn validate` applies; a new error refuses the change (`DataError`).
    """
    from learncli.domain.schedule import by_number, session_times
    from learncli.models.cohort import Cohort
    from learncli.store import edits

    config = folder.config()
    folder.cohort(cohort_id)  # a missing or broken cohort is reported as such, not as an edit
    path = folder.cohort_path(cohort_id)
    values = {
        "date": day,
        "start": f"{start:%H:%M}" if start else None,
        "end": f"{end:%H:%M}" if end else None,
        "theme": theme,
        "makes_up": makes_up,
    }
    number = edits.add_session(tx.edit(path, Cohort), values)
    notices = new_problems(folder, config, cohort_id, tx.text(path), today)
    added = folder.read(path, Cohort, tx.text(path)).model
    assert added is not None  # new_problems refused a file that does not load
    course = config.course(added.course)
    resolved = by_number(session_times(added, course, config.timezone), number).theme
    return SessionAdded(cohort_id, number, day, makes_up, resolved, notices)


def new_problems(folder: DataFolder, config: Config, cohort_id: str, text: str, today: date) -> list[Diagnostic]:
    """The warnings and notes the cohort's file would gain with `text`; a `DataError` if it
    would gain an error. The file's older problems are not the edit's fault, so they
    neither refuse it nor are repeated."""
    from learncli.checks import check_cohort_text
    from learncli.errors import DataError

    before = {(d.code, d.message) for d in check_cohort_text(folder, config, cohort_id, None, today)}
    new = [d for d in check_cohort_text(folder, config, cohort_id, text, today) if (d.code, d.message) not in before]
    errors = [d for d in new if d.is_error]
    if errors:
        raise DataError("the change breaks the rules above; nothing was written", diagnostics=errors)
    return new
