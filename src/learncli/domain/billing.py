"""The invoice run: who is billed what, on which invoice. Pure: models in, entries out.

`plan_invoice_run` turns a cohort's registered participants without an invoice into
invoices:

* people who share a purchase order and the same bill-to are invoiced together, one
  line each (a group invoice);
* a person with `split:` gets one invoice per share, each billed to its own payer;
* everyone else gets an invoice of their own.

A discount is a line of its own below the fee, with its reason, on whatever invoice
carries the fee. What a person owes is `owed_by`: the fee less any discount, before VAT.
The shares of a split fee must add up to it (`check_split`); VAT, when the organisation
charges it, is added on each invoice to what its lines come to.

Each invoice records the cohort's title and sessions as they are at issue, so that it
reads the same when rendered again after the cohort has changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from learncli.domain.accounts import plan_allocations
from learncli.domain.invoicing import ZERO, Account, Ledger, due_date, next_numbers
from learncli.domain.schedule import session_times
from learncli.errors import DataError, Refused
from learncli.models.cohort import Cohort, Participant, Share
from learncli.models.course import Config, Course
from learncli.models.invoice import AllocationEntry, BillTo, InvoiceEntry, InvoiceLine, IssuedSession, Vat, vat_amount


def course_of(config: Config, cohort: Cohort) -> Course:
    """The cohort's course, which money needs (its fee): `DataError` if it is not defined."""
    course = config.course(cohort.course)
    if course is None:
        raise DataError(f"cohort {cohort.id} names course {cohort.course!r}, which is not in courses.yaml")
    return course


def owed_by(person: Participant, course: Course) -> Decimal:
    """What the person's place costs before VAT: the fee less their discount (never below 0)."""
    discount = person.discount.amount if person.discount else ZERO
    return max(course.fee - discount, ZERO)


def check_split(person: Participant, course: Course) -> str | None:
    """Why the person's shares do not add up to what they owe, or None when they do."""
    shares = person.split or []
    total = sum((share.amount for share in shares), ZERO)
    owed = owed_by(person, course)
    if total == owed:
        return None
    from learncli.money import money

    def m(amount: Decimal) -> str:
        return money(amount, course.currency)

    owes = f"the fee of {m(course.fee)} less the discount of {m(person.discount.amount)}" if person.discount else f"the fee of {m(course.fee)}"
    return f"{person.email}'s {len(shares)} shares add up to {m(total)}, but they owe {m(owed)} ({owes}, before any VAT); make the shares add up to {m(owed)}"


def vat_on(net: Decimal, config: Config) -> Vat | None:
    """VAT on `net`: only when the settings give a VAT number and a rate."""
    rate = config.vat_rate
    return None if rate is None else Vat(rate=rate, amount=vat_amount(net, rate))


def amount_to_invoice(course: Course, config: Config, person: Participant | None = None) -> Decimal:
    """What a person's invoices will come to: what they owe (the fee when no one is
    given), and VAT if any."""
    net = owed_by(person, course) if person is not None else course.fee
    vat = vat_on(net, config)
    return net + (vat.amount if vat else ZERO)


def bill_to(person: Participant, share: Share | None = None) -> BillTo:
    """Without a share: the participant's billing contact, else the participant. For a
    share (`effective_shares`, whose first share carries the participant's contact):
    its own billing contact, else the participant themself."""
    payer: Participant | Share = person if share is None else share
    if payer.has_billing:
        name = payer.billing_name or person.organisation or person.name
        organisation = person.organisation if person.organisation and person.organisation not in name else None
        return BillTo(name=name, organisation=organisation, email=payer.billing_email or person.email, address=list(payer.billing_address))
    return BillTo(name=person.name, organisation=person.organisation, email=person.email)


