"""Building messages: any safe name or subject reads back exactly; anything else is refused.

The message is parsed back with the standard library (policy.default), which is how the
tests see what a mail app would see.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email import policy
from email.header import decode_header, make_header
from email.utils import formataddr
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.domain.emails import Draft
from learncli.models.cohort import Participant
from learncli.render.emails import (
    HeaderRefused,
    Rendered,
    compose,
    header_text,
    mailbox,
    message_id,
    outgoing,
    parse_mailbox,
)

WHEN = datetime(2026, 9, 16, 10, 0, tzinfo=timezone.utc)
HEADERS = ["from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type"]
UNSAFE = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]

#: Text a person may put in a name or a subject: any printable character, no line breaks.
safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    min_size=1,
    max_size=120,
).map(str.strip).filter(bool)


def build(name: str = "O'Neil, Ann", email: str = "ann.oneil@example.org", subject: str = "Hello", cc=()) -> bytes:
    person = Participant.model_construct(name=name, email=email, status="registered")
    draft = Draft("reminder", "2026-autumn", 5, person, {}, cc=tuple(cc))
    item = outgoing(
        draft,
        Rendered(subject, "Text\n", "<p>HTML</p>\n"),
        mailbox("Leading with Learning", "hello@example.org", "sender"),
        mailbox(None, "hello@example.org", "reply-to"),
        "example.org",
        [],
    )
    return compose(item, when=WHEN)


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=safe_text, subject=safe_text)
def test_any_safe_name_and_subject_read_back_exactly(name, subject):
    message = parse(build(name=name, subject=subject))
    assert sorted(k.lower() for k in message.keys()) == sorted(HEADERS)
    [to] = message["To"].addresses
    assert to.addr_spec == "ann.oneil@example.org"
    # Decoded as RFC 2047 says (Python's own address parser adds a space between two
    # encoded words of a name, so the name is read with email.header instead).
    raw = " ".join(dict(message.raw_items())["To"].split())
    assert str(make_header(decode_header(raw))).endswith(" <ann.oneil@example.org>")
    shown = str(make_header(decode_header(raw))).removesuffix(" <ann.oneil@example.org>")
    expected = " ".join(name.split())
    assert shown == expected or shown == formataddr((expected, "x@y")).removesuffix(" <x@y>")
    assert str(message["Subject"]).strip() == subject
    assert message.get_body(("plain",)).get_content().strip() == "Text"


@pytest.mark.parametrize("bad", UNSAFE)
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_line_break_or_control_character_anywhere_is_refused(bad, where):
    value = {"start": bad + "Ann", "middle": "Ann" + bad + "Bcc: x@evil.example", "end": "Ann" + bad}[where]
    with pytest.raises(HeaderRefused):
        build(name=value)
    with pytest.raises(HeaderRefused):
        build(subject=value)
    with pytest.raises(HeaderRefused):
        build(email="ann" + bad + "@example.org")


@pytest.mark.parametrize(
    "email",
    ["ann@example.org, x@evil.example", "Ann <ann@example.org>", "ann@example.org x@evil.example", "not-an-address", "ann@@example.org", " ann@example.org"],
)
def test_an_address_must_be_exactly_one_address(email):
    with pytest.raises(HeaderRefused):
        build(email=email)


def test_a_billing_contact_copied_in_is_checked_as_well():
    message = parse(build(cc=[("Accounts Payable, Northshire", "accounts.payable@example.org")]))
    [copy] = message["Cc"].addresses
    assert (copy.display_name, copy.addr_spec) == ("Accounts Payable, Northshire", "accounts.payable@example.org")
    with pytest.raises(HeaderRefused):
        build(cc=[("Accounts\r\nBcc: x@evil.example", "accounts.payable@example.org")])


def test_header_text_names_what_was_wrong():
    with pytest.raises(HeaderRefused, match="a line break"):
        header_text("Ann\n", "the participant's name")
    with pytest.raises(HeaderRefused, match="a control character"):
        header_text("Ann\x07", "the participant's name")
    assert header_text("  José Martínez-Ibáñez ", "name") == "José Martínez-Ibáñez"
    assert header_text("Ann\tO'Neil", "name") == "Ann O'Neil"


def test_an_international_domain_is_written_in_ascii():
    box = mailbox("Zoë", "zoe@bücher.example", "the participant")
    assert box.email == "zoe@xn--bcher-kva.example" and not box.international
    assert mailbox("Zoë", "zoë@example.org", "the participant").international


def test_parse_mailbox_reads_learn_from():
    box = parse_mailbox("Leading with Learning <courses@example.org>", "LEARN_FROM")
    assert (box.name, box.email) == ("Leading with Learning", "courses@example.org")
    assert parse_mailbox("courses@example.org", "LEARN_FROM").name == ""
    for bad in ("Courses", "Courses <>", "a@example.org\nBcc: x@evil.example"):
        with pytest.raises(HeaderRefused):
            parse_mailbox(bad, "LEARN_FROM")


def test_message_id_is_stable_and_depends_on_every_part_of_its_key():
    base = message_id("reminder", "2026-autumn", 5, "ann.oneil@example.org", "example.org")
    assert base == message_id("reminder", "2026-autumn", 5, "Ann.ONeil@example.org", "example.org")
    others = {
        message_id("reminder", "2026-autumn", 6, "ann.oneil@example.org", "example.org"),
        message_id("follow-up", "2026-autumn", 5, "ann.oneil@example.org", "example.org"),
        message_id("reminder", "2026-spring", 5, "ann.oneil@example.org", "example.org"),
        message_id("reminder", "2026-autumn", 5, "sian.evans@example.org", "example.org"),
    }
    assert base not in others and len(others) == 4
    assert message_id("reminder", "2026-autumn", 5, "ann.oneil@example.org", "example.org", sends_before=1) == base.replace("@", ".2@")
    header = parse(build())["Message-ID"]
    assert str(header) == base
