"""`learn calendar export` end to end: files, state, updates, cancellations, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "calendar"
STAMP_LINE = re.compile(rb"^DTSTAMP:\d{8}T\d{6}Z\r$", re.MULTILINE)


def _normalise(data: bytes) -> bytes:
    return STAMP_LINE.sub(b"DTSTAMP:20000101T000000Z\r", data)


def _calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def _events(path: Path) -> list:
    return _calendar(path).walk("VEVENT")


def _by_number(path: Path) -> dict[int, icalendar.Event]:
    return {int(re.search(r"-session-(\d+)\.", str(e["UID"])).group(1)): e for e in _events(path)}


@pytest.fixture
def exported(data_dir):
    return data_dir / "out" / "calendars" / "2026-autumn.ics"


@pytest.fixture
def every_ics_is_valid(check_ics, tmp_path):
    """After the test, every .ics under tmp_path passes the strict checks."""
    yield
    files = sorted(tmp_path.rglob("*.ics"))
    for path in files:
        check_ics(path.read_bytes())


pytestmark = pytest.mark.usefixtures("every_ics_is_valid")


def test_export_writes_the_cohort_calendar_and_the_state_file(learn, data_dir, exported):
    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 0, result.output
    assert "calendar-state/2026-autumn.yaml" in result.stderr and "2026-autumn.ics" in result.stderr
    calendar = _calendar(exported)
    assert calendar["METHOD"] == "PUBLISH"
    assert len(calendar.walk("VEVENT")) == 6
    state = (data_dir / "calendar-state" / "2026-autumn.yaml").read_text()
    assert '"2026-autumn-session-4.leading-with-learning@example.org", sequence: 0' in state
    assert learn("validate").exit_code == 0


def test_golden_file_for_the_autumn_cohort(learn, exported):
    # Reviewed by hand: 6 Wednesday sessions at 09:30-12:30 Europe/London, VTIMEZONE
    # with the UK's yearly rules (forward 01:00 GMT last Sunday of March, back 02:00 BST
    # last Sunday of October), themes in course order, Zoom details, 30-minute alarms.
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert _normalise(exported.read_bytes()) == (GOLDEN / "2026-autumn.ics").read_bytes()


def test_golden_file_for_one_invitation(learn, tmp_path):
    # Reviewed by hand: session 1 alone (a request holds one UID), Ann as the attendee
    # asked to reply, her name quoted as a parameter must be ("O'Neil, Ann").
    assert learn("calendar", "export", "2026-autumn", "--per-participant", tmp_path / "inv").exit_code == 0
    data = (tmp_path / "inv" / "ann.oneil@example.org-session-1.ics").read_bytes()
    assert _normalise(data) == (GOLDEN / "2026-autumn-ann.oneil@example.org-session-1.ics").read_bytes()


def test_re_export_of_unchanged_data_differs_only_in_dtstamp(learn, data_dir, exported):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    first = exported.read_bytes()
    state = data_dir / "calendar-state" / "2026-autumn.yaml"
    state_before = (state.read_bytes(), state.stat().st_mtime_ns)
    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 0
    assert "calendar-state" not in result.stderr
    assert (state.read_bytes(), state.stat().st_mtime_ns) == state_before
    second = exported.read_bytes()
    differing = [(a, b) for a, b in zip(first.split(b"\r\n"), second.split(b"\r\n"), strict=True) if a != b]
    assert all(a.startswith(b"DTSTAMP:") and b.startswith(b"DTSTAMP:") for a, b in differing)
    assert _normalise(first) == _normalise(second)


def test_reschedule_then_export_keeps_the_uid_and_raises_the_sequence(learn, exported):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    before = _by_number(exported)
    assert learn("cohort", "reschedule", "2026-autumn", "3", "2026-10-22").exit_code == 0
    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 0
    assert "session 3 (SEQUENCE 1)" in result.stderr
    after = _by_number(exported)
    assert after[3]["UID"] == before[3]["UID"]
    assert after[3]["SEQUENCE"] > before[3]["SEQUENCE"]
    assert after[3].start.date().isoformat() == "2026-10-22"
    assert [after[n]["SEQUENCE"] for n in (1, 2, 4, 5, 6)] == [0] * 5


def test_a_new_start_time_raises_the_sequence(learn, exported):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert learn("cohort", "reschedule", "2026-autumn", "5", "2026-11-18", "--start", "10:00", "--end", "13:00").exit_code == 0
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    session = _by_number(exported)[5]
    assert session["SEQUENCE"] == 1
    assert session.start.hour == 10


def test_a_hand_edit_of_a_date_raises_the_sequence(learn, data_dir, exported):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace("- date: 2026-11-18", "- date: 2026-11-19"))
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    events = _by_number(exported)
    assert events[5]["SEQUENCE"] == 1 and events[5].start.day == 19
    # and once more by hand, back again: still higher, never lower
    path.write_text(path.read_text().replace("- date: 2026-11-19", "- date: 2026-11-18"))
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert _by_number(exported)[5]["SEQUENCE"] == 2


def test_cancel_session_then_export_with_cancel(learn, data_dir, exported, tmp_path):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert learn("cohort", "cancel-session", "2026-autumn", "6", "--note", "facilitator ill").exit_code == 0

    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 0
    assert "--cancel" in result.stderr  # tells the facilitator how to send the notices
    session = _by_number(exported)[6]
    assert session["STATUS"] == "CANCELLED" and session["SEQUENCE"] == 1

    result = learn("calendar", "export", "2026-autumn", "--cancel", "--per-participant", tmp_path / "inv")
    assert result.exit_code == 0, result.output
    # The cohort file's event was published, not sent as an invitation: its update is a
    # PUBLISH of the cancelled event (RFC 5546 3.2.1), not a CANCEL without attendees.
    notice = exported.with_name("2026-autumn-session-6-cancel.ics")
    calendar = _calendar(notice)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (session["UID"], 1, "CANCELLED")
    assert "ATTENDEE" not in event
    personal = _calendar(tmp_path / "inv" / "ann.oneil@example.org-session-6-cancel.ics")
    assert personal["METHOD"] == "CANCEL"
    [event] = personal.walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (session["UID"], 1, "CANCELLED")
    assert [str(a) for a in event.attendees] == ["mailto:ann.oneil@example.org"]
    ann = sorted(p.name for p in (tmp_path / "inv").glob("ann.oneil@*"))
    # The cancelled session is no longer offered: its invitation gave way to the cancellation.
    assert ann == [*(f"ann.oneil@example.org-session-{n}.ics" for n in range(1, 6)), "ann.oneil@example.org-session-6-cancel.ics"]


def test_per_participant_writes_one_invitation_per_session_and_registered_person(learn, data_dir, tmp_path):
    target = tmp_path / "invitations"
    result = learn("calendar", "export", "2026-autumn", "--per-participant", target)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in target.iterdir())
    assert len(files) == 9 * 6  # one request per person and session: a request holds one UID
    assert not [f for f in files if f.startswith("tom.whitfield@")]  # withdrawn
    assert "Tom Whitfield" in result.stderr
    cohort = _by_number(data_dir / "out" / "calendars" / "2026-autumn.ics")
    for path in target.iterdir():
        calendar = _calendar(path)
        assert calendar["METHOD"] == "REQUEST"
        email, _, number = path.name.removesuffix(".ics").rpartition("-session-")
        [event] = calendar.walk("VEVENT")
        assert (event["UID"], event["SEQUENCE"]) == (cohort[int(number)]["UID"], cohort[int(number)]["SEQUENCE"])
        [attendee] = event.attendees
        assert str(attendee) == f"mailto:{email}"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    raw = (target / "ann.oneil@example.org-session-3.ics").read_bytes().replace(b"\r\n ", b"")
    assert b"ATTENDEE;CN=\"O'Neil, Ann\";" in raw


def test_stdout_gets_the_calendar_and_nothing_else(learn, data_dir, check_ics):
    result = learn("calendar", "export", "2026-autumn", "-o", "-")
    assert result.exit_code == 0
    data = result.stdout_bytes
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    check_ics(data)
    assert not (data_dir / "out").exists()
    assert (data_dir / "calendar-state" / "2026-autumn.yaml").exists()


def test_output_to_a_chosen_file(learn, tmp_path):
    target = tmp_path / "elsewhere" / "autumn.ics"
    assert learn("calendar", "export", "2026-autumn", "-o", target).exit_code == 0
    assert len(_events(target)) == 6


def test_dry_run_writes_nothing_and_shows_the_state_it_would_keep(learn, data_dir, tmp_path):
    result = learn("calendar", "export", "2026-autumn", "--dry-run", "--per-participant", tmp_path / "inv")
    assert result.exit_code == 0
    assert re.search(r"would create \S*calendar-state/2026-autumn\.yaml:", result.stdout)
    assert "+  3: {uid: \"2026-autumn-session-3.leading-with-learning@example.org\", sequence: 0" in result.stdout
    assert "would write" in result.stdout and "2026-autumn.ics" in result.stdout
    assert not (data_dir / "calendar-state").exists()
    assert not (data_dir / "out").exists()
    assert not (tmp_path / "inv").exists()


def test_without_a_zoom_link_it_exports_and_says_what_to_do(learn, data_dir, exported):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"zoom:\n(  .*\n)+", "", text))
    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 0, result.output
    assert "no Zoom link" in result.stderr
    first = _events(exported)[0]
    assert first["LOCATION"] == "Online (Zoom link to follow)" and "URL" not in first
    # Adding the link later updates every session in place.
    path.write_text(text)
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert {e["SEQUENCE"] for e in _events(exported)} == {1}


def test_a_broken_state_file_is_reported_with_its_position(learn, data_dir):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    state = data_dir / "calendar-state" / "2026-autumn.yaml"
    state.write_text(state.read_text().replace("sequence: 0, fingerprint", "sequence: many, fingerprint", 1))
    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 1
    assert re.search(r"calendar-state/2026-autumn\.yaml:\d+:\d+: F003", result.stderr)
    assert "Traceback" not in result.output
    assert learn("validate").exit_code == 1


def test_cancel_needs_a_file_not_stdout(learn):
    result = learn("calendar", "export", "2026-autumn", "-o", "-", "--cancel")
    assert result.exit_code == 2
    assert "--cancel" in result.stderr


def test_output_never_replaces_a_data_file(learn, data_dir):
    before = (data_dir / "courses.yaml").read_text()
    result = learn("calendar", "export", "2026-autumn", "-o", data_dir / "courses.yaml")
    assert result.exit_code == 1
    assert (data_dir / "courses.yaml").read_text() == before


def test_unknown_cohort_is_a_clear_error(learn):
    result = learn("calendar", "export", "2026-autum")
    assert result.exit_code == 1
    assert "2026-autumn" in result.stderr  # the suggestion


def test_each_cohort_has_its_own_state_file(learn, data_dir):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert learn("calendar", "export", "2026-spring").exit_code == 0
    files = sorted(p.name for p in (data_dir / "calendar-state").iterdir())
    assert files == ["2026-autumn.yaml", "2026-spring.yaml"]
    spring = (data_dir / "calendar-state" / "2026-spring.yaml").read_text()
    assert "2026-spring-session-1." in spring and "2026-autumn" not in spring
    assert learn("validate").exit_code == 0


def test_exporting_one_cohort_reads_no_other_cohorts_state(learn, data_dir):
    assert learn("calendar", "export", "2026-spring").exit_code == 0
    other = data_dir / "calendar-state" / "2026-spring.yaml"
    other.write_text("version: 1\nsessions: [not, a, mapping]\n")
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert learn("validate").exit_code == 1  # validate still checks every state file


LEGACY = """\
# calendar-state.yaml as learn kept it before there was one file per cohort
version: 1
cohorts:
  "2026-autumn":
    3: {{uid: "2026-autumn-session-3.leading-with-learning@example.org", sequence: 4, fingerprint: "{fingerprint}"}}
  "2026-spring":
    1: {{uid: "2026-spring-session-1.leading-with-learning@example.org", sequence: 2, fingerprint: "0000000000000000"}}
