"""`learn participant ...`: add, import, list, withdraw, reinstate, promote, edit (and, from
`cli.participant_privacy`, export, forget, purge; from `cli.participant_transfer`, transfer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from learncli.cli._common import CohortArg, DryRunOpt, EmailArg, JsonOpt, group, parse_date_option, parse_map_options, read_input_file, state

if TYPE_CHECKING:
    from learncli.models.cohort import Participant

app = group("The people registered on a cohort.")

OverCapacityOpt = Annotated[bool, typer.Option("--over-capacity", help="Give a place even when the cohort is full, instead of a place on the waiting list.")]


@app.command("add")
def participant_add(
    ctx: typer.Context,
    cohort_id: CohortArg,
    name: Annotated[str, typer.Option("--name", help="Full name as it should appear on invoices.", show_default=False)],
    email: Annotated[str, typer.Option("--email", help="Email address (identifies the person).", show_default=False)],
    organisation: Annotated[str | None, typer.Option("--organisation", help="Employer or organisation.", show_default=False)] = None,
    role: Annotated[str | None, typer.Option("--role", help="Job title or role.", show_default=False)] = None,
    po: Annotated[str | None, typer.Option("--po", help="Purchase-order number for the invoice.", show_default=False)] = None,
    billing_email: Annotated[str | None, typer.Option("--billing-email", help="Send the invoice here instead.", show_default=False)] = None,
    billing_name: Annotated[str | None, typer.Option("--billing-name", help="Bill to this name (e.g. Accounts Payable).", show_default=False)] = None,
    discount: Annotated[str | None, typer.Option("--discount", metavar="AMOUNT", help="Take this much off the fee on their invoice (with --discount-reason).", show_default=False)] = None,
    discount_reason: Annotated[str | None, typer.Option("--discount-reason", metavar="TEXT", help="Why, printed on the invoice (e.g. Early booking).", show_default=False)] = None,
    over_capacity: OverCapacityOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Register one participant on a cohort.

    --discount takes an amount off the course fee: their invoice shows the fee, the
    discount with its reason, and the total (the contribution per participant stays
    the same).

    When the cohort is full (its capacity, else the course's), they go on its waiting
    list (`status: waitlisted`): no invoice, invitation or email but the one saying so,
    until `learn participant promote` gives them a place. --over-capacity gives them a
    place anyway.

    Example: learn participant add 2026-autumn --name "O'Neil, Ann" --email ann@example.org --po PO-1234 --discount 100 --discount-reason "Early booking"
    """
    from pydantic import ValidationError

    from learncli.cli._output import did, note, print_changes, warn
    from learncli.domain import people
    from learncli.errors import Refused, UsageProblem
    from learncli.models.cohort import Cohort, Participant
    from learncli.store import edits

    if (discount is None) != (discount_reason is None):
        raise UsageProblem("--discount and --discount-reason go together: give the amount and the reason the invoice shows")
    app_state = state(ctx)
    folder = app_state.folder
    values = {
        "name": name, "email": email, "organisation": organisation, "role": role, "po": po,
        "billing_email": billing_email, "billing_name": billing_name, "registered": app_state.today,
        "discount": {"amount": discount, "reason": discount_reason} if discount is not None else None,
    }
    entry = people.participant_entry(values)
    try:
        person = Participant.model_validate(entry)
    except ValidationError as exc:
        def option(loc: tuple[object, ...]) -> str:
            return "--discount-reason" if loc[:2] == ("discount", "reason") else f"--{str(loc[0]).replace('_', '-')}"

        problems = "; ".join(f"{option(tuple(e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False))
        raise Refused(f"cannot register this participant: {problems}") from None
    entry["email"] = person.email
    if person.discount is not None:
        entry["discount"] = person.discount.model_dump()
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        people.check_new(cohort, person.email)
        capacity = people.capacity_of(cohort, config)
        waiting = people.places_free(cohort, capacity) == 0 and not over_capacity
        if waiting:
            entry["status"] = "waitlisted"
        edits.add_participant(tx.edit(folder.cohort_path(cohort_id), Cohort), entry)
    if waiting:
        rest = f"{person.name} <{person.email}> to the waiting list of {cohort_id} ({people.ordinal(len(cohort.waiting_list) + 1)} on it; {people.places(len(cohort.registered), capacity)} places taken)"
        print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("added", "add", rest))
        note(f"`learn participant promote {cohort_id}` gives them a place when one is free (add --over-capacity to give it now)")
        return
    places = people.places(len(cohort.registered) + 1, capacity)
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("registered", "register", f"{person.name} <{person.email}> on {cohort_id} ({places})"))
    capacity_note = people.over_capacity(cohort, capacity, 1)
    if capacity_note:
        warn(capacity_note)


