"""Emails as RFC 5322 messages: the templates rendered, the MIME parts put together,
every header value checked.

Each kind is a pair of templates, `email-<kind>.txt` and `email-<kind>.html`, which a
data folder's `templates/` may override by name. The first line of the text template
is the subject (`Subject: ...`), so one file holds everything a plain-text reader sees.

The message is a `multipart/alternative` of the plain text and the HTML (mail apps
show the HTML, or the text when they cannot). A joining email puts that inside a
`multipart/mixed`, followed by the participant's calendar files as `text/calendar`,
each with its METHOD as the MIME `method` (see `invitation_attachments`). Everything is
UTF-8; text parts are quoted-printable, attachments base64.

Header safety. People's names and the subject come from files that people edit and
from templates they may write. Python's email package refuses most line breaks in a
header value, but not all of them in every version (3.11 lets a subject ending in a
line break through, unchanged, into the message), so every name, address and subject
is checked here first: any line break or other control character refuses that one
message (`HeaderRefused`). Addresses are checked again as email addresses (the
email-validator checks the models use), names are quoted by `email.utils.formataddr`
or encoded by `email.header.Header`; and the finished message is parsed back, its
header names, addresses and subject compared with what was meant, before it is
written or sent.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import Header, decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email import quoprimime
from email.utils import encode_rfc2231, formataddr, parseaddr
from typing import TYPE_CHECKING, Any

from learncli.diagnostics import Diagnostic
from learncli.errors import DataError, Refused

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from learncli.domain.calendar import CohortEvents
    from learncli.domain.emails import Draft
    from learncli.models.cohort import Participant
    from learncli.render.templating import Templates

SUBJECT = "Subject:"
#: Line breaks of every kind (CR, LF, VT, FF, NEL, LS, PS), C0 and C1 controls, DEL.
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: The headers every message has, and may only have (plus Cc when someone is copied).
HEADERS = frozenset({"from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type"})


class HeaderRefused(Refused):
    """A name, address or subject that cannot go into a header as it is."""


def header_text(value: str, what: str) -> str:
    """`value` if it is safe in a header: one line, no control characters (a tab, which
    a name pasted from a spreadsheet may hold, becomes a space)."""
    value = value.replace("\t", " ")
    found = _UNSAFE_IN_HEADER.search(value)
    if found:
        char = found.group()
        kind = "a line break" if char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029" else "a control character"
        raise HeaderRefused(f"{what} {value!r} contains {kind} ({char!r}); it cannot go into an email header")
    return value.strip()


# --- addresses ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mailbox:
    """A name and an email address, both checked."""

    name: str
    local: str
    domain: str

    @property
    def email(self) -> str:
        return f"{self.local}@{self.domain}"

    @property
    def international(self) -> bool:
        """A non-ASCII local part needs SMTPUTF8 from the server."""
        return not self.local.isascii()

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


def mailbox(name: str | None, email: str, what: str) -> Mailbox:
    """A checked mailbox, or `HeaderRefused` naming `what` (e.g. "participant's name")."""
    from learncli.models.types import _checked_email

    # Runs of spaces collapse: an unquoted phrase reads back with single spaces anyway.
    display = " ".join(header_text(name, f"{what}'s name").split()) if name else ""
    raw = email if isinstance(email, str) else ""
    if _UNSAFE_IN_HEADER.search(raw) or raw != raw.strip() or " " in raw:
        raise HeaderRefused(f"{what}'s email address {email!r} contains a space, a line break or a control character")
    normalized, reason = _checked_email(raw)
    if normalized is None:
        raise HeaderRefused(f"{what}'s email address {email!r} is not valid: {reason}")
    local, _, domain = normalized.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise HeaderRefused(f"{what}'s email address {email!r} has a domain that cannot be written in ASCII") from None
    return Mailbox(display, local, domain)


def parse_mailbox(text: str, what: str) -> Mailbox:
    """`Name <address>` or a bare address (as in LEARN_FROM), checked."""
    header_text(text, what)
    try:
        name, address = parseaddr(text.strip(), strict=True)
    except TypeError:  # a Python from before `strict` (gh-102988)
        name, address = parseaddr(text.strip())
    if not address or "@" not in address:
        raise HeaderRefused(f"{what} {text!r} is not an email address such as 'Leading with Learning <hello@example.org>'")
    return mailbox(name or None, address, what)


# --- rendering ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render_email(templates: Templates, kind: str, context: dict[str, Any]) -> Rendered:
    """The subject (first line of `email-<kind>.txt`), the text and the HTML."""
    name = f"email-{kind}.txt"
    raw = templates.render(name, **context)
    lines = raw.lstrip("\n").split("\n", 1)
    first, rest = lines[0], (lines[1] if len(lines) > 1 else "")
    if not first.startswith(SUBJECT):
        path = templates.source_of(name)
        raise DataError(
            f"cannot render {path.name}",
            diagnostics=[
                Diagnostic.make("T001", f"the first line of {name} must be the subject, 'Subject: ...'; it is {first[:60]!r}", path, 1, 1)
            ],
        )
    subject = header_text(first[len(SUBJECT):], "the subject")
    if not subject:
        path = templates.source_of(name)
        raise DataError(f"cannot render {path.name}", diagnostics=[Diagnostic.make("T001", "the subject line is empty", path, 1, 1)])
    text = rest.lstrip("\n").rstrip() + "\n"
    html = templates.render(f"email-{kind}.html", **context, subject=subject)
    return Rendered(subject, text, html)


# --- attachments --------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    maintype: str = "text"
    subtype: str = "calendar"
    params: tuple[tuple[str, str], ...] = (("charset", "utf-8"),)


def calendar_attachment(filename: str, data: bytes, method: str) -> Attachment:
    """An .ics file as `text/calendar; method=...`: the MIME method is the file's own
    METHOD (RFC 6047 asks that they agree)."""
    return Attachment(filename, data, params=(("method", method), ("charset", "utf-8")))


def all_sessions_attachment(events: CohortEvents, numbers: Collection[int] | None = None, *, stamp: datetime | None = None) -> Attachment:
    """Every session that is not cancelled in one file, for a joining email.

    It is METHOD:PUBLISH, without attendees: a request may hold the events of one UID
    only (RFC 5546, 3.2.2), so a file of all sessions cannot be an invitation. It is the
    same for every participant, so a run builds it once and attaches it to each message.
    """
    from learncli.render.ics import PUBLISH, publish_ics

    data = publish_ics(events, [e.number for e in events.active if numbers is None or e.number in numbers], stamp=stamp)
    return calendar_attachment(f"{events.course.id}-all-sessions.ics", data, PUBLISH)


def invitation_attachments(
    events: CohortEvents,
    person: Participant,
    sessions: Collection[int] | None = None,
    *,
    stamp: datetime | None = None,
    all_sessions: Attachment | None = None,
) -> list[Attachment]:
    """A joining email's calendar files: one invitation per session of `sessions` (all
    that are not cancelled when None; a late joiner's are those still to come), then all
    of them in one.

    Each per-session file is a complete iTIP request with one UID, as RFC 5546 asks,
    so every calendar app (Outlook, which acts on only the first event of a file that
    holds several, included) can accept it on its own. The last file
    (`all_sessions_attachment`, built here unless given) holds every session, for apps
    that import a whole file at once (Apple Calendar's Add All, Google Calendar's
    import). The events have the same UID and SEQUENCE in both, so opening both never
    doubles a session.
    """
    from learncli.render.ics import REQUEST, invitations

    course = events.course.id
    out = [calendar_attachment(f"{course}-session-{n}.ics", data, REQUEST) for n, data in invitations(events, person, stamp=stamp, only=sessions)]
    if out:
        out.append(all_sessions if all_sessions is not None else all_sessions_attachment(events, sessions, stamp=stamp))
    return out


def update_attachments(
    events: CohortEvents, person: Participant, changes: Sequence[tuple[int, bool]], *, stamp: datetime | None = None
) -> list[Attachment]:
    """An update email's calendar files, one per session it tells of (one UID per file):
    the new invitation (METHOD:REQUEST) for each `(number, True)`, the cancellation
    (METHOD:CANCEL, them as ATTENDEE) for each `(number, False)`."""
    from learncli.render.ics import CANCEL, REQUEST, cancel_ics, invitation_ics

    course = events.course.id
    out = []
    for number, invite in changes:
        if invite:
            out.append(calendar_attachment(f"{course}-session-{number}.ics", invitation_ics(events, number, person, stamp=stamp), REQUEST))
        else:
            out.append(calendar_attachment(f"{course}-session-{number}-cancelled.ics", cancel_ics(events, number, person, stamp=stamp), CANCEL))
    return out


# --- the message --------------------------------------------------------------------


def message_id(
    kind: str, cohort: str, session: int | None, email: str, domain: str, *, sends_before: int = 0, version: str = ""
) -> str:
    """`<joining.2026-autumn.3f2a...@example.org>`: the same for the same kind, cohort,
    session and recipient (and, for an update, the same change: `version`), every time
    it is built, on any machine.

    A deliberate resend of a message that was delivered (`--resend`) gets `.2`, `.3`
    ...: mail systems such as Gmail drop a message whose Message-ID they have seen, and
    a resend is meant to arrive.
    """
    which = f"{kind}-s{session}" if session is not None else kind
    identity = f"{kind}\0{cohort}\0{session or ''}\0{email.lower()}" + (f"\0{version}" if version else "")
    digest = hashlib.sha256(identity.encode()).hexdigest()[:20]
    suffix = f".{sends_before + 1}" if sends_before else ""
    return f"<{which}.{cohort}.{digest}{suffix}@{domain}>"


@dataclass(frozen=True)
class Outgoing:
    """One email ready to be stamped with a Message-ID and a Date, written or sent."""

    draft: Draft
    sender: Mailbox
    to: Mailbox
    reply_to: Mailbox
    rendered: Rendered
    domain: str
    cc: tuple[Mailbox, ...] = ()
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    @property
    def recipients(self) -> list[str]:
        """The envelope recipients (RCPT TO): the To and the Cc addresses, nothing else."""
        return [self.to.email, *(m.email for m in self.cc)]

    @property
    def international(self) -> bool:
        return any(m.international for m in (self.sender, self.to, self.reply_to, *self.cc))

    def message_id(self, sends_before: int = 0) -> str:
        d = self.draft
        return message_id(d.kind, d.cohort, d.session, d.participant.email, self.domain, sends_before=sends_before, version=d.key[3])


def outgoing(
    draft: Draft, rendered: Rendered, sender: Mailbox, reply_to: Mailbox, domain: str, attachments: list[Attachment]
) -> Outgoing:
    """Checks the recipient's name and address (`HeaderRefused` if either is unsafe)."""
    person = draft.participant
    to = mailbox(person.name, person.email, "the participant")
    cc = tuple(mailbox(name, email, "the billing contact") for name, email in draft.cc)
    return Outgoing(draft, sender, to, reply_to, rendered, domain, cc, tuple(attachments))


