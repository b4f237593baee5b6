"""Subject access, erasure and purging: every copy of a person, found in one place.

A person is kept in their cohort's file, the ledger, the send log (`email-log/`), the
calendar state (`calendar-state/`), the generated files under `out/` and the caches in
`.learn-cache/`. `forget` takes them out of all of these but the ledger, whose invoices
must be kept (see `domain.privacy`); `purge` does it for whole cohorts, and reduces the
invoices whose retention is over; `export` gathers it all into one document.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learncli.domain import privacy
from learncli.domain.lookup import find_participant
from learncli.errors import NotFound, Refused
from learncli.models.cohort import Cohort, Participant

if TYPE_CHECKING:
    from learncli.domain.invoicing import Ledger
    from learncli.store.folder import DataFolder, Transaction

#: Generated files whose content is read to find a person (others go by their name).
_TEXT_SUFFIXES = {".html", ".htm", ".txt", ".ics", ".eml", ".csv", ".json", ".md", ".yaml"}


@dataclass(frozen=True)
class Kept:
    """A ledger entry kept with the person's name, and until when."""

    number: str
    issued: date
    until: date


@dataclass
class Erasure:
    cohort: str
    people: list[Participant]
    kept: list[Kept] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    #: Their invoices whose retention was already over, reduced in the ledger.
    reduced: list[str] = field(default_factory=list)


@dataclass
class Purge:
    erasures: list[Erasure]
    #: Invoices reduced to what the accounts need.
    reduced: list[str] = field(default_factory=list)


def forget(folder: DataFolder, tx: Transaction, cohort_id: str, emails: list[str] | None, today: date) -> Erasure:
    """Erase people (`emails`, or everyone when None) from `cohort_id` and every copy
    of them outside the ledger, in `tx`; their invoices stay and are listed as kept."""
    from learncli.store.ledger import load_ledger

    config = folder.config()
    cohort = folder.cohort(cohort_id)
    people = [p for p in (cohort.participant(e) for e in emails or []) if p is not None] if emails is not None else list(cohort.participants)
    # An address no longer in the cohort (erased before, by a run stopped half way or
    # by hand) still has its other copies removed, so asking twice is safe.
    gone = [e.strip().lower() for e in emails or [] if cohort.participant(e) is None]
    if gone and not people and not _anywhere(folder, cohort_id, gone):
        find_participant(cohort, gone[0])  # says who is not there, and who is
    ledger = load_ledger(folder)
    accounts = [a for p in people for a in ledger.all(cohort=cohort_id, participant=p)]
    kept = [Kept(a.number, a.issued, privacy.ledger_kept_until(a.issued, config.retention)) for a in accounts]
    over = {k.number for k in kept if k.until < today}
    who = privacy.joined([*(privacy.identity(p) for p in people), privacy.Identity(frozenset(gone), frozenset())])
    _erase_from_cohort(folder, tx, cohort, people, [a.number for a in accounts], who)
    _erase_from_log(folder, tx, cohort_id, who)
    _erase_from_calendar_state(folder, tx, cohort_id, who)
    removed = _erase_from_out(folder, tx, cohort_id, who, [a.number for a in accounts], whole=emails is None)
    reduced = _reduce_ledger(folder, tx, over, today) if over else []
    tx.after_commit(lambda: clear_caches(folder))
    return Erasure(cohort_id, people, [k for k in kept if k.number not in over], removed, reduced)


