"""`learn payment record|refund|payout`: money received, paid back, and paid over."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from learncli.cli._common import DryRunOpt, JsonOpt, group, parse_date_option, state

if TYPE_CHECKING:
    from datetime import date

    from learncli.domain.invoicing import Account

app = group("Payments received against invoices, refunds, and contributions paid over.")

NumberArg = Annotated[str, typer.Argument(help="The invoice, e.g. LWL-2026-0001.", show_default=False)]
DateOpt = Annotated[str, typer.Option("--date", metavar="DATE", help="Date the money moved (YYYY-MM-DD), not after today.", show_default=False)]
MethodOpt = Annotated[str, typer.Option("--method", metavar="bank|card|cheque|cash|other", help="How the money moved.", show_default=False)]
ReferenceOpt = Annotated[str | None, typer.Option("--reference", help="The payer's reference, a card transaction id or a cheque number.", show_default=False)]


def parse_amount(amount: str) -> Decimal:
    """`--amount` as money (a leading £ allowed), or a usage error."""
    from pydantic_core import PydanticCustomError

    from learncli.models.types import parse_money

    try:
        return parse_money(amount.strip().lstrip("£"))
    except PydanticCustomError as exc:
        raise typer.BadParameter(exc.message(), param_hint="--amount") from None


def _method(method: str) -> str:
    from learncli.models.invoice import PAYMENT_METHODS

    if method not in PAYMENT_METHODS:
        raise typer.BadParameter(f"{method!r} is not a method; use {', '.join(PAYMENT_METHODS[:-1])} or {PAYMENT_METHODS[-1]}", param_hint="--method")
    return method


def _day(on: str) -> date:
    day = parse_date_option(on, "--date")
    assert day is not None
    return day


def _append(ctx: typer.Context, dry_run: bool, plan: Any) -> tuple[Any, Any, Any]:
    """Load the ledger as of today, plan one entry with `plan(ledger, today)`, append it.
    Returns (the entry, the ledger after it, the transaction)."""
    from pydantic import ValidationError

    from learncli.domain.invoicing import Located
    from learncli.errors import UsageProblem
    from learncli.models.invoice import entry_date
    from learncli.store.ledger import append_entries, ledger_path, load_ledger

    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        ledger = load_ledger(folder, today=app_state.today)
        try:
            entry = plan(ledger, app_state.today)
        except ValidationError as exc:
            problems = "; ".join(f"--{e['loc'][0]}: {e['msg']}" for e in exc.errors(include_url=False))
            raise UsageProblem(f"cannot record this: {problems}") from None
        append_entries(tx, folder, [entry])
        after = ledger.plus([Located(entry, ledger_path(folder, entry_date(entry)), -1)])
    return entry, after, tx


def _outcome(ctx: typer.Context, dry_run: bool, json_output: bool, entry: Any, account: Account, tx: Any, said: str) -> None:
    """What a payment or refund did to its invoice, in words or JSON."""
    from learncli.cli._output import note, print_changes, print_json, say
    from learncli.domain.schedule import fmt_day
    from learncli.render.tables import money
    from learncli.store.ledger import ledger_path

    folder = state(ctx).folder
    if json_output:
        print_json(
            {"invoice": account.number, "dry_run": dry_run, next(iter(type(entry).model_fields)): entry.model_dump(),
             "paid": account.paid, "refunded": account.refunded, "credited": account.credited, "balance": account.balance,
             "status": account.status, "currency": account.currency}
        )
        return
    c = account.currency
    say(said)
    if account.balance == 0 and not (account.credits or account.refunds):
        say(f"{account.number} is paid in full ({money(account.total, c)})")
    elif account.balance == 0:
        say(f"{account.number} is settled: {money(account.held, c)} held (paid less refunded) of {money(account.net_total, c)} (total less credits)")
    elif account.balance < 0:
        say(f"{money(-account.balance, c)} is due back on {account.number}: learn payment refund {account.number} --amount {-account.balance} ...")
    else:
        due = "on receipt" if account.due_on_receipt else f"by {fmt_day(account.due)}"
        say(f"{money(account.balance, c)} of {money(account.net_total, c)} still to pay, due {due}")
    if dry_run:
        print_changes(tx.changes, folder.root, dry_run=True)
    else:
        note(f"added to {ledger_path(folder, entry.date)}")


@app.command("record")
def payment_record(
    ctx: typer.Context,
    number: NumberArg,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Amount received, e.g. 575.00 (part-payments add up).", show_default=False)],
    on: DateOpt,
    method: MethodOpt,
    reference: ReferenceOpt = None,
    dry_run: DryRunOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Record a payment against an invoice. Overpayments, payments to void invoices and payments dated after today are refused.

    Example: learn payment record LWL-2026-0012 --amount 575.00 --date 2026-09-01 --method bank --reference "NCC 77812"
    """
    from learncli.domain.accounts import plan_payment
    from learncli.render.tables import money

    value, day, how = parse_amount(amount), _day(on), _method(method)
    payment, after, tx = _append(ctx, dry_run, lambda ledger, today: plan_payment(ledger, number, value, day, how, reference, today=today))
    account = after.account(payment.payment)
    verb = "would record" if dry_run else "recorded"
    _outcome(ctx, dry_run, json_output, payment, account, tx,
             f"{verb} {money(payment.amount, account.currency)} by {how} for {account.number} ({account.invoice.participant_name})")


