"""`learn invoice ...`: run, list, show, render, credit, void."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from learncli.cli._common import CohortArg, DryRunOpt, JsonOpt, group, one_of, state

if TYPE_CHECKING:
    from learncli.domain.invoicing import Ledger
    from learncli.models.course import Config
    from learncli.models.invoice import AllocationEntry, CreditNoteEntry, InvoiceEntry
    from learncli.store.folder import DataFolder

app = group("Invoices: issue them for a cohort, list, show, render, credit and void them.")

NumberArg = Annotated[str, typer.Argument(help="Invoice number, e.g. LWL-2026-0001.", show_default=False)]
#: Below this many documents a run is quick enough to need no progress bar.
PROGRESS_FROM = 20


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """A Rich progress bar on stderr when a person is watching and there is much to do."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from learncli.cli._output import err_console

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console(), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def _renderer(folder: DataFolder, config: Config, ledger: Ledger) -> Callable[[InvoiceEntry | CreditNoteEntry, str], str]:
    """Renders documents of `ledger`, reading each cohort file once."""
    from learncli.errors import LearnError
    from learncli.models.invoice import CreditNoteEntry
    from learncli.render.invoices import document_context, render_document
    from learncli.render.templating import Templates

    templates: Templates = Templates(folder.templates_dir)
    cohorts: dict[str, Any] = {}

    def render(doc: InvoiceEntry | CreditNoteEntry, fmt: str) -> str:
        invoice = ledger.account(doc.cancels if isinstance(doc, CreditNoteEntry) else doc.number).invoice
        if invoice.cohort not in cohorts:
            try:
                cohorts[invoice.cohort] = folder.cohort(invoice.cohort)
            except LearnError:
                cohorts[invoice.cohort] = None  # rendered without the session dates
        cohort = cohorts[invoice.cohort]
        course = config.course(cohort.course) if cohort is not None else None
        return render_document(templates, document_context(doc, ledger, config, cohort, course), fmt)

    return render