"""


def test_the_old_single_state_file_is_still_read(learn, data_dir, exported):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    own = data_dir / "calendar-state" / "2026-autumn.yaml"
    fingerprint = re.search(r'3: \{uid: "[^"]+", sequence: 0, fingerprint: "(\w+)"', own.read_text()).group(1)
    own.unlink()
    legacy = data_dir / "calendar-state.yaml"
    legacy.write_text(LEGACY.format(fingerprint=fingerprint))
    assert learn("validate").exit_code == 0

    # Session 3 is unchanged since the export the old file remembers: it keeps SEQUENCE 4.
    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 0, result.output
    assert _by_number(exported)[3]["SEQUENCE"] == 4
    assert "session 3 (SEQUENCE 4)" not in result.stderr
    assert '3: {uid: "2026-autumn-session-3.leading-with-learning@example.org", sequence: 4,' in own.read_text()
    assert legacy.read_text() == LEGACY.format(fingerprint=fingerprint)  # read, never rewritten

    # Once the cohort has its own file, that is what counts.
    assert learn("cohort", "reschedule", "2026-autumn", "3", "2026-10-22").exit_code == 0
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert _by_number(exported)[3]["SEQUENCE"] == 5

    # A cohort still only in the old file continues its sequence from there.
    assert learn("calendar", "export", "2026-spring").exit_code == 0
    spring = data_dir / "out" / "calendars" / "2026-spring.ics"
    assert _by_number(spring)[1]["SEQUENCE"] == 3  # the old fingerprint differs: one more


def test_a_broken_old_state_file_is_reported_by_validate(learn, data_dir):
    (data_dir / "calendar-state.yaml").write_text("version: 1\ncohorts:\n  \"2026-autumn\":\n    1: {uid: x, sequence: -1, fingerprint: y}\n")
    result = learn("validate")
    assert result.exit_code == 1
    assert re.search(r"calendar-state\.yaml:4:\d+: F003", result.stdout)
    assert learn("calendar", "export", "2026-autumn").exit_code == 1


def test_invitations_never_go_into_the_cohorts_folder(learn, data_dir):
    result = learn("calendar", "export", "2026-autumn", "--per-participant", data_dir / "cohorts")
    assert result.exit_code == 1
    assert sorted(p.name for p in (data_dir / "cohorts").iterdir()) == ["2026-autumn.yaml", "2026-spring.yaml"]


def test_a_withdrawn_participant_gets_cancellations_of_the_sessions_they_leave(learn, exported, tmp_path):
    # Zoë accepted her invitations, then withdrew on 25 Oct: sessions 4 to 6 are after that.
    assert learn("--today", "2026-10-26", "participant", "withdraw", "2026-autumn", "zoe.hartmann@example.org", "--date", "2026-10-25").exit_code == 0
    target = tmp_path / "inv"
    result = learn("--today", "2026-10-26", "calendar", "export", "2026-autumn", "--per-participant", target, "--cancel")
    assert result.exit_code == 0, result.output
    assert "Zoë Hartmann withdrew" in result.stderr
    cohort = _by_number(exported)
    mine = sorted(p.name for p in target.glob("zoe.hartmann@*"))
    assert mine == [f"zoe.hartmann@example.org-session-{n}-cancel.ics" for n in (4, 5, 6)]
    for n in (4, 5, 6):
        calendar = _calendar(target / f"zoe.hartmann@example.org-session-{n}-cancel.ics")
        assert calendar["METHOD"] == "CANCEL"
        [event] = calendar.walk("VEVENT")
        # The event in her calendar, by its UID, one SEQUENCE above her invitation's:
        # she is taken off it, and with no STATUS, since the session is not cancelled
        # (RFC 5546 3.2.5: "If uninviting specific Attendees then MUST NOT be included").
        assert event["UID"] == cohort[n]["UID"] and event["SEQUENCE"] == cohort[n]["SEQUENCE"] + 1
        assert "STATUS" not in event and "VALARM" not in [c.name for c in event.subcomponents]
        assert not {"DESCRIPTION", "LOCATION", "URL"} & set(event)  # no Zoom details for someone who left
        assert [str(a) for a in event.attendees] == ["mailto:zoe.hartmann@example.org"]
        assert event.attendees[0].params["CN"] == "Zoë Hartmann"
        # ... and only for her: the session goes on for everyone else, unchanged.
        assert cohort[n]["STATUS"] == "CONFIRMED" and cohort[n]["SEQUENCE"] == 0
    # Tom withdrew before the start: every session leaves his calendar.
    assert len(list(target.glob("tom.whitfield@*-cancel.ics"))) == 6
    # Registered people get their invitations and no cancellation.
    assert not list(target.glob("ann.oneil@*-cancel.ics"))
    assert len(list(target.glob("ann.oneil@*"))) == 6


def test_without_cancel_a_withdrawal_only_says_how_to_write_the_cancellations(learn, tmp_path):
    target = tmp_path / "inv"
    result = learn("calendar", "export", "2026-autumn", "--per-participant", target)
    assert result.exit_code == 0
    assert not list(target.glob("*-cancel.ics"))
    assert "add --cancel" in result.stderr


def test_a_sequence_beyond_what_calendars_accept_is_an_error_at_its_place(learn, data_dir, exported):
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    state = data_dir / "calendar-state" / "2026-autumn.yaml"
    text = state.read_text()
    state.write_text(text.replace("sequence: 0, fingerprint", "sequence: 100000000000000000000, fingerprint", 1))
    result = learn("calendar", "export", "2026-autumn")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"calendar-state/2026-autumn\.yaml:\d+:\d+: F\d{3}", result.stderr)
    # At the highest a calendar accepts, it exports; a change that would go past it is refused.
    from learncli.models.calendar_state import MAX_SEQUENCE

    state.write_text(text.replace("sequence: 0, fingerprint", f"sequence: {MAX_SEQUENCE}, fingerprint", 1))
    assert learn("calendar", "export", "2026-autumn").exit_code == 0
    assert _by_number(exported)[1]["SEQUENCE"] == MAX_SEQUENCE
    assert learn("cohort", "reschedule", "2026-autumn", "1", "2026-09-24").exit_code == 0
    refused = learn("calendar", "export", "2026-autumn")
    assert refused.exit_code == 1 and "the most a calendar's SEQUENCE can count" in refused.stderr
    assert state.read_text() == text.replace("sequence: 0, fingerprint", f"sequence: {MAX_SEQUENCE}, fingerprint", 1)


def _one(path: Path) -> icalendar.Event:
    [event] = _events(path)
    return event


def test_a_withdrawal_replaces_the_invitations_in_the_folder_and_each_message_raises_the_sequence(learn, data_dir, exported, tmp_path):
    target = tmp_path / "inv"
    zoe = "zoe.hartmann@example.org"
    assert learn("--today", "2026-09-01", "calendar", "export", "2026-autumn", "--per-participant", target).exit_code == 0
    assert sorted(p.name for p in target.glob("zoe.*")) == [f"{zoe}-session-{n}.ics" for n in range(1, 7)]
    assert learn("--today", "2026-10-26", "participant", "withdraw", "2026-autumn", zoe, "--date", "2026-10-25").exit_code == 0
    state = data_dir / "calendar-state" / "2026-autumn.yaml"

    # --dry-run says what it would remove, and removes nothing.
    before = sorted(p.name for p in target.iterdir()), state.read_text()
    preview = learn("--today", "2026-10-26", "calendar", "export", "2026-autumn", "--per-participant", target, "--cancel", "--dry-run")
    assert preview.exit_code == 0, preview.output
    for n in range(1, 7):
        assert f"would remove inv/{zoe}-session-{n}.ics" in preview.stdout
    assert f"would write inv/{zoe}-session-4-cancel.ics" in preview.stdout
    assert f'"{zoe}": 1' in preview.stdout  # the state it would keep: her uninvitations
    assert (sorted(p.name for p in target.iterdir()), state.read_text()) == before

    result = learn("--today", "2026-10-26", "calendar", "export", "2026-autumn", "--per-participant", target, "--cancel")
    assert result.exit_code == 0, result.output
    assert f"removed inv/{zoe}-session-1.ics" in result.stderr
    # Her invitations are gone, all of them: the folder offers her only the cancellations.
    assert sorted(p.name for p in target.glob("zoe.*")) == [f"{zoe}-session-{n}-cancel.ics" for n in (4, 5, 6)]
    for n in (4, 5, 6):
        assert _one(target / f"{zoe}-session-{n}-cancel.ics")["SEQUENCE"] == 1  # her invitation had 0
        assert _by_number(exported)[n]["SEQUENCE"] == 0  # nobody else's event changed
    # Recorded with the sessions (Tom, who withdrew before the start, for all six).
    assert [line.endswith(f'uninvited: {{"tom.whitfield@example.org": 1, "{zoe}": 1}}}}') for line in state.read_text().splitlines()[-6:]] == [
        False, False, False, True, True, True]
    assert learn("validate").exit_code == 0

    # Again: the same files, and the state as it was.
    kept = state.read_text()
    again = learn("--today", "2026-10-27", "calendar", "export", "2026-autumn", "--per-participant", target, "--cancel")
    assert again.exit_code == 0 and "calendar-state" not in again.stderr and state.read_text() == kept

    # A change to session 5 goes above her cancellation, for everyone.
    assert learn("cohort", "reschedule", "2026-autumn", "5", "2026-11-19").exit_code == 0
    assert learn("--today", "2026-10-27", "calendar", "export", "2026-autumn", "--per-participant", target, "--cancel").exit_code == 0
    assert _by_number(exported)[5]["SEQUENCE"] == 2
    assert _one(target / "ann.oneil@example.org-session-5.ics")["SEQUENCE"] == 2
    assert _one(target / f"{zoe}-session-5-cancel.ics")["SEQUENCE"] == 3  # and her new cancellation above that

    # She comes back: her invitations return above the cancellations she was sent, and those go.
    assert learn("--today", "2026-10-28", "participant", "reinstate", "2026-autumn", zoe).exit_code == 0
    back = learn("--today", "2026-10-28", "calendar", "export", "2026-autumn", "--per-participant", target, "--cancel")
    assert back.exit_code == 0, back.output
    assert sorted(p.name for p in target.glob("zoe.*")) == [f"{zoe}-session-{n}.ics" for n in range(1, 7)]
    assert [_one(target / f"{zoe}-session-{n}.ics")["SEQUENCE"] for n in (4, 5, 6)] == [2, 4, 2]
    assert zoe not in state.read_text() and "tom.whitfield@example.org" in state.read_text()


def test_invitation_files_of_an_older_version_give_way_to_one_per_session(learn, tmp_path):
    target = tmp_path / "inv"
    target.mkdir()
    (target / "ann.oneil@example.org.ics").write_bytes(b"all sessions in one request, as learn once wrote it")
    (target / "notes.txt").write_text("mine")
    result = learn("calendar", "export", "2026-autumn", "--per-participant", target)
    assert result.exit_code == 0, result.output
    assert not (target / "ann.oneil@example.org.ics").exists()
    assert (target / "ann.oneil@example.org-session-1.ics").exists() and (target / "notes.txt").read_text() == "mine"