@app.command("refund")
def payment_refund(
    ctx: typer.Context,
    number: NumberArg,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Amount paid back, e.g. 287.50; at most what is held on the invoice.", show_default=False)],
    on: DateOpt,
    method: MethodOpt,
    reference: ReferenceOpt = None,
    dry_run: DryRunOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Record money paid back on an invoice. Refunding more than was received (less earlier refunds) is refused.

    Pair it with `learn invoice credit` (part of the fee no longer owed) or, once
    everything is paid back, `learn invoice void`: the invoice is settled when payments
    less refunds equal its total less credits.

    Example: learn payment refund LWL-2026-0012 --amount 287.50 --date 2026-09-20 --method bank --reference "refund half"
    """
    from learncli.domain.accounts import plan_refund
    from learncli.render.tables import money

    value, day, how = parse_amount(amount), _day(on), _method(method)
    refund, after, tx = _append(ctx, dry_run, lambda ledger, today: plan_refund(ledger, number, value, day, how, reference, today=today))
    account = after.account(refund.refund)
    verb = "would refund" if dry_run else "refunded"
    _outcome(ctx, dry_run, json_output, refund, account, tx,
             f"{verb} {money(refund.amount, account.currency)} by {how} on {account.number} ({account.invoice.participant_name})")


@app.command("payout")
def payment_payout(
    ctx: typer.Context,
    recipient: Annotated[str, typer.Argument(help="The contribution recipient, as courses.yaml names it (e.g. \"HLS Collaborative\").", show_default=False)],
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Amount paid over, at most what is owed to them.", show_default=False)],
    on: DateOpt,
    reference: ReferenceOpt = None,
    dry_run: DryRunOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Record contributions paid over to their recipient; `report contributions` then shows them paid out.

    Example: learn payment payout "HLS Collaborative" --amount 225.00 --date 2026-07-31 --reference "spring 2026"
    """
    from learncli.cli._output import note, print_changes, print_json, say
    from learncli.cli.report import cohort_courses
    from learncli.domain.accounts import contributions, plan_payout
    from learncli.render.tables import money
    from learncli.store.ledger import ledger_path

    folder = state(ctx).folder
    config = folder.config()
    courses = cohort_courses(folder)
    value, day = parse_amount(amount), _day(on)
    payout, after, tx = _append(
        ctx, dry_run, lambda ledger, today: plan_payout(ledger, config, courses, recipient, value, day, reference, today=today)
    )
    total = next(t for t in contributions(after, config, courses).totals if t.recipient == payout.payout and t.currency == payout.currency)
    if json_output:
        print_json({"dry_run": dry_run, "payout": payout.model_dump(), "owed": total.owed, "paid_out": total.paid_out, "balance": total.balance})
        return
    c = payout.currency
    say(f"{'would record' if dry_run else 'recorded'} {money(payout.amount, c)} paid over to {payout.payout}")
    say(f"{payout.payout}: {money(total.owed, c)} owed, {money(total.paid_out, c)} paid out, balance {money(total.balance, c)}")
    if dry_run:
        print_changes(tx.changes, folder.root, dry_run=True)
    else:
        note(f"added to {ledger_path(folder, day)}")
