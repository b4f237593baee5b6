"""`learn email render`: every .eml parsed back with the standard library's parser.

Each kind against the bundled autumn cohort (whose names include `O'Neil, Ann`, `Siân
Evans`, `José Martínez-Ibáñez`, `Zoë Hartmann`, `Dónal Ó Briain` and `Margaret "Peggy"
Lowe`), the calendar parts against the strict `ical` parser, and every refusal.
"""

from __future__ import annotations

import json
import re
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
import yaml

from tests.cli.test_email_send import AUTUMN
from tests.render.rfc5546 import check_attachment

NAMES = {
    "ann.oneil@example.org": "O'Neil, Ann",
    "sian.evans@example.org": "Siân Evans",
    "jose.martinez@example.org": "José Martínez-Ibáñez",
    "zoe.hartmann@example.org": "Zoë Hartmann",
    "chidi.okafor@example.org": "Chidi Okafor",
    "peggy.lowe@example.org": 'Margaret "Peggy" Lowe',
    "donal.obriain@example.org": "Dónal Ó Briain",
    "priya.raman@example.org": "Priya Raman",
    "fatima.alsayed@example.org": "Fatima Al-Sayed",
}
GREETINGS = {"ann.oneil@example.org": "Ann", "peggy.lowe@example.org": "Peggy", "donal.obriain@example.org": "Dónal", "zoe.hartmann@example.org": "Zoë"}


def read(path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())  # type: ignore[return-value]


def rendered(folder: Path) -> dict[str, EmailMessage]:
    """Every .eml in `folder`, by the address it is to."""
    out = {}
    for path in sorted(folder.glob("*.eml")):
        message = read(path)
        [to] = message["To"].addresses
        out[to.addr_spec] = message
    return out


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def invoiced(learn):
    """Autumn invoiced on 1 Aug (due 9 Sep); Ann and Zoë have paid, Siân has paid part."""
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    for number, amount in (("LWL-2026-0012", "575"), ("LWL-2026-0015", "575"), ("LWL-2026-0013", "200")):
        assert learn("payment", "record", number, "--amount", amount, "--date", "2026-09-01", "--method", "bank").exit_code == 0


# --- joining ---------------------------------------------------------------------------


def test_every_joining_email_parses_with_the_right_headers_parts_and_invitations(learn, data_dir, check_ics):
    result = learn("--today", "2026-09-16", "email", "render", "joining", "2026-autumn", "--include-unpaid")
    assert result.exit_code == 0, result.output
    folder = data_dir / "out" / "emails" / "2026-autumn" / "joining"
    messages = rendered(folder)
    assert sorted(messages) == sorted(AUTUMN)  # Tom Whitfield has withdrawn
    for email, message in messages.items():
        [to] = message["To"].addresses
        assert to.display_name == NAMES[email]  # non-ASCII, commas and quotes intact
        assert message["From"].addresses[0].addr_spec == "hello@example.org"
        assert message["From"].addresses[0].display_name == "Leading with Learning (ThemPra & Mapsar)"
        assert message["Reply-To"].addresses[0].addr_spec == "hello@example.org"
        assert str(message["Subject"]) == "Welcome to Leading with Learning — Autumn 2026: your dates, Zoom details and calendar"
        assert message["Date"].datetime.tzinfo is not None
        assert re.fullmatch(r"<joining\.2026-autumn\.[0-9a-f]{20}@example\.org>", str(message["Message-ID"]))
        assert message.get_content_type() == "multipart/mixed"
        alternative = next(message.iter_parts())
        assert alternative.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
        assert all(p.get_content_charset() == "utf-8" for p in alternative.iter_parts())
        text = text_of(message)
        assert f"Dear {GREETINGS.get(email, NAMES[email].split()[0])}," in text
        for line in ("  1  Wed 23 Sep 2026  09:30-12:30  What is learning?", "  6  Wed 2 Dec 2026   09:30-12:30  Making learning a habit"):
            assert line in text
        assert "https://us02web.zoom.us/j/87654321098?pwd=ExAmPlE2" in text and "876 5432 1098" in text and "LwL; autumn, 2026" in text
        for word in ("Capability", "Motivation", "Opportunity", "every session", "peer learning"):
            assert word in text
        assert "<td style=\"padding:4px 0; border-bottom:1px solid #eeeeee;\">Building purpose and motivation</td>" in html_of(message)

        calendars = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert [p.get_filename() for p in calendars] == [
            *(f"leading-with-learning-session-{n}.ics" for n in range(1, 7)),
            "leading-with-learning-all-sessions.ics",
        ]
        uids = []
        for part in calendars:
            assert part.get_content_disposition() == "attachment"
            strict, parsed = check_ics(part.get_payload(decode=True))
            assert check_attachment(part) == part.get_param("method") == parsed["METHOD"]
            uids.append([e.uid for e in strict.events])
            if parsed["METHOD"] == "REQUEST":
                [event] = strict.events  # one UID per invitation, as RFC 5546 asks
                [attendee] = event.attendees
                assert attendee.uri == f"mailto:{email}"
                assert attendee.common_name == NAMES[email]
        assert [p.get_param("method") for p in calendars] == ["REQUEST"] * 6 + ["PUBLISH"]
        # The file with all of them is published, without attendees, with the same UIDs.
        whole, _ = check_ics(calendars[-1].get_payload(decode=True))
        assert not any(event.attendees for event in whole.events)
        assert uids[6] == [u[0] for u in uids[:6]]
    assert "Tom Whitfield" in result.stderr