@app.command("run")
def invoice_run(ctx: typer.Context, cohort_id: CohortArg, dry_run: DryRunOpt = False, json_output: JsonOpt = False) -> None:
    """Issue an invoice to every registered participant of a cohort who has none, and render them.

    Each invoice is due the course's payment terms before the first session (14 days:
    Wed 9 Sep 2026 for a cohort starting on 23 Sep); issued on or after that day, it is
    due on receipt. Withdrawn participants are skipped; a second run issues nothing.
    People who share a PO and a billing contact get one invoice with a line each; a
    participant with `split:` gets one invoice per share; a discount is a line of its
    own. Someone who transferred in (`learn participant transfer`) has what they paid
    for their old place allocated to their new invoice, and the run says what is still
    owed or refundable. Refused while courses.yaml still has the placeholders of `learn init --bare`.
    Invoices are appended to invoices/YEAR.yaml and rendered to out/invoices/NUMBER.html.

    Example: learn invoice run 2026-autumn --dry-run
    """
    from learncli.cli._output import console, note, print_changes, print_json, say, warn
    from learncli.domain.billing import needs_whole_ledger, plan_invoice_run
    from learncli.domain.invoicing import Ledger, Located
    from learncli.domain.schedule import fmt_day
    from learncli.render.invoices import file_name, run_table
    from learncli.store.ledger import append_entries, ledger_path, load_ledger

    app_state = state(ctx)
    folder = app_state.folder
    out_dir = folder.out_dir / "invoices"
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        cohort = folder.cohort(cohort_id)
        folder.course_for(config, cohort)
        ledger = load_ledger(folder, cohort=None if needs_whole_ledger(cohort) else cohort.id, today=app_state.today)
        plan = plan_invoice_run(ledger, config, cohort, app_state.today)
        if plan.new:
            append_entries(tx, folder, [*plan.new, *plan.allocations])
        path = ledger_path(folder, app_state.today)
        after = ledger.plus([Located(entry, path, -1) for entry in [*plan.new, *plan.allocations]])
        # New invoices, and any of this cohort's invoices and credit notes whose page is
        # missing (say, a run or a void killed after the ledger was written): the ledger
        # is the truth, pages are rebuilt from it.
        new_numbers = {e.invoice for e in plan.new}
        documents: list[InvoiceEntry | CreditNoteEntry] = []
        for a in after.all(cohort=cohort.id):
            for doc in [*([] if a.void else [a.invoice]), *a.credits]:
                if doc.number in new_numbers or not (out_dir / file_name(doc.number, "html")).exists():
                    documents.append(doc)
        render = _renderer(folder, config, after)
        with progress(len(documents), "rendering invoices") as advance:
            for doc in documents:
                tx.output(out_dir / file_name(doc.number, "html"), render(doc, "html"))
                advance()
    if json_output:
        print_json(
            {
                "cohort": cohort.id,
                "dry_run": dry_run,
                "issued": [
                    {"number": e.invoice, "participant": e.participant, "name": e.participant_name,
                     "participants": [email for email, _ in e.people], "po": e.po,
                     "bill_to": e.bill_to.email, "issued": e.issued, "due": e.due, "total": e.total, "currency": e.currency}
                    for e in plan.new
                ],
                "due": plan.due,
                "due_on_receipt": plan.due_on_receipt,
                "already_invoiced": [a.number for a in plan.already],
                "withdrawn_skipped": [p.email for p in plan.withdrawn],
                "waiting_skipped": [p.email for p in plan.waiting],
                "allocated": [
                    {"invoice": a.allocation, "from": a.from_invoice, "amount": a.amount,
                     "balance": after.account(a.allocation).balance, "left_on_from": after.account(a.from_invoice).surplus}
                    for a in plan.allocations
                ],
                "rendered": [str(c.path) for c in tx.changes if not c.data],
            }
        )
        return
    if plan.new:
        console().print(run_table(plan, dry_run=dry_run))
        if plan.due_on_receipt:
            warn(
                f"payment was due {config.invoicing.payment_terms_days} days before the first session; that day has passed, "
                f"so these invoices are due on receipt"
            )
        else:
            note(f"due {fmt_day(plan.due)}, {config.invoicing.payment_terms_days} days before the first session")
    else:
        say(f"nothing to issue: every registered participant of {cohort.id} has an invoice")
    if plan.already:
        note(f"{len(plan.already)} participant(s) already invoiced")
    if plan.withdrawn:
        note(f"{len(plan.withdrawn)} withdrawn participant(s) skipped: {', '.join(p.name for p in plan.withdrawn)}")
    if plan.waiting:
        note(f"{len(plan.waiting)} on the waiting list, invoiced once given a place: {', '.join(p.name for p in plan.waiting)}")
    for line in allocation_lines(plan.allocations, after, dry_run=dry_run):
        note(line)
    if plan.new:
        print_changes([c for c in tx.changes if c.data], folder.root, dry_run=dry_run)
    pages = [c for c in tx.changes if not c.data]
    if pages:
        verb = "would render" if dry_run else "rendered"
        note(f"{verb} {len(pages)} invoice(s) to {out_dir}")


def allocation_lines(allocations: list[AllocationEntry], after: Ledger, *, dry_run: bool) -> list[str]:
    """What a transfer's allocation did: the money moved, and what is still owed on the
    new invoice or held beyond what it comes to on the old one (a refund due)."""
    from learncli.money import money

    out: list[str] = []
    for a in allocations:
        new, old = after.account(a.allocation), after.account(a.from_invoice)
        c = new.currency
        line = f"{'would allocate' if dry_run else 'allocated'} {money(a.amount, c)} paid on {old.number} to {new.number} (a transfer: no money moves)"
        if new.balance > 0:
            line += f"; {money(new.balance, c)} is still owed on {new.number}, the difference in fee"
        if old.surplus > 0:
            line += f"; {money(old.surplus, c)} held on {old.number} is more than the new place costs: refund it (learn payment refund {old.number} --amount {old.surplus} ...)"
        out.append(line)
    return out


def _load(ctx: typer.Context) -> tuple[Any, Any, Ledger]:
    from learncli.store.ledger import load_ledger

    app_state = state(ctx)
    return app_state, app_state.folder, load_ledger(app_state.folder, today=app_state.today)


