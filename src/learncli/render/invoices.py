"""Invoices for people: the document (HTML, text, PDF), tables, and the JSON shape."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learncli.domain.invoicing import Account, Ledger
from learncli.domain.schedule import fmt_day, session_times
from learncli.diagnostics import Diagnostic
from learncli.errors import DataError, LearnError
from learncli.models.invoice import BillTo, CreditNoteEntry, InvoiceEntry
from learncli.render.table import new_table
from learncli.render.tables import money

if TYPE_CHECKING:
    from rich.console import RenderableType

    from learncli.domain.billing import RunPlan
    from learncli.domain.gate import Gate
    from rich.table import Table

    from learncli.domain.accounts import ContributionReport, RevenueReport
    from learncli.models.cohort import Cohort
    from learncli.models.course import Config, Course
    from learncli.render.confine import Found

FORMATS = ("html", "pdf", "txt")
#: Seconds WeasyPrint may take to make one PDF (an invoice takes well under one).
PDF_TIME_LIMIT = 60.0
PDF_HINT = 'install the PDF extra: pip install -e ".[pdf]" (from a checkout) or pip install "weasyprint>=66"'


def file_name(number: str, extension: str) -> str:
    """A safe file name for a document number (a format may contain `/`)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", number) + "." + extension


def contribution_note(course: Course | None, currency: str, people: int = 1) -> str | None:
    """The sentence about the contribution, built from the course's data (`people`: how
    many fees the invoice is for)."""
    if course is None or course.contribution is None:
        return None
    part = course.contribution
    note = f" {part.note.strip()}" if part.note else ""
    return f"{money(part.amount, currency)} of {'each' if people > 1 else 'this'} fee goes to {part.recipient}{note}."


def document_context(
    doc: InvoiceEntry | CreditNoteEntry, ledger: Ledger, config: Config, cohort: Cohort | None, course: Course | None
) -> dict[str, Any]:
    """Everything a template may use, as plain values (no model objects reach the sandbox)."""
    credit = doc if isinstance(doc, CreditNoteEntry) else None
    account = ledger.account(credit.cancels if credit else doc.number)
    invoice = account.invoice
    sessions = []
    if invoice.sessions is not None:  # as they were when the invoice was issued
        sessions = [s.model_dump() for s in invoice.sessions]
    elif cohort is not None:  # an invoice from before learn kept them: as they are now
        for t in session_times(cohort, course, config.timezone):
            sessions.append(
                {"number": t.number, "date": t.date, "start": f"{t.start:%H:%M}", "end": f"{t.end:%H:%M}", "theme": t.theme, "cancelled": t.cancelled}
            )
    if invoice.cohort_title is not None:
        cohort_title = invoice.cohort_title
    else:
        cohort_title = cohort.display_title(course) if cohort else invoice.cohort
    partial = credit is not None and credit.partial
    lines = [line.model_dump() for line in invoice.lines]
    people = [{"email": e, "name": n} for e, n in invoice.people]
    if credit is not None and credit.partial:  # what it credits, not the whole invoice
        own = [line for line in lines if credit.participant and line["participant"] == credit.participant]
        lines = own if own and sum(line["amount"] for line in own) == credit.total else [{"description": credit.reason, "amount": credit.total}]
        people = [p for p in people if p["email"] == credit.participant] or people
    issuer = config.organisation
    invoicing = config.invoicing
    # A credit note for part of the invoice credits one amount, not the invoice's lines.
    partial = credit is not None and credit.total != invoice.total
    lines = [line.model_dump() for line in invoice.lines]
    if partial:
        assert credit is not None
        lines = [{"description": f"Credit against invoice {invoice.invoice}: {credit.reason}", "amount": credit.total}]
    return {
        "partial": partial,
        "kind": "credit_note" if credit else "invoice",
        "title": "Credit note" if credit else "Invoice",
        "number": doc.number,
        "issued": doc.issued,
        "due": invoice.due,
        "due_on_receipt": account.due_on_receipt,
        "cancels": credit.cancels if credit else None,
        "reason": credit.reason if credit else None,
        "invoice_issued": invoice.issued,
        "participant_name": invoice.participant_name,
        "participant_email": invoice.participant,
        "people": people,
        "bill_to": invoice.bill_to.model_dump(),
        "po": invoice.po,
        "lines": lines,
        "partial": partial,
        "subtotal": credit.total if partial else invoice.subtotal,
        "vat": invoice.vat.model_dump() if invoice.vat and not partial else None,
        "vat_number": issuer.vat_number if invoice.vat else None,
        "total": doc.total,
        "currency": doc.currency,
        "paid": account.paid,
        "balance": account.balance,
        "status": account.status,
        "payments": [p.model_dump() for p in account.payments],
        "reference": invoice.invoice,
        "issuer": issuer.model_dump(),
        "bank": invoicing.bank.model_dump() if invoicing.bank else None,
        "card_url": invoicing.card_payment_url,
        "footer": invoicing.footer,
        "course_title": course.title if course else None,
        "cohort_id": invoice.cohort,
        "cohort_title": cohort_title,
        "sessions": sessions,
        "timezone": config.timezone,
        "contribution_note": contribution_note(course, doc.currency, len(invoice.people)),
    }


