"""Hostile values: line breaks aimed at .ics files, paths hidden in ids and names, formulas
aimed at spreadsheets, templates reaching for Python.

Each value comes in the way a person or a file would bring it (a field of the data
folder, an argument, a cell of a CSV) and goes through the real command. Either the
command refuses it with a message (exit 1, or 2 for a bad argument) and writes nothing,
or what it writes is safe: no added calendar property or component, no file outside the
place it belongs, no formula, no Python object.

Emails: every field that reaches an email header (`EMAIL_FIELDS`) is planted the same
way, `learn email render` runs, and each .eml is parsed with the standard library's
`email` parser: no added header, no added recipient.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from ical.calendar_stream import IcsCalendarStream

from learncli.store.folder import DataFolder
from tests.conftest import Learn
from tests.reliability.harness import TALLY, TODAY, build_world, snapshot

EVIL = "evil@example.org"
SEPARATORS = {"CRLF": "\r\n", "LF": "\n", "CR": "\r", "LS": "\u2028", "NEL": "\x85"}


def payload(separator: str) -> str:
    s = separator
    return f"Mallory{s}ATTENDEE:mailto:{EVIL}{s}X-EVIL:1{s}END:VEVENT{s}BEGIN:VEVENT{s}SUMMARY:injected"


#: Every field of the data folder that reaches an .ics file: (file, path of keys in it).
ICS_FIELDS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "organisation name": ("courses.yaml", ("organisation", "name")),
    "organisation email": ("courses.yaml", ("organisation", "email")),
    "course title": ("courses.yaml", ("courses", 0, "title")),
    "course theme": ("courses.yaml", ("courses", 0, "themes", 2)),
    "facilitator name": ("courses.yaml", ("facilitators", 0, "name")),
    "facilitator organisation": ("courses.yaml", ("facilitators", 1, "organisation")),
    "cohort title": ("cohorts/2026-autumn.yaml", ("title",)),
    "session theme": ("cohorts/2026-autumn.yaml", ("sessions", 3, "theme")),
    "session note": ("cohorts/2026-autumn.yaml", ("sessions", 3, "note")),
    "cancelled session note": ("cohorts/2026-autumn.yaml", ("sessions", 5, "note")),
    "zoom url": ("cohorts/2026-autumn.yaml", ("zoom", "url")),
    "zoom meeting id": ("cohorts/2026-autumn.yaml", ("zoom", "meeting_id")),
    "zoom passcode": ("cohorts/2026-autumn.yaml", ("zoom", "passcode")),
    "participant name": ("cohorts/2026-autumn.yaml", ("participants", 0, "name")),
    "participant email": ("cohorts/2026-autumn.yaml", ("participants", 1, "email")),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("injection")
    data = build_world(world, big=2)
    # Session 6 cancelled, so cancellation notices are written too.
    assert Learn(data)("cohort", "cancel-session", "2026-autumn", "6", "--note", "facilitator ill").exit_code == 0
    return world


@pytest.fixture
def data(world: Path, tmp_path: Path) -> Path:
    shutil.copytree(world, tmp_path / "w", symlinks=True)
    return tmp_path / "w" / "data"


def plant(data: Path, relative: str, keys: tuple[Any, ...], value: Any) -> None:
    """Set one value in a data file (as a person editing it would; YAML escapes kept)."""
    path = data / relative
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    node = tree
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    path.write_text(yaml.safe_dump(tree, allow_unicode=False, sort_keys=False), encoding="utf-8")


def assert_no_injection(data: bytes, events: int, *, strict: bool = True) -> None:
    """The .ics has exactly `events` events, and none of the planted lines as a property."""
    lines = data.decode("utf-8").replace("\r\n ", "").split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert sum(line == "BEGIN:VEVENT" for line in lines) == events
    assert not any(line.startswith(("X-EVIL", f"ATTENDEE:mailto:{EVIL}", "SUMMARY:injected")) for line in lines)
    if not strict:
        return
    strict_calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    assert len(strict_calendar.events) == events
    assert all(EVIL not in attendee.uri for event in strict_calendar.events for attendee in event.attendees)
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        assert "X-EVIL" not in event


@pytest.mark.parametrize("field", ICS_FIELDS)
def test_a_line_break_in_any_field_adds_nothing_to_a_calendar(data: Path, check_ics, field: str) -> None:
    relative, keys = ICS_FIELDS[field]
    original = (data / relative).read_bytes()
    out = data.parent / "invitations"
    cohort = DataFolder(data).cohort("2026-autumn")
    registered = len(cohort.registered)
    withdrawn = tuple(p.email for p in cohort.participants if not p.active)
    for separator in SEPARATORS.values():
        TALLY["injections"] += 1
        (data / relative).write_bytes(original)
        shutil.rmtree(data / "out" / "calendars", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        plant(data, relative, keys, payload(separator))
        result = Learn(data)("--today", TODAY, "calendar", "export", "2026-autumn", "--per-participant", str(out), "--cancel")
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            # Refused: the field's file and line are named, and nothing was written.
            assert f"{relative}:" in result.stderr and ("F003" in result.stderr or "F001" in result.stderr), result.stderr
            assert not (data / "out" / "calendars").exists() and not out.exists()
            continue
        assert result.exit_code == 0, result.output
        written = sorted((data / "out" / "calendars").glob("*.ics")) + sorted(out.glob("*.ics"))
        theirs = [p for p in written if p.name.startswith(withdrawn)]
        # The cohort and its cancellation; per person an invitation to each of the five
        # sessions that go on and a cancellation of the sixth; for each withdrawn person
        # only cancellations (of the sessions after they left).
        assert len(written) - len(theirs) == 2 + 6 * registered
        assert theirs and all(p.name.endswith("-cancel.ics") for p in theirs)
        for n, path in enumerate(written):
            raw = path.read_bytes()
            events = 6 if path.parent.name == "calendars" and "cancel" not in path.name else 1
            # Every file line by line; the strict parsers on the cohort's and the first person's.
            assert_no_injection(raw, events, strict=n < 4)
            if n < 4:
                check_ics(raw)


@pytest.mark.parametrize(
    "args",
    [
        ("participant", "add", "2026-autumn", "--name", payload("\r\n"), "--email", "m@example.org"),
        ("participant", "add", "2026-autumn", "--name", "M", "--email", "m@example.org", "--organisation", payload("\n")),
        ("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--title", payload("\r\n")),
        ("cohort", "cancel-session", "2026-autumn", "5", "--note", payload("\r\n")),
        ("attend", "mark", "2026-autumn", "5", "ann.oneil@example.org", "--status", "late", "--note", payload("\r\n")),
        ("commit", "review", "2026-autumn", "ann.oneil@example.org", "--session", "5", "--status", "done", "--note", payload("\r")),
        ("invoice", "void", "LWL-2026-0012", "--reason", payload("\n")),
    ],
    ids=["name", "organisation", "cohort title", "cancel note", "attendance note", "review note", "void reason"],
)
def test_a_line_break_given_on_the_command_line_is_refused_or_kept_as_text(data: Path, check_ics, args: tuple[str, ...]) -> None:
    TALLY["injections"] += 1
    before = snapshot(data)
    result = Learn(data)("--today", TODAY, *args)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code in (1, 2) and snapshot(data) == before
        return
    # Taken as text (a note may span lines): the calendar still holds no injected line.
    exported = Learn(data)("--today", TODAY, "calendar", "export", "2026-autumn", "-o", "-")
    assert exported.exit_code == 0
    raw = exported.stdout_bytes
    check_ics(raw)
    assert_no_injection(raw, 6)


def test_a_line_break_in_a_registration_csv_cell_is_refused(data: Path, tmp_path: Path) -> None:
    TALLY["injections"] += 1
    sheet = tmp_path / "reg.csv"
    sheet.write_text(f'name,email\n"{payload(chr(13) + chr(10))}",m@example.org\n', encoding="utf-8")
    before = snapshot(data)
    result = Learn(data)("participant", "import", "2026-autumn", str(sheet))
    assert result.exit_code == 1 and "I002" in result.output and "one line" in result.output
    assert snapshot(data) == before


EMAIL_PAYLOAD = "Mallory{s}Bcc: " + EVIL + "{s}X-Evil: 1"

#: Every field of the data folder that reaches a header of a rendered email.
EMAIL_FIELDS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "organisation name (From)": ("courses.yaml", ("organisation", "name")),
    "organisation email (From)": ("courses.yaml", ("organisation", "email")),
    "reply-to": ("courses.yaml", ("email", "reply_to")),
    "course title (Subject)": ("courses.yaml", ("courses", 0, "title")),
    "cohort title (Subject)": ("cohorts/2026-autumn.yaml", ("title",)),
    "participant name (To)": ("cohorts/2026-autumn.yaml", ("participants", 0, "name")),
    "participant email (To)": ("cohorts/2026-autumn.yaml", ("participants", 1, "email")),
    "billing name (Cc)": ("cohorts/2026-autumn.yaml", ("participants", 0, "billing_name")),
    "billing email (Cc)": ("cohorts/2026-autumn.yaml", ("participants", 0, "billing_email")),
    # The ledger keeps its own copy of whom an invoice is for; payment reminders use it.
    "invoice bill-to name": ("invoices/2026.yaml", ("entries", "LWL-2026-0012", "bill_to", "name")),
    "invoice bill-to email": ("invoices/2026.yaml", ("entries", "LWL-2026-0012", "bill_to", "email")),
    "invoice participant name": ("invoices/2026.yaml", ("entries", "LWL-2026-0012", "participant_name")),
}


def _entry_keys(data: Path, relative: str, keys: tuple[Any, ...]) -> tuple[Any, ...]:
    """Ledger entries are a list: find the index of the invoice a key path names."""
    if keys[0] != "entries" or not isinstance(keys[1], str):
        return keys
    entries = yaml.safe_load((data / relative).read_text(encoding="utf-8"))["entries"]
    index = next(i for i, entry in enumerate(entries) if entry.get("invoice") == keys[1])
    return ("entries", index, *keys[2:])
ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To")


def assert_clean_email(raw: bytes) -> None:
    """One message as a mail program reads it: only the headers learn writes, and no
    planted address among its recipients."""
    import email
    from email import policy

    message = email.message_from_bytes(raw, policy=policy.default)
    names = {name.lower() for name in message.keys()}
    assert "bcc" not in names and "x-evil" not in names, sorted(names)
    assert names <= {"from", "to", "cc", "reply-to", "subject", "date", "message-id", "mime-version", "content-type"}
    for header in ADDRESS_HEADERS:
        for value in message.get_all(header, []):
            assert all(EVIL not in address.addr_spec for address in value.addresses), (header, str(value))
    subject = str(message["Subject"])
    assert "\n" not in subject and "\r" not in subject


@pytest.mark.parametrize("kind", ["joining", "payment-reminder"])
@pytest.mark.parametrize("field", EMAIL_FIELDS)
def test_a_line_break_in_any_field_adds_no_email_header_or_recipient(data: Path, field: str, kind: str) -> None:
    relative, keys = EMAIL_FIELDS[field]
    original = (data / relative).read_bytes()
    out = data.parent / "emails"
    for separator in SEPARATORS.values():
        TALLY["injections"] += 1
        (data / relative).write_bytes(original)
        shutil.rmtree(out, ignore_errors=True)
        plant(data, relative, _entry_keys(data, relative, keys), EMAIL_PAYLOAD.format(s=separator))
        args = ("email", "render", kind, "2026-autumn", "-o", str(out)) + (("--include-unpaid",) if kind == "joining" else ())
        result = Learn(data)("--today", TODAY, *args)
        assert "Traceback" not in result.output
        if result.exit_code == 1 and f"{relative}:" in result.stderr:
            # Refused at the boundary: the file and line are named, nothing is rendered.
            assert "F003" in result.stderr, result.stderr
            assert not out.exists() or not list(out.glob("*.eml"))
            continue
        # Taken in: whatever was rendered is clean (a message that cannot be made
        # safe is refused on its own, and the run then exits 1).
        assert result.exit_code in (0, 1), result.output
        for path in sorted(out.glob("*.eml")):
            assert_clean_email(path.read_bytes())


# --- paths -----------------------------------------------------------------------

BAD_IDS = [
    "../courses", "../../../../etc/passwd", "/etc/passwd", "..", ".", "2026-autumn/../2026-spring", "cohorts/2026-autumn",
    "2026-autumn\x00", "2026-autumn\x00.yaml", "\x00", "2026-Autumn", " 2026-autumn", "2026-autumn\n", "~", "$(id)",
    "2026-autumn.yaml", "c:\\windows", "-", "",
]
COHORT_COMMANDS: list[tuple[str, ...]] = [
    ("cohort", "show", "{}"),
    ("cohort", "reschedule", "{}", "5", "2026-11-25"),
    ("cohort", "cancel-session", "{}", "5"),
    ("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", "{}"),
    ("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--like", "{}", "--id", "like-1"),
    ("participant", "add", "{}", "--name", "X", "--email", "x@example.org"),
    ("participant", "import", "{}", "{w}/inputs/registrations.csv"),
    ("participant", "list", "{}"),
    ("participant", "withdraw", "{}", "ann.oneil@example.org"),
    ("calendar", "export", "{}"),
    ("invoice", "run", "{}"),
    ("invoice", "list", "--cohort", "{}"),
    ("attend", "mark", "{}", "5", "ann.oneil@example.org", "--status", "late"),
    ("attend", "import", "{}", "5", "{w}/inputs/zoom-5.csv"),
    ("attend", "report", "{}", "--csv", "{w}/elsewhere/grid.csv"),
    ("commit", "add", "{}", "fatima.alsayed@example.org", "--session", "5", "x"),
    ("commit", "review", "{}", "ann.oneil@example.org", "--session", "5", "--status", "done"),
    ("commit", "list", "{}"),
    ("commit", "import", "{}", "{w}/inputs/commitments.csv"),
    ("session", "brief", "{}", "6", "--format", "html"),
]
BAD_NUMBERS = ["../../x", "/etc/passwd", "LWL-2026-0012/../../x", "LWL-2026-0012\x00", "..", "LWL-2026-0012\r\nX", ""]
NUMBER_COMMANDS: list[tuple[str, ...]] = [
    ("invoice", "show", "{}"),
    ("invoice", "render", "{}"),
    ("invoice", "render", "{}", "--format", "txt"),
    ("invoice", "void", "{}", "--reason", "x"),
    ("payment", "record", "{}", "--amount", "1", "--date", "2026-11-20", "--method", "bank"),
]


def _fill(args: tuple[str, ...], value: str, world: Path) -> list[str]:
    return [value if a == "{}" else a.replace("{w}", str(world)) for a in args]


@pytest.mark.parametrize("args", COHORT_COMMANDS, ids=lambda a: " ".join(a[:2]) + (" --like" if "--like" in a else ""))
def test_a_cohort_id_that_is_a_path_is_refused_everywhere(data: Path, args: tuple[str, ...]) -> None:
    world = data.parent
    before = snapshot(world)
    learn = Learn(data)
    for bad in BAD_IDS:
        TALLY["injections"] += 1
        result = learn("--today", TODAY, *_fill(args, bad, world))
        assert result.exit_code in (1, 2), (bad, result.output)
        assert "Traceback" not in result.output
    assert snapshot(world) == before


@pytest.mark.parametrize("args", NUMBER_COMMANDS, ids=lambda a: " ".join(a[:2]) + (" txt" if "txt" in a else ""))
def test_an_invoice_number_that_is_a_path_is_refused_everywhere(data: Path, args: tuple[str, ...]) -> None:
    world = data.parent
    before = snapshot(world)
    learn = Learn(data)
    for bad in BAD_NUMBERS:
        TALLY["injections"] += 1
        result = learn("--today", TODAY, *_fill(args, bad, world))
        assert result.exit_code in (1, 2), (bad, result.output)
        assert "Traceback" not in result.output
    assert snapshot(world) == before


def test_a_ledger_number_or_an_email_that_looks_like_a_path_stays_a_file_name(data: Path) -> None:
    """Values from the files reach file names too: invoice pages, invitations."""
    TALLY["injections"] += 2
    ledger = data / "invoices" / "2026.yaml"
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text.replace("invoice: LWL-2026-0016", "invoice: ../../../../pwned/LWL-2026-0016"), encoding="utf-8")
    plant(data, "cohorts/2026-autumn.yaml", ("participants", 2, "email"), "jose/pwned@example.org")
    world = data.parent
    learn = Learn(data)
    assert learn("--today", TODAY, "invoice", "render", "../../../../pwned/LWL-2026-0016").exit_code == 0
    (data / "out" / "invoices" / "LWL-2026-0012.html").unlink()
    assert learn("--today", TODAY, "invoice", "run", "2026-autumn").exit_code == 0
    invitations = world / "invitations"
    result = learn("--today", TODAY, "calendar", "export", "2026-autumn", "--per-participant", str(invitations))
    assert result.exit_code == 0, result.output
    assert not list(world.parent.rglob("pwned*")) and not list(Path("/").glob("pwned*"))
    assert (data / "out" / "invoices" / ".._.._.._.._pwned_LWL-2026-0016.html").is_file()
    assert (invitations / "jose_pwned@example.org-session-1.ics").is_file()


#: Every option that names a file or folder to write, and what it points at.
OUTPUTS: list[tuple[str, ...]] = [
    ("calendar", "export", "2026-autumn", "-o", "{}"),
    ("calendar", "export", "2026-autumn", "--per-participant", "{}"),
    ("invoice", "render", "LWL-2026-0012", "-o", "{}"),
    ("invoice", "render", "LWL-2026-0012", "--format", "txt", "-o", "{}"),
    ("session", "brief", "2026-autumn", "5", "-o", "{}"),
    ("session", "brief", "2026-autumn", "5", "--format", "md", "-o", "{}"),
    ("attend", "report", "2026-autumn", "--csv", "{}"),
]
DATA_TARGETS = ["courses.yaml", "cohorts/2026-autumn.yaml", "cohorts/new.yaml", "cohorts", "invoices/2026.yaml", "invoices/2027.yaml",
                "calendar-state.yaml", "calendar-state/2026-autumn.yaml", "calendar-state", "templates/invoice.html", "templates"]


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: " ".join(a[:2]) + " " + " ".join(a[3:-1]))
def test_no_output_option_can_overwrite_or_add_a_data_file(data: Path, args: tuple[str, ...]) -> None:
    (data / "templates").mkdir()
    (data / "templates" / "invoice.html").write_text((Path(__file__).parents[2] / "templates" / "invoice.html").read_text())
    before = snapshot(data)
    learn = Learn(data)
    for target in DATA_TARGETS:
        TALLY["injections"] += 1
        result = learn("--today", TODAY, *_fill(args, str(data / target), data))
        assert result.exit_code in (1, 2), (target, result.output)
        assert "Traceback" not in result.output
        assert snapshot(data) == before, target
    result = learn("--today", TODAY, *_fill(args, "x\x00y", data))
    assert result.exit_code == 2 and "Traceback" not in result.output


# --- formulas in CSV exports ------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_every_cell_of_the_attendance_csv_is_neutralised(data: Path) -> None:
    import csv
    import io

    for i, formula in enumerate(FORMULAS):
        plant(data, "cohorts/2026-autumn.yaml", ("participants", i, "name"), formula.replace("\r", "").replace("\t", ""))
    # An address may start with '=' or '+' (RFC 5322 allows both in the local part).
    plant(data, "cohorts/2026-autumn.yaml", ("participants", 6, "email"), "=1+1@example.org")
    plant(data, "cohorts/2026-autumn.yaml", ("participants", 7, "email"), "+cmd@example.org")
    TALLY["injections"] += len(FORMULAS) + 2
    target = data.parent / "grid.csv"
    result = Learn(data)("--today", TODAY, "attend", "report", "2026-autumn", "--csv", str(target))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'=1+1@example.org" in cells and "'+cmd@example.org" in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# --- templates --------------------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "{{ self._TemplateReference__context }}",
    "{{ (invoice|attr('__class__')).__mro__ }}",
    "{{ '{0.__class__.__init__.__globals__}'.format(brief) }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ brief.__class__.__init__.__globals__ }}",
    "{{ invoice.__dict__ }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{% set x = namespace() %}{{ x.__init__.__globals__ }}",
    # Not escapes, but a template's own errors: a message with the line, not a traceback.
    "{{ 1 / 0 }}",
    "{{ 1 + 'a' }}",
    "{{ range(10 ** 9) | list }}",
]
TEMPLATE_COMMANDS = {
    "invoice.html": [("invoice", "run", "big"), ("invoice", "render", "LWL-2026-0012"), ("invoice", "void", "LWL-2026-0015", "--reason", "x")],
    "invoice.txt": [("invoice", "render", "LWL-2026-0012", "--format", "txt")],
    "session-brief.html": [("session", "brief", "2026-autumn", "5", "--format", "html")],
    "session-brief.md": [("session", "brief", "2026-autumn", "5", "--format", "md")],
}


@pytest.mark.parametrize("template", TEMPLATE_COMMANDS)
def test_a_data_folder_template_reaching_for_python_internals_stops_with_t001(data: Path, template: str, monkeypatch) -> None:
    monkeypatch.chdir(data.parent)
    (data / "templates").mkdir()
    learn = Learn(data)
    for body in ESCAPES:
        (data / "templates" / template).write_text(f"Invoice and brief\n{body}\n", encoding="utf-8")
        before = snapshot(data)
        for args in TEMPLATE_COMMANDS[template]:
            TALLY["injections"] += 1
            result = learn("--today", TODAY, *args)
            assert result.exit_code == 1, (body, args, result.output)
            assert "T001" in result.output and f"templates/{template}:2:" in result.output, result.output
            assert "Traceback" not in result.output
            assert snapshot(data) == before
    assert not list(data.parent.rglob("PWNED"))