def test_message_ids_are_the_same_on_every_render_and_differ_between_people_and_kinds(learn, data_dir):
    def ids(*args: str) -> dict[str, str]:
        result = learn("--today", "2026-11-10", "email", "render", *args, "--json")
        assert result.exit_code == 0, result.output
        return {m["email"]: m["message_id"] for m in json.loads(result.stdout)["messages"]}

    first = ids("joining", "2026-autumn", "--include-unpaid")
    assert ids("joining", "2026-autumn", "--include-unpaid") == first
    assert len(set(first.values())) == 9
    reminder_5 = ids("reminder", "2026-autumn", "--session", "5", "--include-unpaid")
    reminder_6 = ids("reminder", "2026-autumn", "--session", "6", "--include-unpaid")
    assert not set(reminder_5.values()) & set(reminder_6.values()) and not set(reminder_5.values()) & set(first.values())
    # The files hold the same ids.
    files = rendered(data_dir / "out" / "emails" / "2026-autumn" / "joining")
    assert {email: str(m["Message-ID"]) for email, m in files.items()} == first


def test_the_payment_gate_holds_joining_emails_for_people_who_have_not_paid(learn, data_dir, invoiced):
    result = learn("--today", "2026-09-16", "email", "render", "joining", "2026-autumn")
    assert result.exit_code == 0, result.output
    folder = data_dir / "out" / "emails" / "2026-autumn" / "joining"
    assert sorted(rendered(folder)) == ["ann.oneil@example.org", "zoe.hartmann@example.org"]
    assert "HELD: Siân Evans <sian.evans@example.org>: unpaid: LWL-2026-0013 £375.00 of £575.00 outstanding, due Wed 9 Sep 2026, 7 days overdue" in result.stderr
    assert "--include-unpaid" in result.stderr
    assert "Your invoice" not in text_of(rendered(folder)["ann.oneil@example.org"])

    everyone = learn("--today", "2026-09-16", "email", "render", "joining", "2026-autumn", "--include-unpaid")
    assert everyone.exit_code == 0
    messages = rendered(folder)
    assert len(messages) == 9
    assert "Invoice LWL-2026-0013 for £375.00 is still open (due Wednesday 9 September 2026)" in text_of(messages["sian.evans@example.org"])
    assert "Invoice LWL-2026-0013 for £375.00 is still open" in html_of(messages["sian.evans@example.org"])
    assert "still open" not in text_of(messages["zoe.hartmann@example.org"])


def test_joining_before_invoicing_says_the_invoice_will_follow(learn, data_dir):
    assert learn("--today", "2026-09-16", "email", "render", "joining", "2026-autumn", "--include-unpaid").exit_code == 0
    message = rendered(data_dir / "out" / "emails" / "2026-autumn" / "joining")["chidi.okafor@example.org"]
    assert "Your invoice will follow separately." in text_of(message)


