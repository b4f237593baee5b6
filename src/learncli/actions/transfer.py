"""Moving someone from one cohort to another, their money with them.

`transfer` withdraws the person from the cohort they leave (marked `transferred_to`),
registers them on the other with the same details (marked `transferred_from`), and
credits what is left of the invoices of the place they leave. What they paid stays held
on those invoices until `learn invoice run` issues the invoice of the new place, which
allocates it there (`domain.accounts.plan_allocations`): no money moves, so revenue
received is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from learncli.domain import people
from learncli.domain.lookup import find_participant
from learncli.errors import Refused
from learncli.models.cohort import Cohort, Participant

if TYPE_CHECKING:
    from learncli.domain.invoicing import Ledger
    from learncli.models.invoice import CreditNoteEntry
    from learncli.store.folder import DataFolder, Transaction

#: What the new place copies from the old one.
CARRIED = (
    "name", "display_name", "email", "previous_emails", "organisation", "role", "po",
    "billing_name", "billing_email", "billing_address", "discount", "split",
)


@dataclass
class Transfer:
    person: Participant
    source: str
    target: str
    day: date
    #: On the waiting list of the new cohort (it is full), not given a place.
    waiting: bool
    #: Places taken on the new cohort once they have theirs, and its capacity.
    taken: int
    capacity: int | None
    currency: str
    #: What the new place will be invoiced (with VAT), and what is held on the old
    #: invoices once they are credited: the money that will follow them.
    new_amount: Decimal
    held: Decimal
    credits: list[CreditNoteEntry] = field(default_factory=list)
    #: The ledger with the credit notes added (for rendering them).
    after: Ledger | None = None

    @property
    def difference(self) -> Decimal:
        """Above nothing: still owed for the new place; below: refundable."""
        return self.new_amount - self.held


def carried_entry(person: Participant, source: str, day: date, *, waiting: bool) -> dict[str, Any]:
    """The new place's entry: the person's details, registered on `day`, from `source`."""
    data = person.model_dump(mode="python", include=set(CARRIED), exclude_defaults=True)
    entry = {key: data[key] for key in people.ENTRY_ORDER if data.get(key) not in (None, "", [])}
    entry |= {"registered": day, "transferred_from": source}
    if waiting:
        entry["status"] = "waitlisted"
    return {key: entry[key] for key in people.ENTRY_ORDER if key in entry}


def transfer(
    folder: DataFolder, tx: Transaction, source: str, email: str, target: str, day: date, today: date, *, over_capacity: bool
) -> Transfer:
    """Withdraw `email` from `source` and register them on `target` (its waiting list
    when it is full, unless `over_capacity`), crediting what is left of their invoices
    for `source`. Refused for the same cohort, someone already withdrawn, someone
    already on `target`, or cohorts whose courses charge in different currencies."""
    from learncli.domain.billing import amount_to_invoice, course_of
    from learncli.store import edits

    if source == target:
        raise Refused(f"{email.strip()} is already on {source}: transfer them to another cohort")
    config = folder.config()
    old, new = folder.cohort(source), folder.cohort(target)
    person = find_participant(old, email)
    # Withdrawn already, to `target`: a run stopped between its files; finish what is missing.
    finishing = person.has_withdrawn and person.transferred_to == target
    if person.has_withdrawn and not finishing:
        where = f" (transferred to {person.transferred_to})" if person.transferred_to else ""
        raise Refused(f"{person.email} has already withdrawn from {source}{where}; there is no place to transfer")
    if finishing:
        day = person.withdrawn or day
    else:
        people.check_new(new, person.email)
    old_course, new_course = course_of(config, old), course_of(config, new)
    if old_course.currency != new_course.currency:
        raise Refused(
            f"{source} charges in {old_course.currency} and {target} in {new_course.currency}: a payment cannot follow the person",
            hint=f"withdraw them from {source}, refund what they paid, and add them to {target}",
        )
    capacity = people.capacity_of(new, config)
    waiting = people.places_free(new, capacity) == 0 and not over_capacity
    moved = carried_entry(person, source, day, waiting=waiting)
    if not finishing:
        edits.set_values(
            edits.find_person(tx.edit(folder.cohort_path(source), Cohort), person.email),
            {"status": "withdrawn", "withdrawn": day, "transferred_to": target},
        )
    added = new.participant(person.email) is None
    if added:
        edits.add_participant(tx.edit(folder.cohort_path(target), Cohort), moved)
    credits, after = _credit_place(folder, tx, source, person, f"{person.name} transferred to {target} on {day.isoformat()}", today)
    if finishing and not added and not credits:
        raise Refused(f"{person.email} has already withdrawn from {source} (transferred to {target}); there is no place to transfer")
    held = sum((a.surplus for a in after.all(cohort=source, participant=person)), Decimal("0.00")) if after else Decimal("0.00")
    return Transfer(
        person=person, source=source, target=target, day=day, waiting=waiting,
        taken=len(new.registered) + (0 if waiting else 1), capacity=capacity, currency=new_course.currency,
        new_amount=amount_to_invoice(new_course, config, Participant.model_validate(moved)),
        held=held, credits=credits, after=after,
    )


def _credit_place(
    folder: DataFolder, tx: Transaction, cohort_id: str, person: Participant, reason: str, today: date
) -> tuple[list[CreditNoteEntry], Ledger | None]:
    """Credit notes for all that is left of the person's live invoices for the cohort
    (their line only, on an invoice shared with others). The money held stays on them:
    a credit is not refused for it, unlike a void."""
    from learncli.domain.accounts import plan_credit
    from learncli.domain.invoicing import Located, line_total, partial_credit
    from learncli.store.ledger import append_entries, ledger_path, load_ledger

    if person.waiting:
        return [], None
    ledger = load_ledger(folder, cohort=cohort_id, today=today)
    invoicing = folder.config().invoicing
    credits: list[CreditNoteEntry] = []
    for account in ledger.live_all(cohort_id, person):
        if len(account.people) > 1:
            mine = next(e for e in account.people if e in person.emails)
            if any(c.participant == mine for c in account.credits):
                continue  # their line is credited already
            note = partial_credit(ledger, invoicing, account.number, line_total(account, mine), reason, today, participant=mine)
        else:
            note = plan_credit(ledger, invoicing, account.number, account.net_total, reason, today)
        credits.append(note)
        ledger = ledger.plus([Located(note, ledger_path(folder, note.issued), -1)])
    if credits:
        append_entries(tx, folder, credits)
    return credits, ledger