def effective_shares(person: Participant) -> list[Share]:
    """The person's shares with the first one's PO and billing contact filled in from
    the participant when it has none of its own."""
    shares = list(person.split or [])
    if shares:
        first = shares[0]
        fill: dict[str, object] = {}
        if first.po is None and person.po:
            fill["po"] = person.po
        if not first.has_billing and person.has_billing:
            fill |= {"billing_name": person.billing_name, "billing_email": person.billing_email, "billing_address": list(person.billing_address)}
        shares[0] = first.model_copy(update=fill)
    return shares


def describe(cohort: Cohort, course: Course) -> str:
    """The invoice line: course, cohort and its span."""
    running = [s.date for s in cohort.sessions if not s.cancelled] or [cohort.first_date]
    first, last = min(running), max(running)  # a make-up listed last may meet earlier
    return f"{cohort.display_title(course)}, {len(running)} sessions from {first.day} {first:%b %Y} to {last.day} {last:%b %Y}"


def issued_sessions(cohort: Cohort, course: Course, zone: str) -> list[IssuedSession]:
    """The sessions as the invoice shows them, fixed at issue."""
    return [
        IssuedSession(number=t.number, date=t.start.date(), start=f"{t.start:%H:%M}", end=f"{t.end:%H:%M}", theme=t.theme, cancelled=t.cancelled)
        for t in session_times(cohort, course, zone)
    ]


@dataclass
class Bill:
    """One invoice to issue: its people (several on a group invoice) or one share."""

    people: list[Participant]
    share: int | None = None
    of: Share | None = None


def person_lines(person: Participant, cohort: Cohort, course: Course, *, named: bool) -> list[InvoiceLine]:
    """The fee line and, for a discount, the line that takes it off; `named` puts the
    person on each line (a group invoice)."""
    who = {"participant": person.email, "participant_name": person.name} if named else {}
    label = f"{person.name}: " if named else ""
    lines = [InvoiceLine(description=label + describe(cohort, course), amount=course.fee, **who)]
    if person.discount is not None:
        taken = min(person.discount.amount, course.fee)
        if taken > 0:
            lines.append(InvoiceLine(description=f"{label}Discount: {person.discount.reason}", amount=-taken, discount=person.discount.reason, **who))
    return lines


def share_line(person: Participant, number: int, share: Share, count: int, cohort: Cohort, course: Course) -> InvoiceLine:
    return InvoiceLine(
        description=f"{describe(cohort, course)}: share {number} of {count} of the fee for {person.name}",
        amount=share.amount,
        participant=person.email,
        participant_name=person.name,
        share=number,
    )


def payer_key(person: Participant) -> tuple[str, ...]:
    """Who pays for `person`, for telling whether two people share a bill-to: their
    billing contact as written (its name falls back to the organisation), or, without
    one, the person themself."""
    if not person.has_billing:
        return ("self", person.email)
    name = person.billing_name or person.organisation or ""
    return (name.strip().lower(), (person.billing_email or person.email).lower(), *(line.strip().lower() for line in person.billing_address))


def bills_for(people: list[Participant]) -> list[Bill]:
    """The invoices to issue for `people` (none of whom has one): a group for each PO and
    bill-to shared by two or more, one per share of a split fee, else one each; in the
    order the first person of each appears."""
    groups: dict[tuple[object, ...], list[Participant]] = {}
    bills: list[Bill] = []
    for person in people:
        if person.split:
            shares = effective_shares(person)
            bills += [Bill([person], number, share) for number, share in enumerate(shares, start=1)]
        elif person.po:
            key = (person.po.strip().lower(), *payer_key(person))
            if key not in groups:
                groups[key] = []
                bills.append(Bill(groups[key]))
            groups[key].append(person)
        else:
            bills.append(Bill([person]))
    return bills