def render_document(templates: Any, context: dict[str, Any], fmt: str) -> str:
    return templates.render("invoice.txt" if fmt == "txt" else "invoice.html", **context)


def to_pdf(html: str, base: Path, template: Found | None = None) -> bytes:
    """The HTML as a PDF through WeasyPrint (the optional `pdf` extra), imported only here.

    The document may use files inside the data folder `base` and the shipped templates,
    and `data:` URLs; nothing else is fetched (`confine.url_fetcher`). If anything it asks
    for is refused or missing, no PDF is made: a document with a hole in it is not sent.
    Links (`<a href>`) are written as links, not followed; a `file:` link that leads out
    of those folders is refused the same way. `template`: the template the HTML was
    rendered from, where each refusal is placed (at the URL's line when it is written
    there as it was asked for, else at the template's start).
    """
    try:
        import weasyprint
    except ImportError:
        raise LearnError("PDF output needs WeasyPrint, which is not installed", hint=PDF_HINT) from None
    except OSError as exc:  # WeasyPrint is installed but cannot load Pango
        raise LearnError(f"WeasyPrint is installed but cannot start: {exc}", hint="WeasyPrint needs the Pango library") from None
    from learncli.render.bounds import Stopped, limits
    from learncli.render.confine import url_fetcher
    from learncli.resources import templates_dir

    root = base.resolve()
    try:
        fetcher = url_fetcher([root, Path(str(templates_dir()))])
    except ImportError:  # WeasyPrint before 66 has no URLFetcher class to confine
        raise LearnError(f"PDF output needs WeasyPrint 66 or later; this is {weasyprint.__version__}", hint=PDF_HINT) from None
    try:
        with limits(seconds=PDF_TIME_LIMIT, headroom=None):  # Pango aborts, not raises, when memory runs out
            document = weasyprint.HTML(string=html, base_url=str(root) + "/", url_fetcher=fetcher).render()
            for page in document.pages:
                for link in page.links:
                    if link[0] == "external" and str(link[1]).lower().startswith("file:"):
                        fetcher.check_link(link[1])  # not followed, but one out of the folder is refused too
            pdf = document.write_pdf()
    except Stopped:
        raise LearnError(
            f"the document was not written: making the PDF took more than {PDF_TIME_LIMIT:g} seconds",
            hint="the PDF is made from the rendered invoice.html; make it shorter",
        ) from None
    if fetcher.refused:
        unique = list(dict.fromkeys(fetcher.refused))
        places = [] if template is None else [
            Diagnostic.make("T001", f"the document may not use this: {words}", template.path, *_url_position(template.source, url, root))
            for words, url in dict(zip(fetcher.refused, fetcher.refused_urls)).items()
        ]
        raise DataError(
            "the document was not written: it uses " + "; ".join(unique),
            hint="a document may use only files inside the data folder (or the shipped templates) and data: URLs",
            diagnostics=places,
        )
    return pdf