def test_a_cancelled_session_is_marked_in_the_table_and_gets_no_invitation(learn, data_dir, check_ics):
    assert learn("cohort", "cancel-session", "2026-autumn", "3").exit_code == 0
    assert learn("--today", "2026-09-16", "email", "render", "joining", "2026-autumn", "--include-unpaid", "--participant", "sian.evans@example.org").exit_code == 0
    message = rendered(data_dir / "out" / "emails" / "2026-autumn" / "joining")["sian.evans@example.org"]
    assert "  3  Wed 21 Oct 2026  09:30-12:30  cancelled" in text_of(message)
    calendars = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert [p.get_filename() for p in calendars][:-1] == [f"leading-with-learning-session-{n}.ics" for n in (1, 2, 4, 5, 6)]
    for part in calendars:
        check_ics(part.get_payload(decode=True))
        check_attachment(part)
    strict, _ = check_ics(calendars[-1].get_payload(decode=True))
    assert len(strict.events) == 5


def test_no_zoom_link_yet_refuses_the_joining_and_reminder_emails(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"zoom:\n(  .*\n)+", "", text), encoding="utf-8")
    for args in (("joining", "2026-autumn", "--include-unpaid"), ("reminder", "2026-autumn", "--session", "5")):
        result = learn("--today", "2026-11-10", "email", "render", *args)
        assert result.exit_code == 1
        assert "has no Zoom link yet" in result.stderr and "zoom: url:" in result.stderr
    assert not (data_dir / "out" / "emails").exists()


