"""Sending over SMTP: the settings from the environment, one connection, one message at a time.

Settings (all environment variables, so no password is ever in the data folder):

* `LEARN_SMTP_HOST` (required) and `LEARN_SMTP_PORT` (default 587, or 465 for SSL);
* `LEARN_SMTP_STARTTLS`: `yes` (the default: upgrade the connection with STARTTLS, and
  stop if the server does not offer it), `ssl` (TLS from the first byte, usually port
  465), or `no` (no encryption; refused with a password unless the server is on this
  machine);
* `LEARN_SMTP_USER` and `LEARN_SMTP_PASSWORD`: both or neither (a server that needs no
  login, such as a relay on the local network);
* `LEARN_FROM`: the sender, `Name <address>` (default: the organisation in courses.yaml).

The server's certificate is checked against the system's certificate authorities
(`SSL_CERT_FILE` points elsewhere, for a server with a certificate of its own).

`Mailer.send` tells three outcomes apart, which the send log depends on:

* `SENT`: the server accepted the message (250 after the data);
* `REFUSED`: it certainly did not take it: it said no (to the sender, the recipient or
  the data), or the connection failed before the message was handed over;
* `UNKNOWN`: the connection failed after the message was handed over and before the
  server's answer: it may have been delivered.

The password never appears in a message: errors from the server pass through
`SmtpSettings.redact` first, and the settings' repr leaves it out.
"""

from __future__ import annotations

import base64
import ipaddress
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from learncli.errors import LearnError

if TYPE_CHECKING:
    from learncli.render.emails import Mailbox

HOST, PORT, USER, PASSWORD, STARTTLS, FROM = (
    "LEARN_SMTP_HOST",
    "LEARN_SMTP_PORT",
    "LEARN_SMTP_USER",
    "LEARN_SMTP_PASSWORD",
    "LEARN_SMTP_STARTTLS",
    "LEARN_FROM",
)
_SECURITY = {
    **dict.fromkeys(("yes", "true", "1", "on", "starttls"), "starttls"),
    **dict.fromkeys(("ssl", "tls", "implicit", "smtps"), "ssl"),
    **dict.fromkeys(("no", "false", "0", "off", "none"), "none"),
}
_HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]+$")
TIMEOUT = 60.0


class SettingsProblem(LearnError):
    """The SMTP settings in the environment are missing or wrong."""


