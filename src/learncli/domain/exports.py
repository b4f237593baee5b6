"""The ledger for the accounts: a Xero sales-invoice import, and Beancount books.

Pure: a ledger (as of a day) and the settings in, rows or text out.

**Xero.** The columns of Xero's sales-invoice import template, one row per invoice line,
dates as a UK organisation reads them (dd/mm/yyyy). Amounts are tax exclusive, coded to
`accounts.account_code` with the tax rate `accounts.tax_type` (by default "No VAT", or
the standard "20% (VAT on Income)" with the rate when VAT is charged). Xero's invoice
import takes a credit note as a document whose amounts are negative, so each credit note
is a row of its own number with a negative unit amount.

**Beancount.** Each invoice debits `Assets:Receivable` and credits `Income:Courses` (and
`Liabilities:VAT`); a payment moves money from the receivable to the account of its
method (`Assets:Bank`, `Assets:Card`, ...), a refund back again; a credit note reverses
income. When an invoice is settled, the course's contribution moves from income to
`Liabilities:Contributions:<Recipient>`, and a payout settles that liability from the
bank. So the receivable's balance is the sum of the invoices' balances, and the
liability's the contributions report's balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from learncli.domain.invoicing import ZERO, Account, Ledger
from learncli.domain.accounts import paid_places
from learncli.models.course import Config
from learncli.models.invoice import CreditNoteEntry

CENT = Decimal("0.01")

# --- Xero ---------------------------------------------------------------------------

#: Xero's sales-invoice import template, in its order (`*` marks what Xero requires).
XERO_COLUMNS = (
    "*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4",
    "POCity", "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference", "*InvoiceDate", "*DueDate",
    "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount", "*AccountCode", "*TaxType",
    "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency", "BrandingTheme",
)


def tax_type(config: Config, vat_rate: Decimal | None) -> str:
    """The Xero tax rate for the sales: the setting, else what Xero's UK defaults call it."""
    if config.accounts.tax_type:
        return config.accounts.tax_type
    if vat_rate is None:
        return "No VAT"
    return f"{vat_rate.normalize():f}% (VAT on Income)"


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _net_of_vat(amount: Decimal, rate: Decimal) -> Decimal:
    """The part of a VAT-inclusive `amount` before VAT at `rate` percent."""
    return (amount * 100 / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def xero_rows(ledger: Ledger, config: Config, year: int | None = None) -> list[list[str]]:
    """The header and a row per invoice line and per credit note, for documents issued in
    `year` (or all), in the order they were recorded."""
    rows: list[list[str]] = [list(XERO_COLUMNS)]
    code = config.accounts.account_code

    def row(account: Account, number: str, reference: str, issued: date, due: date, description: str, amount: Decimal) -> list[str]:
        bill = account.invoice.bill_to
        address = (list(bill.address) + ["", "", "", ""])[:4]
        vat = account.invoice.vat
        return [
            bill.name, bill.email, *address, "", "", "", "", number, reference, _uk(issued), _uk(due), "", description,
            "1", f"{amount:.2f}", "", code, tax_type(config, vat.rate if vat else None), "", "", "", "", account.currency, "",
        ]

    for item in ledger.items:
        entry = item.entry
        if isinstance(entry, CreditNoteEntry):
            account = ledger.accounts.get(entry.cancels)
            if account is None or entry not in account.credits or (year is not None and entry.issued.year != year):
                continue
            vat = account.invoice.vat
            if entry.total == account.total:
                lines = [(f"Credit for {account.number}: {line.description} ({entry.reason})", line.amount) for line in account.invoice.lines]
            else:
                net = _net_of_vat(entry.total, vat.rate) if vat else entry.total
                lines = [(f"Credit for {account.number}: {entry.reason}", net)]
            for description, amount in lines:
                rows.append(row(account, entry.credit_note, account.number, entry.issued, entry.issued, description, -amount))
            continue
        account = ledger.accounts.get(getattr(entry, "invoice", None) or "")
        if account is None or account.invoice is not entry or (year is not None and account.issued.year != year):
            continue
        reference = account.invoice.po or account.invoice.participant_name
        for line in account.invoice.lines:
            description = f"{line.description} ({account.invoice.participant_name})"
            rows.append(row(account, account.number, reference, account.issued, account.due, description, line.amount))
    return rows


# --- Beancount ----------------------------------------------------------------------

RECEIVABLE = "Assets:Receivable"
INCOME = "Income:Courses"
VAT = "Liabilities:VAT"
OPENING = "Equity:Opening-Balances"
METHOD_ACCOUNTS = {"bank": "Assets:Bank", "card": "Assets:Card", "cheque": "Assets:Cheques", "cash": "Assets:Cash", "other": "Assets:Other"}


def contribution_account(recipient: str) -> str:
    """`Liabilities:Contributions:HLS-Collaborative`: Beancount's rules for an account
    name's part (a capital letter first, then letters, digits and dashes)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", recipient) if w]
    part = "-".join(w[:1].upper() + w[1:] for w in words) or "Recipient"
    if not part[0].isalpha():
        part = "R-" + part
    return f"Liabilities:Contributions:{part}"


def _quoted(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Transaction:
    day: date
    narration: str
    postings: list[tuple[str, Decimal]]
    currency: str
    meta: dict[str, str] = field(default_factory=dict)


def transactions(ledger: Ledger, config: Config, cohort_courses: dict[str, str]) -> list[Transaction]:
    """Every movement of the ledger (as of its day) as a balanced transaction, by date."""
    out: list[Transaction] = []
    for account in ledger.accounts.values():
        invoice = account.invoice
        who = f"{invoice.participant_name} ({invoice.cohort})"
        vat = invoice.vat.amount if invoice.vat else ZERO
        issue = [(RECEIVABLE, invoice.total), (INCOME, -invoice.subtotal)] + ([(VAT, -vat)] if vat else [])
        c, mark = account.currency, {"invoice": account.number}
        out.append(Transaction(invoice.issued, f"Invoice {account.number}: {who}", issue, c, mark))
        for note in account.credits:
            part = (note.total * vat / invoice.total).quantize(CENT, rounding=ROUND_HALF_UP) if vat and invoice.total else ZERO
            back = [(INCOME, note.total - part)] + ([(VAT, part)] if part else []) + [(RECEIVABLE, -note.total)]
            out.append(Transaction(note.issued, f"Credit note {note.credit_note} for {account.number}: {note.reason}", back, c, mark))
        for payment in account.payments:
            moved = [(METHOD_ACCOUNTS[payment.method], payment.amount), (RECEIVABLE, -payment.amount)]
            out.append(Transaction(payment.date, f"Payment for {account.number}: {who}", moved, c, mark))
        for refund in account.refunds:
            moved = [(RECEIVABLE, refund.amount), (METHOD_ACCOUNTS[refund.method], -refund.amount)]
            out.append(Transaction(refund.date, f"Refund on {account.number}: {who}", moved, c, mark))
    # One contribution per place paid for, counted as `report contributions` counts them
    # (each person on a group invoice; a split fee once, when its last share is settled).
    for cohort_id, settled in paid_places(ledger):
        course = config.course(cohort_courses.get(cohort_id, ""))
        if course is not None and course.contribution is not None:
            share = course.contribution.amount
            owed = [(INCOME, share), (contribution_account(course.contribution.recipient), -share)]
            out.append(Transaction(settled, f"Contribution to {course.contribution.recipient} for a place on {cohort_id}", owed, course.currency, {"cohort": cohort_id}))
    for payout in ledger.payouts:
        moved = [(contribution_account(payout.payout), payout.amount), (METHOD_ACCOUNTS["bank"], -payout.amount)]
        out.append(Transaction(payout.date, f"Contributions paid over to {payout.payout}", moved, payout.currency))
    out.sort(key=lambda t: t.day)
    return out


def beancount_text(ledger: Ledger, config: Config, cohort_courses: dict[str, str], year: int | None = None) -> str:
    """The books as a Beancount file. With `year`, that year's transactions after one
    opening transaction carrying every balance from the years before."""
    every = transactions(ledger, config, cohort_courses)
    currencies = sorted({a.currency for a in ledger.accounts.values()} | {p.currency for p in ledger.payouts}) or ["GBP"]
    shown = every
    if year is not None:
        opening: dict[tuple[str, str], Decimal] = {}
        for t in every:
            if t.day.year < year:
                for name, amount in t.postings:
                    key = (name, t.currency)
                    opening[key] = opening.get(key, ZERO) + amount
        shown = [t for t in every if t.day.year == year]
        start = [(name, amount, currency) for (name, currency), amount in sorted(opening.items()) if amount]
    names = sorted({name for t in every for name, _ in t.postings} | ({OPENING} if year is not None else set()))
    first = min((t.day for t in every), default=date(year or 2000, 1, 1))
    if year is not None:
        first = min(first, date(year, 1, 1))
    lines = [
        f"; The invoice ledger of {config.organisation.name} as double-entry books, written by `learn export beancount`.",
        f'option "title" {_quoted(config.organisation.name)}',
        *(f'option "operating_currency" "{c}"' for c in currencies),
        "",
        *(f"{first.isoformat()} open {name}" for name in names),
        "",
    ]
    if year is not None and start:
        lines.append(f'{year}-01-01 * "Opening balances from the years before {year}"')
        for name, amount, currency in start:
            lines.append(f"  {name}  {amount:.2f} {currency}")
        total: dict[str, Decimal] = {}
        for _, amount, currency in start:
            total[currency] = total.get(currency, ZERO) + amount
        for currency, amount in total.items():
            if amount:
                lines.append(f"  {OPENING}  {-amount:.2f} {currency}")
        lines.append("")
    for t in shown:
        currency = t.currency
        lines.append(f"{t.day.isoformat()} * {_quoted(t.narration)}")
        for key, value in t.meta.items():
            lines.append(f"  {key}: {_quoted(value)}")
        for name, amount in t.postings:
            lines.append(f"  {name}  {amount:.2f} {currency}")
        lines.append("")
    return "\n".join(lines)

