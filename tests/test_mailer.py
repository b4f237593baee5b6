"""The SMTP side on its own: settings from the environment, and the three outcomes of a
send (sent, refused, unknown) against a real server."""

from __future__ import annotations

import base64

import pytest

from learncli.mailer import Mailer, Outcome, SendProblem, SettingsProblem, SmtpSettings, settings_from_env
from tests.smtp_server import Recorder, smtp_server

MESSAGE = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nhello\r\n"


@pytest.mark.parametrize(
    ("env", "port", "security"),
    [
        ({"LEARN_SMTP_HOST": "smtp.office365.com"}, 587, "starttls"),
        ({"LEARN_SMTP_HOST": "smtp.gmail.com", "LEARN_SMTP_PORT": "465"}, 465, "ssl"),
        ({"LEARN_SMTP_HOST": "smtp.gmail.com", "LEARN_SMTP_STARTTLS": "ssl"}, 465, "ssl"),
        ({"LEARN_SMTP_HOST": "smtp.gmail.com", "LEARN_SMTP_STARTTLS": "TRUE", "LEARN_SMTP_PORT": "2525"}, 2525, "starttls"),
        ({"LEARN_SMTP_HOST": "relay.local", "LEARN_SMTP_STARTTLS": "no", "LEARN_SMTP_PORT": "25"}, 25, "none"),
        ({"LEARN_SMTP_HOST": "localhost", "LEARN_SMTP_STARTTLS": "off", "LEARN_SMTP_USER": "u", "LEARN_SMTP_PASSWORD": "p"}, 587, "none"),
    ],
)
def test_settings_and_their_defaults(env, port, security):
    settings = settings_from_env(env)
    assert (settings.port, settings.security) == (port, security)


def test_every_problem_is_listed_at_once():
    with pytest.raises(SettingsProblem) as caught:
        settings_from_env({"LEARN_SMTP_PORT": "99999", "LEARN_SMTP_STARTTLS": "perhaps", "LEARN_SMTP_USER": "me"})
    text = str(caught.value)
    for part in ("LEARN_SMTP_HOST is not set", "'99999' is not a port number", "'perhaps' is not understood", "LEARN_SMTP_PASSWORD is not"):
        assert part in text


def test_the_password_stays_out_of_the_repr_the_description_and_redacted_text():
    settings = settings_from_env(
        {"LEARN_SMTP_HOST": "smtp.example.org", "LEARN_SMTP_USER": "me@example.org", "LEARN_SMTP_PASSWORD": "hunter2!"}
    )
    assert "hunter2" not in repr(settings) and "hunter2" not in settings.describe()
    plain = base64.b64encode(b"\0me@example.org\0hunter2!").decode()
    echoed = f"535 no: hunter2! / {base64.b64encode(b'hunter2!').decode()} / {plain}"
    assert "hunter2" not in settings.redact(echoed) and plain not in settings.redact(echoed)
    assert settings.redact(echoed).count("********") == 3


def local(port: int) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, "none")


def test_sent_refused_and_unknown_are_told_apart():
    handler = Recorder(refuse={"no@example.org"}, vanish_at=2)
    with smtp_server(handler) as server:
        with Mailer(local(server.port)) as mailer:
            assert mailer.send("a@example.org", ["b@example.org"], MESSAGE).outcome is Outcome.SENT
            refused = mailer.send("a@example.org", ["no@example.org"], MESSAGE)
            assert refused.outcome is Outcome.REFUSED and "550" in (refused.detail or "")
            # The server takes the data, then the line goes dead before its answer.
            lost = mailer.send("a@example.org", ["c@example.org"], MESSAGE)
            assert lost.outcome is Outcome.UNKNOWN
            # A new connection for the next message.
            assert mailer.send("a@example.org", ["d@example.org"], MESSAGE).outcome is Outcome.SENT
    assert handler.to() == [["b@example.org"], ["c@example.org"], ["d@example.org"]]


def test_a_copy_refused_while_the_main_recipient_is_accepted_is_reported():
    handler = Recorder(refuse={"ap@example.org"})
    with smtp_server(handler) as server, Mailer(local(server.port)) as mailer:
        result = mailer.send("a@example.org", ["b@example.org", "ap@example.org"], MESSAGE)
    assert result.outcome is Outcome.SENT
    assert result.refused_copies and "ap@example.org" in result.refused_copies[0]


def test_a_connection_dropped_before_the_data_is_a_refusal_not_a_maybe():
    handler = Recorder(drop_after=0)
    with smtp_server(handler) as server, Mailer(local(server.port)) as mailer:
        result = mailer.send("a@example.org", ["b@example.org"], MESSAGE)
    assert result.outcome is Outcome.REFUSED
    assert "before the message was handed over" in (result.detail or "")
    assert handler.messages == []


def test_a_server_that_is_gone_is_a_send_problem():
    with smtp_server() as server:
        port = server.port
    with pytest.raises(SendProblem, match="cannot connect to 127.0.0.1"):
        Mailer(local(port)).send("a@example.org", ["b@example.org"], MESSAGE)