@app.command("import")
def participant_import(
    ctx: typer.Context,
    cohort_id: CohortArg,
    file: Annotated[Path, typer.Argument(help="CSV with a header: name, email, organisation, role, PO number, billing email.", show_default=False)],
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Import the good rows even when some rows are invalid.")] = False,
    map_options: Annotated[list[str] | None, typer.Option("--map", metavar="FIELD=HEADER", help="Read FIELD from the column headed HEADER (repeatable; FIELD= reads it from none). Fields: name, first_name, last_name, email, organisation, role, po, billing_name, billing_email, billing_address, registered, status.", show_default=False)] = None,
    over_capacity: OverCapacityOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Register everyone in a CSV export (a form, a ticketing report or a spreadsheet).

    Google Forms, Microsoft Forms, Eventbrite, Zoom registration, Typeform, Jotform and
    Tally exports load as they come: headers and question titles are matched loosely
    ("Email address", "Organization", "Purchase order number (if any)", "First name" +
    "Surname", "Billing address" ...). Where two columns could hold a field, the one
    with real values wins (a yes/no answer is no organisation or PO), then the one whose
    header names the field most exactly. The registration date is the file's timestamp,
    order date or registration time. Rows whose approval or attendee status is denied,
    pending, cancelled, refunded or transferred are skipped and listed. People already on the cohort are skipped, so
    importing the same export again adds only the new rows. Any invalid row stops the
    whole import (nothing is written) unless --skip-invalid is given; --dry-run also
    shows how each column was read. Past the cohort's capacity, the latest registrations
    go on the waiting list unless --over-capacity.

    Example: learn participant import 2026-autumn registrations.csv --map po="Order reference" --dry-run
    """
    from learncli.cli._output import console, import_notes, note, print_changes, refuse_or_show_import_problems, show_mapping, warn
    from learncli.domain import people
    from learncli.domain.csvsheet import MAX_CSV_BYTES
    from learncli.models.cohort import Cohort
    from learncli.render.tables import participant_table
    from learncli.store import edits

    mapped = parse_map_options(map_options, people.MAP_FIELDS)
    data = read_input_file(file, MAX_CSV_BYTES)
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        result = people.read_registrations(file, data, cohort, app_state.today, zone=config.timezone, mapped=mapped)
        if dry_run and result.mapping:
            show_mapping(file, result.mapping)
        refuse_or_show_import_problems(file, result.problems, bool(result.rows), skip_invalid)
        if result.date_column:
            order = {True: "day/month/year", False: "month/day/year", None: "as written"}[result.day_first]
            note(f"registration dates from column {result.date_column!r}, read {order}; times in {config.timezone}")
        capacity = people.capacity_of(cohort, config)
        placed, waiting = people.assign_places(result.rows, None if over_capacity else people.places_free(cohort, capacity))
        doc = tx.edit(folder.cohort_path(cohort_id), Cohort) if result.rows else None
        waits = {id(row) for row in waiting}
        for row in result.rows:
            entry = dict(row.values)
            entry["email"] = row.participant.email
            if id(row) in waits:
                entry["status"] = "waitlisted"
            edits.add_participant(doc, entry)
    import_notes(file, result.encoding, result.ignored_columns, result.skipped)
    if placed:
        places = people.places(len(cohort.registered) + len(placed), capacity)
        title = f"{'Would register' if dry_run else 'Registered'} {len(placed)} participant(s) on {cohort_id} ({places})"
        _show_some([r.participant for r in placed], title, cohort_id)
    if waiting:
        ahead = len(cohort.waiting_list)
        title = f"{'Would add' if dry_run else 'Added'} {len(waiting)} to the waiting list of {cohort_id} ({ahead} already on it)"
        _show_some([r.participant for r in waiting], title, cohort_id)
        note("the cohort is full: they were registered last (by the file's registration dates), so they wait; `learn participant promote` gives a freed place")
    print_changes(tx.changes, folder.root, dry_run=dry_run)
    capacity_note = people.over_capacity(cohort, capacity, len(placed))
    if capacity_note:
        warn(capacity_note)


#: An import's summary lists this many people; the rest are counted (a table of
#: thousands would take longer to lay out than the import takes to write).
SHOWN_AT_MOST = 50


def _show_some(shown: list[Participant], title: str, cohort_id: str) -> None:
    from learncli.cli._output import console, note
    from learncli.render.tables import participant_table

    console().print(participant_table(shown[:SHOWN_AT_MOST], title=title))
    if len(shown) > SHOWN_AT_MOST:
        note(f"and {len(shown) - SHOWN_AT_MOST:,} more: `learn participant list {cohort_id}` shows everyone")


@app.command("list")
def participant_list(
    ctx: typer.Context,
    cohort_id: CohortArg,
    registered_only: Annotated[bool, typer.Option("--registered", help="Only the people with a place: leave out the waiting list and withdrawn participants.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """List a cohort's participants: registered, then the waiting list in order, then
    those who withdrew (dimmed).

    Example: learn participant list 2026-autumn --json
    """
    from learncli.cli._output import console, print_json
    from learncli.render.tables import participant_table

    cohort = state(ctx).folder.cohort(cohort_id)
    shown = cohort.registered if registered_only else [*cohort.registered, *cohort.waiting_list, *cohort.withdrawn_people]
    if json_output:
        print_json([p.model_dump(mode="python") for p in shown])
        return
    title = f"{cohort.id}: {len(cohort.registered)} registered"
    if cohort.waiting_list:
        title += f", {len(cohort.waiting_list)} on the waiting list"
    console().print(participant_table(shown, title=title, waiting=cohort.waiting_list))


@app.command("withdraw")
def participant_withdraw(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    on: Annotated[str | None, typer.Option("--date", metavar="DATE", help="Date of withdrawal (default: today).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Mark a participant as withdrawn (or take them off the waiting list). They stay in
    the file (and the ledger) for the record.

    Someone invoiced together with others (one invoice for a purchase order) has their
    line of it credited by a partial credit note; the others stay invoiced. An invoice
    of their own is left as it is: `learn invoice void` cancels it.

    Example: learn participant withdraw 2026-autumn tom.whitfield@example.org
    """
    from learncli.actions.participants import credit_group_line
    from learncli.cli._output import did, note, print_changes, warn
    from learncli.domain import people
    from learncli.domain.lookup import find_participant
    from learncli.models.cohort import Cohort
    from learncli.store import edits

    app_state = state(ctx)
    day = parse_date_option(on, "--date") or app_state.today
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        person = find_participant(cohort, email)
        config = folder.config()
        # Withdrawn already: a run stopped between the cohort file and the ledger may have
        # left their line of a group invoice to credit; that is all there is to finish.
        finishing = person.has_withdrawn
        if not finishing:
            edits.withdraw_participant(tx.edit(folder.cohort_path(cohort_id), Cohort), person.email, day)
        group = None if person.waiting else credit_group_line(folder, tx, cohort_id, person, app_state.today)
        if group is not None:
            from learncli.cli.invoice import _renderer
            from learncli.render.invoices import file_name

            page = folder.out_dir / "invoices" / file_name(group.credit.credit_note, "html")
            tx.output(page, _renderer(folder, config, group.after)(group.credit, "html"))
    if finishing:
        if group is None:
            note(f"{person.email} is already withdrawn from {cohort_id}")
        else:
            rest = f"the line of {person.name} <{person.email}>, who withdrew earlier, on {group.account.number}"
            print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("credited", "credit", rest))
        return
    if person.waiting:
        rest = f"{person.name} <{person.email}> from the waiting list of {cohort_id} on {day.isoformat()}"
        print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("withdrew", "withdraw", rest))
        return
    places = people.places(len(cohort.registered) - 1, people.capacity_of(cohort, config))
    done = did("withdrew", "withdraw", f"{person.name} <{person.email}> from {cohort_id} on {day.isoformat()} ({places} remain)")
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=done)
    if group is not None:
        from learncli.money import money

        account = group.account
        note(
            f"{'would credit' if dry_run else 'credited'} {money(group.credit.total, account.currency)} of {account.number} "
            f"(their line of the invoice for PO {account.invoice.po}) with credit note {group.credit.credit_note}"
            + (f"; {money(account.balance, account.currency)} is left to pay" if account.balance > 0 else "")
        )
        if account.balance < 0:
            warn(f"{money(-account.balance, account.currency)} more has been paid against {account.number} than is now owed: refund it")
    if cohort.waiting_list and tx.changes:
        first = cohort.waiting_list[0]
        note(f"a place is free: `learn participant promote {cohort_id}` gives it to {first.name} <{first.email}>, first on the waiting list")