def test_a_display_name_overrides_how_the_email_speaks_to_someone(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  - name: O'Neil, Ann\n") == 1
    path.write_text(text.replace("  - name: O'Neil, Ann\n", "  - name: O'Neil, Ann\n    display_name: Annie O'Neil-Byrne  # what she goes by\n"), encoding="utf-8")
    assert learn("validate").exit_code == 0
    args = ("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid", "--participant", "ann.oneil@example.org")
    assert learn(*args).exit_code == 0
    message = rendered(data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-5")["ann.oneil@example.org"]
    assert "Dear Annie," in text_of(message) and "Dear Annie," in html_of(message)
    assert message["To"].addresses[0].display_name == "O'Neil, Ann"  # headers keep the name as written


# --- late joiners ---------------------------------------------------------------------


def _days_named(day: date) -> tuple[str, str]:
    """The two ways an email writes a date: `Wed 4 Nov 2026`, `Wednesday 4 November 2026`."""
    return f"{day:%a} {day.day} {day:%b %Y}", f"{day:%A} {day.day} {day:%B %Y}"


def test_a_late_joiner_is_welcomed_to_the_next_session_and_invited_to_what_is_left(learn, data_dir, tmp_path, check_ics):
    today = date(2026, 11, 10)
    dates = [s["date"] for s in yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())["sessions"]]
    past, left = [d for d in dates if d < today], [d for d in dates if d >= today]
    assert (len(past), len(left)) == (4, 2)  # sessions 1-4 are over; 5 and 6 to come
    added = learn("--today", str(today), "participant", "add", "2026-autumn", "--name", "Nakamura, Kenji", "--email", "kenji.nakamura@example.org")
    assert added.exit_code == 0, added.output
    out = tmp_path / "mail"
    result = learn(
        "--today", str(today), "email", "render", "joining", "2026-autumn",
        "--participant", "kenji.nakamura@example.org", "--include-unpaid", "-o", str(out),
    )
    assert result.exit_code == 0, result.output
    message = read(out / "kenji.nakamura@example.org.eml")
    text, html = text_of(message), html_of(message)
    short, long = _days_named(left[0])
    assert "Dear Kenji," in text and "Dear Kenji," in html
    for body in (text, html):
        assert f"looking forward to meeting you at session 5" in body and f"on {long}" in body
        assert "4 of its 6 sessions have taken place" in body
        assert "Nakamura, Kenji" not in body  # addressed as a sentence names him
        for day in past:  # no past session is spoken of, least of all as still to come
            for written in _days_named(day):
                assert written not in body
    assert f"  5  {short:<16} 09:30-12:30  Connecting learning cycles" in text
    assert f"  6  {_days_named(left[1])[0]:<16} 09:30-12:30  Making learning a habit" in text
    assert not any(line.startswith(f"  {n}  ") for n in range(1, 5) for line in text.splitlines())

    calendars = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    names = [p.get_filename() for p in calendars]
    assert names == ["leading-with-learning-session-5.ics", "leading-with-learning-session-6.ics", "leading-with-learning-all-sessions.ics"]
    invited = []
    for part in calendars:
        strict, _ = check_ics(part.get_payload(decode=True))
        invited.append(sorted(e.dtstart.date() for e in strict.events))
    assert invited == [[left[0]], [left[1]], left]


def test_a_joining_email_before_the_start_is_unchanged_by_the_late_rule(learn, data_dir):
    assert learn("--today", "2026-09-23", "email", "render", "joining", "2026-autumn", "--include-unpaid", "--participant", "zoe.hartmann@example.org").exit_code == 0
    text = text_of(rendered(data_dir / "out" / "emails" / "2026-autumn" / "joining")["zoe.hartmann@example.org"])
    # On the day of session 1 it is still to come.
    assert "We are looking forward to meeting you on Wednesday 23 September 2026." in text
    assert "taken place" not in text and "  1  Wed 23 Sep 2026" in text


def test_no_joining_email_once_every_session_has_taken_place(learn, data_dir):
    result = learn("--today", "2026-12-03", "email", "render", "joining", "2026-autumn", "--include-unpaid")
    assert result.exit_code == 1
    assert "every session of 2026-autumn has taken place" in result.stderr
    assert not (data_dir / "out" / "emails").exists()


# --- the payment gate on every email with the Zoom details ---------------------------------


def test_reminders_are_held_for_people_who_have_not_paid(learn, data_dir, invoiced):
    # Kenji registers after the invoice run: not invoiced yet.
    assert learn("--today", "2026-10-01", "participant", "add", "2026-autumn", "--name", "Kenji Nakamura", "--email", "kenji.nakamura@example.org").exit_code == 0
    folder = data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-5"
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5")
    assert result.exit_code == 0, result.output
    assert sorted(rendered(folder)) == ["ann.oneil@example.org", "zoe.hartmann@example.org"]
    assert "HELD: Siân Evans <sian.evans@example.org>: unpaid: LWL-2026-0013 £375.00 of £575.00 outstanding, due Wed 9 Sep 2026, 62 days overdue" in result.stderr
    assert "HELD: Kenji Nakamura <kenji.nakamura@example.org>: not invoiced yet" in result.stderr
    assert "--include-unpaid" in result.stderr
    assert "still open" not in text_of(rendered(folder)["ann.oneil@example.org"])

    everyone = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid")
    assert everyone.exit_code == 0, everyone.output
    messages = rendered(folder)
    assert len(messages) == 10 and "HELD" not in everyone.stderr
    sian = messages["sian.evans@example.org"]
    assert "Invoice LWL-2026-0013 for £375.00 is still open (due Wednesday 9 September 2026)" in text_of(sian)
    assert "Invoice LWL-2026-0013 for £375.00 is still open" in html_of(sian)
    assert "Your invoice will follow separately." in text_of(messages["kenji.nakamura@example.org"])


def test_follow_ups_with_the_zoom_details_are_held_for_people_who_have_not_paid(learn, data_dir, invoiced):
    args = ("--today", "2026-11-19", "email", "render", "follow-up", "2026-autumn", "--session", "5", "--json")
    held = json.loads(learn(*args).stdout)
    # Ann (paid) was excused and Chidi absent: skipped for that, not held. Zoë paid.
    assert [m["email"] for m in held["messages"]] == ["zoe.hartmann@example.org"]
    assert {h["email"] for h in held["held"]} == set(AUTUMN) - {"ann.oneil@example.org", "zoe.hartmann@example.org", "chidi.okafor@example.org", "fatima.alsayed@example.org"}
    assert next(h for h in held["held"] if h["email"] == "sian.evans@example.org")["reason"].startswith("held, unpaid: LWL-2026-0013 £375.00")
    result = learn(*args[:-1])
    assert 'HELD: Margaret "Peggy" Lowe <peggy.lowe@example.org>: unpaid: LWL-2026-0017' in result.stderr
    everyone = json.loads(learn(*args, "--include-unpaid").stdout)
    assert len(everyone["messages"]) == 6 and everyone["held"] == []


def test_emails_without_the_zoom_details_pass_the_gate_and_never_show_them(learn, data_dir, invoiced):
    # After the last session a follow-up has no meeting to point to: no Zoom, no gate.
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text() + "  - email: sian.evans@example.org\n    session: 6\n    text: Keep a learning journal for a month\n", encoding="utf-8")
    result = learn("--today", "2026-12-03", "email", "render", "follow-up", "2026-autumn", "--session", "6")
    assert result.exit_code == 0, result.output
    [message] = rendered(data_dir / "out" / "emails" / "2026-autumn" / "follow-up-session-6").values()
    # A payment reminder goes to exactly the people the gate holds: never with the Zoom link.
    assert learn("--today", "2026-11-10", "email", "render", "payment-reminder", "2026-autumn").exit_code == 0
    reminders = rendered(data_dir / "out" / "emails" / "2026-autumn" / "payment-reminder")
    for each in (message, *reminders.values()):
        assert "zoom.us" not in text_of(each) and "zoom.us" not in html_of(each) and "876 5432 1098" not in text_of(each)
    # Written after the start, it speaks of the first session in the past.
    assert "before the first session, which was on Wednesday 23 September 2026." in text_of(reminders["sian.evans@example.org"])


