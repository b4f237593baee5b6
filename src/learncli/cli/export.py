"""`learn export xero|beancount`: the invoice ledger for the accounts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from learncli.cli._common import DryRunOpt, group, state

app = group("Exports for the accounts: the ledger as a Xero import file or as Beancount books.")

YearOpt = Annotated[int | None, typer.Option("--year", metavar="YEAR", min=1900, max=9999, help="Only this calendar year (default: all).", show_default=False)]


def _output_opt(default: str) -> object:
    return typer.Option("-o", "--output", metavar="FILE", help=f"Where to write it (default: {default} in the data folder); - for standard output.", show_default=False)


def _write(ctx: typer.Context, text: str, output: Path | None, default: Path, dry_run: bool, what: str) -> None:
    """`text` to standard output (`-o -`) or, atomically, to a file."""
    from learncli.cli._output import note, print_changes

    if output is not None and str(output) == "-":
        sys.stdout.write(text)
        return
    folder = state(ctx).folder
    target = output or default
    with folder.transaction(dry_run=dry_run) as tx:
        tx.output(target, text)
    print_changes(tx.changes, folder.root, dry_run=dry_run)
    if not dry_run:
        note(f"{what} → {target}")


def _suffix(year: int | None) -> str:
    return f"-{year}" if year else ""


@app.command("xero")
def export_xero(
    ctx: typer.Context,
    year: YearOpt = None,
    output: Annotated[Path | None, _output_opt("out/exports/xero-sales[-YEAR].csv")] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Write the invoices and credit notes as Xero's sales-invoice import file (CSV).

    One row per invoice line, in the columns of Xero's template (*ContactName,
    *InvoiceNumber, *InvoiceDate, *DueDate, *Description, *Quantity, *UnitAmount,
    *AccountCode, *TaxType, ...), dates as dd/mm/yyyy, amounts tax exclusive; a credit
    note is a row of its own number with a negative amount, which Xero imports as a
    credit note. The account code and tax rate come from `accounts:` in courses.yaml
    (default 200 and "No VAT", or "20% (VAT on Income)" when VAT is charged). In Xero:
    Business > Invoices > Import.

    Example: learn export xero --year 2026 -o xero-2026.csv
    """
    from learncli.domain.csvsheet import write_sheet
    from learncli.domain.exports import xero_rows
    from learncli.store.ledger import load_ledger

    app_state = state(ctx)
    folder = app_state.folder
    rows = xero_rows(load_ledger(folder, today=app_state.today), folder.config(), year)
    default = folder.out_dir / "exports" / f"xero-sales{_suffix(year)}.csv"
    _write(ctx, write_sheet(rows), output, default, dry_run, f"{len(rows) - 1} row(s) for Xero")


@app.command("beancount")
def export_beancount(
    ctx: typer.Context,
    year: YearOpt = None,
    output: Annotated[Path | None, _output_opt("out/exports/books[-YEAR].beancount")] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Write the ledger as double-entry books in Beancount's format (bean-check accepts them).

    Invoices to Assets:Receivable and Income:Courses; payments and refunds to the account
    of their method (Assets:Bank, Assets:Card, ...); credit notes reverse income; each
    settled invoice's contribution is owed to Liabilities:Contributions:<Recipient>, and
    payouts settle it. Assets:Receivable ends at the invoices' outstanding balances. With
    --year, one opening transaction carries the balances of the years before.

    Example: learn --today 2026-12-31 export beancount --year 2026 -o books-2026.beancount
    """
    from learncli.cli.report import cohort_courses
    from learncli.domain.exports import beancount_text
    from learncli.store.ledger import load_ledger

    app_state = state(ctx)
    folder = app_state.folder
    courses = cohort_courses(folder)
    text = beancount_text(load_ledger(folder, today=app_state.today), folder.config(), courses, year)
    default = folder.out_dir / "exports" / f"books{_suffix(year)}.beancount"
    _write(ctx, text, output, default, dry_run, "the books")
