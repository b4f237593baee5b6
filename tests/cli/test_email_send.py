"""`learn email send` against a real SMTP server (aiosmtpd on 127.0.0.1).

What the server receives is what counts: how many messages, to whom (the RCPT TO
commands), with which headers. The send log is read back as a file.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.render.rfc5546 import check_attachment
from tests.smtp_server import Recorder, self_signed, server_context, smtp_server

AUTUMN = [
    "ann.oneil@example.org",
    "sian.evans@example.org",
    "jose.martinez@example.org",
    "zoe.hartmann@example.org",
    "chidi.okafor@example.org",
    "peggy.lowe@example.org",
    "donal.obriain@example.org",
    "priya.raman@example.org",
    "fatima.alsayed@example.org",
]
# Nobody in the bundled autumn cohort is invoiced yet: without --include-unpaid the
# payment gate would hold every joining email and every reminder.
JOINING = ("--today", "2026-09-16", "email", "send", "joining", "2026-autumn", "--include-unpaid")
REMINDER = ("--today", "2026-11-10", "email", "send", "reminder", "2026-autumn", "--session", "5", "--include-unpaid")


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


@pytest.fixture
def use(monkeypatch):
    """use(server, **more): point LEARN_SMTP_* at a test server."""

    def _use(running, **more):
        for name, value in running.env(**more).items():
            monkeypatch.setenv(name, value)

    return _use


def log_of(data_dir: Path, cohort: str = "2026-autumn") -> list[dict]:
    path = data_dir / "email-log" / f"{cohort}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"] if path.exists() else []


def delivered_to(server) -> list[str]:
    return sorted(rcpt for received in server.handler.messages for rcpt in received.rcpt_tos)


# --- the happy path, and never twice ---------------------------------------------------


def test_joining_run_reaches_every_registered_participant_once_and_a_second_run_sends_nothing(learn, data_dir, server, use, check_ics):
    use(server, LEARN_FROM="Leading with Learning <courses@example.org>")
    first = learn(*JOINING)
    assert first.exit_code == 0, first.output
    assert delivered_to(server) == sorted(AUTUMN)
    assert "tom.whitfield@example.org" not in server.handler.rcpts  # withdrawn
    assert "sent 9 of 9" in first.stdout
    for received in server.handler.messages:
        assert received.mail_from == "courses@example.org"
        message = received.message
        assert [a.addr_spec for a in message["To"].addresses] == received.rcpt_tos
        assert message["From"].addresses[0].addr_spec == "courses@example.org"
        assert message["Reply-To"].addresses[0].addr_spec == "hello@example.org"
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
        calendars = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
        assert len(calendars) == 7
        for part in calendars[:-1]:  # the invitations, one per session; the last file publishes them all
            strict, _ = check_ics(part.get_payload(decode=True))
            assert [a.uri for e in strict.events for a in e.attendees] == [f"mailto:{received.rcpt_tos[0]}"]
            assert check_attachment(part) == "REQUEST"
        assert check_attachment(calendars[-1]) == "PUBLISH"

    records = log_of(data_dir)
    assert [r["to"] for r in records] == AUTUMN
    assert {r["status"] for r in records} == {"sent"}
    assert len({r["message_id"] for r in records}) == 9
    ids = {str(m.message["Message-ID"]) for m in server.handler.messages}
    assert ids == {r["message_id"] for r in records}

    second = learn(*JOINING)
    assert second.exit_code == 0, second.output
    assert len(server.handler.messages) == 9
    assert "already sent, not sent again: 9" in second.stdout
    assert len(log_of(data_dir)) == 9
    assert learn("validate").exit_code == 0  # the log is a valid data file


def test_reminder_for_one_participant_then_the_rest(learn, data_dir, server, use):
    use(server)
    one = learn(*REMINDER, "--participant", "ann.oneil@example.org")
    assert one.exit_code == 0, one.output
    assert delivered_to(server) == ["ann.oneil@example.org"]
    message = server.handler.messages[0].message
    assert "Write down the purpose of our team meetings" in message.get_body(("plain",)).get_content()
    rest = learn(*REMINDER)
    assert rest.exit_code == 0, rest.output
    assert delivered_to(server) == sorted(AUTUMN)
    assert "already sent, not sent again: 1" in rest.stdout


def test_the_payment_gate_holds_reminders_until_include_unpaid(learn, data_dir, server, use):
    use(server)
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    assert learn("payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-09-01", "--method", "bank").exit_code == 0
    gated = REMINDER[:-1]  # without --include-unpaid
    first = learn(*gated)
    assert first.exit_code == 0, first.output
    assert delivered_to(server) == ["ann.oneil@example.org"]  # the only one who has paid
    assert "HELD: Siân Evans <sian.evans@example.org>: unpaid: LWL-2026-0013 £575.00" in first.stderr
    assert [m["to"] for m in log_of(data_dir)] == ["ann.oneil@example.org"]
    rest = learn(*REMINDER)
    assert rest.exit_code == 0, rest.output
    assert delivered_to(server) == sorted(AUTUMN)  # the other eight, and Ann not twice
    invoice = next(r for r in server.handler.messages if r.rcpt_tos == ["sian.evans@example.org"]).message
    assert "Invoice LWL-2026-0013 for £575.00 is still open" in invoice.get_body(("plain",)).get_content()


def test_payment_reminder_goes_to_the_billing_contact_as_a_copy(learn, data_dir, server, use):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    use(server)
    result = learn("--today", "2026-09-15", "email", "send", "payment-reminder", "2026-autumn", "--participant", "donal.obriain@example.org")
    assert result.exit_code == 0, result.output
    [received] = server.handler.messages
    assert received.rcpt_tos == ["donal.obriain@example.org", "accounts.payable@example.org"]
    message = received.message
    assert [a.addr_spec for a in message["Cc"].addresses] == ["accounts.payable@example.org"]
    assert "LWL-2026-0018" in message["Subject"]
    # The log says who had the copy, and reads back as it was written.
    from learncli.store.email_log import read_log
    from learncli.store.folder import DataFolder

    [record] = read_log(DataFolder(data_dir), "2026-autumn").messages
    assert (record.to, record.cc, record.status) == ("donal.obriain@example.org", ["accounts.payable@example.org"], "sent")


def test_resend_sends_one_again_with_the_next_message_id(learn, data_dir, server, use):
    use(server)
    assert learn(*REMINDER).exit_code == 0
    again = learn(*REMINDER, "--participant", "sian.evans@example.org", "--resend")
    assert again.exit_code == 0, again.output
    to_sian = [m.message for m in server.handler.messages if m.rcpt_tos == ["sian.evans@example.org"]]
    assert len(to_sian) == 2
    first_id, second_id = (str(m["Message-ID"]) for m in to_sian)
    assert first_id != second_id and second_id == first_id.replace("@", ".2@")
    assert [r["status"] for r in log_of(data_dir) if r["to"] == "sian.evans@example.org"] == ["sent", "sent"]


# --- failures: one refused, the server lost, a process killed ---------------------------


def test_a_refused_recipient_does_not_stop_the_others_and_is_retried_next_time(learn, data_dir, server, use):
    use(server)
    server.handler.refuse = {"jose.martinez@example.org"}
    first = learn(*REMINDER)
    assert first.exit_code == 1
    assert delivered_to(server) == sorted(set(AUTUMN) - {"jose.martinez@example.org"})
    assert "FAILED: José Martínez-Ibáñez <jose.martinez@example.org>" in first.stderr
    assert "550" in first.stderr
    [jose] = [r for r in log_of(data_dir) if r["to"] == "jose.martinez@example.org"]
    assert jose["status"] == "failed" and "mailbox unavailable" in jose["error"]

    server.handler.refuse = set()
    second = learn(*REMINDER)
    assert second.exit_code == 0, second.output
    assert delivered_to(server) == sorted(AUTUMN)
    assert "sent 1 of 1" in second.stdout


def test_a_server_lost_half_way_leaves_the_rest_for_the_next_run(learn, data_dir, server, use):
    use(server)
    server.handler.drop_after = 3
    first = learn(*REMINDER)
    assert first.exit_code == 1
    assert len(server.handler.messages) == 3
    failed = [r for r in log_of(data_dir) if r["status"] == "failed"]
    assert len(failed) == 6 and all("before the message was handed over" in r["error"] for r in failed)

    server.handler.drop_after = None
    second = learn(*REMINDER)
    assert second.exit_code == 0, second.output
    assert delivered_to(server) == sorted(AUTUMN)  # each exactly once
    assert "sent 6 of 6" in second.stdout


def test_a_connection_lost_before_the_answer_leaves_that_message_unconfirmed(learn, data_dir, server, use):
    use(server)
    server.handler.vanish_at = 4  # the 4th message arrives, then the line goes dead
    first = learn(*REMINDER)
    assert first.exit_code == 1
    assert delivered_to(server) == sorted(AUTUMN)  # the rest went over a new connection
    lost = server.handler.messages[3].rcpt_tos[0]
    assert "MAY HAVE GONE: " in first.stderr and lost in first.stderr
    [record] = [r for r in log_of(data_dir) if r["to"] == lost]
    assert record["status"] == "sending" and "while the message was being handed over" in record["error"]

    second = learn(*REMINDER)
    assert second.exit_code == 1  # still undecided: reported, not sent
    assert len(server.handler.messages) == 9
    assert "MAY HAVE GONE" in second.stderr and "--resend" in second.stderr


def test_an_address_with_non_ascii_letters_needs_a_server_that_takes_them(learn, data_dir, use):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace("email: zoe.hartmann@example.org", "email: zoë@example.org")
                    .replace("zoe.hartmann@example.org:", "zoë@example.org:").replace("- email: zoe.hartmann@example.org", "- email: zoë@example.org"), encoding="utf-8")
    with smtp_server(enable_SMTPUTF8=True) as running:
        use(running)
        result = learn(*REMINDER, "--participant", "zoë@example.org")
        assert result.exit_code == 0, result.output
        [received] = running.handler.messages
        assert received.rcpt_tos == ["zoë@example.org"]
        # The stdlib parser leaves raw UTF-8 in a header as surrogate escapes.
        to = received.message["To"].addresses[0].addr_spec.encode("utf-8", "surrogateescape").decode("utf-8")
        assert to == "zoë@example.org"
        assert "zoë@example.org".encode() in received.data
    with smtp_server(enable_SMTPUTF8=False) as running:
        use(running)
        result = learn(*REMINDER, "--participant", "zoë@example.org", "--resend")
        assert result.exit_code == 1
        assert "SMTPUTF8" in result.stderr
        assert running.handler.messages == []


def _start(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}
    full.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "learncli", "--data", str(data_dir), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full,
    )


def test_a_run_killed_while_a_message_is_in_flight_never_sends_it_twice(data_dir, server):
    server.handler.hold_after = 3  # the 4th message arrives, but the answer waits
    process = _start(data_dir, server.env(), *REMINDER)
    try:
        assert server.handler.holding.wait(30), "the 4th message never arrived"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    server.handler.release.set()
    assert len(server.handler.messages) == 4
    in_flight = server.handler.messages[3].rcpt_tos[0]
    statuses = {r["to"]: r["status"] for r in log_of(data_dir)}
    assert statuses == {**dict.fromkeys(AUTUMN[:3], "sent"), in_flight: "sending"}

    server.handler.hold_after = None
    rerun = _start(data_dir, server.env(), *REMINDER)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 1, out + err  # something needs a decision
    assert delivered_to(server) == sorted(AUTUMN)  # the rest went; the one in flight not again
    assert "MAY HAVE GONE: " in err and in_flight in err and "--resend" in err

    resend = _start(data_dir, server.env(), *REMINDER, "--participant", in_flight, "--resend")
    out, err = resend.communicate(timeout=60)
    assert resend.returncode == 0, out + err
    copies = [m.message for m in server.handler.messages if m.rcpt_tos == [in_flight]]
    assert len(copies) == 2
    # The same message: a mail app that has the first copy recognises the second.
    assert str(copies[0]["Message-ID"]) == str(copies[1]["Message-ID"])


def test_two_runs_at_once_send_each_message_once(data_dir, server):
    server.handler.delay = 0.05
    runs = [_start(data_dir, server.env(), *REMINDER) for _ in range(2)]
    results = [run.communicate(timeout=90) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert delivered_to(server) == sorted(AUTUMN)
    assert len(log_of(data_dir)) == 9


# --- header injection ------------------------------------------------------------------

INJECTED_NAMES = [
    "Ann\r\nBcc: x@evil.example",
    "Ann\nBcc: x@evil.example",
    "Ann\rBcc: x@evil.example",
    "Ann\n",
    "Ann\u2028Bcc: x@evil.example",
    "Ann\x85Bcc: x@evil.example",
]


@pytest.mark.parametrize("name", INJECTED_NAMES)
def test_a_name_with_a_line_break_adds_no_header_and_no_recipient(learn, data_dir, server, use, monkeypatch, name):
    _smuggle(monkeypatch, name=name, email="evil.ann@example.org")
    use(server)
    result = learn(*REMINDER)
    assert result.exit_code == 1
    assert "NOT SENT" in result.stderr and "evil.ann@example.org" in result.stderr
    _assert_clean(server)
    assert delivered_to(server) == sorted(AUTUMN)  # everyone else still got theirs


@pytest.mark.parametrize("email", ["evil.ann@example.org\r\nBcc: x@evil.example", "evil.ann@example.org\n", "evil.ann@example.org>, x@evil.example"])
def test_an_address_with_a_line_break_or_a_second_address_is_refused(learn, data_dir, server, use, monkeypatch, email):
    _smuggle(monkeypatch, name="Ann", email=email)
    use(server)
    result = learn(*REMINDER)
    assert result.exit_code == 1
    _assert_clean(server)
    assert len(server.handler.messages) == 9


@pytest.mark.parametrize("tail", ["\\r\\nBcc: x@evil.example", "\\r", "\\x85Bcc: x@evil.example", "\\u2028Bcc: x@evil.example"])
def test_a_template_subject_with_a_line_break_sends_nothing(learn, data_dir, server, use, tail):
    shipped = (Path(__file__).resolve().parents[2] / "templates" / "email-reminder.txt").read_text(encoding="utf-8")
    lines = shipped.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("Subject:"))
    lines[index] = 'Subject: Session {{ session.number }}{{ "%s" }}\n' % tail
    (data_dir / "templates").mkdir()
    (data_dir / "templates" / "email-reminder.txt").write_text("".join(lines), encoding="utf-8")
    use(server)
    result = learn(*REMINDER)
    assert result.exit_code == 1
    assert "subject" in result.stderr
    assert server.handler.messages == [] and server.handler.rcpts == []


def test_a_name_put_into_the_subject_by_a_template_is_checked_too(learn, data_dir, server, use, monkeypatch):
    (data_dir / "templates").mkdir()
    shipped = (Path(__file__).resolve().parents[2] / "templates" / "email-reminder.txt").read_text(encoding="utf-8")
    (data_dir / "templates" / "email-reminder.txt").write_text(
        shipped.replace("Subject: Reminder:", "Subject: {{ participant.name }}, a reminder:"), encoding="utf-8"
    )
    _smuggle(monkeypatch, name="Ann O'Neil\r\nBcc: x@evil.example", email="evil.ann@example.org")
    use(server)
    result = learn(*REMINDER)
    assert result.exit_code == 1
    _assert_clean(server)
    subjects = [str(m.message["Subject"]) for m in server.handler.messages]
    assert len(subjects) == 9 and any(s.startswith("José Martínez-Ibáñez, a reminder:") for s in subjects)


def _smuggle(monkeypatch, *, name: str, email: str) -> None:
    """Add a participant the models would reject (built with model_construct) to every
    cohort read, as if it had got past validation."""
    from learncli.models.cohort import Participant
    from learncli.store.folder import DataFolder

    original = DataFolder.cohort

    def cohort(self, cohort_id):
        found = original(self, cohort_id).model_copy(deep=True)
        found.participants.append(Participant.model_construct(name=name, email=email, status="registered", aliases=[], billing_address=[]))
        return found

    monkeypatch.setattr(DataFolder, "cohort", cohort)


def _assert_clean(server) -> None:
    assert not any("evil" in rcpt for rcpt in server.handler.rcpts), server.handler.rcpts
    for received in server.handler.messages:
        assert b"evil" not in received.data
        names = sorted(k.lower() for k in received.message.keys())
        assert names == sorted({"from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type"})


# --- settings, TLS, login, secrecy -----------------------------------------------------


def _files(data_dir: Path) -> list[Path]:
    """Every file and folder but learn's own cache (the payment gate reads the ledger,
    which a dry run may cache, as the README allows)."""
    return sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if ".learn-cache" not in p.parts)


def test_dry_run_connects_to_nothing_and_writes_nothing(learn, data_dir, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    try:
        monkeypatch.setenv("LEARN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("LEARN_SMTP_PORT", str(listener.getsockname()[1]))
        monkeypatch.setenv("LEARN_SMTP_STARTTLS", "no")
        before = _files(data_dir)
        result = learn(*REMINDER, "--dry-run")
        assert result.exit_code == 0, result.output
        assert "would send 9 reminder email(s)" in result.stdout
        assert "nothing was sent" in result.stdout
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked
        assert _files(data_dir) == before
    finally:
        listener.close()


def test_dry_run_without_settings_shows_the_plan_and_warns(learn, data_dir):
    result = learn(*REMINDER, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send 9" in result.stdout
    assert "LEARN_SMTP_HOST is not set" in result.stderr
    assert not (data_dir / "email-log").exists()


def test_dry_run_after_a_send_shows_who_is_left(learn, data_dir, server, use):
    use(server)
    assert learn(*REMINDER, "--participant", "ann.oneil@example.org").exit_code == 0
    result = learn(*REMINDER, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    import json

    shown = json.loads(result.stdout)
    assert shown["dry_run"] is True and shown["server"].startswith("127.0.0.1:")
    assert [m["email"] for m in shown["would_send"]] == AUTUMN[1:]
    assert [m["email"] for m in shown["already_sent"]] == ["ann.oneil@example.org"]
    assert len(server.handler.messages) == 1


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "LEARN_SMTP_HOST is not set"),
        ({"LEARN_SMTP_HOST": "smtp.example.org", "LEARN_SMTP_PORT": "five"}, "LEARN_SMTP_PORT 'five' is not a port number"),
        ({"LEARN_SMTP_HOST": "smtp.example.org", "LEARN_SMTP_STARTTLS": "maybe"}, "LEARN_SMTP_STARTTLS 'maybe' is not understood"),
        ({"LEARN_SMTP_HOST": "smtp.example.org", "LEARN_SMTP_USER": "me@example.org"}, "LEARN_SMTP_PASSWORD is not"),
        ({"LEARN_SMTP_HOST": "smtp.example.org", "LEARN_SMTP_PASSWORD": "pw"}, "LEARN_SMTP_USER is not"),
        (
            {"LEARN_SMTP_HOST": "smtp.example.org", "LEARN_SMTP_STARTTLS": "no", "LEARN_SMTP_USER": "me", "LEARN_SMTP_PASSWORD": "pw"},
            "would send the password unencrypted",
        ),
        ({"LEARN_SMTP_HOST": "127.0.0.1", "LEARN_FROM": "Courses <not an address>"}, "LEARN_FROM"),
        ({"LEARN_SMTP_HOST": "127.0.0.1", "LEARN_FROM": "Courses\r\nBcc: x@evil.example <c@example.org>"}, "LEARN_FROM"),
    ],
)
def test_missing_or_wrong_settings_stop_before_anything_is_sent(learn, data_dir, monkeypatch, env, says):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = learn(*REMINDER)
    assert result.exit_code == 1
    assert says in result.stderr
    assert "pw" not in result.output.replace("pwd=", "")
    assert not (data_dir / "email-log").exists()


def test_nothing_listening_is_a_clear_error(learn, data_dir, monkeypatch):
    from tests.smtp_server import free_port

    monkeypatch.setenv("LEARN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEARN_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("LEARN_SMTP_STARTTLS", "no")
    result = learn(*REMINDER)
    assert result.exit_code == 1
    assert "cannot connect to 127.0.0.1:" in result.stderr
    assert not (data_dir / "email-log").exists()


def test_starttls_and_login_with_a_certificate_of_its_own(learn, data_dir, tmp_path, use, monkeypatch):
    cert, key = self_signed(tmp_path)
    handler = Recorder(credentials=("facilitator@example.org", "correct horse"))
    with smtp_server(handler, tls_context=server_context(cert, key), require_starttls=True, auth_require_tls=True) as running:
        use(running, LEARN_SMTP_STARTTLS="yes", LEARN_SMTP_USER="facilitator@example.org", LEARN_SMTP_PASSWORD="correct horse")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        result = learn(*REMINDER, "--participant", "zoe.hartmann@example.org")
        assert result.exit_code == 0, result.output
        assert handler.logins == ["facilitator@example.org"]
        assert delivered_to(running) == ["zoe.hartmann@example.org"]
        assert handler.tls == [True]
        assert "with STARTTLS, as facilitator@example.org" in result.stdout


def test_a_certificate_nobody_vouches_for_is_refused(learn, data_dir, tmp_path, use):
    cert, key = self_signed(tmp_path)
    with smtp_server(tls_context=server_context(cert, key), require_starttls=True) as running:
        use(running, LEARN_SMTP_STARTTLS="yes")
        result = learn(*REMINDER)
        assert result.exit_code == 1
        assert "could not be verified" in result.stderr and "SSL_CERT_FILE" in result.stderr
        assert running.handler.messages == []


def test_implicit_ssl(learn, data_dir, tmp_path, use, monkeypatch):
    cert, key = self_signed(tmp_path)
    with smtp_server(ssl_context=server_context(cert, key)) as running:
        use(running, LEARN_SMTP_STARTTLS="ssl")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        result = learn(*REMINDER, "--participant", "chidi.okafor@example.org")
        assert result.exit_code == 0, result.output
        assert delivered_to(running) == ["chidi.okafor@example.org"]
        assert running.handler.tls == [True]


def test_a_server_without_starttls_gets_nothing_unencrypted(learn, data_dir, server, use):
    use(server, LEARN_SMTP_STARTTLS="yes")
    result = learn(*REMINDER)
    assert result.exit_code == 1
    assert "does not offer STARTTLS" in result.stderr
    assert server.handler.messages == [] and server.handler.rcpts == []


def test_the_password_is_never_printed_or_logged(learn, data_dir, tmp_path, use, monkeypatch):
    secret = "s3cr3t-Pa55word"
    handler = Recorder(credentials=("facilitator@example.org", "the right one"))
    cert, key = self_signed(tmp_path)
    with smtp_server(handler, tls_context=server_context(cert, key), require_starttls=True) as running:
        use(running, LEARN_SMTP_STARTTLS="yes", LEARN_SMTP_USER="facilitator@example.org", LEARN_SMTP_PASSWORD=secret)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        result = learn(*REMINDER)
        assert result.exit_code == 1
        assert "refused the login for facilitator@example.org" in result.stderr
        assert "535" in result.stderr  # the server's answer is shown ...
        shown = result.stdout + result.stderr
        for form in (secret, base64.b64encode(secret.encode()).decode(), base64.b64encode(f"\0facilitator@example.org\0{secret}".encode()).decode()):
            assert form not in shown  # ... with the password it echoed blotted out
        assert "********" in shown
        assert handler.messages == []
    assert not (data_dir / "email-log").exists()


def test_every_line_the_log_holds_is_free_of_the_password(learn, data_dir, server, use):
    use(server)
    server.handler.refuse = {"ann.oneil@example.org"}
    learn(*REMINDER)
    text = (data_dir / "email-log" / "2026-autumn.yaml").read_text()
    assert "PASSWORD" not in text and "password" not in text.lower().replace("#", "")


def test_a_broken_log_stops_the_run_with_its_position(learn, data_dir, server, use):
    use(server)
    assert learn(*REMINDER, "--participant", "ann.oneil@example.org").exit_code == 0
    path = data_dir / "email-log" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace('status: "sent"', 'status: "delivered"'), encoding="utf-8")
    result = learn(*REMINDER)
    assert result.exit_code == 1
    assert "email-log/2026-autumn.yaml:" in result.stderr and "status" in result.stderr
    assert len(server.handler.messages) == 1
    validate = learn("validate")
    assert validate.exit_code == 1 and "2026-autumn.yaml" in validate.output


def test_progress_lines_name_each_recipient(learn, data_dir, server, use):
    use(server)
    result = learn(*REMINDER)
    assert result.exit_code == 0
    for email in AUTUMN:
        assert f"<{email}>" in result.stderr
    assert result.stderr.count("sent    ") == 9


def test_a_second_run_waits_for_the_lock_while_the_first_sends(data_dir, server):
    """The folder stays locked for the whole send: a payment recorded meanwhile waits."""
    server.handler.hold_after = 0
    sender = _start(data_dir, server.env(), *REMINDER)
    try:
        assert server.handler.holding.wait(30)
        started = time.monotonic()
        other = _start(
            data_dir, {"LEARN_LOCK_TIMEOUT": "1"},
            "--today", "2026-11-10", "attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "--status", "excused",
        )
        out, err = other.communicate(timeout=30)
        assert other.returncode == 1 and "another learn command" in err, out + err
        assert time.monotonic() - started >= 0.9
    finally:
        server.handler.release.set()
        sender.communicate(timeout=60)
    assert sender.returncode == 0