def _erase_from_cohort(folder: DataFolder, tx: Transaction, cohort: Cohort, people: list[Participant], invoices: list[str], who: privacy.Identity) -> None:
    from learncli.store import edits
    from learncli.store.roundtrip import RoundTrip, keep_after, remove_item

    path = folder.cohort_path(cohort.id)
    doc = RoundTrip(tx.current(path) or "")
    data = doc.data
    emails = {e for p in people for e in p.emails}
    for key in ("participants", "commitments"):
        items = data.get(key)
        if not items:
            continue
        after = ""
        for index in reversed(range(len(items))):
            item = items[index]
            if isinstance(item, dict) and str(item.get("email", "")).strip().lower() in emails:
                after = remove_item(data, key, index)
        if not len(items):
            _emptied(data, key, [])
            keep_after(data, key, after)
    for number in list(cohort.attendance):
        edits.remove_marks(data, number, sorted(emails))
    if "attendance" in data and not data["attendance"]:
        _emptied(data, "attendance", {})
    counts = privacy.counts_of(cohort, people)
    data["forgotten"] = privacy.add_forgotten(cohort.forgotten, counts, invoices)
    tx.replace(path, privacy.redact_comments(doc.dump(), who), Cohort)


def _anywhere(folder: DataFolder, cohort_id: str, emails: list[str]) -> bool:
    """Whether the send log or the calendar state of the cohort still has one of `emails`."""
    from learncli.store.calendar_state import state_path
    from learncli.store.email_log import log_path

    paths = [log_path(folder, cohort_id), state_path(folder, cohort_id)]
    texts = [p.read_text(encoding="utf-8").lower() for p in paths if p.is_file()]
    return any(e in t for e in emails for t in texts) or any(_mentions(p, privacy.Identity(frozenset(emails), frozenset())) for p in generated_files(folder))


def _emptied(data: Any, key: str, empty: Any) -> None:
    """Give `key` a fresh empty value: the emptied one keeps comments YAML cannot place
    (they were about the people who are gone)."""
    data.ca.items.pop(key, None)
    data[key] = empty


def _erase_from_log(folder: DataFolder, tx: Transaction, cohort_id: str, who: privacy.Identity) -> None:
    from learncli.store.email_log import log_path, log_text, read_log

    if not log_path(folder, cohort_id).exists():
        return
    log = read_log(folder, cohort_id)
    messages = [
        m.model_copy(update={"cc": [c for c in m.cc if c not in who.emails]})
        for m in log.messages
        if m.to not in who.emails
    ]
    if messages != log.messages:
        tx.output(log_path(folder, cohort_id), log_text(log.model_copy(update={"messages": messages})), data=True)


def _erase_from_calendar_state(folder: DataFolder, tx: Transaction, cohort_id: str, who: privacy.Identity) -> None:
    from learncli.store.calendar_state import read_records, state_path, state_text

    path = state_path(folder, cohort_id)
    records = read_records(folder, cohort_id)
    scrubbed = {
        number: record.model_copy(update={"uninvited": {e: s for e, s in record.uninvited.items() if e.lower() not in who.emails}})
        for number, record in records.items()
    }
    if scrubbed != records:
        tx.output(path, state_text(scrubbed), data=True)


def _erase_from_out(folder: DataFolder, tx: Transaction, cohort_id: str, who: privacy.Identity, invoices: list[str], *, whole: bool) -> list[Path]:
    """Remove every generated file of `who` (see `files_of`); for a whole cohort, its
    email and certificate folders too. The cohort's briefs list everyone: they go."""
    removed = []
    for path in generated_files(folder):
        relative = path.relative_to(folder.out_dir).as_posix()
        briefs = relative.startswith(f"briefs/{cohort_id}-session-")
        cohort_folder = whole and relative.startswith((f"emails/{cohort_id}/", f"certificates/{cohort_id}/"))
        if briefs or cohort_folder or is_theirs(path, who, invoices):
            tx.remove(path)
            removed.append(path)
    return removed


def is_theirs(path: Path, who: privacy.Identity, invoices: list[str]) -> bool:
    """A generated file named after one of `who`'s addresses or invoices (a .eml, an
    invitation `<email>-session-N.ics`, a certificate, an invoice), or one that names them."""
    from learncli.names import file_names

    stems = set(file_names(sorted(who.emails)).values()) | {n.lower() for n in invoices}
    name = path.name.lower()
    return any(name == s or name.startswith((s + ".", s + "-")) for s in stems) or _mentions(path, who)