def compose(item: Outgoing, *, when: datetime, sends_before: int = 0) -> bytes:
    """The whole message as bytes (CRLF line ends), checked after it was built."""
    msg = EmailMessage(policy=policy.default)
    msg.set_raw("From", _mailbox_header("From", [item.sender])[0])
    msg.set_raw("To", _mailbox_header("To", [item.to])[0])
    if item.cc:
        msg.set_raw("Cc", _mailbox_header("Cc", list(item.cc))[0])
    msg.set_raw("Reply-To", _mailbox_header("Reply-To", [item.reply_to])[0])
    # Folded by email.header rather than by the policy: Python 3.11's folder leaves a
    # space at the end of a line folded before an encoded word, which reads back as two
    # spaces ("Learning  — Autumn"), and sometimes moves a whole subject to a
    # continuation line, which reads back with a leading space. Header folds at spaces
    # (and, for non-ASCII text, into RFC 2047 words of at most 75 characters), and the
    # value is stored as folded. The check below reads it back.
    subject = header_text(item.rendered.subject, "the subject")
    charset = "us-ascii" if subject.isascii() else "utf-8"
    msg.set_raw("Subject", Header(subject, charset, header_name="Subject").encode(linesep="\n"))
    msg["Date"] = when
    msg["Message-ID"] = item.message_id(sends_before)
    msg.set_raw("MIME-Version", "1.0")
    # Boundaries come from the Message-ID instead of chance, so the same message renders
    # to the same bytes (but for Date and the invitations' DTSTAMP); `=_` cannot occur in
    # quoted-printable or base64 text, so no part holds a boundary. The body is written
    # by hand (see `_head`) and given to the generator as text, which it writes as it is.
    digest = hashlib.sha256(msg["Message-ID"].encode()).hexdigest()[:24]
    outer, inner = (f"=_{digest}.{index}" for index in range(2)) if item.attachments else ("", f"=_{digest}.0")
    texts = [_text_part(item.rendered.text, "plain"), _text_part(item.rendered.html, "html")]
    if item.attachments:
        msg.set_raw("Content-Type", f'multipart/mixed; boundary="{outer}"')
        parts = [_container("alternative", inner, texts), *(_attachment_part(a) for a in item.attachments)]
        msg.set_payload(_multipart_body(outer, parts))
    else:
        msg.set_raw("Content-Type", f'multipart/alternative; boundary="{inner}"')
        msg.set_payload(_multipart_body(inner, texts))
    data = msg.as_bytes(policy=policy.SMTPUTF8 if item.international else policy.SMTP)
    _check(data, item)
    return data


