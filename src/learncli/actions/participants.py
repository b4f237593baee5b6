"""Corrections to the people of a cohort: edit someone's details, give a waiting place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from learncli.domain import people
from learncli.domain.lookup import find_participant
from learncli.errors import Refused
from learncli.models.cohort import Cohort, Participant

if TYPE_CHECKING:
    from learncli.domain.invoicing import Account, Ledger
    from learncli.models.invoice import CreditNoteEntry
    from learncli.store.folder import DataFolder, Transaction


def edit_participant(folder: DataFolder, tx: Transaction, cohort_id: str, email: str, given: dict[str, Any], clear: list[str]) -> people.Edit:
    """Change one participant's details in the cohort file, comments kept.

    A new email carries everything filed under the old one: their marks, their
    commitments and their lines in the send log (so nothing is sent twice); the old
    address is kept in `previous_emails`, because the invoices in the ledger, fixed when
    they were issued, still name it."""
    cohort = folder.cohort(cohort_id)
    person = find_participant(cohort, email)
    edit = people.plan_edit(cohort, person, given, clear)
    if not edit.changes:
        return edit
    from learncli.store import edits

    doc = tx.edit(folder.cohort_path(cohort_id), Cohort)
    details = {k: v for k, v in edit.values.items() if k != "email"}
    if details:
        edits.edit_participant(doc, person.email, details, people.ENTRY_ORDER)
    if edit.new_email:
        edits.change_email(doc, person.email, edit.new_email, people.ENTRY_ORDER)
        _move_send_log(folder, tx, cohort_id, person.email, edit.new_email)
    return edit


def _move_send_log(folder: DataFolder, tx: Transaction, cohort_id: str, old: str, new: str) -> None:
    from learncli.store.email_log import log_path, log_text, read_log

    log = read_log(folder, cohort_id)
    if not any(m.to == old for m in log.messages):
        return
    moved = log.model_copy(update={"messages": [m.model_copy(update={"to": new}) if m.to == old else m for m in log.messages]})
    tx.output(log_path(folder, cohort_id), log_text(moved), data=True)


@dataclass(frozen=True)
class Promotion:
    person: Participant
    #: Places taken once they have one, and the capacity (None: no limit).
    taken: int
    capacity: int | None
    #: Who is still waiting after them, in order.
    still_waiting: list[Participant]


def promote(folder: DataFolder, tx: Transaction, cohort_id: str, email: str | None, *, over_capacity: bool) -> Promotion:
    """Give a place to the first on the waiting list (by registration date), or to the
    person named; refused when no place is free unless `over_capacity`."""
    from learncli.store import edits

    config = folder.config()
    cohort = folder.cohort(cohort_id)
    waiting = cohort.waiting_list
    if email is not None:
        person = find_participant(cohort, email)
        if not person.waiting:
            state = "already have a place" if person.active else "have withdrawn"
            raise Refused(f"{person.email} is not on the waiting list of {cohort_id}: they {state}")
    elif not waiting:
        raise Refused(f"nobody is on the waiting list of {cohort_id}")
    else:
        person = waiting[0]
    capacity = people.capacity_of(cohort, config)
    if people.places_free(cohort, capacity) == 0 and not over_capacity:
        raise Refused(
            f"no place is free on {cohort_id} ({people.places(len(cohort.registered), capacity)}); nothing was written",
            hint=f"withdraw someone first, or give {person.email} a place beyond the capacity with --over-capacity",
        )
    edits.set_values(edits.find_person(tx.edit(folder.cohort_path(cohort_id), Cohort), person.email), {"status": None})
    return Promotion(person, len(cohort.registered) + 1, capacity, [p for p in waiting if p is not person])


@dataclass
class GroupCredit:
    """The partial credit note that took a withdrawn person's line off a group invoice."""

    credit: CreditNoteEntry
    account: Account
    #: The invoice as it stands after the credit (for its balance and payments).
    after: Ledger


def credit_group_line(folder: DataFolder, tx: Transaction, cohort_id: str, person: Participant, today: date) -> GroupCredit | None:
    """When `person` leaves a cohort from an invoice they share with others (one PO),
    credit their line of it (`partial_credit`); the others stay invoiced. None when they
    have no such invoice: an invoice of their own is voided with `invoice void`."""
    from learncli.domain.invoicing import Ledger, Located, line_total, partial_credit
    from learncli.store.ledger import append_entries, ledger_path, load_ledger

    ledger = load_ledger(folder, cohort=cohort_id)
    account = ledger.live(cohort_id, person)
    if account is None or len(account.people) < 2:
        return None
    email = next(e for e in account.people if e in person.emails)
    if any(c.participant == email for c in account.credits):
        return None  # credited already (a run stopped after the ledger, before the cohort file)
    reason = f"{person.name} withdrew from {cohort_id} on {today.isoformat()}"
    credit = partial_credit(ledger, folder.config().invoicing, account.number, line_total(account, email), reason, today, participant=email)
    append_entries(tx, folder, [credit])
    after = Ledger([*ledger.items, Located(credit, ledger_path(folder, credit.issued), -1)])
    return GroupCredit(credit, after.account(account.number), after)