def generated_files(folder: DataFolder) -> list[Path]:
    found = []
    for directory, dirs, files in os.walk(folder.out_dir):
        dirs[:] = [d for d in dirs if not (Path(directory) / d).is_symlink()]
        found.extend(Path(directory) / f for f in sorted(files) if not (Path(directory) / f).is_symlink())
    return sorted(found)


def readable_text(path: Path) -> str:
    """What a person reading a generated file would see: an .eml's decoded parts and
    headers, an .ics unfolded, anything else as UTF-8."""
    raw = path.read_bytes()
    if path.suffix == ".eml":
        import email
        from email import policy

        message = email.message_from_bytes(raw, policy=policy.default)
        parts = [str(v) for _, v in message.items()]
        for part in message.walk():
            if not part.is_multipart():
                payload = part.get_payload(decode=True) or b""
                parts.append(payload.decode("utf-8", "replace"))
        return "\n".join(parts)
    text = raw.decode("utf-8", "replace")
    return text.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "") if path.suffix == ".ics" else text


def _mentions(path: Path, who: privacy.Identity) -> bool:
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        return False
    try:
        text = readable_text(path)
    except (OSError, ValueError):
        return False
    return any(e in text.lower() for e in who.emails) or any(name in text for name in who.names)


def clear_caches(folder: DataFolder) -> None:
    """Empty `.learn-cache/`: it may hold copies of what was erased; it refills itself."""
    from learncli.store.cache import CACHE_DIR

    directory = folder.root / CACHE_DIR
    if not directory.is_dir() or directory.is_symlink():
        return
    for path in directory.iterdir():
        if path.is_file() and path.name != ".gitignore":
            path.unlink(missing_ok=True)


# --- purge ---------------------------------------------------------------------------


def purge(folder: DataFolder, tx: Transaction, before: date, today: date) -> Purge:
    """Erase everyone of every cohort that ended before `before`, and reduce the
    invoices of erased people whose ledger retention ended before `today`."""
    if before > today:
        raise Refused(f"--before {before.isoformat()} is after today ({today.isoformat()}): only cohorts that have finished can be purged")
    erasures = []
    forgotten: set[str] = set()
    for cohort in folder.all_cohorts():
        if cohort.model is None:
            continue
        model = cohort.model
        if model.last_date < before and (model.participants or model.attendance or model.commitments):
            erasure = forget(folder, tx, model.id, None, today)
            erasures.append(erasure)
            forgotten.update(k.number for k in erasure.kept)
            forgotten.update(erasure.reduced)
        if model.forgotten is not None:
            forgotten.update(model.forgotten.invoices)
    reduced = [n for e in erasures for n in e.reduced] + _reduce_ledger(folder, tx, forgotten, today)
    if reduced:
        tx.after_commit(lambda: clear_caches(folder))
    return Purge(erasures, reduced)


def _reduce_ledger(folder: DataFolder, tx: Transaction, forgotten: set[str], today: date) -> list[str]:
    """Reduce, file by file, the invoices of erased people past their retention: the one
    rewrite of the ledger learn makes; comments kept, with the people erased from them."""
    from learncli.models.invoice import LedgerFile
    from learncli.store.roundtrip import RoundTrip, drop_key

    retention = folder.config().retention
    done: list[str] = []
    for path in folder.ledger_paths():
        doc = RoundTrip(tx.current(path) or "")
        entries = doc.data.get("entries") or []
        due: dict[str, privacy.Identity] = {}
        for entry in entries:
            number = str(entry.get("invoice", "")) if isinstance(entry, dict) else ""
            if number in forgotten and isinstance(entry.get("issued"), date) and privacy.ledger_kept_until(entry["issued"], retention) < today:
                who = privacy.invoice_identity(entry)
                if not who.emails and not who.names:
                    continue  # reduced already
                due[number] = who
                for key, value in privacy.reduced_invoice(entry).items():
                    if value is None:
                        if key in entry:
                            drop_key(entry, key)
                    else:
                        entry[key] = value
        if not due:
            continue
        who = privacy.joined(due.values())
        for entry in entries:
            target = entry.get("payment") or entry.get("cancels") if isinstance(entry, dict) else None
            if target in due:
                for key in ("reference", "note", "reason"):
                    if isinstance(entry.get(key), str):
                        entry[key] = privacy.redact(entry[key], due[target])
        tx.replace(path, privacy.redact_comments(doc.dump(), who), LedgerFile)
        done.extend(due)
    return done


