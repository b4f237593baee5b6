"""Registration exports load as each tool writes them (issue 19).

Each export is built here from the tool's column layout (headers in the tool's order,
its own metadata columns, its date format), with made-up people, and each test checks
every field of every person added and the registration date."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from learncli.domain.csvsheet import open_sheet
from learncli.domain import people, regforms


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _added(learn) -> dict[str, dict]:
    listed = json.loads(learn("participant", "list", "2026-autumn", "--json").stdout)
    return {p["email"]: {k: v for k, v in p.items() if v not in (None, [], "registered") or k == "registered"} for p in listed}


def _import(learn, write, text: str, *extra: str):
    sheet = write("export.csv", text)
    result = learn("--today", "2026-12-01", "participant", "import", "2026-autumn", sheet, *extra)
    assert result.exit_code == 0, result.output
    return result


def _person(found: dict, email: str) -> dict:
    person = dict(found[email])
    person.pop("status", None)
    return person


def test_google_forms_question_titles_and_the_timestamp(learn, write):
    rows = [
        ["Timestamp", "Email address", "Your full name", "Organisation", "Job title",
         "Purchase order number (if your organisation needs one)", "Email address for the invoice, if not yours", "Anything else?"],
        ["18/11/2026 09:28:12", "kai.n@example.org", "Kai Nakamura", "Westvale District Council", "Policy Analyst", "PO-4471", "ap@westvale.example.org", "No"],
        ["03/11/2026 17:05:40", "renee.d@example.org", "Renée Dubois", "Riverside Trust", "Head of L&D", "", "", ""],
    ]
    result = _import(learn, write, _csv(rows))
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {
        "name": "Kai Nakamura", "email": "kai.n@example.org", "organisation": "Westvale District Council", "role": "Policy Analyst",
        "po": "PO-4471", "billing_email": "ap@westvale.example.org", "registered": "2026-11-18",
    }
    assert _person(found, "renee.d@example.org") == {
        "name": "Renée Dubois", "email": "renee.d@example.org", "organisation": "Riverside Trust", "role": "Head of L&D", "registered": "2026-11-03",
    }
    assert "registration dates from column 'Timestamp', read day/month/year; times in Europe/London" in result.stderr
    assert "columns not used: Anything else?" in result.stderr


def test_google_forms_from_a_us_sheet_reads_month_first_when_a_day_says_so(learn, write):
    rows = [["Timestamp", "Email Address", "Name", "Company"],
            ["11/18/2026 9:28:12", "kai.n@example.org", "Kai Nakamura", "Westvale"],
            ["11/3/2026 17:05:40", "renee.d@example.org", "Renée Dubois", "Riverside"]]
    result = _import(learn, write, _csv(rows))
    found = _added(learn)
    assert found["kai.n@example.org"]["registered"] == "2026-11-18"
    assert found["renee.d@example.org"]["registered"] == "2026-11-03"
    assert _person(found, "renee.d@example.org") == {"name": "Renée Dubois", "email": "renee.d@example.org", "organisation": "Riverside", "registered": "2026-11-03"}
    assert "read month/day/year" in result.stderr


def test_microsoft_forms_anonymous_respondent_columns_never_win(learn, write):
    rows = [
        ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", "Full name", "Work email address",
         "Organisation", "Role", "PO number", "Who should we send the invoice to? (email)"],
        ["1", "11/5/26 9:01:02", "11/5/26 9:04:40", "anonymous", "", "", "Zoë Hartley", "zoe.h@example.org", "Northshire County Council", "OD Lead", "4500012345", ""],
        ["2", "11/7/26 14:10:00", "11/7/26 14:12:31", "anonymous", "", "", "Chris Pike", "chris.p@example.org", "Eastmoor NHS Trust", "Trainer", "", "invoices@eastmoor.example.org"],
    ]
    result = _import(learn, write, _csv(rows))
    found = _added(learn)
    assert _person(found, "zoe.h@example.org") == {
        "name": "Zoë Hartley", "email": "zoe.h@example.org", "organisation": "Northshire County Council", "role": "OD Lead",
        "po": "4500012345", "registered": "2026-05-11",
    }
    assert _person(found, "chris.p@example.org") == {
        "name": "Chris Pike", "email": "chris.p@example.org", "organisation": "Eastmoor NHS Trust", "role": "Trainer",
        "billing_email": "invoices@eastmoor.example.org", "registered": "2026-07-11",
    }
    # No number above 12 and a course in Europe/London: read day first, as the summary
    # says (Microsoft writes month first; one day over 12 settles it, as in the next test).
    assert "registration dates from column 'Completion time', read day/month/year" in result.stderr


def test_microsoft_forms_with_a_day_over_twelve_reads_month_first(learn, write):
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Your name", "Email address"],
            ["1", "11/18/26 9:01:02", "11/18/26 9:04:40", "anonymous", "", "Zoë Hartley", "zoe.h@example.org"],
            ["2", "11/5/26 9:01:02", "11/5/26 9:04:40", "anonymous", "", "Chris Pike", "chris.p@example.org"]]
    _import(learn, write, _csv(rows))
    found = _added(learn)
    assert _person(found, "zoe.h@example.org") == {"name": "Zoë Hartley", "email": "zoe.h@example.org", "registered": "2026-11-18"}
    assert _person(found, "chris.p@example.org") == {"name": "Chris Pike", "email": "chris.p@example.org", "registered": "2026-11-05"}


def test_eventbrite_attendee_report_skips_refunded_transferred_and_not_attending(learn, write):
    # The attendee report's columns in its order: order and ticket columns, Attendee
    # Status, the organiser's questions, then Job Title and Company; Order Date written
    # month first with a two-digit year and no seconds ("11/29/24 22:28").
    header = ["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Price Tier", "Ticket Type", "Attendee #", "Group",
              "Order Type", "Currency", "Total Paid", "Fees Paid", "Eventbrite Fees", "Eventbrite Payment Processing",
              "Attendee Status", "How did you hear about this event?", "Purchase order number", "Job Title", "Company"]

    def order(number, when, first, last, email, status, heard, po, job, company):
        return [number, when, first, last, email, "1", "", "Employer-funded", "98" + number[-8:], "", "Eventbrite Completed", "GBP",
                "575.00", "0.00", "0.00", "0.00", status, heard, po, job, company]

    rows = [header,
            order("1234567890", "10/28/26 10:15", "Kai", "Nakamura", "kai.n@example.org", "Attending", "Colleague", "PO-9", "Policy Analyst", "Westvale District Council"),
            order("1234567891", "10/30/26 08:00", "Bo", "Brown", "bo.b@example.org", "Refunded", "Newsletter", "", "Consultant", "Brown Ltd"),
            order("1234567892", "11/2/26 12:30", "Siân", "Price-Jones", "sian.pj@example.org", "Checked In", "", "", "Manager", "Valley Housing"),
            order("1234567893", "11/3/26 12:30", "Al", "Cole", "al.c@example.org", "Not Attending", "", "", "Officer", "Cole & Co"),
            order("1234567894", "11/4/26 09:05", "Cy", "Loe", "cy.loe@example.org", "Transferred", "", "", "Analyst", "Loe Ltd")]
    result = _import(learn, write, _csv(rows))
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {
        "name": "Kai Nakamura", "email": "kai.n@example.org", "organisation": "Westvale District Council", "role": "Policy Analyst",
        "po": "PO-9", "registered": "2026-10-28",
    }
    assert _person(found, "sian.pj@example.org") == {
        "name": "Siân Price-Jones", "email": "sian.pj@example.org", "organisation": "Valley Housing", "role": "Manager", "registered": "2026-11-02",
    }
    assert not {"bo.b@example.org", "al.c@example.org", "cy.loe@example.org"} & set(found)
    assert "registration dates from column 'Order Date', read month/day/year" in result.stderr
    assert "export.csv:3: skipped: bo.b@example.org: Attendee Status is 'Refunded'" in result.stderr
    assert "export.csv:5: skipped: al.c@example.org: Attendee Status is 'Not Attending'" in result.stderr
    assert "export.csv:6: skipped: cy.loe@example.org: Attendee Status is 'Transferred'" in result.stderr


def test_zoom_registration_report_with_its_report_block_and_approval_status(learn, write):
    text = _csv([
        ["Registration Report"],
        ["Report Generated:", "Dec 1, 2026 08:00 AM"],
        ["Topic", "ID", "Scheduled Time", "Duration (Minutes)"],
        ["Leading with Learning", "812 3456 7890", "Dec 2, 2026 09:30 AM", "180"],
        [],
        # Zoom's own columns first, then the registration questions.
        ["First Name", "Last Name", "Email", "Registration Time", "Approval Status", "Job Title", "Organization"],
        ["Kai", "Nakamura", "kai.n@example.org", "Nov 18, 2026 09:28:12 AM", "approved", "Policy Analyst", "Westvale District Council"],
        ["Pat", "Lee", "pat.l@example.org", "Nov 19, 2026 11:00:00 PM", "denied", "Officer", "Hill Trust"],
        ["Jo", "Ng", "jo.n@example.org", "Nov 20, 2026 10:00:00 AM", "pending", "Analyst", "Dale Council"],
        ["Remy", "Okoro", "remy.o@example.org", "Nov 21, 2026 11:45:00 PM", "approved", "Head of Policy", "Southbay Council"],
    ])
    result = _import(learn, write, text)
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {
        "name": "Kai Nakamura", "email": "kai.n@example.org", "organisation": "Westvale District Council", "role": "Policy Analyst", "registered": "2026-11-18",
    }
    assert _person(found, "remy.o@example.org") == {
        "name": "Remy Okoro", "email": "remy.o@example.org", "organisation": "Southbay Council", "role": "Head of Policy", "registered": "2026-11-21",
    }
    assert "pat.l@example.org: Approval Status is 'denied'" in result.stderr
    assert "jo.n@example.org: Approval Status is 'pending'" in result.stderr


def test_zoom_webinar_report_reads_the_attendees_header_not_the_hosts(learn, write):
    # A webinar report: a report block, the host's block and the panelists' block (each
    # with a header naming an email), then the attendees' header and rows.
    text = _csv([
        ["Attendee Report"],
        ["Report Generated:", "Nov 20, 2026 02:31 PM"],
        ["Topic", "Webinar ID", "Actual Start Time", "Actual Duration (minutes)", "# Registrants", "Unique Viewers", "Total Users"],
        ["Leading with Learning", "812 3456 7890", "Nov 20, 2026 10:45 AM", "226", "3", "2", "4"],
        ["Host Details"],
        ["Attended", "User Name (Original Name)", "Email", "Join Time", "Leave Time", "Time in Session (minutes)", "Is Guest", "Country/Region Name"],
        ["Yes", "Facilitator", "host@example.org", "Nov 20, 2026 10:45:00", "Nov 20, 2026 14:30:00", "225", "No", "United Kingdom"],
        ["Panelist Details"],
        ["Attended", "User Name (Original Name)", "Email", "Join Time", "Leave Time", "Time in Session (minutes)", "Is Guest", "Country/Region Name"],
        ["Yes", "Guest Speaker", "speaker@example.org", "Nov 20, 2026 11:00:00", "Nov 20, 2026 12:00:00", "60", "Yes", "Ireland"],
        ["Attendee Details"],
        ["Attended", "User Name (Original Name)", "First Name", "Last Name", "Email", "Phone", "Registration Time", "Approval Status",
         "Job Title", "Organization", "Join Time", "Leave Time", "Time in Session (minutes)", "Is Guest", "Country/Region Name"],
        ["Yes", "Kai's iPad", "Kai", "Nakamura", "kai.n@example.org", "", "Nov 18, 2026 09:28:12", "approved", "Analyst", "Westvale",
         "Nov 20, 2026 10:50:00", "Nov 20, 2026 14:29:00", "219", "No", "United Kingdom"],
        ["No", "Pat Lee", "Pat", "Lee", "pat.l@example.org", "", "Nov 19, 2026 21:00:00", "denied", "Officer", "Hill", "--", "--", "--", "--", ""],
    ])
    result = _import(learn, write, text)
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {
        "name": "Kai Nakamura", "email": "kai.n@example.org", "organisation": "Westvale", "role": "Analyst", "registered": "2026-11-18",
    }
    assert not {"host@example.org", "speaker@example.org", "pat.l@example.org"} & set(found)
    assert "export.csv:14: skipped: pat.l@example.org: Approval Status is 'denied'" in result.stderr
    assert "User Name (Original Name)" in result.stderr and "Country/Region Name" in result.stderr  # columns not used


def test_google_forms_an_exact_header_beats_a_yes_no_question_that_mentions_the_field(learn, write):
    # Questions that only mention a field ("Is your organisation paying...?", "Will your
    # organisation raise a purchase order?"), answered yes or no, never win it, even left
    # of the real column or with more answers; a manager's details are not the person's.
    rows = [
        ["Timestamp", "Email address", "Full name", "Is your organisation paying for your place?", "Organisation", "Job title",
         "Purchase order number (if your organisation needs one)", "Will your organisation raise a purchase order?",
         "Line manager's name", "Line manager's email"],
        ["18/11/2026 09:28:12", "kai.n@example.org", "Kai Nakamura", "Yes", "Westvale District Council", "Policy Analyst", "PO-4471", "Yes",
         "Sam Lead", "sam.lead@example.org"],
        ["19/11/2026 10:02:51", "bo.b@example.org", "Bo Brown", "No", "Brown Ltd", "Owner", "", "No", "", ""],
    ]
    result = _import(learn, write, _csv(rows))
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {
        "name": "Kai Nakamura", "email": "kai.n@example.org", "organisation": "Westvale District Council", "role": "Policy Analyst",
        "po": "PO-4471", "registered": "2026-11-18",
    }
    assert _person(found, "bo.b@example.org") == {
        "name": "Bo Brown", "email": "bo.b@example.org", "organisation": "Brown Ltd", "role": "Owner", "registered": "2026-11-19",
    }
    assert ("columns not used: Is your organisation paying for your place?, Will your organisation raise a purchase order?, "
            "Line manager's name, Line manager's email") in result.stderr


def test_ranking_through_the_domain_api(tmp_path):
    # Exact header over question title whatever the count; a yes/no question alone is not read.
    data = _csv([["Email", "Company name (if different from your employer)", "Company", "Do you need a PO?"],
                 ["a@example.org", "Acme Holdings", "Acme", "yes"],
                 ["b@example.org", "Bee Group", "", "no"]]).encode()
    sheet, problems = open_sheet(tmp_path / "x.csv", data, regforms.rules(), "name,email", anchor="email")
    assert not problems and sheet is not None
    assert sheet.columns == {"email": 0, "organisation": 2}
    assert [c.why for c in sheet.mapping][1:] == [
        "not used: column 3 names organisation more exactly (header)",
        "header, 1 value(s): chosen over column 2",
        "not used: no real po in any row",
    ]


def test_a_billing_address_is_the_address_in_lines_never_the_billing_name(learn, write):
    # One question answered on several lines, and an address asked for in parts.
    google = [["Timestamp", "Email address", "Full name", "Name to put on the invoice", "Billing address"],
              ["18/11/2026 09:28:12", "kai.n@example.org", "Kai Nakamura", "Westvale Accounts Payable", "Westvale District Council\n1 High St\nWestvale WV1 1AA"]]
    _import(learn, write, _csv(google))
    parts = [["Submitted at", "Your name", "Email", "Billing address line 1", "Billing address line 2", "Billing city", "Billing postcode"],
             ["2026-11-20 16:40:02", "Renée Dubois", "renee.d@example.org", "Riverside Trust", "", "Riverton", "RV2 2BB"]]
    _import(learn, write, _csv(parts))
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {
        "name": "Kai Nakamura", "email": "kai.n@example.org", "billing_name": "Westvale Accounts Payable",
        "billing_address": ["Westvale District Council", "1 High St", "Westvale WV1 1AA"], "registered": "2026-11-18",
    }
    assert _person(found, "renee.d@example.org") == {
        "name": "Renée Dubois", "email": "renee.d@example.org", "billing_address": ["Riverside Trust", "Riverton", "RV2 2BB"], "registered": "2026-11-20",
    }
    assert "billing_address" in people.MAP_FIELDS


def test_a_plain_status_column_drops_no_registration(learn, write):
    # "Status" may say anything ("invoice pending"); only an approval, attendee,
    # registration or order status decides whether a registration stands.
    rows = [["Name", "Email", "Status"], ["Kai Nakamura", "kai.n@example.org", "invoice pending"], ["Bo Brown", "bo.b@example.org", "paid"]]
    result = _import(learn, write, _csv(rows))
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {"name": "Kai Nakamura", "email": "kai.n@example.org", "registered": "2026-12-01"}
    assert _person(found, "bo.b@example.org") == {"name": "Bo Brown", "email": "bo.b@example.org", "registered": "2026-12-01"}
    assert "columns not used: Status" in result.stderr and "skipped" not in result.stderr


def test_typeform_submit_date_in_utc_is_moved_into_the_course_zone(learn, write, data_dir):
    courses = data_dir / "courses.yaml"
    courses.write_text(courses.read_text().replace("timezone: Europe/London", "timezone: America/New_York"))
    rows = [["#", "What's your name?", "And your email?", "Which organisation do you work for?", "Your job title", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"],
            ["a1b2c3", "Kai Nakamura", "kai.n@example.org", "Westvale District Council", "Policy Analyst", "2026-11-19 02:55:00", "2026-11-19 03:01:10", "9f8e7d"]]
    result = _import(learn, write, _csv(rows))
    assert _person(_added(learn), "kai.n@example.org") == {
        "name": "Kai Nakamura", "email": "kai.n@example.org", "organisation": "Westvale District Council", "role": "Policy Analyst",
        "registered": "2026-11-18",  # 03:01 UTC is 22:01 the evening before in New York
    }
    assert "times in America/New_York" in result.stderr


def test_jotform_and_tally_exports(learn, write):
    jot = [["Submission Date", "Name", "Email", "Organisation", "PO Number", "Submission ID"],
           ["Nov 18, 2026", "Kai Nakamura", "kai.n@example.org", "Westvale", "PO-1", "5912345678"]]
    _import(learn, write, _csv(jot))
    tally = [["Submission ID", "Respondent ID", "Submitted at", "First name", "Last name", "Email", "Company", "Role"],
             ["mJ8xQ", "w4Zk2", "2026-11-20 16:40:02", "Renée", "Dubois", "renee.d@example.org", "Riverside Trust", "Lead"]]
    _import(learn, write, _csv(tally))
    found = _added(learn)
    assert _person(found, "kai.n@example.org") == {"name": "Kai Nakamura", "email": "kai.n@example.org", "organisation": "Westvale", "po": "PO-1", "registered": "2026-11-18"}
    assert _person(found, "renee.d@example.org") == {
        "name": "Renée Dubois", "email": "renee.d@example.org", "organisation": "Riverside Trust", "role": "Lead", "registered": "2026-11-20",
    }


def test_map_names_a_column_nobody_could_guess_and_dry_run_shows_every_column(learn, write, data_dir):
    before = (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes()
    rows = [["When", "Who", "Address", "Cost centre", "Notes"],
            ["2026-11-18 09:00", "Kai Nakamura", "kai.n@example.org", "CC-7781", "vegetarian"]]
    sheet = write("export.csv", _csv(rows))
    args = ("participant", "import", "2026-autumn", sheet, "--map", "email=Address", "--map", "po=cost centre", "--map", "registered=When", "--map", "name=Who")
    dry = learn(*args, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes() == before
    lines = [" ".join(line.split()) for line in dry.stdout.splitlines()]
    assert any(line.startswith("│ 4 │ Cost centre │ po │ --map") for line in lines), dry.stdout
    assert any(line.startswith("│ 5 │ Notes │ - │ not used") for line in lines), dry.stdout
    assert learn(*args).exit_code == 0
    assert _person(_added(learn), "kai.n@example.org") == {"name": "Kai Nakamura", "email": "kai.n@example.org", "po": "CC-7781", "registered": "2026-11-18"}


def test_map_errors(learn, write):
    sheet = write("export.csv", "name,email\nKai,kai@example.org\n")
    unknown = learn("participant", "import", "2026-autumn", sheet, "--map", "colour=name")
    assert unknown.exit_code == 2 and "'colour' is not a field" in unknown.stderr
    missing = learn("participant", "import", "2026-autumn", sheet, "--map", "po=Purchase order")
    assert missing.exit_code == 1
    assert "export.csv:1:1: I001 error: --map po=Purchase order: no such column in the header (name, email)" in missing.stderr


def test_a_registration_time_that_is_no_date_names_its_cell(learn, write):
    sheet = write("export.csv", "Timestamp,Name,Email\nyesterday,Kai,kai@example.org\n")
    result = learn("participant", "import", "2026-autumn", sheet)
    assert result.exit_code == 1
    assert "export.csv:2:1: I002 error: registered: 'yesterday' is not a date and time" in result.stderr


@pytest.mark.parametrize(
    ("cells", "zone", "day_first", "first"),
    [
        (["04/05/2026 10:00"], "Europe/London", True, date(2026, 5, 4)),
        (["04/05/2026 10:00"], "America/Chicago", False, date(2026, 4, 5)),
        (["04/05/2026 10:00", "13/05/2026 10:00"], "America/Chicago", True, date(2026, 5, 4)),
        (["04/05/2026 10:00", "05/13/2026 10:00"], "Europe/London", False, date(2026, 4, 5)),
        (["2026-05-04T23:30:00Z"], "Europe/London", None, date(2026, 5, 5)),
        (["2026-05-04 23:30:00-04:00"], "Europe/London", None, date(2026, 5, 5)),
        (["4 May 2026"], "America/Chicago", None, date(2026, 5, 4)),
    ],
)
def test_the_day_order_rule(cells, zone, day_first, first):
    raws = [regforms.split_time(cell) for cell in cells]
    assert all(raws)
    decided = regforms.decide_day_first(raws, zone)
    assert decided is day_first
    assert regforms.registration_date(raws[0], bool(decided), zone, utc_header=False) == first


def test_the_column_with_real_values_wins_through_the_domain_api(tmp_path):
    data = _csv([["Email", "Name", "Email address", "Name of your organisation"], ["anonymous", "", "a@example.org", "Acme"]]).encode()
    sheet, problems = open_sheet(tmp_path / "x.csv", data, regforms.rules(), "name,email")
    assert not problems and sheet is not None
    assert sheet.columns == {"email": 2, "organisation": 3}
    assert [c.why for c in sheet.mapping][:2] == ["not used: no real email in any row", "not used: no real name in any row"]
    assert "email" in people.MAP_FIELDS


def test_a_lone_column_is_read_as_written_but_a_form_s_anonymous_never(tmp_path):
    # "-" typed by a person is theirs to keep when no other column competes; a respondent
    # column of nothing but "anonymous" is the form's, so the name comes from first and last.
    data = _csv([["Name", "First name", "Surname", "Email", "PO"],
                 ["anonymous", "Kai", "Nakamura", "kai.n@example.org", "-"],
                 ["anonymous", "Remy", "Okoro", "remy.o@example.org", "n/a"]]).encode()
    sheet, problems = open_sheet(tmp_path / "x.csv", data, regforms.rules(), "name,email", anchor="email")
    assert not problems and sheet is not None
    assert "name" not in sheet.columns and sheet.columns["first_name"] == 1 and sheet.columns["po"] == 4
    assert [sheet.cell(row, "po") for _, row in sheet.rows()] == ["-", "n/a"]


def test_a_semicolon_export_with_a_report_block_above_its_header(learn, write):
    # A European Excel saves with semicolons; the block above the header has other widths.
    rows = [["Registration Report"], ["Topic", "ID", "Scheduled Time"], ["Leading with Learning; autumn", "812 3456 7890", "02.12.2026 09:30"], [],
            ["First Name", "Last Name", "Email", "Organization", "Registration Time"],
            ["Siân", "Evans", "sian.e@example.org", "Cwm Trust, Ltd", "18.11.2026 09:28"],
            ["Bo", "Brown", "bo.b@example.org", "Dale; Vale", "19.11.2026 10:00"]]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows(rows)
    _import(learn, write, out.getvalue())
    found = _added(learn)
    assert _person(found, "sian.e@example.org") == {
        "name": "Siân Evans", "email": "sian.e@example.org", "organisation": "Cwm Trust, Ltd", "registered": "2026-11-18",
    }
    assert _person(found, "bo.b@example.org")["organisation"] == "Dale; Vale"