@app.command("reinstate")
def participant_reinstate(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    over_capacity: OverCapacityOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Undo a withdrawal: the participant is registered again.

    Their attendance, commitments and invoices were kept and count again. If their
    invoice was voided when they left, `learn invoice run` issues a new one. If their
    place has gone to someone else meanwhile (the cohort is full), they go on the waiting
    list unless --over-capacity.

    Example: learn participant reinstate 2026-autumn tom.whitfield@example.org
    """
    from learncli.cli._output import did, note, print_changes
    from learncli.domain import people
    from learncli.domain.lookup import find_participant
    from learncli.errors import Refused
    from learncli.models.cohort import Cohort
    from learncli.store import edits
    from learncli.store.ledger import load_ledger

    folder = state(ctx).folder
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        person = find_participant(cohort, email)
        if not person.has_withdrawn:
            raise Refused(f"{person.email} is not withdrawn from {cohort_id}; there is nothing to undo")
        capacity = people.capacity_of(cohort, config)
        waiting = people.places_free(cohort, capacity) == 0 and not over_capacity
        edits.reinstate_participant(tx.edit(folder.cohort_path(cohort_id), Cohort), person.email, waiting=waiting)
        ledger = load_ledger(folder, cohort=cohort_id, today=state(ctx).today)
    if waiting:
        rest = f"{person.name} <{person.email}> to the waiting list of {cohort_id}, as its place has been taken ({people.places(len(cohort.registered), capacity)})"
        print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("put", "put", rest))
        note("give them a place with --over-capacity, or `learn participant promote` when one is free")
        return
    done = did("reinstated", "reinstate", f"{person.name} <{person.email}> on {cohort_id} ({people.places(len(cohort.registered) + 1, capacity)})")
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=done)
    if person.transferred_to:
        note(f"they had transferred to {person.transferred_to} and are still on it: `learn participant withdraw {person.transferred_to} {person.email}` if they are not going")
    accounts = ledger.all(cohort=cohort_id, participant=person)
    if accounts and all(a.void for a in accounts):
        note(f"their invoice was voided when they withdrew; `learn invoice run {cohort_id}` issues a new one")


@app.command("promote")
def participant_promote(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: Annotated[str | None, typer.Argument(metavar="EMAIL", help="Who gets the place (default: the first on the waiting list).", show_default=False)] = None,
    over_capacity: OverCapacityOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Give a free place to someone on the waiting list: the first (by registration
    date) unless EMAIL names another.

    Refused when the cohort is full, unless --over-capacity. Then invoice them and send
    the joining email as for anyone registered.

    Example: learn participant promote 2026-autumn
    """
    from learncli.actions.participants import promote
    from learncli.cli._output import did, note, print_changes
    from learncli.domain import people

    folder = state(ctx).folder
    with folder.transaction(dry_run=dry_run) as tx:
        done = promote(folder, tx, cohort_id, email, over_capacity=over_capacity)
    person = done.person
    rest = f"{cohort_id} to {person.name} <{person.email}> ({people.places(done.taken, done.capacity)}); {len(done.still_waiting)} still waiting"
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("gave a place on", "give a place on", rest))
    if tx.changes and not dry_run:
        note(f"next: `learn invoice run {cohort_id}`, then `learn email send joining {cohort_id} --participant {person.email}`")