#: A parameter value that needs no quoting beyond plain double quotes and no RFC 2231
#: encoding: the names of learn's own calendar files, their methods, the boundaries.
_PLAIN = re.compile(r"[A-Za-z0-9=_][A-Za-z0-9._+=-]{0,68}\Z")

# The body is written here, part by part, as Python's generator writes it under the SMTP
# policy (CRLF line ends, a blank line before each boundary after the first). Building
# parts with `set_content` and `add_attachment` and writing them with the generator
# parsed every header as it was set and again each time it was read (the generator sets
# its own policy on every part as it writes it): most of the time of a run of joining
# emails. The top-level headers are still Python's (`compose`), and checked after.


def _head(name: str, value: str, params: dict[str, str]) -> str:
    """`Name: value; key="v"; ...` with CRLF, folded before a parameter that would pass
    78 characters. A value that is not plain is written as RFC 2231 asks, in pieces
    (`key*0*=utf-8''...; key*1*=...`) so that no line grows long."""
    lines = [f"{name}: {value}"]
    for key, param in params.items():
        for piece in _param_pieces(key, param):
            if len(lines[-1]) + 2 + len(piece) > 78:
                lines[-1] += ";"
                lines.append(f" {piece}")
            else:
                lines[-1] += f"; {piece}"
    return "\r\n".join(lines) + "\r\n"


