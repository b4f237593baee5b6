"""`learn email render|send update`: after sessions move, are cancelled or added, each
person sent the joining email hears of each change once, with calendar files attached.

Against a real SMTP server (aiosmtpd); every attached .ics goes through the strict
`ical` parser, every .eml through Python's `email`.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest

from tests.cli.test_email_send import AUTUMN, JOINING, log_of
from tests.smtp_server import smtp_server

TODAY = ("--today", "2026-11-01")
UPDATE = (*TODAY, "email", "send", "update", "2026-autumn")


@pytest.fixture
def server(monkeypatch):
    with smtp_server() as running:
        for name, value in running.env().items():
            monkeypatch.setenv(name, value)
        yield running


def calendars(message, check_ics) -> dict[str, object]:
    """Each attached calendar file of `message`, by file name, parsed strictly."""
    found = {}
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            strict, _ = check_ics(part.get_payload(decode=True))
            found[part.get_filename()] = (part.get_param("method"), strict)
    return found


def session_event(message, check_ics, name: str):
    [(method, strict)] = [v for k, v in calendars(message, check_ics).items() if k == name]
    [event] = strict.events
    return method, event


def new_messages(server, before: int):
    return [m.message for m in server.handler.messages[before:]]


def test_a_move_then_a_cancellation_each_reach_everyone_once(learn, data_dir, server, check_ics):
    assert learn(*JOINING).exit_code == 0
    joining = {m.rcpt_tos[0]: m.message for m in server.handler.messages}
    _, first = session_event(joining["ann.oneil@example.org"], check_ics, "leading-with-learning-session-6.ics")

    assert learn(*TODAY, "cohort", "reschedule", "2026-autumn", "6", "2026-12-09").exit_code == 0
    moved = learn(*UPDATE)
    assert moved.exit_code == 0, moved.output
    updates = new_messages(server, len(AUTUMN))
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in updates) == sorted(AUTUMN)
    for message in updates:
        files = calendars(message, check_ics)
        assert list(files) == ["leading-with-learning-session-6.ics"]
        method, event = session_event(message, check_ics, "leading-with-learning-session-6.ics")
        assert method == "REQUEST"
        assert str(event.dtstart.date()) == "2026-12-09"
        assert event.uid == first.uid and event.sequence > first.sequence
        assert [a.uri for a in event.attendees] == [f"mailto:{message['To'].addresses[0].addr_spec}"]
        text = message.get_body(("plain",)).get_content()
        assert "Session 6 has moved from Wednesday 2 December 2026" in text
        assert "to Wednesday 9 December 2026" in text

    again = learn(*UPDATE)
    assert again.exit_code == 0, again.output
    assert len(server.handler.messages) == 2 * len(AUTUMN)

    assert learn(*TODAY, "cohort", "cancel-session", "2026-autumn", "5").exit_code == 0
    cancelled = learn(*UPDATE)
    assert cancelled.exit_code == 0, cancelled.output
    updates = new_messages(server, 2 * len(AUTUMN))
    assert len(updates) == len(AUTUMN)
    for message in updates:
        to = message["To"].addresses[0].addr_spec
        files = calendars(message, check_ics)
        assert list(files) == ["leading-with-learning-session-5-cancelled.ics"]  # no repeat of session 6
        method, event = session_event(message, check_ics, "leading-with-learning-session-5-cancelled.ics")
        assert method == "CANCEL"
        assert str(event.status).upper().endswith("CANCELLED")
        assert [a.uri for a in event.attendees] == [f"mailto:{to}"]
        assert "Session 5 on Wednesday 18 November 2026 is cancelled" in message.get_body(("plain",)).get_content()
    # Three different messages to each person: three Message-IDs, all in the log.
    records = log_of(data_dir)
    assert len({r["message_id"] for r in records}) == 3 * len(AUTUMN)
    assert len({str(m.message["Message-ID"]) for m in server.handler.messages}) == 3 * len(AUTUMN)
    assert learn("validate").exit_code == 0  # the log, with what each email told, is valid


def test_render_writes_parseable_eml_files_and_leaves_out_who_never_had_the_joining_email(learn, data_dir, server, tmp_path):
    sent = learn(*JOINING, "--participant", "ann.oneil@example.org", "--participant", "sian.evans@example.org")
    assert sent.exit_code == 0, sent.output
    assert learn(*TODAY, "cohort", "reschedule", "2026-autumn", "6", "2026-12-09").exit_code == 0
    out = tmp_path / "eml"
    result = learn(*TODAY, "email", "render", "update", "2026-autumn", "-o", str(out))
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.eml"))
    assert len(files) == 2
    recipients = set()
    for path in files:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        recipients.add(message["To"].addresses[0].addr_spec)
        assert "Session 6 has moved" in message.get_body(("plain",)).get_content()
        assert "moved" in message.get_body(("html",)).get_content()
    assert recipients == {"ann.oneil@example.org", "sian.evans@example.org"}
    assert "not sent the joining email yet" in result.output

    # The others, never sent the joining email, get none from a send either.
    sent_update = learn(*UPDATE)
    assert sent_update.exit_code == 0, sent_update.output
    update_to = sorted(m.rcpt_tos[0] for m in server.handler.messages[2:])
    assert update_to == ["ann.oneil@example.org", "sian.evans@example.org"]
    # The log says what each email told: every session in the joining email, session 6 in the update.
    import json

    lines = json.loads(learn("email", "log", "2026-autumn", "--participant", "ann.oneil@example.org", "--json").stdout)
    assert [line["kind"] for line in lines] == ["joining", "update"]
    assert sorted(lines[0]["told"]) == ["1", "2", "3", "4", "5", "6"]
    [(number, told)] = lines[1]["told"].items()
    assert number == "6" and told["when"].startswith("2026-12-09 09:30-12:30")
    assert told["sequence"] > lines[0]["told"]["6"]["sequence"]


def test_an_added_session_reaches_everyone_but_who_has_withdrawn_since(learn, data_dir, server, check_ics):
    assert learn(*JOINING).exit_code == 0
    assert learn(*TODAY, "participant", "withdraw", "2026-autumn", "priya.raman@example.org").exit_code == 0
    cohort = data_dir / "cohorts" / "2026-autumn.yaml"
    text = cohort.read_text(encoding="utf-8")
    last = "  - date: 2026-12-02    # 6. Making learning a habit\n"
    cohort.write_text(text.replace(last, last + "  - date: 2026-12-16\n    theme: Looking back\n"), encoding="utf-8")
    result = learn(*UPDATE)
    assert result.exit_code == 0, result.output
    updates = new_messages(server, len(AUTUMN))
    assert sorted(m["To"].addresses[0].addr_spec for m in updates) == sorted(set(AUTUMN) - {"priya.raman@example.org"})
    for message in updates:
        method, event = session_event(message, check_ics, "leading-with-learning-session-7.ics")
        assert method == "REQUEST" and str(event.dtstart.date()) == "2026-12-16"
        assert "Session 7 is added, on Wednesday 16 December 2026" in message.get_body(("plain",)).get_content()


def test_a_joining_line_from_before_the_log_recorded_sessions_counts_as_sequence_0(learn, data_dir):
    """Read through the domain: an old log line, the events as the state file has them."""
    from learncli.domain.updates import changes, known
    from learncli.models.email_log import LoggedMessage
    from learncli.store.calendar_state import sequenced_events
    from learncli.store.folder import DataFolder

    folder = DataFolder(data_dir)
    with folder.transaction() as tx:
        before = sequenced_events(folder, tx, "2026-autumn")
    assert learn(*TODAY, "cohort", "reschedule", "2026-autumn", "6", "2026-12-09").exit_code == 0
    with folder.transaction(dry_run=True) as tx:
        after = sequenced_events(folder, tx, "2026-autumn")
    person = folder.cohort("2026-autumn").participant("ann.oneil@example.org")
    old = LoggedMessage.model_validate(
        {"kind": "joining", "to": person.email, "status": "sent", "started": "2026-09-01T10:00:00+01:00", "message_id": "<a@b>"}
    )
    knows = known([old], person, before)
    assert knows is not None and {t.sequence for t in knows.values()} == {0}
    [change] = changes(after, knows)
    assert (change.number, change.kind, change.before) == (6, "changed", None)
    # Not sent (failed) is not known: no joining email, no update.
    assert known([old.model_copy(update={"status": "failed"})], person, after) is None


def test_a_session_cancelled_before_joining_and_then_reinstated_is_invited_to_again(learn, data_dir, server, check_ics):
    assert learn(*TODAY, "cohort", "cancel-session", "2026-autumn", "5").exit_code == 0
    assert learn(*JOINING).exit_code == 0
    nothing = learn(*UPDATE)
    assert nothing.exit_code == 0, nothing.output
    assert len(server.handler.messages) == len(AUTUMN)  # the joining email already said it is cancelled
    back = learn(*TODAY, "cohort", "reschedule", "2026-autumn", "5", "2026-11-25", "--reinstate")
    assert back.exit_code == 0, back.output
    result = learn(*UPDATE, "--participant", "ann.oneil@example.org")
    assert result.exit_code == 0, result.output
    [message] = new_messages(server, len(AUTUMN))
    method, event = session_event(message, check_ics, "leading-with-learning-session-5.ics")
    assert method == "REQUEST" and str(event.dtstart.date()) == "2026-11-25"
    assert "Session 5 takes place after all, on Wednesday 25 November 2026" in message.get_body(("plain",)).get_content()