def build_invoice(number: str, bill: Bill, cohort: Cohort, course: Course, config: Config, issued: date, due: date) -> InvoiceEntry:
    person = bill.people[0]
    if bill.of is not None and bill.share is not None:
        lines = [share_line(person, bill.share, bill.of, len(person.split or []), cohort, course)]
        to, po = bill_to(person, bill.of), bill.of.po
    else:
        group = len(bill.people) > 1
        lines = [line for p in bill.people for line in person_lines(p, cohort, course, named=group)]
        to, po = bill_to(person), person.po
        if group and not (person.billing_name or person.organisation):
            to = to.model_copy(update={"name": to.email})  # not the first person's name
    net = sum((line.amount for line in lines), ZERO)
    vat = vat_on(net, config)
    names = [p.name for p in bill.people]
    return InvoiceEntry(
        invoice=number,
        issued=issued,
        due=due,
        cohort=cohort.id,
        participant=person.email,
        participant_name=names[0] if len(names) == 1 else "; ".join(names),
        bill_to=to,
        po=po,
        currency=course.currency,
        lines=lines,
        vat=vat,
        total=net + (vat.amount if vat else ZERO),
        cohort_title=cohort.display_title(course),
        sessions=issued_sessions(cohort, course, config.timezone),
    )


@dataclass
class RunPlan:
    """What `learn invoice run` will do for one cohort."""

    cohort: str
    issued: date
    due: date
    due_on_receipt: bool
    new: list[InvoiceEntry]
    #: Registered participants who already have a live invoice for the cohort.
    already: list[Account]
    #: Withdrawn participants, who are never invoiced by a run.
    withdrawn: list[Participant]
    #: People on the waiting list: invoiced when they are given a place.
    waiting: list[Participant] = field(default_factory=list)
    #: Money held on the invoices of the places transferred people left, moved to
    #: their new invoices (`domain.accounts.plan_allocations`).
    allocations: list[AllocationEntry] = field(default_factory=list)


def skeleton_refusal(config: Config) -> None:
    """`Refused` while the organisation or payment details are the `learn init --bare`
    placeholders: an invoice must not go out with them."""
    from learncli.domain.placeholders import skeleton_details

    found = skeleton_details(config)
    if found:
        raise Refused(
            "no invoice was issued: courses.yaml still has the placeholders `learn init --bare` writes (" + "; ".join(found) + ")",
            hint="put your organisation's name, address and bank details in courses.yaml; `learn validate` shows where",
        )


def plan_invoice_run(ledger: Ledger, config: Config, cohort: Cohort, today: date) -> RunPlan:
    """The invoices, issued today, for every registered participant without a live one,
    and, for those who transferred in, the money of their old place allocated to them
    (`ledger` must then hold the cohorts they came from: see `needs_whole_ledger`)."""
    skeleton_refusal(config)
    course = course_of(config, cohort)
    for (_, index, _), problem in config.money_problems():
        if config.courses[index] is course:  # settings not read through the folder, which refuses them
            raise Refused(f"course {course.id}: {problem}")
    due, on_receipt = due_date(cohort, config.invoicing, today)
    needing: list[Participant] = []
    already: list[Account] = []
    for person in cohort.registered:
        existing = ledger.live(cohort.id, person)
        if existing is None:
            needing.append(person)
        elif existing not in already:
            already.append(existing)
    for person in needing:
        problem = check_split(person, course) if person.split else None
        if problem:
            raise Refused(f"no invoice was issued: {problem}", hint=f"correct the split: in cohorts/{cohort.id}.yaml; `learn validate` shows where")
    bills = bills_for(needing)
    numbers = next_numbers(ledger, config.invoicing, today, len(bills))
    new = [build_invoice(n, bill, cohort, course, config, today, due) for n, bill in zip(numbers, bills)]
    allocations = plan_allocations(ledger, new, [p for p in needing if p.transferred_from], today)
    return RunPlan(cohort.id, today, due, on_receipt, new, already, cohort.withdrawn_people, cohort.waiting_list, allocations)


def needs_whole_ledger(cohort: Cohort) -> bool:
    """Whether an invoice run must read more than the cohort's part of the ledger: when
    someone registered transferred in, their old place's invoices are another cohort's."""
    return any(p.transferred_from for p in cohort.registered)