def _param_pieces(key: str, value: str) -> list[str]:
    if _PLAIN.match(value):
        return [f'{key}="{value}"']
    encoded = encode_rfc2231(value, "utf-8")
    chunks, at = [], 0
    while at < len(encoded):
        end = min(at + 60, len(encoded))
        while end < len(encoded) and "%" in encoded[end - 2 : end]:  # never split a %XX
            end -= 1
        chunks.append(encoded[at:end])
        at = end
    return [f"{key}*{n}*={chunk}" for n, chunk in enumerate(chunks)]


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _text_part(text: str, subtype: str) -> str:
    """Text as UTF-8 in quoted-printable, in lines of at most 78 (as `set_content` does)."""
    lines = text.encode("utf-8").splitlines()
    encoded = quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), 78)
    return _head("Content-Type", f"text/{subtype}", {"charset": "utf-8"}) + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _crlf(encoded)


def _attachment_part(attachment: Attachment) -> str:
    """An attachment in base64 (lines of 76), named in Content-Type and Content-Disposition."""
    params = {**dict(attachment.params), "name": attachment.filename}
    return (
        _head("Content-Type", f"{attachment.maintype}/{attachment.subtype}", params)
        + "Content-Transfer-Encoding: base64\r\n"
        + _head("Content-Disposition", "attachment", {"filename": attachment.filename})
        + "\r\n"
        + _crlf(base64.encodebytes(attachment.data).decode("ascii"))
    )


def _multipart_body(boundary: str, parts: list[str]) -> str:
    return f"--{boundary}\r\n" + f"\r\n--{boundary}\r\n".join(parts) + f"\r\n--{boundary}--\r\n"


