"""`learn status`: which cohorts to show, built from the index of cohort files and the
part of the ledger about them; the finished ones not shown are never built."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learncli.store import cohort_index

if TYPE_CHECKING:
    from learncli.domain.status import CohortStatus
    from learncli.store.folder import DataFolder


@dataclass
class Left:
    """The current cohorts `status` leaves out for its limit: how many in each state, and
    the first and last of their next sessions' days."""

    states: dict[str, int] = field(default_factory=dict)
    first: date | None = None
    last: date | None = None

    @property
    def count(self) -> int:
        return sum(self.states.values())


def left(entries: list[cohort_index.Indexed], today: date) -> Left:
    days = [d for d in (e.next_date(today) for e in entries) if d is not None]
    states = {state: sum(1 for e in entries if e.state(today) == state) for state in ("running", "upcoming", "finished")}
    return Left({k: n for k, n in states.items() if n}, min(days, default=None), max(days, default=None))


@dataclass
class Overview:
    #: The cohorts shown in full, current ones first.
    shown: list[CohortStatus]
    #: How many finished cohorts are left out (those finished more than two weeks ago).
    hidden: int
    #: Current cohorts left out by the limit, counted.
    more: Left = field(default_factory=lambda: Left())
    #: Files with errors, not shown.
    broken: list[Path] = field(default_factory=list)
    #: Cohort files with errors found by the scan (each reported at its first error).
    unlisted: list[Any] = field(default_factory=list)


def overview(folder: DataFolder, today: date, *, show_all: bool = False, limit: int = 0, no_cache: bool = False) -> Overview:
    """The current cohorts (every cohort with `show_all`), in full up to `limit` of them
    (0: no limit), those meeting soonest first; the rest counted."""
    from learncli.domain.status import RECENT_DAYS, cohort_status
    from learncli.store.ledger import read_ledger

    config = folder.config()
    found = cohort_index.scan(folder, no_cache=no_cache)
    wanted = [
        entry.id
        for entry in found.entries.values()
        if show_all or entry.state(today) != "finished" or (today - entry.last).days <= RECENT_DAYS
    ]
    hidden = len(found.entries) - len(wanted)
    more: list[str] = []
    if limit and not show_all and len(wanted) > limit:
        soon = sorted(wanted, key=lambda i: soonest(found.entries[i], today))
        wanted, more = soon[:limit], soon[limit:]
    ledger = read_ledger(folder, cohort=wanted, use_cache=not no_cache, today=today)
    broken = [f.path for f in ledger.files if not f.ok] + [r.path for r in found.broken]
    statuses = []
    for cohort_id in wanted:
        cohort = cohort_index.model(folder, found.entries[cohort_id]) if not no_cache else None
        if cohort is None:
            result = folder.read_cohort(cohort_id)
            if not result.ok:  # changed since the scan: reported like any file with errors
                broken.append(result.path)
                continue
            cohort = result.model
        statuses.append(cohort_status(cohort, config, today, ledger.ledger))
    shown = sorted(statuses, key=lambda s: (s.state == "finished", s.first))
    return Overview(shown, hidden, left([found.entries[i] for i in more], today), broken, found.broken)


def soonest(entry: cohort_index.Indexed, today: date) -> tuple[int, int]:
    """Sort key of a current cohort: the next session's day, soonest first; cohorts with
    none left after them, the latest finished first."""
    upcoming = entry.next_date(today)
    return (0, upcoming.toordinal()) if upcoming is not None else (1, -entry.last.toordinal())