@app.command("edit")
def participant_edit(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    name: Annotated[str | None, typer.Option("--name", help="Full name as it should appear on invoices.", show_default=False)] = None,
    new_email: Annotated[str | None, typer.Option("--email", metavar="NEW", help="A new email address; their marks, commitments and send log move with them.", show_default=False)] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", help="Employer or organisation.", show_default=False)] = None,
    role: Annotated[str | None, typer.Option("--role", help="Job title or role.", show_default=False)] = None,
    po: Annotated[str | None, typer.Option("--po", help="Purchase-order number for the invoice.", show_default=False)] = None,
    billing_name: Annotated[str | None, typer.Option("--billing-name", help="Bill to this name.", show_default=False)] = None,
    billing_email: Annotated[str | None, typer.Option("--billing-email", help="Send the invoice here.", show_default=False)] = None,
    billing_address: Annotated[list[str] | None, typer.Option("--billing-address", metavar="LINE", help="A line of the billing address (repeat for each line; replaces the address).", show_default=False)] = None,
    clear: Annotated[list[str] | None, typer.Option("--clear", metavar="FIELD", help="Remove a field: organisation, role, po, billing_name, billing_email or billing_address (repeatable).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Correct a participant's details; comments in the file are kept.

    A new --email carries their attendance, commitments, aliases and send log with it;
    the invoices already issued keep what they were issued with (the old address is kept
    in `previous_emails`, so they still belong to the person). A new --po or billing
    contact is used by the invoices issued from now on.

    Example: learn participant edit 2026-autumn ann.oneil@example.org --po NCC-PO-77900 --clear role
    """
    from learncli.actions.participants import edit_participant
    from learncli.cli._output import did, note, print_changes

    given = {
        key: value
        for key, value in {
            "name": name, "email": new_email, "organisation": organisation, "role": role, "po": po,
            "billing_name": billing_name, "billing_email": billing_email, "billing_address": billing_address,
        }.items()
        if value is not None
    }
    if not given and not clear:
        from learncli.errors import UsageProblem

        raise UsageProblem("say what to change: --name, --email, --organisation, --role, --po, --billing-name, --billing-email, --billing-address or --clear FIELD")
    folder = state(ctx).folder
    with folder.transaction(dry_run=dry_run) as tx:
        edit = edit_participant(folder, tx, cohort_id, email, given, list(clear or []))
    if not edit.changes:
        note(f"{edit.before.email} already has these details; nothing to change")
        return
    what = "; ".join(f"{name} {_shown(old)} → {_shown(new)}" for name, old, new in edit.changes)
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("changed", "change", f"{edit.before.name} <{edit.before.email}> on {cohort_id}: {what}"))
    if edit.new_email and not dry_run:
        note(f"invoices already issued keep {edit.before.email}; the next ones go to {edit.new_email}")


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return " / ".join(map(str, value))
    return repr(str(value))


# Subject access, erasure and purging live in a module of their own, on this same group.
from learncli.cli.participant_privacy import participant_export, participant_forget, participant_purge  # noqa: E402

app.command("export")(participant_export)
app.command("forget")(participant_forget)
app.command("purge")(participant_purge)

from learncli.cli.participant_transfer import participant_transfer  # noqa: E402

app.command("transfer")(participant_transfer)
