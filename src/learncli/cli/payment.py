"""`learn payment record`: money received against an invoice."""

from __future__ import annotations

from typing import Annotated

import typer

from learncli.cli._common import DryRunOpt, JsonOpt, group, parse_date_option, state

app = group("Payments received against invoices.")


@app.command("record")
def payment_record(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The invoice paid, e.g. LWL-2026-0001.", show_default=False)],
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Amount received, e.g. 575.00 (part-payments add up).", show_default=False)],
    on: Annotated[str, typer.Option("--date", metavar="DATE", help="Date the money arrived (YYYY-MM-DD).", show_default=False)],
    method: Annotated[str, typer.Option("--method", metavar="bank|card", help="bank (transfer) or card.", show_default=False)],
    reference: Annotated[str | None, typer.Option("--reference", help="The payer's reference or the card transaction id.", show_default=False)] = None,
    dry_run: DryRunOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Record a payment against an invoice. Overpayments and payments to void invoices are refused.

    Example: learn payment record LWL-2026-0012 --amount 575.00 --date 2026-09-01 --method bank --reference "NCC 77812"
    """
    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    from learncli.cli._output import note, print_changes, print_json, say
    from learncli.domain.invoicing import Ledger, Located, plan_payment
    from learncli.domain.schedule import fmt_day
    from learncli.errors import UsageProblem
    from learncli.models.invoice import PAYMENT_METHODS
    from learncli.models.types import parse_money
    from learncli.render.tables import money
    from learncli.store.ledger import append_entries, ledger_path, load_ledger

    if method not in PAYMENT_METHODS:
        raise typer.BadParameter(f"{method!r} is not a method; use bank or card", param_hint="--method")
    try:
        value = parse_money(amount.strip().lstrip("£"))
    except PydanticCustomError as exc:
        raise typer.BadParameter(exc.message(), param_hint="--amount") from None
    day = parse_date_option(on, "--date")
    assert day is not None
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        ledger = load_ledger(folder)
        try:
            payment = plan_payment(ledger, number, value, day, method, reference)
        except ValidationError as exc:
            problems = "; ".join(f"--{e['loc'][0]}: {e['msg']}" for e in exc.errors(include_url=False))
            raise UsageProblem(f"cannot record this payment: {problems}") from None
        append_entries(tx, folder, [payment])
        after = Ledger(ledger.items + [Located(payment, ledger_path(folder, day), -1)]).account(payment.payment)
    if json_output:
        print_json(
            {"invoice": after.number, "dry_run": dry_run, "payment": payment.model_dump(), "paid": after.paid,
             "balance": after.balance, "status": after.status, "currency": after.currency}
        )
        return
    c = after.currency
    verb = "would record" if dry_run else "recorded"
    say(f"{verb} {money(payment.amount, c)} by {method} for {after.number} ({after.invoice.participant_name})")
    if after.balance == 0:
        say(f"{after.number} is paid in full ({money(after.total, c)})")
    else:
        due = "on receipt" if after.due_on_receipt else f"by {fmt_day(after.due)}"
        say(f"{money(after.balance, c)} of {money(after.total, c)} still to pay, due {due}")
    if dry_run:
        print_changes(tx.changes, folder.root, dry_run=True)
    else:
        note(f"added to {ledger_path(folder, day)}")
