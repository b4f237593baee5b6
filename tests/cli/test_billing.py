"""The invoice run for the messier cases (issue 12): one invoice per purchase order, a
fee split between payers, a discount, documents fixed at issue, and no invoice while the
settings are the `init --bare` placeholders. Each on a new cohort, through the CLI."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
import yaml

TODAY = ("--today", "2026-12-06")
COHORT = "2027-spring"
COUNCIL = ("--po", "PO-4471", "--billing-name", "Accounts Payable", "--billing-email", "ap@council.example")


@pytest.fixture
def cohort(learn, data_dir):
    """A new, empty cohort of the bundled course starting on Tue 13 Apr 2027."""
    result = learn(*TODAY, "cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", COHORT)
    assert result.exit_code == 0, result.output
    return data_dir / "cohorts" / f"{COHORT}.yaml"


def add(learn, name, email, *options):
    result = learn(*TODAY, "participant", "add", COHORT, "--name", name, "--email", email, *options)
    assert result.exit_code == 0, result.output


def run(learn):
    result = learn(*TODAY, "invoice", "run", COHORT, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["issued"]


def invoices(learn, *options):
    result = learn(*TODAY, "invoice", "list", "--cohort", COHORT, "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ledger_entries(data_dir):
    return yaml.safe_load((data_dir / "invoices" / "2026.yaml").read_text())["entries"]


def render(learn, number, fmt="txt"):
    result = learn(*TODAY, "invoice", "render", number, "--format", fmt, "-o", "-")
    assert result.exit_code == 0, result.output
    return result.stdout


def give_split(cohort_file, email, shares):
    """Add `split:` by hand under the participant with `email`, as a facilitator would."""
    text = cohort_file.read_text()
    marker = f"    email: {email}\n"
    assert marker in text
    lines = "    split:\n" + "".join(f"      - {share}\n" for share in shares)
    cohort_file.write_text(text.replace(marker, marker + lines))


def test_two_people_on_one_purchase_order_get_one_invoice_with_a_line_each(learn, data_dir, cohort):
    add(learn, "Ann Able", "ann@council.example", *COUNCIL)
    add(learn, "Bob Baker", "bob@council.example", *COUNCIL)
    add(learn, "Cat Cole", "cat@council.example", "--po", "PO-4471")  # same PO, billed to herself
    add(learn, "Dan Dunn", "dan@else.example", "--po", "PO-4471", "--billing-email", "ap@else.example")

    issued = run(learn)

    assert [(i["name"], i["bill_to"], i["total"]) for i in issued] == [
        ("Ann Able; Bob Baker", "ap@council.example", "1150.00"),
        ("Cat Cole", "cat@council.example", "575.00"),
        ("Dan Dunn", "ap@else.example", "575.00"),
    ]
    group = next(e for e in ledger_entries(data_dir) if e.get("invoice") == issued[0]["number"])
    assert group["po"] == "PO-4471" and Decimal(str(group["total"])) == Decimal("1150.00")
    assert [(line["participant"], line["participant_name"], Decimal(str(line["amount"]))) for line in group["lines"]] == [
        ("ann@council.example", "Ann Able", Decimal("575")),
        ("bob@council.example", "Bob Baker", Decimal("575")),
    ]
    assert all(COHORT in line["description"] or "Spring 2027" in line["description"] for line in group["lines"])
    text = render(learn, issued[0]["number"])
    assert "Ann Able: Leading with Learning" in text and "Bob Baker: Leading with Learning" in text
    assert "TOTAL DUE: £1,150.00" in text and "Purchase order:  PO-4471" in text

    # Everyone on it is invoiced: a second run issues nothing, and the gate names the invoice for both.
    assert run(learn) == []
    gate = json.loads(learn("--today", "2027-03-20", "report", "payment-gate", COHORT, "--json").stdout)
    by_email = {line["email"]: line for line in gate["lines"]}
    assert by_email["bob@council.example"]["invoice"] == by_email["ann@council.example"]["invoice"] == issued[0]["number"]
    assert learn(*TODAY, "validate").exit_code == 0


def test_a_billing_email_and_po_alone_are_enough_to_be_invoiced_together(learn, data_dir, cohort):
    add(learn, "Ann Able", "ann@council.example", "--po", "PO-1", "--billing-email", "ap@council.example")
    add(learn, "Bob Baker", "bob@council.example", "--po", "po-1", "--billing-email", "AP@council.example")
    [group] = run(learn)
    assert (group["name"], group["total"]) == ("Ann Able; Bob Baker", "1150.00")
    # Addressed to the accounts address, not to the first person's name.
    assert "Bill to:\n  ap@council.example\n" in render(learn, group["number"])


def test_withdrawing_from_a_group_invoice_credits_that_persons_line(learn, data_dir, cohort):
    add(learn, "Ann Able", "ann@council.example", *COUNCIL)
    add(learn, "Bob Baker", "bob@council.example", *COUNCIL)
    [group] = run(learn)

    preview = learn(*TODAY, "participant", "withdraw", COHORT, "bob@council.example", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "would credit £575.00 of " + group["number"] in preview.stderr
    assert not any("credit_note" in e for e in ledger_entries(data_dir) if e.get("cancels") == group["number"])

    result = learn(*TODAY, "participant", "withdraw", COHORT, "bob@council.example")
    assert result.exit_code == 0, result.output
    [credit] = [e for e in ledger_entries(data_dir) if e.get("cancels") == group["number"]]
    assert credit["partial"] is True and credit["participant"] == "bob@council.example"
    assert Decimal(str(credit["total"])) == Decimal("575.00")
    [account] = invoices(learn)
    assert (account["status"], account["balance"]) == ("unpaid", "575.00")
    note = render(learn, credit["credit_note"])
    assert "Credits invoice: " + group["number"] in note and "Participant: Bob Baker" in note and "TOTAL CREDITED: -£575.00" in note

    # Ann is still invoiced; Bob, given his place back, is invoiced again on his own.
    assert learn(*TODAY, "participant", "reinstate", COHORT, "bob@council.example").exit_code == 0
    [again] = run(learn)
    assert (again["name"], again["total"]) == ("Bob Baker", "575.00")
    assert learn(*TODAY, "validate").exit_code == 0


def test_a_split_fee_is_one_invoice_per_share(learn, data_dir, cohort):
    add(learn, "Sam Split", "sam@x.example", "--po", "EMP-9", "--billing-name", "Employer Ltd", "--billing-email", "hr@employer.example")
    give_split(cohort, "sam@x.example", ["amount: 400", "amount: 175"])

    issued = run(learn)

    assert [(i["total"], i["po"], i["bill_to"]) for i in issued] == [
        ("400.00", "EMP-9", "hr@employer.example"),
        ("175.00", None, "sam@x.example"),
    ]
    assert "share 2 of 2 of the fee for Sam Split" in render(learn, issued[1]["number"])
    assert learn(*TODAY, "validate").exit_code == 0
    assert run(learn) == []

    # Paid in full only once both shares are paid; the contribution counts the person once.
    def paid_places():
        report = json.loads(learn("--today", "2027-01-31", "report", "contributions", "--json").stdout)
        return sum(line["paid_participants"] for line in report["lines"] if line["cohort"] == COHORT)

    assert learn("--today", "2027-01-31", "payment", "record", issued[0]["number"], "--amount", "400", "--date", "2027-01-10", "--method", "bank").exit_code == 0
    assert paid_places() == 0
    assert learn("--today", "2027-01-31", "payment", "record", issued[1]["number"], "--amount", "175", "--date", "2027-01-20", "--method", "card").exit_code == 0
    assert paid_places() == 1


def test_a_share_with_its_own_payer_and_one_left_to_the_person(learn, data_dir, cohort):
    add(learn, "Pat Part", "pat@x.example")
    give_split(cohort, "pat@x.example", ["{amount: 400, po: PO-1, billing_name: Borough Council, billing_email: ap@borough.example}", "amount: 175"])
    issued = run(learn)
    assert [(i["total"], i["po"], i["bill_to"]) for i in issued] == [("400.00", "PO-1", "ap@borough.example"), ("175.00", None, "pat@x.example")]


def test_shares_that_do_not_add_up_are_an_error_at_their_place(learn, data_dir, cohort):
    add(learn, "Sam Split", "sam@x.example", "--discount", "75", "--discount-reason", "Returning participant")
    give_split(cohort, "sam@x.example", ["amount: 400", "amount: 175"])

    result = learn(*TODAY, "validate")

    assert result.exit_code == 1
    line = next(n for n, text in enumerate(cohort.read_text().splitlines(), start=1) if text.strip() == "split:")
    [error] = [d for d in result.stdout.splitlines() if " P004 " in d]
    assert f"cohorts/{COHORT}.yaml:{line}:5: P004 error: " in error
    assert "add up to £575.00, but they owe £500.00" in error and "discount of £75.00" in error
    # The run issues nothing rather than invoices that charge the wrong amount.
    before = (data_dir / "invoices" / "2026.yaml").read_bytes()
    refused = learn(*TODAY, "invoice", "run", COHORT)
    assert refused.exit_code == 1 and "they owe £500.00" in refused.stderr
    assert (data_dir / "invoices" / "2026.yaml").read_bytes() == before


def test_a_discount_shows_the_fee_the_reason_and_the_total(learn, data_dir, cohort):
    add(learn, "Dee Disc", "dee@x.example", "--discount", "100", "--discount-reason", "Early booking")
    person = yaml.safe_load(cohort.read_text())["participants"][0]
    assert person["discount"] == {"amount": 100, "reason": "Early booking"}

    [invoice] = run(learn)

    assert invoice["total"] == "475.00"
    text = render(learn, invoice["number"])
    assert "Amount: £575.00\nDiscount: Early booking\n  Amount: -£100.00\nTOTAL DUE: £475.00" in text
    html = render(learn, invoice["number"], "html")
    assert "Discount: Early booking" in html and "£475.00" in html
    # The contribution per participant stays the course's.
    assert learn(*TODAY, "payment", "record", invoice["number"], "--amount", "475", "--date", "2026-12-06", "--method", "bank").exit_code == 0
    report = json.loads(learn(*TODAY, "report", "contributions", "--json").stdout)
    [line] = [line for line in report["lines"] if line["cohort"] == COHORT]
    assert (line["paid_participants"], line["per_participant"], line["amount"]) == (1, "25.00", "25.00")


def test_a_discount_needs_its_reason(learn, cohort):
    result = learn(*TODAY, "participant", "add", COHORT, "--name", "Dee", "--email", "dee@x.example", "--discount", "100")
    assert result.exit_code == 2
    assert "--discount-reason" in result.stderr


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_an_issued_invoice_renders_the_same_after_a_reschedule(learn, data_dir, cohort, fmt):
    add(learn, "Ann Able", "ann@council.example", *COUNCIL)
    add(learn, "Bob Baker", "bob@council.example", *COUNCIL)
    [invoice] = run(learn)
    before = render(learn, invoice["number"], fmt)
    assert "27 April 2027" in before

    assert learn(*TODAY, "cohort", "reschedule", COHORT, "2", "2027-04-28").exit_code == 0
    assert learn(*TODAY, "cohort", "cancel-session", COHORT, "5").exit_code == 0
    cohort.write_text(cohort.read_text().replace("title: ", "title: Renamed ", 1))

    assert render(learn, invoice["number"], fmt) == before


def test_the_run_refuses_while_the_settings_are_the_bare_placeholders(learn, data_dir, cohort):
    add(learn, "Ann Able", "ann@x.example")
    settings = data_dir / "courses.yaml"
    original = settings.read_text()
    ledger_before = (data_dir / "invoices" / "2026.yaml").read_bytes()
    settings.write_text(original.replace("name: Leading with Learning (ThemPra & Mapsar)", "name: Your Organisation"))

    result = learn(*TODAY, "invoice", "run", COHORT)

    assert result.exit_code == 1
    assert "organisation name 'Your Organisation'" in result.stderr
    assert (data_dir / "invoices" / "2026.yaml").read_bytes() == ledger_before

    # As `init --bare` writes it: the bank details commented out, no card payment link.
    settings.write_text(re.sub(r"\n  bank:\n(    .*\n)+  card_payment_url: .*\n", "\n", original))
    result = learn(*TODAY, "invoice", "run", COHORT)
    assert result.exit_code == 1
    assert "no bank details or card payment link" in result.stderr


def test_a_bare_folder_issues_no_invoice_until_its_details_are_filled_in(learn_bare, tmp_path):
    folder = tmp_path / "fresh"
    assert learn_bare("init", str(folder), "--bare").exit_code == 0
    learn = ("--data", str(folder), *TODAY)
    assert learn_bare(*learn, "cohort", "add", "my-course", "--start", "2027-04-13", "--id", "c1").exit_code == 0
    assert learn_bare(*learn, "participant", "add", "c1", "--name", "Ann Able", "--email", "ann@x.example").exit_code == 0

    refused = learn_bare(*learn, "invoice", "run", "c1")

    assert refused.exit_code == 1
    for said in ("organisation name 'Your Organisation'", "address line 'First line of the address'", "email you@example.org",
                 "no bank details or card payment link"):
        assert said in refused.stderr
    assert not (folder / "invoices").exists()

    settings = folder / "courses.yaml"
    text = settings.read_text()
    text = text.replace("name: Your Organisation ", "name: Able Learning Ltd ", 1).replace("First line of the address", "2 Mill Lane")
    text = text.replace("Town AB1 2CD", "Leeds LS1 4AB").replace("you@example.org", "hello@able-learning.co.uk", 1)
    text = text.replace("  # card_payment_url: https://pay.example.org/your-course", "  card_payment_url: https://pay.able-learning.co.uk/c1")
    settings.write_text(text)
    result = learn_bare(*learn, "invoice", "run", "c1")
    assert result.exit_code == 0, result.output