def _container(subtype: str, boundary: str, parts: list[str]) -> str:
    return _head("Content-Type", f"multipart/{subtype}", {"boundary": boundary}) + "\r\n" + _multipart_body(boundary, parts)


def _mailbox_header(name: str, boxes: list[Mailbox]) -> tuple[str, list[tuple[str, str]]]:
    """A From/To/Cc/Reply-To value, folded here rather than by the policy; and, for the
    check after the message is built, each mailbox's name as an RFC 2047 decoder reads
    it, with its address.

    `email.utils.formataddr` quotes an ASCII name that needs it (`"O'Neil, Ann"`,
    `"Margaret \\"Peggy\\" Lowe"`); any other name, or one too long for the line, is
    written whole as RFC 2047 encoded words by `email.header.Header`, with the address on
    the next line. (Python 3.11's own folder leaves a space at the end of a line folded
    before an encoded word, which mail apps show as two spaces in the name.) Mailboxes
    are separated by a comma and a fold, which no name can contain.
    """
    raw, shown = [], []
    for box in boxes:
        plain = formataddr((box.name, box.email)) if box.name.isascii() and box.email.isascii() else ""
        if not box.name:
            raw.append(box.email)
            shown.append(("", box.email))
        elif plain and len(name) + 2 + len(plain) <= 78:
            raw.append(plain)
            shown.append((plain.removesuffix(f" <{box.email}>"), box.email))
        else:
            raw.append(Header(box.name, "utf-8", header_name=name).encode(linesep="\n") + f"\n <{box.email}>")
            shown.append((box.name, box.email))
    return ",\n ".join(raw), shown


def _check(data: bytes, item: Outgoing) -> None:
    """Parse the message back: exactly the headers meant, and exactly the recipients meant."""
    parsed = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
    names = [name.lower() for name in parsed.keys()]
    expected = HEADERS | ({"cc"} if item.cc else set())
    if set(names) != expected or len(names) != len(set(names)):
        raise HeaderRefused(f"the message to {item.to.email} came out with headers {sorted(names)}; it was not written or sent")
    for header, wanted in (("to", [item.to]), ("cc", list(item.cc)), ("from", [item.sender]), ("reply-to", [item.reply_to])):
        if header not in names:
            continue
        # The addresses exactly. The names too, but Python's parser puts a space between
        # two encoded words in a name (RFC 2047 says to drop it), so they are compared
        # without spaces here, and exactly below, decoded by email.header.
        found = [("".join(_utf8(a.display_name).split()), _utf8(a.addr_spec)) for a in parsed[header].addresses]
        if found != [("".join(m.name.split()), m.email) for m in wanted]:
            raise HeaderRefused(f"the {header} header of the message to {item.to.email} came out as {found}; it was not written or sent")
        raw = _utf8(next(value for key, value in parsed.raw_items() if key.lower() == header))
        pieces = re.split(r",\r?\n[ \t]", raw)
        expected_names = _mailbox_header(header, wanted)[1]
        if len(pieces) != len(expected_names):
            raise HeaderRefused(f"the {header} header of the message to {item.to.email} holds {len(pieces)} mailboxes; it was not written or sent")
        for piece, (shown, email) in zip(pieces, expected_names):
            piece = re.sub(r"\r?\n(?=[ \t])", "", piece)
            if shown and not piece.endswith(f" <{email}>"):
                raise HeaderRefused(f"the {header} header of the message to {item.to.email} came out as {piece!r}; it was not written or sent")
            name_part = piece.removesuffix(f" <{email}>") if shown else ""
            decoded = str(make_header(decode_header(name_part))) if name_part else ""
            if decoded != shown:
                raise HeaderRefused(f"a name in the {header} header of the message to {item.to.email} reads back as {decoded!r}; it was not written or sent")
    # Exact, but for white space at either end (a single word too long for the first
    # line starts on the next one).
    if str(parsed["subject"]).strip() != item.rendered.subject:
        raise HeaderRefused(f"the subject of the message to {item.to.email} did not survive encoding; it was not written or sent")


def _utf8(text: str) -> str:
    """Raw UTF-8 in a header (SMTPUTF8) reads back as surrogate escapes; decode them."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