def _url_position(source: str, url: str, root: Path) -> tuple[int, int]:
    """Line and column where a template writes `url`, or 1, 1 when it is not written
    there as such. WeasyPrint asks for a URL resolved against the data folder, so a
    `file:` URL is also looked for as the path relative to the folder."""
    from urllib.parse import unquote

    from learncli.render.confine import Outside, file_url_path

    spellings = [url, unquote(url)]
    try:
        spellings.append(os.path.relpath(file_url_path(url), root))
    except (Outside, ValueError):
        pass
    for spelling in spellings:
        at = source.find(spelling) if spelling not in ("", ".") else -1
        if at >= 0:
            return source.count("\n", 0, at) + 1, at - source.rfind("\n", 0, at)
    return 1, 1


# --- JSON ---------------------------------------------------------------------------


def account_json(account: Account, today: date) -> dict[str, Any]:
    """The stable JSON shape of one invoice (documented in the README)."""
    invoice = account.invoice
    note = account.credit_note
    return {
        "number": account.number,
        "cohort": invoice.cohort,
        "participant": invoice.participant,
        "participant_name": invoice.participant_name,
        "participants": [{"email": email, "name": name} for email, name in invoice.people],
        "bill_to": invoice.bill_to.model_dump(),
        "po": invoice.po,
        "issued": invoice.issued,
        "due": invoice.due,
        "due_on_receipt": account.due_on_receipt,
        "currency": invoice.currency,
        "lines": [line.model_dump() for line in invoice.lines],
        "vat": invoice.vat.model_dump() if invoice.vat else None,
        "total": invoice.total,
        "paid": account.paid,
        "balance": account.balance,
        "status": account.status,
        "overdue": account.overdue(today),
        "days_overdue": account.days_overdue(today),
        "payments": [p.model_dump() for p in account.payments],
        "refunded": account.refunded,
        "refunds": [r.model_dump() for r in account.refunds],
        "allocated_in": [a.model_dump() for a in account.allocated_in],
        "allocated_out": [a.model_dump() for a in account.allocated_out],
        "held": account.held,
        "credited": account.credited,
        "credit_notes": [credit_note_json(c) for c in account.credits],
        "credit_note": {"number": note.credit_note, "issued": note.issued, "reason": note.reason} if note else None,
    }


def credit_note_json(note: CreditNoteEntry) -> dict[str, Any]:
    return {
        "number": note.credit_note,
        "kind": "credit_note",
        "issued": note.issued,
        "cancels": note.cancels,
        "reason": note.reason,
        "currency": note.currency,
        "total": note.total,
    }


# --- tables -------------------------------------------------------------------------


def run_table(plan: RunPlan, *, dry_run: bool) -> Table:
    verb = "Would issue" if dry_run else "Issued"
    table = new_table("number", "participant", "bill to", "PO", "due", "total", title=f"{verb} {len(plan.new)} invoice(s) for {plan.cohort}", right=("total",))
    for entry in plan.new:
        due = "on receipt" if entry.due <= entry.issued else fmt_day(entry.due)
        bill = entry.bill_to.name if entry.bill_to == BillTo(name=entry.participant_name, organisation=entry.bill_to.organisation, email=entry.participant) else f"{entry.bill_to.name} <{entry.bill_to.email}>"
        who = entry.participant_name + (f" (share {entry.share})" if entry.share else "")
        table.add_row(entry.invoice, who, bill, entry.po or "", due, money(entry.total, entry.currency))
    return table


_STATUS_STYLE = {"paid": "green", "part-paid": "yellow", "unpaid": "", "void": "dim"}


