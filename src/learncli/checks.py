"""`learn validate` end to end: read every file, apply every rule, collect every problem.

This is the one place that knows which files exist and which rules apply to them; the
rules themselves live in `domain.rules` and know nothing of files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from learncli.diagnostics import Diagnostic

if TYPE_CHECKING:
    from pathlib import Path

    from learncli.domain import rules
    from learncli.models.cohort import Cohort
    from learncli.models.course import Config
    from learncli.store.folder import DataFolder


@dataclass
class Report:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)


def validate_cached(folder: DataFolder, today: date) -> Report:
    """`validate_folder`, answered from the cache when no file (nor the date) changed."""
    from learncli.store import cache

    key = cache.fingerprint(folder.root, today)
    stored = cache.load(folder.root, "validate", key)
    if isinstance(stored, dict):
        try:
            return Report([Diagnostic.from_record(d) for d in stored["diagnostics"]], int(stored["files"]))
        except (KeyError, TypeError, ValueError):
            pass
    report = validate_folder(folder, today, use_cache=True)
    cache.save(folder.root, "validate", key, {"files": report.files, "diagnostics": [d.to_record() for d in report.diagnostics]})
    return report


def validate_folder(folder: DataFolder, today: date, *, use_cache: bool = False) -> Report:
    """Read every file and apply every rule. Without `use_cache`, every file is read
    from YAML; with it, ledger files that have not changed come from the ledger cache."""
    from learncli.store.bulk import reading_many

    with reading_many():
        return _validate_folder(folder, today, use_cache)


def _validate_folder(folder: DataFolder, today: date, use_cache: bool) -> Report:
    from learncli.domain import rules
    from learncli.domain.placeholders import check_placeholders
    from learncli.domain.accounts import check_money
    from learncli.domain.invoicing import check_ledger
    from learncli.store.calendar_state import state_files, state_model
    from learncli.store.ledger import read_ledger

    report = Report()
    config_file = folder.read_config()
    report.files += 1
    report.diagnostics.extend(config_file.diagnostics)
    config = config_file.model
    if config is not None:
        report.diagnostics.extend(rules.check_config(config, config_file.source))
        report.diagnostics.extend(check_placeholders(config, config_file.source))

    for path in folder.misnamed_cohort_files():
        report.files += 1
        report.diagnostics.append(
            Diagnostic.make(
                "F005",
                f"{path.name}: a cohort file name must be a valid id (lower-case letters, digits, '-', '_'); this file is ignored",
                path,
            )
        )

    report.diagnostics.extend(_conflict_copies(folder))

    inputs: list[rules.CohortInput] = []
    for result in folder.each_cohort():
        report.files += 1
        report.diagnostics.extend(result.diagnostics)
        if result.model is None:
            continue
        item = rules.CohortInput(result.model.id, result.model, result.source)
        inputs.append(item)
        if config is not None:
            report.diagnostics.extend(rules.check_cohort(item, config, today))
        result.source.release(keep=rules.overlap_positions(result.model))
    if config is not None:
        report.diagnostics.extend(rules.check_facilitator_overlaps(inputs, config))

    for path in state_files(folder):
        report.files += 1
        report.diagnostics.extend(folder.read(path, state_model(path)).diagnostics)

    report.diagnostics.extend(check_email_logs(folder, report))

    ledger = read_ledger(folder, use_cache=use_cache, today=today)
    report.files += len(ledger.files)
    report.diagnostics.extend(ledger.diagnostics)
    # A cohort whose file has errors still exists: its invoices are not dangling.
    cohorts: dict[str, Cohort | None] = {cohort_id: None for cohort_id in folder.cohort_ids()}
    cohorts.update({item.id: item.cohort for item in inputs})
    report.diagnostics.extend(check_ledger(ledger.ledger, config, cohorts, today))
    report.diagnostics.extend(check_money(ledger.ledger, today))
    report.diagnostics.sort(key=lambda d: d.sort_key())
    return report


def check_email_logs(folder: DataFolder, report: Report) -> list[Diagnostic]:
    """Each send log (`email-log/<cohort>.yaml`) against its model, and named after its cohort."""
    from learncli.models.email_log import EmailLog
    from learncli.store.email_log import log_paths

    found: list[Diagnostic] = []
    for path in log_paths(folder):
        report.files += 1
        result = folder.read(path, EmailLog)
        found.extend(result.diagnostics)
        if result.model is not None and result.model.cohort != path.stem:
            line, col = result.source.mark(("cohort",))
            found.append(
                Diagnostic.make("F006", f"this is {path.name}, but it says it is the log of cohort {result.model.cohort!r}", path, line, col)
            )
    return found


def check_cohort_text(
    folder: DataFolder, config: Config, cohort_id: str, text: str | None, today: date
) -> list[Diagnostic]:
    """Every rule for one cohort as it would be with `text` (None: as it is on disk),
    including double bookings against the other cohorts in the folder."""
    from learncli.domain import rules
    from learncli.models.cohort import Cohort

    path = folder.cohort_path(cohort_id)
    result = folder.read(path, Cohort, text)
    if result.model is None:
        return result.diagnostics
    result.model._id = cohort_id
    item = rules.CohortInput(cohort_id, result.model, result.source)
    diagnostics = list(result.diagnostics) + rules.check_cohort(item, config, today)
    days = {s.date for s in result.model.sessions if not s.cancelled}
    diagnostics += rules.check_against_bookings(item, config, other_bookings(folder, config, cohort_id, days))
    return sorted(diagnostics, key=lambda d: d.sort_key())


def other_bookings(folder: DataFolder, config: Config, cohort_id: str, days: set[date]) -> list[rules.Booking]:
    """The facilitator bookings of every other cohort in the folder on one of `days`
    (only those can clash), from the index of cohort files (`store.cohort_index`)."""
    from learncli.store import cohort_index

    found = cohort_index.scan(folder, days=days)
    return [
        booking
        for entry in found.entries.values()
        if entry.id != cohort_id
        for booking in cohort_index.bookings(entry, config)
        if booking.start.date() in days
    ]


def _conflict_copies(folder: DataFolder) -> list[Diagnostic]:
    """F008 for every conflict copy a sync service left among the data files."""
    from learncli.store.conflict_copies import conflict_copies
    from learncli.store.folder import CALENDAR_STATE_DIR, EMAIL_LOG_DIR

    found = []
    kept = [folder.root, folder.cohorts_dir, folder.invoices_dir, folder.root / CALENDAR_STATE_DIR, folder.root / EMAIL_LOG_DIR]
    for copy in conflict_copies(kept):
        found.append(
            Diagnostic.make(
                "F008",
                f"{copy.path.name} is a {copy.service} conflict copy of {copy.original.name}, not read as data: "
                f"merge it in with `learn merge BASE {copy.original.name} '{copy.path.name}'` "
                "(BASE: the version both started from, from git or the service's version history), then delete it",
                copy.path,
            )
        )
    return found