# --- reminders -------------------------------------------------------------------------


def test_reminder_shows_the_session_and_the_action_from_the_session_before(learn, data_dir):
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid")
    assert result.exit_code == 0, result.output
    messages = rendered(data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-5")
    assert len(messages) == 9
    ann = messages["ann.oneil@example.org"]
    assert str(ann["Subject"]) == "Reminder: Leading with Learning session 5, Connecting learning cycles, Wed 18 Nov 2026"
    assert "Wednesday 18 November 2026, 09:30-12:30 UK time" in text_of(ann)
    assert '"Write down the purpose of our team meetings, and check it with the team"' in text_of(ann)
    # Donal made no commitment after session 4: no half-filled sentence, the general line instead.
    donal = text_of(messages["donal.obriain@example.org"])
    assert "you chose this action" not in donal and "what you tried out since session 4" in donal
    assert re.fullmatch(r"<reminder-s5\.2026-autumn\.[0-9a-f]{20}@example\.org>", str(ann["Message-ID"]))


def test_reminder_for_session_one_has_no_previous_action(learn, data_dir):
    result = learn("--today", "2026-09-20", "email", "render", "reminder", "2026-autumn", "--session", "1", "--include-unpaid", "--participant", "ann.oneil@example.org")
    assert result.exit_code == 0, result.output
    text = text_of(rendered(data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-1")["ann.oneil@example.org"])
    assert "action" not in text and "since session" not in text


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("reminder", "2026-autumn"), 2, "add --session N"),
        (("joining", "2026-autumn", "--session", "1"), 2, "--session is for reminder and follow-up"),
        (("reminder", "2026-autumn", "--session", "9"), 1, "sessions 1 to 6"),
        (("reminder", "2026-autumn", "--session", "2"), 1, "a reminder for it is too late"),
        (("follow-up", "2026-autumn", "--session", "6"), 1, "a follow-up comes after it"),
        (("remind", "2026-autumn", "--session", "6"), 2, "did you mean reminder"),
        (("joining", "2026-autumn", "--participant", "tom.whitfield@example.org"), 1, "has withdrawn"),
        (("joining", "2026-autumn", "--participant", "nobody@example.org"), 1, "is not a participant"),
        (("joining", "no-such-cohort"), 1, "no cohort 'no-such-cohort'"),
    ],
)
def test_refusals_are_clear_and_write_nothing(learn, data_dir, args, code, says):
    result = learn("--today", "2026-11-10", "email", "render", *args)
    assert result.exit_code == code, result.output
    assert says in result.output
    assert not (data_dir / "out" / "emails").exists()