def invoice_table(accounts: list[Account], today: date, title: str, *, show_cohort: bool = True) -> Table:
    columns = ["number", "due", *(["cohort"] if show_cohort else []), "participant", "PO", "total", "owed", "status"]
    table = new_table(*columns, title=title, right=("total", "owed"))
    table.columns[0].no_wrap = True
    table.columns[-1].no_wrap = True
    for a in accounts:
        status = a.status
        if a.void and a.credit_note:
            status = f"void ({a.credit_note.credit_note})"
        elif a.overdue(today):
            status = f"{status}, {a.days_overdue(today)}d late"
        due = "on receipt" if a.due_on_receipt else a.due.isoformat()
        cells = [a.number, due, *([a.cohort] if show_cohort else []), a.invoice.participant_name,
                 a.invoice.po or "", money(a.total, a.currency), money(a.balance, a.currency), status]
        table.add_row(*cells, style="red" if a.overdue(today) else _STATUS_STYLE.get(a.status) or None)
    return table


def invoice_detail(account: Account, today: date) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    inv = account.invoice
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    grid.add_row("number", inv.invoice)
    grid.add_row("cohort", inv.cohort)
    for email, name in inv.people:
        grid.add_row("participant", f"{name} <{email}>")
    bill = inv.bill_to
    grid.add_row("bill to", ", ".join(x for x in (bill.name, bill.organisation, *bill.address) if x) + f" <{bill.email}>")
    if inv.po:
        grid.add_row("PO", inv.po)
    grid.add_row("issued", fmt_day(inv.issued))
    grid.add_row("due", "on receipt" if account.due_on_receipt else fmt_day(inv.due))
    for line in inv.lines:
        grid.add_row("line", f"{line.description}: {money(line.amount, inv.currency)}")
    if inv.vat:
        grid.add_row("VAT", f"{inv.vat.rate}%: {money(inv.vat.amount, inv.currency)}")
    grid.add_row("total", money(inv.total, inv.currency))
    for note in account.credits:
        what = "voided" if note is account.credit_note else "credited"
        grid.add_row(what, f"{money(note.total, inv.currency)} by credit note {note.credit_note} on {fmt_day(note.issued)}: {note.reason}")
    grid.add_row("paid", money(account.paid, inv.currency))
    if account.refunds:
        grid.add_row("refunded", money(account.refunded, inv.currency))
    for a in account.allocated_in:
        grid.add_row("allocated", f"{money(a.amount, inv.currency)} from {a.from_invoice} on {fmt_day(a.date)}")
    for a in account.allocated_out:
        grid.add_row("allocated", f"{money(a.amount, inv.currency)} to {a.allocation} on {fmt_day(a.date)}")
    grid.add_row("balance", money(account.balance, inv.currency))
    status = account.status + (f", {account.days_overdue(today)} days late" if account.overdue(today) else "")
    grid.add_row("status", status)
    parts: list[Any] = [Text(f"Invoice {inv.invoice}", style="bold"), grid]
    moved = [(p.date, p.amount, p.method, p.reference, "payment") for p in account.payments]
    moved += [(r.date, -r.amount, r.method, r.reference, "refund") for r in account.refunds]
    if moved:
        payments = new_table("date", "amount", "method", "reference", "kind", title="Payments and refunds", right=("amount",))
        for day, amount, method, reference, kind in sorted(moved, key=lambda m: m[0]):
            payments.add_row(fmt_day(day), money(amount, inv.currency), method, reference or "", kind)
        parts += [Text(""), payments]
    return Group(*parts)


def credit_note_detail(note: CreditNoteEntry) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    grid.add_row("number", note.credit_note)
    grid.add_row("issued", fmt_day(note.issued))
    grid.add_row("cancels", note.cancels)
    grid.add_row("reason", note.reason)
    grid.add_row("total", money(note.total, note.currency))
    return Group(Text(f"Credit note {note.credit_note}", style="bold"), grid)


