"""People after the plan (issue 13): a waiting list past the capacity, promotion to a
freed place, and corrections to someone's details that carry their record with them.
Each through the CLI on a copy of the bundled data, with the file's comments checked and
--dry-run writing nothing."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.smtp_server import smtp_server

COHORT = "2026-autumn"
#: The nine people registered on the bundled autumn cohort.
REGISTERED = 9


def cohort_file(data_dir):
    return data_dir / "cohorts" / f"{COHORT}.yaml"


def people(data_dir) -> dict[str, dict]:
    return {p["email"]: p for p in yaml.safe_load(cohort_file(data_dir).read_text())["participants"]}


def set_capacity(data_dir, capacity: int) -> None:
    path = cohort_file(data_dir)
    path.write_text(path.read_text().replace("facilitators: [gabriel, roger]\n", f"facilitators: [gabriel, roger]\ncapacity: {capacity}\n"))


def add(learn, email: str, day: str, *more: str):
    name = email.split("@")[0].replace(".", " ").title()
    return learn("--today", day, "participant", "add", COHORT, "--name", name, "--email", email, *more)


@pytest.fixture
def full(learn, data_dir):
    """The autumn cohort with a capacity of 10 and its last place just taken."""
    set_capacity(data_dir, REGISTERED + 1)
    assert add(learn, "last.place@example.org", "2026-08-01").exit_code == 0
    return data_dir


# --- the waiting list -------------------------------------------------------------------


def test_past_the_capacity_people_wait_in_registration_order_and_get_nothing(learn, full):
    late = add(learn, "kai.late@example.org", "2026-08-20")
    assert late.exit_code == 0, late.output
    assert late.stdout.startswith(f"added Kai Late <kai.late@example.org> to the waiting list of {COHORT} (1st on it; 10 of 10 places taken)")
    # Registered earlier, though added to the file later: they are first in the queue.
    early = add(learn, "eve.early@example.org", "2026-08-10")
    assert early.exit_code == 0 and "(2nd on it;" in early.stdout
    assert people(full)["kai.late@example.org"]["status"] == "waitlisted"

    listed = learn("participant", "list", COHORT)
    assert "10 registered, 2 on the waiting list" in listed.stdout
    assert listed.stdout.index("eve.early@example.org") < listed.stdout.index("kai.late@example.org")
    assert "waiting (1)" in listed.stdout.split("eve.early@example.org")[1].splitlines()[0]
    status = json.loads(learn("--today", "2026-08-21", "status", "--json").stdout)
    autumn = next(c for c in status["cohorts"] if c["id"] == COHORT)
    assert (autumn["registered"], autumn["waiting"]) == (10, 2)

    run = json.loads(learn("--today", "2026-08-21", "invoice", "run", COHORT, "--json").stdout)
    invoiced = {i["participant"] for i in run["issued"]}
    assert "last.place@example.org" in invoiced and not invoiced & {"kai.late@example.org", "eve.early@example.org"}
    assert sorted(run["waiting_skipped"]) == ["eve.early@example.org", "kai.late@example.org"]
    refused = learn("attend", "mark", COHORT, "1", "kai.late@example.org", "--status", "present")
    assert refused.exit_code == 1 and "is on the waiting list of 2026-autumn" in refused.stderr


def test_over_capacity_gives_a_place_anyway_with_a_warning(learn, full):
    result = add(learn, "vip@example.org", "2026-08-20", "--over-capacity")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"registered Vip <vip@example.org> on {COHORT} (11 of 10)")
    assert "capacity is 10" in result.stderr
    assert "status" not in people(full)["vip@example.org"]


def test_promote_gives_a_freed_place_to_the_first_in_line(learn, full):
    assert add(learn, "kai.late@example.org", "2026-08-20").exit_code == 0
    assert add(learn, "eve.early@example.org", "2026-08-10").exit_code == 0
    before = cohort_file(full).read_bytes()
    refused = learn("participant", "promote", COHORT)
    assert refused.exit_code == 1 and "no place is free on 2026-autumn (10 of 10)" in refused.stderr
    assert cohort_file(full).read_bytes() == before

    withdrew = learn("--today", "2026-08-25", "participant", "withdraw", COHORT, "chidi.okafor@example.org")
    assert withdrew.exit_code == 0
    assert "gives it to Eve Early <eve.early@example.org>, first on the waiting list" in withdrew.stderr

    preview = learn("participant", "promote", COHORT, "--dry-run")
    assert preview.exit_code == 0 and preview.stdout.startswith("would give a place on 2026-autumn to Eve Early")
    after_withdrawal = cohort_file(full).read_bytes()
    promoted = learn("participant", "promote", COHORT)
    assert promoted.exit_code == 0, promoted.output
    assert promoted.stdout.startswith("gave a place on 2026-autumn to Eve Early <eve.early@example.org> (10 of 10); 1 still waiting")
    # Only her status line went; her registration date (her place in the queue) stays.
    removed = set(after_withdrawal.decode().splitlines()) - set(cohort_file(full).read_text().splitlines())
    assert removed == set() or removed == {"    status: waitlisted"}
    assert "status" not in people(full)["eve.early@example.org"]
    assert people(full)["kai.late@example.org"]["status"] == "waitlisted"
    assert "# Autumn 2026 cohort of Leading with Learning." in cohort_file(full).read_text()

    named = learn("participant", "promote", COHORT, "sian.evans@example.org", "--over-capacity")
    assert named.exit_code == 1 and "is not on the waiting list of 2026-autumn: they already have a place" in named.stderr
    forced = learn("participant", "promote", COHORT, "kai.late@example.org", "--over-capacity")
    assert forced.exit_code == 0 and "(11 of 10); 0 still waiting" in forced.stdout
    empty = learn("participant", "promote", COHORT)
    assert empty.exit_code == 1 and "nobody is on the waiting list" in empty.stderr
    assert learn("validate").exit_code == 0


def test_import_past_the_capacity_waitlists_the_latest_registrations(learn, data_dir, tmp_path):
    set_capacity(data_dir, REGISTERED + 1)
    sheet = tmp_path / "form.csv"
    sheet.write_text(
        "Timestamp,Email address,Full name,Organisation\n"
        "20/08/2026 10:00:00,third@example.org,Third Person,Council\n"
        "02/08/2026 09:00:00,first@example.org,First Person,Council\n"
        "11/08/2026 12:30:00,second@example.org,Second Person,Trust\n",
        encoding="utf-8",
    )
    result = learn("participant", "import", COHORT, str(sheet))
    assert result.exit_code == 0, result.output
    assert "Registered 1 participant(s) on 2026-autumn (10 of 10)" in result.stdout
    assert "Added 2 to the waiting list of 2026-autumn" in result.stdout
    found = people(data_dir)
    assert "status" not in found["first@example.org"]
    assert found["second@example.org"]["status"] == found["third@example.org"]["status"] == "waitlisted"
    listed = learn("participant", "list", COHORT).stdout
    assert listed.index("second@example.org") < listed.index("third@example.org")


def test_reinstating_someone_whose_place_was_taken_puts_them_on_the_waiting_list(learn, full):
    assert learn("participant", "withdraw", COHORT, "last.place@example.org").exit_code == 0
    assert add(learn, "new.comer@example.org", "2026-08-20").exit_code == 0  # takes the place
    result = learn("participant", "reinstate", COHORT, "last.place@example.org")
    assert result.exit_code == 0, result.output
    assert "to the waiting list of 2026-autumn, as its place has been taken (10 of 10)" in result.stdout
    person = people(full)["last.place@example.org"]
    assert person["status"] == "waitlisted" and "withdrawn" not in person


# --- participant edit -------------------------------------------------------------------


def test_edit_corrects_details_in_place_and_keeps_the_comments(learn, data_dir):
    path = cohort_file(data_dir)
    before = path.read_text()
    preview = learn("participant", "edit", COHORT, "ann.oneil@example.org", "--po", "NCC-PO-80001", "--clear", "role", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert preview.stdout.startswith(
        "would change O'Neil, Ann <ann.oneil@example.org> on 2026-autumn: role 'Head of Workforce Development' → (none); po 'NCC-PO-77812' → 'NCC-PO-80001'"
    )
    assert path.read_text() == before

    result = learn("participant", "edit", COHORT, "ann.oneil@example.org", "--po", "NCC-PO-80001", "--clear", "role",
                   "--billing-address", "County Hall", "--billing-address", "Northshire NS1 2AB")
    assert result.exit_code == 0, result.output
    ann = people(data_dir)["ann.oneil@example.org"]
    assert ann["po"] == "NCC-PO-80001" and "role" not in ann
    assert ann["billing_address"] == ["County Hall", "Northshire NS1 2AB"]
    # The address sits with the other billing keys, before the registration date.
    assert list(ann).index("billing_address") < list(ann).index("registered")
    assert "  # Ann's council pays centrally: PO on the invoice, invoice to Accounts Payable.\n" in path.read_text()
    changed = set(before.splitlines()) ^ set(path.read_text().splitlines())
    assert changed == {
        "    role: Head of Workforce Development", "    po: NCC-PO-77812", "    po: NCC-PO-80001",
        "    billing_address:", "      - County Hall", "      - Northshire NS1 2AB",
    }
    assert learn("validate").exit_code == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--po", ""), 2, "--po is empty; to remove it, use --clear po"),
        (("--clear", "name"), 2, "--clear name: choose one of"),
        (("--email", "jose.martinez@example.org"), 1, "jose.martinez@example.org is already in 2026-autumn (José Martínez-Ibáñez)"),
        (("--email", "not-an-email"), 1, "--email: 'not-an-email' is not a valid email address"),
        ((), 2, "say what to change"),
    ],
)
def test_edit_refuses_what_would_break_the_file_and_writes_nothing(learn, data_dir, args, code, message):
    before = cohort_file(data_dir).read_bytes()
    result = learn("participant", "edit", COHORT, "sian.evans@example.org", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert cohort_file(data_dir).read_bytes() == before


def test_a_new_email_carries_marks_commitments_and_the_send_log_and_invoices_stay_theirs(learn, data_dir, monkeypatch):
    old, new = "ann.oneil@example.org", "ann.oneil@northshire.example.org"
    issued = json.loads(learn("--today", "2026-08-20", "invoice", "run", COHORT, "--json").stdout)["issued"]
    number = next(i["number"] for i in issued if i["participant"] == old)
    with smtp_server() as server:
        for name, value in server.env(LEARN_FROM="Courses <courses@example.org>").items():
            monkeypatch.setenv(name, value)
        assert learn("--today", "2026-08-20", "email", "send", "joining", COHORT, "--include-unpaid").exit_code == 0
        loaded = yaml.safe_load(cohort_file(data_dir).read_text())
        marks = {n: table[old] for n, table in loaded["attendance"].items() if old in table}
        commitments = [c for c in loaded["commitments"] if c["email"] == old]
        assert marks and commitments

        result = learn("participant", "edit", COHORT, old, "--email", new.upper())
        assert result.exit_code == 0, result.output
        assert f"invoices already issued keep {old}; the next ones go to {new}" in result.stderr

        loaded = yaml.safe_load(cohort_file(data_dir).read_text())
        ann = next(p for p in loaded["participants"] if p["name"] == "O'Neil, Ann")
        assert ann["email"] == new and ann["previous_emails"] == [old]
        assert {n: table[new] for n, table in loaded["attendance"].items() if new in table} == marks
        assert not any(old in table for table in loaded["attendance"].values())
        assert [c for c in loaded["commitments"] if c["email"] == new] == [{**c, "email": new} for c in commitments]
        log = yaml.safe_load((data_dir / "email-log" / f"{COHORT}.yaml").read_text())["messages"]
        assert [m["to"] for m in log if m["to"] in (old, new)] == [new]

        # The joining email went to her already: the log says so under her new address.
        server.handler.messages.clear()
        again = learn("--today", "2026-08-20", "email", "send", "joining", COHORT, "--include-unpaid")
        assert again.exit_code == 0, again.output
        assert server.handler.messages == []

    # Her invoice, issued to the old address, is still hers: no second one, no dangling reference.
    rerun = json.loads(learn("--today", "2026-08-21", "invoice", "run", COHORT, "--json").stdout)
    assert rerun["issued"] == []
    shown = json.loads(learn("invoice", "show", number, "--json").stdout)
    assert shown["participant"] == old
    assert learn("validate").exit_code == 0
    # The old address still finds her, so a command typed from an old email works.
    assert learn("attend", "mark", COHORT, "6", old, "--status", "excused").exit_code == 0
    assert yaml.safe_load(cohort_file(data_dir).read_text())["attendance"][6][new] == "excused"


def test_email_log_says_who_was_sent_what_and_when(learn, data_dir, monkeypatch):
    empty = learn("email", "log", COHORT)
    assert empty.exit_code == 0 and "nothing sent to anyone for 2026-autumn yet" in empty.stderr
    with smtp_server() as server:
        for name, value in server.env(LEARN_FROM="Courses <courses@example.org>").items():
            monkeypatch.setenv(name, value)
        assert learn("--today", "2026-08-20", "email", "send", "joining", COHORT, "--include-unpaid", "--participant", "sian.evans@example.org").exit_code == 0
        assert learn("--today", "2026-08-20", "email", "send", "joining", COHORT, "--include-unpaid", "--participant", "ann.oneil@example.org").exit_code == 0
        delivered = {m.rcpt_tos[0]: m for m in server.handler.messages}
    logged = json.loads(learn("email", "log", COHORT, "--json").stdout)
    assert [(m["kind"], m["to"], m["status"]) for m in logged] == [
        ("joining", "sian.evans@example.org", "sent"), ("joining", "ann.oneil@example.org", "sent")
    ]
    assert logged[0]["name"] == "Siân Evans"
    # The Message-ID is the one the server received.
    for record in logged:
        assert delivered[record["to"]].message["Message-ID"].strip("<>") == record["message_id"].strip("<>")
    only = json.loads(learn("email", "log", COHORT, "--participant", "ANN.ONEIL@example.org", "--json").stdout)
    assert [m["to"] for m in only] == ["ann.oneil@example.org"]
    text = learn("email", "log", COHORT)
    assert text.exit_code == 0 and "sian.evans@example.org" in text.stdout and "joining" in text.stdout


def test_the_waiting_list_gets_only_the_email_saying_so_and_the_joining_email_once_promoted(learn, full, monkeypatch, check_ics):
    assert add(learn, "kai.late@example.org", "2026-08-20").exit_code == 0
    with smtp_server() as server:
        for name, value in server.env(LEARN_FROM="Courses <courses@example.org>").items():
            monkeypatch.setenv(name, value)
        first = learn("--today", "2026-08-21", "email", "send", "joining", COHORT, "--include-unpaid")
        assert first.exit_code == 0, first.output
        by_person = {m.rcpt_tos[0]: m.message for m in server.handler.messages}
        waiting = by_person["kai.late@example.org"]
        assert "waiting list" in waiting["Subject"]
        text = waiting.get_body(("plain",)).get_content()
        assert "number 1 of 1" in text
        # No Zoom link, no calendar, no invoice talk for someone without a place.
        assert "zoom.us" not in waiting.as_string() and not [p for p in waiting.walk() if p.get_content_type() == "text/calendar"]
        assert "zoom.us" in by_person["last.place@example.org"].get_body(("plain",)).get_content()

        assert learn("participant", "withdraw", COHORT, "chidi.okafor@example.org").exit_code == 0
        assert learn("participant", "promote", COHORT).exit_code == 0
        server.handler.messages.clear()
        second = learn("--today", "2026-08-22", "email", "send", "joining", COHORT, "--include-unpaid")
        assert second.exit_code == 0, second.output
        assert [m.rcpt_tos for m in server.handler.messages] == [["kai.late@example.org"]]
        joining = server.handler.messages[0].message
        assert "Welcome" in joining["Subject"]
        calendars = [p for p in joining.walk() if p.get_content_type() == "text/calendar"]
        assert calendars
        for part in calendars:
            check_ics(part.get_payload(decode=True))
    kinds = [(m["kind"], m["to"]) for m in json.loads(learn("email", "log", COHORT, "--json").stdout) if m["to"] == "kai.late@example.org"]
    assert kinds == [("waiting-list", "kai.late@example.org"), ("joining", "kai.late@example.org")]