def test_a_cancelled_session_gets_no_reminder(learn, data_dir):
    assert learn("cohort", "cancel-session", "2026-autumn", "6").exit_code == 0
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "6", "--include-unpaid")
    assert result.exit_code == 1 and "is cancelled" in result.stderr


# --- payment reminders -----------------------------------------------------------------


def test_payment_reminders_go_only_to_people_who_owe_and_copy_the_billing_contact(learn, data_dir, invoiced):
    result = learn("--today", "2026-09-16", "email", "render", "payment-reminder", "2026-autumn")
    assert result.exit_code == 0, result.output
    messages = rendered(data_dir / "out" / "emails" / "2026-autumn" / "payment-reminder")
    assert sorted(messages) == sorted(set(AUTUMN) - {"ann.oneil@example.org", "zoe.hartmann@example.org"})
    assert "skipped: O'Neil, Ann <ann.oneil@example.org>: nothing unpaid" in result.stderr
    sian = messages["sian.evans@example.org"]
    assert str(sian["Subject"]) == "Overdue: invoice LWL-2026-0013 for Leading with Learning — Autumn 2026"
    text = text_of(sian)
    assert "Still to pay: £375.00 (of £575.00; £200.00 received, thank you)" in text
    assert "Payment due:  Wednesday 9 September 2026, 7 days overdue" in text
    assert "Sort code:      00-00-00" in text and "Reference:      LWL-2026-0013" in text
    assert "https://pay.example.org/leading-with-learning" in text
    assert sian["Cc"] is None
    donal = messages["donal.obriain@example.org"]
    [copy] = donal["Cc"].addresses
    assert (copy.display_name, copy.addr_spec) == ("Northshire County Council, Accounts Payable", "accounts.payable@example.org")
    assert "PO NCC-PO-77813" in text_of(donal)


def test_a_payment_reminder_before_the_due_date_is_a_reminder_not_overdue(learn, data_dir, invoiced):
    assert learn("--today", "2026-09-01", "email", "render", "payment-reminder", "2026-autumn", "--participant", "chidi.okafor@example.org").exit_code == 0
    message = rendered(data_dir / "out" / "emails" / "2026-autumn" / "payment-reminder")["chidi.okafor@example.org"]
    assert str(message["Subject"]).startswith("Reminder: invoice LWL-2026-0016")
    assert "overdue" not in text_of(message)


def test_naming_someone_with_nothing_to_pay_is_refused_with_the_reason(learn, data_dir, invoiced):
    result = learn("--today", "2026-09-16", "email", "render", "payment-reminder", "2026-autumn", "--participant", "ann.oneil@example.org")
    assert result.exit_code == 1
    assert "nothing unpaid" in result.stderr


def test_payment_reminders_before_any_invoice_say_so(learn, data_dir):
    result = learn("email", "render", "payment-reminder", "2026-autumn")
    assert result.exit_code == 0
    assert "no payment reminder email(s) for 2026-autumn to write" in result.stdout
    assert "not invoiced yet" in result.stderr


# --- follow-ups ------------------------------------------------------------------------


def test_follow_up_thanks_shows_the_commitment_and_the_next_session(learn, data_dir):
    result = learn("--today", "2026-11-19", "email", "render", "follow-up", "2026-autumn", "--session", "5", "--include-unpaid")
    assert result.exit_code == 0, result.output
    messages = rendered(data_dir / "out" / "emails" / "2026-autumn" / "follow-up-session-5")
    # Ann was excused, Chidi absent, Fatima made no commitment: each skipped with the reason.
    assert sorted(messages) == sorted(set(AUTUMN) - {"ann.oneil@example.org", "chidi.okafor@example.org", "fatima.alsayed@example.org"})
    assert "skipped: O'Neil, Ann <ann.oneil@example.org>: excused at session 5" in result.stderr
    assert "skipped: Chidi Okafor <chidi.okafor@example.org>: absent at session 5" in result.stderr
    assert "learn commit add 2026-autumn fatima.alsayed@example.org --session 5 TEXT" in result.stderr
    text = text_of(messages["peggy.lowe@example.org"])
    assert "Dear Peggy," in text
    assert '"Use the induction refresh to build in a learning conversation at week six"' in text
    assert "This action is about opportunity" in text
    assert 'At session 6, "Making learning a habit", on Wednesday 2 December 2026, 09:30-12:30 UK time' in text