def contributions_table(report: ContributionReport) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    period = f" in {report.year}" if report.year else ""
    table = new_table("cohort", "recipient", "paid participants", "each", "amount", title=f"Contributions owed{period} (invoices paid in full)", right=("paid participants", "each", "amount"))
    for line in report.lines:
        table.add_row(line.cohort, line.recipient, str(line.paid_participants), money(line.per_participant, line.currency), money(line.amount, line.currency))
    parts: list[Any] = [table]
    for total in report.totals:
        c = total.currency
        parts.append(
            Text(
                f"{total.recipient}: {money(total.owed, c)} owed for {total.paid_participants} paid participant(s), "
                f"{money(total.paid_out, c)} paid out, balance {money(total.balance, c)}",
                style="bold",
            )
        )
        for payout in total.payouts:
            reference = f" ({payout.reference})" if payout.reference else ""
            parts.append(Text(f"  paid out {money(payout.amount, c)} on {fmt_day(payout.date)}{reference}"))
    if not report.lines:
        parts.append(Text(f"No paid invoices{period} with a contribution."))
    return Group(*parts)


def revenue_table(report: RevenueReport) -> Table:
    period = f"in {report.year}" if report.year else "all years"
    columns = ("cohort", "invoices", "invoiced", "credited", "net", "bank", "card", "other", "refunded", "received", "outstanding", "overdue")
    table = new_table(*columns, title=f"Revenue, {period} (balances as of {fmt_day(report.today)})", right=columns[1:])

    def row(line: Any, style: str | None = None) -> None:
        c = line.currency
        table.add_row(
            line.cohort, str(line.invoices), money(line.invoiced, c), money(line.credited, c), money(line.net, c),
            money(line.received_bank, c), money(line.received_card, c), money(line.received_other, c),
            money(line.refunded, c), money(line.received, c),
            money(line.outstanding, c), money(line.overdue, c), style=style,
        )

    for line in report.cohorts:
        row(line)
    if len(report.cohorts) > 1 or len(report.totals) > 1:
        table.add_section()
        for total in report.totals:
            row(total, "bold")
    return table


def _gate_owed(line: Any) -> str:
    """`£383.34 of £575.00` in the payment gate (the total alone when nothing is paid)."""
    if not line.owed:
        return ""
    if line.owed == line.total:
        return money(line.owed, line.currency)
    return f"{money(line.owed, line.currency)} of {money(line.total, line.currency)}"


def gate_table(gate: Gate) -> RenderableType:
    """The payment gate of one cohort: a heading that says where in the run-up it is, and
    a row per registered participant."""
    from rich.console import Group
    from rich.text import Text

    when = f"in {gate.days_to_start} day(s)" if gate.days_to_start > 0 else ("today" if gate.days_to_start == 0 else f"{-gate.days_to_start} day(s) ago")
    if gate.days_to_start < 0:
        stage = "the cohort has started"
    elif gate.checkpoint is None:
        stage = f"before the first check ({fmt_day(gate.next_check)})" if gate.next_check else "before the first check"
    else:
        stage = f"the {gate.checkpoint}-day check"
    heading = Text(f"{gate.cohort} starts {fmt_day(gate.start)}, {when}: {stage}; payment due {fmt_day(gate.payment_due)}", style="bold")
    table = new_table("participant", "invoice", "state", "owed", "due", "PO", "to do", right=("owed",))
    for line in gate.lines:
        due = fmt_day(line.due) if line.due else ""
        if line.days_overdue:
            due += f" ({line.days_overdue}d late)"
        po = line.po or ("needed" if line.needs_po else "")
        table.add_row(
            line.name, line.invoice or "", line.state.replace("-", " "), _gate_owed(line),
            due, po, "; ".join(line.actions), style=None if line.clear else "yellow",
        )
    waiting = len(gate.waiting)
    summary = f"{len(gate.lines) - waiting} of {len(gate.lines)} paid in full" + (f"; {waiting} not yet" if waiting else "")
    return Group(heading, table, Text(summary))