@app.command("list")
def invoice_list(
    ctx: typer.Context,
    cohort_id: Annotated[str | None, typer.Option("--cohort", metavar="COHORT", help="Only this cohort's invoices.", show_default=False)] = None,
    unpaid_only: Annotated[bool, typer.Option("--unpaid", help="Only invoices with something still owed.")] = False,
    overdue_only: Annotated[bool, typer.Option("--overdue", help="Only unpaid invoices past their due date (see --today).")] = False,
    json_output: JsonOpt = False,
) -> None:
    """List invoices with what is paid and owed; void ones show their credit note.

    Example: learn --today 2026-09-20 invoice list --cohort 2026-autumn --overdue
    """
    from learncli.cli._output import console, print_json
    from learncli.domain import invoicing
    from learncli.render.invoices import account_json, invoice_table

    app_state, folder, ledger = _load(ctx)
    today = app_state.today
    if cohort_id is not None:
        folder.cohort_path(cohort_id)  # a usage error for an id that cannot be a cohort
    if overdue_only:
        accounts = invoicing.overdue(ledger, today, cohort=cohort_id)
    elif unpaid_only:
        accounts = invoicing.unpaid(ledger, cohort=cohort_id)
    else:
        accounts = ledger.all(cohort=cohort_id)
    if json_output:
        print_json([account_json(a, today) for a in accounts])
        return
    which = "overdue" if overdue_only else ("unpaid" if unpaid_only else "")
    title = f"{len(accounts)} {which + ' ' if which else ''}invoice(s)" + (f" for {cohort_id}" if cohort_id else "")
    console().print(invoice_table(accounts, today, title, show_cohort=cohort_id is None))


@app.command("show")
def invoice_show(ctx: typer.Context, number: NumberArg, json_output: JsonOpt = False) -> None:
    """Show one invoice (or credit note): who, what, when due, payments, balance.

    Example: learn invoice show LWL-2026-0001 --json
    """
    from learncli.cli._output import console, print_json
    from learncli.render.invoices import account_json, credit_note_detail, credit_note_json, invoice_detail

    app_state, _, ledger = _load(ctx)
    if number.strip() in ledger.credit_notes:
        note = ledger.document(number)
        assert not hasattr(note, "lines")
        if json_output:
            print_json(credit_note_json(note))  # type: ignore[arg-type]
        else:
            console().print(credit_note_detail(note))  # type: ignore[arg-type]
        return
    account = ledger.account(number)
    if json_output:
        print_json(account_json(account, app_state.today) | {"kind": "invoice"})
        return
    console().print(invoice_detail(account, app_state.today))