def test_follow_up_after_the_last_session_closes_the_course(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text() + "  - email: zoe.hartmann@example.org\n    session: 6\n    text: Keep a learning journal for a month\n", encoding="utf-8")
    result = learn("--today", "2026-12-03", "email", "render", "follow-up", "2026-autumn", "--session", "6")
    assert result.exit_code == 0, result.output
    [message] = rendered(data_dir / "out" / "emails" / "2026-autumn" / "follow-up-session-6").values()
    assert "That was the last session of the course" in text_of(message)
    assert str(message["Subject"]) == "Thank you for session 6 of Leading with Learning: your action"


def test_follow_up_with_no_commitments_recorded_is_refused(learn, data_dir):
    result = learn("--today", "2026-12-03", "email", "render", "follow-up", "2026-autumn", "--session", "6")
    assert result.exit_code == 1
    assert "no commitments are recorded after session 6" in result.stderr and "learn commit add" in result.stderr


# --- templates, output, options --------------------------------------------------------


def test_a_data_folder_template_overrides_subject_and_text(learn, data_dir):
    (data_dir / "templates").mkdir()
    (data_dir / "templates" / "email-reminder.txt").write_text(
        "{# ours #}\nSubject: Session {{ session.number }} is nearly here, {{ participant.first_name }}\n\nSee you soon.\n", encoding="utf-8"
    )
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid", "--participant", "zoe.hartmann@example.org")
    assert result.exit_code == 0, result.output
    message = rendered(data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-5")["zoe.hartmann@example.org"]
    assert str(message["Subject"]) == "Session 5 is nearly here, Zoë"
    assert text_of(message) == "See you soon.\n"
    assert "Connecting learning cycles" in html_of(message)  # the shipped HTML still renders


def test_a_template_without_a_subject_line_is_an_error_with_its_position(learn, data_dir):
    (data_dir / "templates").mkdir()
    (data_dir / "templates" / "email-reminder.txt").write_text("Hello {{ participant.first_name }}\n", encoding="utf-8")
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid")
    assert result.exit_code == 1
    assert "templates/email-reminder.txt:1:1: T001" in result.stderr and "Subject:" in result.stderr


def test_a_template_that_reaches_for_python_internals_is_stopped(learn, data_dir):
    (data_dir / "templates").mkdir()
    (data_dir / "templates" / "email-reminder.html").write_text("{{ participant.__class__.__mro__ }}", encoding="utf-8")
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid")
    assert result.exit_code == 1
    assert "T001" in result.stderr


def test_html_escapes_names(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace("name: Priya Raman", "name: \"Priya <script>alert(1)</script> Raman\""), encoding="utf-8")
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid", "--participant", "priya.raman@example.org")
    assert result.exit_code == 0, result.output
    message = rendered(data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-5")["priya.raman@example.org"]
    assert message["To"].addresses[0].display_name == "Priya <script>alert(1)</script> Raman"
    assert "<script>" not in html_of(message)


def test_output_folder_and_dry_run(learn, data_dir, tmp_path):
    dry = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid", "-o", str(tmp_path / "mail"), "--dry-run")
    assert dry.exit_code == 0
    assert "would write 9 reminder email(s)" in dry.stdout and "dry run: nothing was written" in dry.stdout
    assert not (tmp_path / "mail").exists()
    real = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid", "-o", str(tmp_path / "mail"))
    assert real.exit_code == 0
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 9


@pytest.mark.parametrize("target", ["cohorts", "cohorts/x", "invoices", "email-log", "."])
def test_output_among_the_data_files_is_refused(learn, data_dir, target):
    result = learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid", "-o", str(data_dir / target))
    assert result.exit_code == 1
    assert "data" in result.stderr
    assert sorted(p.name for p in (data_dir / "cohorts").iterdir()) == ["2026-autumn.yaml", "2026-spring.yaml"]


def test_learn_from_sets_the_sender(learn, data_dir, monkeypatch):
    monkeypatch.setenv("LEARN_FROM", "Gabriel Eichsteller <gabriel@example.org>")
    assert learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5", "--include-unpaid").exit_code == 0
    message = rendered(data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-5")["ann.oneil@example.org"]
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Gabriel Eichsteller", "gabriel@example.org")
    assert message["Reply-To"].addresses[0].addr_spec == "hello@example.org"
    assert str(message["Message-ID"]).endswith("@example.org>")


def test_json_shape(learn, data_dir):
    result = learn("--today", "2026-11-19", "email", "render", "follow-up", "2026-autumn", "--session", "5", "--include-unpaid", "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert set(shown) == {"kind", "cohort", "session", "dry_run", "directory", "messages", "held", "skipped", "withdrawn", "failed"}
    assert shown["kind"] == "follow-up" and shown["session"] == 5 and shown["withdrawn"] == ["Tom Whitfield"]
    assert {m["email"] for m in shown["messages"]} == set(AUTUMN) - {"ann.oneil@example.org", "chidi.okafor@example.org", "fatima.alsayed@example.org"}
    assert set(shown["messages"][0]) == {"email", "name", "file", "message_id", "subject"}
    assert [s["email"] for s in shown["skipped"]] == ["ann.oneil@example.org", "chidi.okafor@example.org", "fatima.alsayed@example.org"]


def test_joining_render_updates_the_calendar_state_like_an_export(learn, data_dir):
    assert learn("--today", "2026-09-16", "email", "render", "joining", "2026-autumn", "--include-unpaid").exit_code == 0
    state_file = data_dir / "calendar-state" / "2026-autumn.yaml"
    state = yaml.safe_load(state_file.read_text())
    assert sorted(state["sessions"]) == [1, 2, 3, 4, 5, 6]
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert yaml.safe_load(state_file.read_text()) == state


# --- golden files ----------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "emails"
DATE_LINE = re.compile(rb"^Date: .*\r$", re.MULTILINE)


def _normalise(data: bytes) -> bytes:
    return DATE_LINE.sub(b"Date: Wed, 16 Sep 2026 10:00:00 +0100\r", data)


def test_golden_reminder(learn, data_dir):
    """Byte for byte, but for the Date: boundaries come from the Message-ID, not chance."""
    # Ann has paid, so the payment gate lets her reminder through as it is.
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    assert learn("payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-09-01", "--method", "bank").exit_code == 0
    assert learn("--today", "2026-11-10", "email", "render", "reminder", "2026-autumn", "--session", "5").exit_code == 0
    data = (data_dir / "out" / "emails" / "2026-autumn" / "reminder-session-5" / "ann.oneil@example.org.eml").read_bytes()
    assert _normalise(data) == (GOLDEN / "2026-autumn-reminder-s5-ann.oneil@example.org.eml").read_bytes()


def test_golden_payment_reminder(learn, data_dir):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    assert learn("--today", "2026-09-16", "email", "render", "payment-reminder", "2026-autumn").exit_code == 0
    data = (data_dir / "out" / "emails" / "2026-autumn" / "payment-reminder" / "donal.obriain@example.org.eml").read_bytes()
    assert _normalise(data) == (GOLDEN / "2026-autumn-payment-reminder-donal.obriain@example.org.eml").read_bytes()


def test_golden_joining_text_and_html(learn, data_dir):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    assert learn("--today", "2026-09-16", "email", "render", "joining", "2026-autumn", "--include-unpaid").exit_code == 0
    message = read(data_dir / "out" / "emails" / "2026-autumn" / "joining" / "jose.martinez@example.org.eml")
    assert message.get_body(("plain",)).get_payload(decode=True) == (GOLDEN / "2026-autumn-joining-jose.martinez@example.org.txt").read_bytes()
    assert message.get_body(("html",)).get_payload(decode=True) == (GOLDEN / "2026-autumn-joining-jose.martinez@example.org.html").read_bytes()