class SendProblem(LearnError):
    """The SMTP server cannot be reached, or refuses the connection or the login."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls, ssl or none
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = TIMEOUT

    def describe(self) -> str:
        """`smtp.office365.com:587 with STARTTLS, as facilitator@example.org` (no password)."""
        how = {"starttls": "STARTTLS", "ssl": "SSL", "none": "no encryption"}[self.security]
        login = f", as {self.user}" if self.user else ", without login"
        return f"{self.host}:{self.port} with {how}{login}"

    def redact(self, text: str) -> str:
        """`text` with the password, and the forms AUTH sends it in, blotted out."""
        if not self.password:
            return text
        secrets = {self.password, _b64(self.password)}
        if self.user:
            secrets.add(_b64(f"\0{self.user}\0{self.password}"))
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, "********")
        return text


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def settings_from_env(env: Mapping[str, str]) -> SmtpSettings:
    """The settings, or `SettingsProblem` listing every setting that is missing or wrong."""
    problems: list[str] = []
    host = (env.get(HOST) or "").strip()
    if not host:
        problems.append(f"{HOST} is not set: the name of the SMTP server, such as smtp.office365.com")
    elif not _HOST.match(host):
        problems.append(f"{HOST} {host!r} is not a host name")
    word = (env.get(STARTTLS) or "").strip().lower()
    port_text = (env.get(PORT) or "").strip()
    security = _SECURITY.get(word) if word else ("ssl" if port_text == "465" else "starttls")
    if security is None:
        problems.append(f"{STARTTLS} {env.get(STARTTLS)!r} is not understood: use yes (STARTTLS), ssl (TLS from the start, port 465) or no")
        security = "starttls"
    port = 465 if security == "ssl" else 587
    if port_text:
        if port_text.isdigit() and 0 < int(port_text) < 65536:
            port = int(port_text)
        else:
            problems.append(f"{PORT} {port_text!r} is not a port number (587 for STARTTLS, 465 for SSL)")
    user = env.get(USER) or None
    password = env.get(PASSWORD) or None
    if user and not password:
        problems.append(f"{USER} is set but {PASSWORD} is not: give both to log in, or neither")
    if password and not user:
        problems.append(f"{PASSWORD} is set but {USER} is not: give both to log in, or neither")
    if user and any(ch in user for ch in "\r\n\0"):
        problems.append(f"{USER} contains a line break")
    if password and security == "none" and host and not _loopback(host):
        problems.append(
            f"{STARTTLS}=no would send the password unencrypted to {host}; use yes (STARTTLS) or ssl"
        )
    if problems:
        raise SettingsProblem(
            "the SMTP settings are incomplete: " + "; ".join(problems),
            hint="see 'Emails' in the README for an example (Microsoft 365, Gmail)",
        )
    return SmtpSettings(host, port, security, user, password)


def sender_from_env(env: Mapping[str, str]) -> Mailbox | None:
    """LEARN_FROM as a checked mailbox, or None when it is not set."""
    from learncli.errors import Refused
    from learncli.render.emails import parse_mailbox

    text = (env.get(FROM) or "").strip()
    if not text:
        return None
    try:
        return parse_mailbox(text, FROM)
    except Refused as exc:
        raise SettingsProblem(str(exc)) from None


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- sending ------------------------------------------------------------------------


class Outcome(Enum):
    SENT = "sent"
    REFUSED = "refused"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    #: What the server or the network said (redacted, one line).
    detail: str | None = None
    #: Copies (Cc) the server refused while it accepted the message for the others.
    refused_copies: tuple[str, ...] = ()


class _Tracking:
    """Notes when the message itself starts to go (the DATA command): a failure after
    that moment may have delivered it; a failure before it certainly did not."""

    data_started = False

    def data(self, msg: Any) -> Any:
        self.data_started = True
        return super().data(msg)  # type: ignore[misc]


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTPSSL(_Tracking, smtplib.SMTP_SSL):
    pass


def _helo_name() -> str:
    # smtplib's default, socket.getfqdn(), can wait seconds on a DNS look-up.
    name = socket.gethostname()
    return name if re.fullmatch(r"[A-Za-z0-9.-]{1,253}", name or "") else "localhost"


class Mailer:
    """One SMTP connection, opened on first use and again after it is lost."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._conn: _SMTP | _SMTPSSL | None = None

    def __enter__(self) -> Mailer:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        """Connect, secure the connection, log in; `SendProblem` says what went wrong."""
        s = self.settings
        context = ssl.create_default_context()
        conn: _SMTP | _SMTPSSL | None = None
        try:
            if s.security == "ssl":
                conn = _SMTPSSL(s.host, s.port, local_hostname=_helo_name(), timeout=s.timeout, context=context)
                conn.ehlo()
            else:
                conn = _SMTP(s.host, s.port, local_hostname=_helo_name(), timeout=s.timeout)
                conn.ehlo()
                if s.security == "starttls":
                    if not conn.has_extn("starttls"):
                        raise SendProblem(
                            f"{s.host}:{s.port} does not offer STARTTLS, so nothing was sent unencrypted",
                            hint=f"check {PORT} (587 for STARTTLS), or set {STARTTLS}=ssl for port 465",
                        )
                    conn.starttls(context=context)
                    conn.ehlo()
            if s.user and s.password:
                conn.login(s.user, s.password)
        except SendProblem:
            _quietly_close(conn)
            raise
        except smtplib.SMTPAuthenticationError as exc:
            _quietly_close(conn)
            raise SendProblem(
                f"{s.host} refused the login for {s.user}: {self._said(exc)}",
                hint=f"check {USER} and {PASSWORD}; Microsoft 365 and Gmail need SMTP login enabled, Gmail an app password",
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            _quietly_close(conn)
            raise SendProblem(f"{s.host} does not support what learn asked for: {self._said(exc)}") from None
        except ssl.SSLCertVerificationError as exc:
            _quietly_close(conn)
            raise SendProblem(
                f"the certificate of {s.host} could not be verified: {exc.verify_message or exc.reason}",
                hint="for a server with a certificate of its own, point SSL_CERT_FILE at it",
            ) from None
        except ssl.SSLError as exc:
            _quietly_close(conn)
            raise SendProblem(
                f"could not start TLS with {s.host}:{s.port}: {exc.reason or exc}",
                hint=f"port 465 usually needs {STARTTLS}=ssl, port 587 {STARTTLS}=yes",
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            _quietly_close(conn)
            raise SendProblem(f"cannot connect to {s.host}:{s.port}: {self._said(exc)}") from None
        self._conn = conn

    def send(self, sender: str, recipients: list[str], data: bytes, *, international: bool = False) -> Result:
        """Hand one message to the server for `recipients` (the envelope, nothing else).

        May raise `SendProblem` if the connection was lost and cannot be opened again.
        """
        if self._conn is None:
            self.connect()
        conn = self._conn
        assert conn is not None
        conn.data_started = False
        options: list[str] = []
        if international:
            if not conn.has_extn("smtputf8"):
                return Result(Outcome.REFUSED, "the server does not accept addresses with non-ASCII characters (SMTPUTF8)")
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        try:
            refused = conn.sendmail(sender, recipients, data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            if getattr(conn, "sock", None) is None:
                self._drop()
            said = "; ".join(f"{rcpt}: {self._reply(code, msg)}" for rcpt, (code, msg) in exc.recipients.items())
            return Result(Outcome.REFUSED, said)
        except smtplib.SMTPResponseException as exc:
            # A reply other than 250 to MAIL, DATA or the end of the data: not taken.
            if getattr(conn, "sock", None) is None:
                self._drop()  # smtplib closed it (a 421): open a new one for the next message
            return Result(Outcome.REFUSED, self._reply(exc.smtp_code, exc.smtp_error))
        except (smtplib.SMTPException, OSError) as exc:
            started = conn.data_started
            self._drop()
            if started:
                return Result(Outcome.UNKNOWN, f"the connection failed while the message was being handed over: {self._said(exc)}")
            return Result(Outcome.REFUSED, f"the connection failed before the message was handed over: {self._said(exc)}")
        copies = tuple(f"{rcpt}: {self._reply(code, msg)}" for rcpt, (code, msg) in refused.items())
        return Result(Outcome.SENT, None, copies)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                _quietly_close(conn)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        _quietly_close(conn)

    def _reply(self, code: int, message: bytes | str) -> str:
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return self._one_line(f"{code} {text}")

    def _said(self, exc: BaseException) -> str:
        if isinstance(exc, smtplib.SMTPResponseException):
            return self._reply(exc.smtp_code, exc.smtp_error)
        return self._one_line(str(exc) or type(exc).__name__)

    def _one_line(self, text: str) -> str:
        text = " ".join(self.settings.redact(text).split())
        text = "".join(ch if ch.isprintable() else "?" for ch in text)
        return text[:300] + ("…" if len(text) > 300 else "")


def _quietly_close(conn: Any) -> None:
    if conn is None:
        return
    try:
        conn.close()
    except OSError:
        pass
