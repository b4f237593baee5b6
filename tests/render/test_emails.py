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


#: Body text as templates may give it: any characters but the surrogates, long lines,
#: lines that start with a dot or "From ", trailing spaces, "=" and "=_" (a boundary's start).
body_text = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e"), max_size=200),
        st.sampled_from([".", "From here", "a line with a trailing space ", "=_1a2b.0", "x" * 300, "caf\u00e9 \u2014 \U0001f600"]),
    ),
    min_size=1,
    max_size=12,
).map(lambda lines: "\n".join(lines) + "\n")

file_names = st.one_of(
    st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,50}\.ics\Z"),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=90).map(lambda s: s.strip() + ".ics"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=body_text, html=body_text, files=st.lists(st.tuples(file_names, st.binary(max_size=3000), st.sampled_from(["REQUEST", "PUBLISH", "CANCEL"])), max_size=4))
def test_the_body_and_every_attachment_read_back_exactly(text, html, files):
    """The MIME tree is built by hand (for speed); Python's parser, as a mail app would,
    must find the text, the HTML and each file exactly as given, named as given."""
    from learncli.render.emails import calendar_attachment

    person = Participant.model_construct(name="Ann", email="ann.oneil@example.org", status="registered")
    draft = Draft("joining", "2026-autumn", None, person, {})
    item = outgoing(
        draft,
        Rendered("Welcome", text, html),
        mailbox("Leading with Learning", "hello@example.org", "sender"),
        mailbox(None, "hello@example.org", "reply-to"),
        "example.org",
        [calendar_attachment(name, data, method) for name, data, method in files],
    )
    data = compose(item, when=WHEN)
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))  # RFC 5322's limit
    assert b"\n" not in data.replace(b"\r\n", b"")
    message = parse(data)
    assert message.get_content_type() == ("multipart/mixed" if files else "multipart/alternative")
    # lines end in CRLF on the wire, as SMTP wants
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == html
    found = list(message.iter_attachments())
    assert [(a.get_filename(), a.get_content_type(), a.get_param("method"), a.get_payload(decode=True)) for a in found] == [
        (name, "text/calendar", method, content) for name, content, method in files]
    assert all(part.defects == [] for part in message.walk())
