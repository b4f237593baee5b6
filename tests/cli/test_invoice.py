"""`learn invoice ...` on a copy of the bundled data: runs, rendering, listing, voiding."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path



from learncli.store.folder import DataFolder
from learncli.store.ledger import read_ledger

AUTUMN = "2026-autumn"


def ledger_of(data_dir: Path):
    read = read_ledger(DataFolder(data_dir))
    assert read.ok, [d.format() for d in read.diagnostics]
    return read.ledger


def autumn_people(data_dir: Path) -> list[dict[str, str]]:
    """The registered autumn participants, read straight from the YAML (not through learn)."""
    import yaml

    cohort = yaml.safe_load((data_dir / "cohorts" / f"{AUTUMN}.yaml").read_text())
    return [p for p in cohort["participants"] if p.get("status", "registered") == "registered"]


def test_autumn_run_issues_one_invoice_per_registered_participant(learn, data_dir):
    before = ledger_of(data_dir)
    assert not before.all(cohort=AUTUMN)  # the bundled data has no autumn invoices
    highest = max(int(n.rsplit("-", 1)[1]) for n in before.numbers)

    result = learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    assert result.exit_code == 0, result.output

    people = autumn_people(data_dir)
    issued = ledger_of(data_dir).all(cohort=AUTUMN)
    assert len(people) == 9 and len(issued) == 9
    assert [a.participant for a in issued] == [p["email"] for p in people]
    numbers = [a.number for a in issued]
    assert numbers == [f"LWL-2026-{seq:04d}" for seq in range(highest + 1, highest + 10)]
    for account, person in zip(issued, people):
        assert account.due.isoformat() == "2026-09-09"
        assert account.issued.isoformat() == "2026-08-01"
        assert account.total == Decimal("575.00") and account.currency == "GBP"
        assert account.invoice.po == (str(person["po"]) if "po" in person else None)
        assert account.status == "unpaid"
        page = data_dir / "out" / "invoices" / f"{account.number}.html"
        assert page.is_file()
    # Ann's council pays: the invoice goes to Accounts Payable, with her PO.
    ann = next(a for a in issued if a.participant == "ann.oneil@example.org")
    assert ann.invoice.bill_to.email == "accounts.payable@example.org"
    assert ann.invoice.po == "NCC-PO-77812"
    assert "tom.whitfield@example.org" not in {a.participant for a in issued}  # withdrawn

    ledger_text = (data_dir / "invoices" / "2026.yaml").read_text()
    again = learn("--today", "2026-08-02", "invoice", "run", AUTUMN)
    assert again.exit_code == 0
    assert "nothing to issue" in again.stdout
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger_text


def test_the_ledger_keeps_its_comments_when_invoices_are_added(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    before = path.read_text()
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    after = path.read_text()
    assert after.startswith(before)
    assert "# Łucja paid in two instalments, as agreed with Gabriel." in after


def test_dry_run_shows_the_table_and_writes_nothing(learn, data_dir):
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    result = learn("--today", "2026-08-01", "invoice", "run", AUTUMN, "--dry-run")
    assert result.exit_code == 0
    assert "Would issue 9 invoice(s)" in result.stdout
    assert "NCC-PO-77812" in result.stdout and "Wed 9 Sep 2026" in result.stdout
    assert "+  - invoice: LWL-2026-0012" in result.stdout  # the ledger diff
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger
    assert not (data_dir / "out").exists()


def test_issued_after_the_due_day_is_due_on_receipt_and_says_so(learn, data_dir):
    result = learn("--today", "2026-09-15", "invoice", "run", AUTUMN, "--json")
    payload = json.loads(result.stdout)
    assert payload["due_on_receipt"] is True
    assert {i["due"] for i in payload["issued"]} == {"2026-09-15"}
    text = learn("--today", "2026-09-16", "invoice", "render", payload["issued"][0]["number"], "--format", "txt", "-o", "-").stdout
    assert "Payment due:     on receipt" in text


def test_due_on_receipt_warning_in_text_mode(learn):
    result = learn("--today", "2026-09-09", "invoice", "run", AUTUMN)
    assert "due on receipt" in result.stderr


def test_a_run_renders_pages_missing_after_a_crash(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    page = data_dir / "out" / "invoices" / "LWL-2026-0015.html"
    page.unlink()
    learn("--today", "2026-08-02", "invoice", "run", AUTUMN)
    assert page.is_file()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"

    def handle_data(self, data):
        self.text.append(data)


def test_script_in_a_name_or_po_is_escaped_in_the_html(learn, data_dir, make_cohort):
    make_cohort("hostile", 1, name=lambda i: "<script>alert('name')</script> & Co", po=lambda i: "<script>alert(1)</script>")
    assert learn("--today", "2026-08-01", "invoice", "run", "hostile").exit_code == 0
    [account] = ledger_of(data_dir).all(cohort="hostile")
    html = (data_dir / "out" / "invoices" / f"{account.number}.html").read_text()
    assert "<script>" not in html
    parsed = _Text()
    parsed.feed(html)
    assert parsed.scripts == 0
    text = "".join(parsed.text)
    assert "<script>alert('name')</script> & Co" in text  # shown as text, exactly
    assert "<script>alert(1)</script>" in text


def test_the_invoice_page_has_what_a_uk_invoice_needs(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    html = (data_dir / "out" / "invoices" / "LWL-2026-0012.html").read_text()
    parsed = _Text()
    parsed.feed(html)
    text = " ".join(" ".join(parsed.text).split())
    for expected in (
        "Invoice number LWL-2026-0012",
        "Leading with Learning (ThemPra & Mapsar)",  # issuer
        "Northshire County Council, Accounts Payable",  # bill to
        "Purchase order NCC-PO-77812",
        "Date of issue Saturday 1 August 2026",
        "Payment due Wednesday 9 September 2026",
        "Session 1: Wednesday 23 September 2026, 09:30–12:30",
        "Session 6: Wednesday 2 December 2026, 09:30–12:30",
        "Total due £575.00",
        "Sort code 00-00-00",
        "https://pay.example.org/leading-with-learning",
        "use the invoice number LWL-2026-0012 as the payment reference",
        "£25.00 of this fee goes to HLS Collaborative to support its work in developing relational public services.",
    ):
        assert expected in text, expected
    assert "VAT" not in text
    assert "size: A4" in html


def test_the_contribution_note_comes_from_the_course_data(learn, data_dir):
    courses = data_dir / "courses.yaml"
    courses.write_text(courses.read_text().replace("amount: 25.00", "amount: 30.00").replace("recipient: HLS Collaborative", "recipient: the Tree Fund"))
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    text = learn("invoice", "render", "LWL-2026-0012", "--format", "txt", "-o", "-").stdout
    assert "£30.00 of this fee goes to the Tree Fund" in text
    assert "HLS" not in text


def test_vat_line_only_with_a_vat_number_and_rate(learn, data_dir):
    courses = data_dir / "courses.yaml"
    text = courses.read_text().replace("  # vat_number: GB000000000   # not VAT-registered, so no VAT line on invoices", "  vat_number: GB123456789")
    courses.write_text(text.replace("  payment_terms_days: 14", "  payment_terms_days: 14\n  vat_rate: 20"))
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    account = ledger_of(data_dir).account("LWL-2026-0012")
    assert account.invoice.vat is not None and account.invoice.vat.amount == Decimal("115.00")
    assert account.total == Decimal("690.00")
    page = learn("invoice", "render", "LWL-2026-0012", "--format", "txt", "-o", "-").stdout
    assert "VAT at 20%: £115.00" in page and "VAT number:      GB123456789" in page and "TOTAL DUE: £690.00" in page


def test_render_txt_to_a_file_and_html_by_default(learn, data_dir):
    target = data_dir.parent / "mine.txt"
    result = learn("invoice", "render", "LWL-2026-0001", "--format", "txt", "-o", str(target))
    assert result.exit_code == 0
    assert "INVOICE LWL-2026-0001" in target.read_text()
    assert "PAID IN FULL" in target.read_text()
    learn("invoice", "render", "LWL-2026-0011")
    credit = (data_dir / "out" / "invoices" / "LWL-2026-0011.html").read_text()
    assert "Credit note" in credit and "cancels invoice LWL-2026-0008" in credit


def test_render_pdf_makes_an_a4_pdf(learn, data_dir):
    target = data_dir.parent / "invoice.pdf"
    assert learn("invoice", "render", "LWL-2026-0001", "--format", "pdf", "-o", str(target)).exit_code == 0
    from pypdf import PdfReader

    reader = PdfReader(target, strict=True)
    assert len(reader.pages) == 1  # the whole invoice on one sheet
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4 in mm
    text = " ".join(reader.pages[0].extract_text().split())
    assert "LWL-2026-0001" in text and "McAllister, Rory" in text and "£575.00" in text


def test_render_pdf_without_weasyprint_says_how_to_install_it(data_dir, tmp_path):
    blocker = tmp_path / "blocked"
    (blocker / "weasyprint").mkdir(parents=True)
    (blocker / "weasyprint" / "__init__.py").write_text("raise ImportError('weasyprint is blocked for this test')\n")
    env = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), *filter(None, [env.get("PYTHONPATH")])])
    result = subprocess.run(
        [sys.executable, "-m", "learncli", "--data", str(data_dir), "invoice", "render", "LWL-2026-0001", "--format", "pdf"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 1
    assert 'pip install -e ".[pdf]"' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (data_dir / "out").exists()


def test_a_data_folder_template_reaching_for_python_internals_fails_safely(learn, data_dir):
    (data_dir / "templates").mkdir()
    (data_dir / "templates" / "invoice.html").write_text("<p>{{ number }}</p>\n<p>{{ number.__class__.__mro__[1].__subclasses__() }}</p>\n")
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    from learncli.cli.app import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["--data", str(data_dir), "--today", "2026-08-01", "invoice", "run", AUTUMN])
    assert result.exit_code == 1
    assert "T001" in result.stderr and "invoice.html" in result.stderr
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger  # nothing issued
    assert not (data_dir / "out").exists()


def test_a_data_folder_template_overrides_the_shipped_one(learn, data_dir):
    (data_dir / "templates").mkdir()
    (data_dir / "templates" / "invoice.txt").write_text("Ours: {{ number }} for {{ bill_to.name }}, {{ total|money(currency) }}\n")
    out = learn("invoice", "render", "LWL-2026-0005", "--format", "txt", "-o", "-").stdout
    assert out == "Ours: LWL-2026-0005 for Greenfields Housing Finance Team, £575.00\n"


def test_list_filters_and_json(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    learn("payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-09-01", "--method", "bank")
    learn("payment", "record", "LWL-2026-0013", "--amount", "100", "--date", "2026-09-01", "--method", "card")
    everything = json.loads(learn("invoice", "list", "--json").stdout)
    assert len(everything) == 19
    assert {i["status"] for i in everything} == {"paid", "void", "part-paid", "unpaid"}
    autumn = json.loads(learn("invoice", "list", "--cohort", AUTUMN, "--json").stdout)
    assert [i["number"] for i in autumn] == [f"LWL-2026-{n:04d}" for n in range(12, 21)]
    unpaid = json.loads(learn("invoice", "list", "--unpaid", "--json").stdout)
    assert [i["number"] for i in unpaid] == [f"LWL-2026-{n:04d}" for n in range(13, 21)]
    assert unpaid[0]["balance"] == "475.00" and unpaid[0]["paid"] == "100.00"
    assert json.loads(learn("--today", "2026-09-09", "invoice", "list", "--overdue", "--json").stdout) == []
    late = json.loads(learn("--today", "2026-09-10", "invoice", "list", "--overdue", "--json").stdout)
    assert len(late) == 8 and all(i["overdue"] and i["days_overdue"] == 1 for i in late)
    table = learn("--today", "2026-09-10", "invoice", "list", "--overdue").stdout
    assert "LWL-2026-0013" in table and "LWL-2026-0012" not in table


def test_show_an_invoice_and_a_credit_note(learn):
    shown = json.loads(learn("invoice", "show", "LWL-2026-0003", "--json").stdout)
    assert shown["status"] == "paid" and shown["participant_name"] == "Łucja Wiśniewska"
    assert [(p["amount"], p["method"]) for p in shown["payments"]] == [("287.50", "card"), ("287.50", "card")]
    void = json.loads(learn("invoice", "show", "LWL-2026-0008", "--json").stdout)
    assert void["status"] == "void" and void["credit_note"]["number"] == "LWL-2026-0011"
    credit = json.loads(learn("invoice", "show", "LWL-2026-0011", "--json").stdout)
    assert credit == {
        "number": "LWL-2026-0011", "kind": "credit_note", "issued": "2026-03-20", "cancels": "LWL-2026-0008",
        "reason": "Withdrew before the start (new job)", "currency": "GBP", "total": "575.00",
    }
    text = learn("invoice", "show", "LWL-2026-0003").stdout
    assert "Łucja Wiśniewska" in text and "£287.50" in text


def test_unknown_number_suggests_a_close_one(learn):
    result = learn("invoice", "show", "LWL-2026-001")
    assert result.exit_code == 1
    assert "no invoice 'LWL-2026-001'" in result.stderr and "LWL-2026-00" in result.stderr


def test_void_issues_a_credit_note_and_the_next_run_reissues(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    result = learn("--today", "2026-08-05", "invoice", "void", "LWL-2026-0016", "--reason", "Wrong PO")
    assert result.exit_code == 0, result.output
    assert "credit note LWL-2026-0021" in result.stdout
    ledger = ledger_of(data_dir)
    voided = ledger.account("LWL-2026-0016")
    assert voided.void and voided.balance == 0 and voided.credit_note.reason == "Wrong PO"
    assert (data_dir / "out" / "invoices" / "LWL-2026-0021.html").is_file()
    rerun = learn("--today", "2026-08-06", "invoice", "run", AUTUMN, "--json")
    [fresh] = json.loads(rerun.stdout)["issued"]
    assert fresh["number"] == "LWL-2026-0022" and fresh["participant"] == voided.participant
    again = learn("--today", "2026-08-06", "invoice", "void", "LWL-2026-0016", "--reason", "twice")
    assert again.exit_code == 1 and "already void" in again.stderr


def test_a_void_interrupted_before_its_page_says_so_and_the_next_run_renders_it(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    learn("participant", "withdraw", AUTUMN, "zoe.hartmann@example.org", "--date", "2026-08-04")
    assert learn("--today", "2026-08-05", "invoice", "void", "LWL-2026-0015", "--reason", "Withdrew").exit_code == 0
    page = data_dir / "out" / "invoices" / "LWL-2026-0021.html"
    page.unlink()  # as if killed after the ledger was written
    again = learn("--today", "2026-08-05", "invoice", "void", "LWL-2026-0015", "--reason", "Withdrew")
    assert again.exit_code == 1
    assert "already void (credit note LWL-2026-0021), but the credit note's page is missing" in again.stderr
    assert f"learn invoice run {AUTUMN}" in again.stderr and not page.exists()
    run = learn("--today", "2026-08-06", "invoice", "run", AUTUMN, "--json")
    assert json.loads(run.stdout)["issued"] == [] and json.loads(run.stdout)["rendered"] == [str(page)]
    assert "LWL-2026-0021" in page.read_text() and "LWL-2026-0015" in page.read_text()


def test_a_part_credit_interrupted_before_its_page_says_so_and_the_next_run_renders_it(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    first = learn("--today", "2026-08-05", "invoice", "credit", "LWL-2026-0013", "--amount", "100", "--reason", "Early booking")
    assert first.exit_code == 0, first.output
    number = re.search(r"with credit note (LWL-2026-\d{4})", first.output).group(1)
    page = data_dir / "out" / "invoices" / f"{number}.html"
    page.unlink()  # as if killed after the ledger was written
    ledger = (data_dir / "invoices" / "2026.yaml").read_bytes()
    again = learn("--today", "2026-08-05", "invoice", "credit", "LWL-2026-0013", "--amount", "100", "--reason", "Early booking")
    assert again.exit_code == 1
    assert f"LWL-2026-0013 is credited (credit note {number}), but the credit note's page is missing" in again.stderr
    assert f"learn invoice run {AUTUMN}" in again.stderr
    assert (data_dir / "invoices" / "2026.yaml").read_bytes() == ledger and not page.exists()
    run = learn("--today", "2026-08-06", "invoice", "run", AUTUMN, "--json")
    assert json.loads(run.stdout)["rendered"] == [str(page)]
    assert number in page.read_text()


def test_void_refuses_a_paid_invoice_and_a_credit_note(learn, data_dir):
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    paid = learn("invoice", "void", "LWL-2026-0001", "--reason", "x")
    assert paid.exit_code == 1 and "£575.00 received on it" in paid.stderr
    assert "learn payment refund LWL-2026-0001" in paid.stderr and "learn invoice credit LWL-2026-0001" in paid.stderr
    credit = learn("invoice", "void", "LWL-2026-0011", "--reason", "x")
    assert credit.exit_code == 1 and "is a credit note" in credit.stderr
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger


def test_void_dry_run_writes_nothing(learn, data_dir):
    learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    ledger = (data_dir / "invoices" / "2026.yaml").read_text()
    result = learn("invoice", "void", "LWL-2026-0012", "--reason", "test", "--dry-run")
    assert result.exit_code == 0 and "would void" in result.stdout and "+  - credit_note: LWL-2026-0021" in result.stdout
    assert (data_dir / "invoices" / "2026.yaml").read_text() == ledger


def test_a_run_refuses_while_the_ledger_has_errors(learn, data_dir):
    path = data_dir / "invoices" / "2026.yaml"
    path.write_text(path.read_text().replace("method: card", "method: bitcoin", 1))
    result = learn("--today", "2026-08-01", "invoice", "run", AUTUMN)
    assert result.exit_code == 1
    assert "2026.yaml" in result.stderr and "bitcoin" in result.stderr
    assert "invoice: LWL-2026-0012" not in path.read_text()


def test_init_copies_the_ledger_and_bare_has_none(learn_bare, tmp_path):
    full = tmp_path / "full"
    assert learn_bare("init", str(full), data=False).exit_code == 0
    assert (full / "invoices" / "2026.yaml").read_text() == (Path(__file__).resolve().parents[2] / "data" / "invoices" / "2026.yaml").read_text()
    assert learn_bare("--data", str(full), "--today", "2026-11-23", "validate", data=False).exit_code == 0
    bare = tmp_path / "bare"
    assert learn_bare("init", str(bare), "--bare", data=False).exit_code == 0
    assert not (bare / "invoices").exists()
    assert json.loads(learn_bare("--data", str(bare), "invoice", "list", "--json", data=False).stdout) == []
    assert learn_bare("--data", str(bare), "validate", data=False).exit_code == 0


def test_many_invoices_show_no_progress_bar_when_piped(data_dir, make_cohort):
    from tests.conftest import run_process

    make_cohort("big", 30)
    result = run_process("--data", str(data_dir), "--today", "2026-08-01", "invoice", "run", "big")
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "━" not in result.stderr and "\x1b[" not in result.stderr
    assert "rendered 30 invoice(s)" in result.stderr


def test_many_invoices_show_a_progress_bar_in_a_terminal(data_dir, make_cohort):
    import pty

    make_cohort("big", 30)
    env = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"} | {"TERM": "xterm-256color", "COLUMNS": "100"}
    master, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "learncli", "--data", str(data_dir), "--today", "2026-08-01", "invoice", "run", "big"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal, env=env,
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 0
    assert b"rendering invoices" in seen and "━".encode() in seen