@app.command("render")
def invoice_render(
    ctx: typer.Context,
    number: NumberArg,
    fmt: Annotated[str, typer.Option("--format", metavar="html|pdf|txt", help="html (prints on A4), pdf (needs the pdf extra) or txt.")] = "html",
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="FILE", help="Where to write it; - for standard output (default: out/invoices/NUMBER.EXT).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Render an invoice or credit note as HTML, PDF or plain text.

    Templates: templates/invoice.html and invoice.txt, overridden by files of the same
    name in the data folder's templates/. PDF needs WeasyPrint: pip install -e ".[pdf]".

    Example: learn invoice render LWL-2026-0001 --format pdf -o invoice.pdf
    """
    from learncli.cli._output import note, print_changes
    from learncli.render.invoices import FORMATS, file_name, to_pdf

    fmt = one_of("--format", fmt, FORMATS)
    app_state, folder, ledger = _load(ctx)
    config = folder.config()
    doc = ledger.document(number)
    text = _renderer(folder, config, ledger)(doc, "txt" if fmt == "txt" else "html")
    content: str | bytes = text
    if fmt == "pdf":
        from learncli.render.templating import Templates

        content = to_pdf(text, folder.root, Templates(folder.templates_dir).found("invoice.html"))
    if output is not None and str(output) == "-":
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(content)
        return
    target = output or folder.out_dir / "invoices" / file_name(doc.number, fmt)
    with folder.transaction(dry_run=dry_run) as tx:
        tx.output(target, content)
    print_changes(tx.changes, folder.root, dry_run=dry_run)
    if not dry_run:
        note(f"{doc.number} → {target}")


def _issue_credit_note(ctx: typer.Context, number: str, dry_run: bool, plan: Callable[[Ledger, Config], CreditNoteEntry]) -> tuple[CreditNoteEntry, Path, Any]:
    """Load the ledger as of today, plan a credit note against invoice `number` with
    `plan(ledger, config)`, append it and render its page. Returns (the note, its page,
    the transaction)."""
    from pydantic import ValidationError

    from learncli.domain.invoicing import Located
    from learncli.errors import Refused, UsageProblem
    from learncli.render.invoices import file_name
    from learncli.store.ledger import append_entries, ledger_path, load_ledger

    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        config = folder.config()
        ledger = load_ledger(folder, today=app_state.today)
        account = ledger.account(number)
        # A credit or void killed after the ledger was written leaves its page missing;
        # run again it would be refused for another reason (no more to credit, already
        # void), so say what is wrong and what renders the page.
        for done in (c.credit_note for c in account.credits):
            if not (folder.out_dir / "invoices" / file_name(done, "html")).exists():
                what = "already void" if account.void else "credited"
                raise Refused(
                    f"{account.number} is {what} (credit note {done}), but the credit note's page is missing",
                    hint=f"`learn invoice run {account.cohort}` renders it (a credit interrupted before it rendered the page)",
                )
        try:
            credit = plan(ledger, config)
        except ValidationError:
            raise UsageProblem("--reason must be one line of text, not empty") from None
        append_entries(tx, folder, [credit])
        after = ledger.plus([Located(credit, ledger_path(folder, credit.issued), -1)])
        page = folder.out_dir / "invoices" / file_name(credit.credit_note, "html")
        tx.output(page, _renderer(folder, config, after)(credit, "html"))
    return credit, page, tx


def _credited(ctx: typer.Context, credit: CreditNoteEntry, page: Path, tx: Any, dry_run: bool, verb: str) -> None:
    from learncli.cli._output import note, print_changes, say

    folder = state(ctx).folder
    say(f"{verb} {credit.cancels} with credit note {credit.credit_note}")
    print_changes([c for c in tx.changes if c.data], folder.root, dry_run=dry_run)
    if not dry_run:
        note(f"credit note rendered to {page}")


@app.command("void")
def invoice_void(
    ctx: typer.Context,
    number: NumberArg,
    reason: Annotated[str, typer.Option("--reason", help="Why, printed on the credit note (e.g. withdrew before the start).", show_default=False)],
    dry_run: DryRunOpt = False,
) -> None:
    """Cancel an invoice by issuing a credit note, with its own number, for all that is left of it; the invoice stays in the ledger.

    Refused while money received on the invoice has not been paid back: refund it
    first (`learn payment refund`), then void; or credit part of it (`learn invoice
    credit`). A participant who is still registered gets a new invoice at the next
    `learn invoice run`.

    Example: learn invoice void LWL-2026-0008 --reason "Withdrew before the start"
    """
    from learncli.domain.accounts import plan_void

    app_state = state(ctx)
    credit, page, tx = _issue_credit_note(ctx, number, dry_run, lambda ledger, config: plan_void(ledger, config.invoicing, number, reason, app_state.today))
    _credited(ctx, credit, page, tx, dry_run, "would void" if dry_run else "voided")


@app.command("credit")
def invoice_credit(
    ctx: typer.Context,
    number: NumberArg,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Amount credited, e.g. 287.50; at most what is left to credit.", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="Why, printed on the credit note (e.g. withdrew after session 3).", show_default=False)],
    dry_run: DryRunOpt = False,
) -> None:
    """Credit part of an invoice: a credit note, numbered like the others, for AMOUNT of it.

    The invoice then comes to its total less its credits. Money already received stays
    held: if more is held than the invoice now comes to, refund the difference with
    `learn payment refund`. Crediting all that is left voids the invoice.

    Example: learn invoice credit LWL-2026-0012 --amount 287.50 --reason "Withdrew after session 3: half the fee"
    """
    from learncli.cli.payment import parse_amount
    from learncli.domain.accounts import plan_credit

    app_state = state(ctx)
    value = parse_amount(amount)
    credit, page, tx = _issue_credit_note(
        ctx, number, dry_run, lambda ledger, config: plan_credit(ledger, config.invoicing, number, value, reason, app_state.today)
    )
    _credited(ctx, credit, page, tx, dry_run, "would credit" if dry_run else "credited")
