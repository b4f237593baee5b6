"""`learn participant transfer`: move someone to another cohort, their payment with them
(registered on the participant group by `cli.participant`)."""

from __future__ import annotations

from typing import Annotated

import typer

from learncli.cli._common import CohortArg, DryRunOpt, EmailArg, parse_date_option, state


def participant_transfer(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    to: Annotated[str, typer.Option("--to", metavar="COHORT", help="The cohort they move to.", show_default=False)],
    on: Annotated[str | None, typer.Option("--date", metavar="DATE", help="Date of the move (default: today).", show_default=False)] = None,
    over_capacity: Annotated[bool, typer.Option("--over-capacity", help="Give them a place even when the new cohort is full.")] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Move a participant to another cohort: withdrawn from this one (marked
    `transferred_to`), registered on the other with the same details (PO, billing
    contact, discount, split) on --date.

    What is left of their invoice for this cohort is credited; what they paid stays
    held on it until `learn invoice run` on the new cohort issues their new invoice and
    allocates it there (no money moves: revenue received is unchanged). The command
    says whether the new place costs more (still owed) or less (refundable). A full
    cohort puts them on its waiting list unless --over-capacity.

    Example: learn participant transfer 2026-autumn rory.mcallister@example.org --to 2027-spring
    """
    from learncli.actions.transfer import transfer
    from learncli.cli._output import did, note, print_changes, warn
    from learncli.domain import people
    from learncli.money import money

    app_state = state(ctx)
    day = parse_date_option(on, "--date") or app_state.today
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        done = transfer(folder, tx, cohort_id, email, to, day, app_state.today, over_capacity=over_capacity)
        if done.credits and done.after is not None:
            from learncli.cli.invoice import _renderer
            from learncli.render.invoices import file_name

            render = _renderer(folder, folder.config(), done.after)
            for credit in done.credits:
                tx.output(folder.out_dir / "invoices" / file_name(credit.credit_note, "html"), render(credit, "html"))
    person, c = done.person, done.currency
    where = f"the waiting list of {to}" if done.waiting else f"{to} ({people.places(done.taken, done.capacity)})"
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("transferred", "transfer", f"{person.name} <{person.email}> from {cohort_id} to {where} on {day.isoformat()}"))
    for credit in done.credits:
        note(f"{'would credit' if dry_run else 'credited'} {money(credit.total, c)} of {credit.cancels} with credit note {credit.credit_note}")
    if done.waiting:
        note(f"`learn participant promote {to}` gives them a place (add --over-capacity to give it now)")
    if done.held > 0:
        said = f"{money(done.held, c)} paid for {cohort_id} moves to their invoice for {to} at `learn invoice run {to}`"
        if done.difference > 0:
            note(f"{said}; the new place costs {money(done.new_amount, c)}, so {money(done.difference, c)} will still be owed")
        elif done.difference < 0:
            warn(f"{said}; the new place costs {money(done.new_amount, c)}, so {money(-done.difference, c)} will be refundable")
        else:
            note(f"{said}, which it pays in full")
    elif done.credits:
        note(f"nothing was paid on the old invoice; {to} will invoice the new place in full ({money(done.new_amount, c)})")