# --- export --------------------------------------------------------------------------


def export(folder: DataFolder, email: str) -> dict[str, Any]:
    """Everything held about the person with address `email`, in the shape the README
    documents (`learn participant export`)."""
    from learncli.store.calendar_state import read_records
    from learncli.store.email_log import log_path, read_log
    from learncli.store.ledger import load_ledger

    wanted = email.strip().lower()
    config = folder.config()
    ledger = load_ledger(folder)
    cohorts = []
    addresses = {wanted}
    for result in folder.each_cohort():
        cohort = result.model
        person = cohort.participant(wanted) if cohort is not None else None
        if person is None:
            continue
        addresses.update(person.emails)
        numbers = [a.number for a in ledger.all(cohort=cohort.id, participant=person)]
        log = read_log(folder, cohort.id) if log_path(folder, cohort.id).exists() else None
        cohorts.append(_cohort_part(folder, cohort, person, config, read_records(folder, cohort.id), log, numbers))
    invoices = _ledger_part(ledger, addresses, config.retention)
    if not cohorts and not invoices:
        raise NotFound(f"nothing is held about {wanted}: no cohort and no invoice names that address")
    return {"version": 1, "email": wanted, "cohorts": cohorts, "invoices": invoices}


def _cohort_part(folder: DataFolder, cohort: Cohort, person: Participant, config: Any, records: dict[int, Any], log: Any, invoices: list[str]) -> dict[str, Any]:
    emails = set(person.emails)
    return {
        "cohort": cohort.id,
        "title": cohort.display_title(config.course(cohort.course)),
        "first_session": cohort.first_date.isoformat(),
        "last_session": cohort.last_date.isoformat(),
        "kept_until": privacy.people_kept_until(cohort, config.retention).isoformat(),
        "participant": person.model_dump(mode="json", exclude_defaults=True),
        "attendance": {str(n): marks[e].model_dump(mode="json", exclude_none=True) for n, marks in sorted(cohort.attendance.items()) for e in emails if e in marks},
        "commitments": [c.model_dump(mode="json", exclude_none=True) for c in cohort.commitments if c.email in emails],
        "emails_sent": [m.model_dump(mode="json", exclude_defaults=True) for m in (log.messages if log else []) if m.to in emails or emails & set(m.cc)],
        "calendar": {str(n): r.uninvited[e] for n, r in sorted(records.items()) for e in emails if e in r.uninvited},
        "files": [p.relative_to(folder.root).as_posix() for p in generated_files(folder) if is_theirs(p, privacy.identity(person), invoices)],
    }


def _ledger_part(ledger: Ledger, addresses: set[str], retention: Any) -> list[dict[str, Any]]:
    out = []
    for account in ledger.all():
        invoice = account.invoice
        if invoice.participant not in addresses and invoice.bill_to.email not in addresses:
            continue
        out.append({
            "invoice": invoice.model_dump(mode="json", exclude_none=True),
            "payments": [p.model_dump(mode="json", exclude_none=True) for p in account.payments],
            "credit_note": account.credit_note.model_dump(mode="json") if account.credit_note else None,
            "status": account.status,
            "kept_until": privacy.ledger_kept_until(invoice.issued, retention).isoformat(),
        })
    return out
