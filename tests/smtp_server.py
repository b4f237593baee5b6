"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, a free port, in a thread.

The handler keeps every message it accepts and every RCPT it was asked for, and can
misbehave on cue: refuse some recipients, drop the connection after N messages, or hold
a message (after its data has arrived) until the test lets it go.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Iterator

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)  # type: ignore[return-value]


@dataclass
class Recorder:
    """The aiosmtpd handler."""

    messages: list[Received] = field(default_factory=list)
    #: Every address given to RCPT TO, accepted or not.
    rcpts: list[str] = field(default_factory=list)
    #: Addresses answered with 550.
    refuse: set[str] = field(default_factory=set)
    #: After this many accepted messages, close the connection at the next MAIL FROM.
    drop_after: int | None = None
    #: Hold the message after this many: keep it (it arrived) but answer only on release.
    hold_after: int | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    #: Take this message (1-based) but close the connection instead of answering.
    vanish_at: int | None = None
    #: Seconds to wait before answering each message's data.
    delay: float = 0.0
    #: Whether each message came over TLS.
    tls: list[bool] = field(default_factory=list)
    #: (user, password) the server accepts; others get a 535 that echoes what was sent.
    credentials: tuple[str, str] | None = None
    logins: list[str] = field(default_factory=list)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]) -> str:
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.close()
            return "421 4.3.0 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        self.rcpts.append(address)
        if address in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        if self.vanish_at is not None and len(self.messages) == self.vanish_at:
            server.transport.close()
            return "451 4.3.0 gone"
        if self.hold_after is not None and len(self.messages) > self.hold_after:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        return "250 2.0.0 accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append(user)
        if self.credentials == (user, password):
            return AuthResult(success=True)
        # A careless server that repeats what it was given: learn must not print it.
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad credentials {user}/{password}")

    def to(self) -> list[list[str]]:
        return [m.rcpt_tos for m in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    handler: Recorder
    port: int
    controller: Controller

    def env(self, **more: str) -> dict[str, str]:
        """The LEARN_SMTP_* settings for this server (no TLS, no login unless given)."""
        values = {"LEARN_SMTP_HOST": "127.0.0.1", "LEARN_SMTP_PORT": str(self.port), "LEARN_SMTP_STARTTLS": "no"}
        values.update(more)
        return values


@contextmanager
def smtp_server(handler: Recorder | None = None, **smtp_options: Any) -> Iterator[Server]:
    """Start aiosmtpd on 127.0.0.1 (a free port) and stop it afterwards."""
    handler = handler or Recorder()
    port = free_port()
    if handler.credentials is not None:
        smtp_options.setdefault("authenticator", handler.authenticate)
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10, **smtp_options)
    controller.start()
    try:
        yield Server(handler, port, controller)
    finally:
        handler.release.set()
        controller.stop()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and localhost: (certificate, key) files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "learn test SMTP server")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
