"""Hostile input: special files, numbers and dates at the ends of their ranges, format
strings from a grammar, and the small ways a folder can be odd. Each case asserts the
promise of the README: exit 0, 1 or 2, never an internal error, every message naming a
place as path:line:col, and an answer in bounded time (a real process under a timeout
where a hang is the failure being guarded against).

Commands run in this process with LEARN_DEBUG=1 (tests/conftest.py), so any exception
other than learn's own fails the test with its traceback.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import string
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.bounded import NotRegularFile, TooLarge, read_bounded
from learncli.limits import MAX_DATE, MAX_IMPORT_ROWS, MAX_REPORT_ROWS, MAX_SEQUENCE, MIN_DATE, number_format_problem
from tests.conftest import BUNDLED, Learn, run_process
from tests.reliability.harness import TALLY

# A diagnostic line: `path:line:col: CODE severity: message`.
DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): [A-Z]\d{3} (error|warning|info): ")
# Any line that names a code at all (to catch one printed without a place).
CODED = re.compile(r": [A-Z]\d{3} (error|warning|info): ")

HOSTILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def fresh(tmp_path: Path, name: str = "data") -> Path:
    target = tmp_path / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("out", ".learn*"))
    return target


def answered(result: object, allowed: tuple[int, ...] = (0, 1, 2)) -> str:
    """The command's whole output, after checking the promises every answer keeps."""
    TALLY["hostile_inputs"] += 1
    out = (getattr(result, "stdout", "") or "") + (getattr(result, "stderr", "") or "")
    code = getattr(result, "exit_code", getattr(result, "returncode", None))
    assert code in allowed, out
    assert "internal error" not in out, out
    assert "Traceback" not in out, out
    for line in out.splitlines():
        if CODED.search(line):
            assert DIAGNOSTIC.match(line), f"a message without a place: {line!r}"
    return out


def set_in_courses(data: Path, old: str, new: str) -> None:
    path = data / "courses.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- special files -------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link", "dangling-link", "folder"])
def test_a_special_file_among_the_cohorts_is_named_not_read(tmp_path, kind):
    data = fresh(tmp_path)
    planted = data / "cohorts" / "2027-spring.yaml"
    if kind == "fifo":
        os.mkfifo(planted)
    elif kind == "dev-zero-link":
        planted.symlink_to("/dev/zero")
    elif kind == "dangling-link":
        planted.symlink_to(tmp_path / "nowhere" / "x.yaml")
    else:
        planted.mkdir()
    started = time.monotonic()
    for args in (("validate",), ("status",), ("cohort", "list")):
        result = run_process("--data", str(data), "--today", "2026-11-23", *args, timeout=60)
        out = answered(result, (0, 1))
        if args == ("validate",):
            assert result.returncode == 1
            assert re.search(r"2027-spring\.yaml:1:1: Y006 error: ", out), out
    assert time.monotonic() - started < 60


IMPORTS = {
    "attend": ("attend", "import", "2026-autumn", "5"),
    "participant": ("participant", "import", "2026-autumn"),
    "commit": ("commit", "import", "2026-autumn"),
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", sorted(IMPORTS))
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_an_import_of_a_special_file_is_refused_at_once_at_its_start(tmp_path, kind, command):
    data = fresh(tmp_path)
    if kind == "fifo":
        source = tmp_path / "report.csv"
        os.mkfifo(source)
    elif kind == "dev-zero":
        source = Path("/dev/zero")
    else:
        source = tmp_path / "a-folder.csv"
        source.mkdir()
    result = run_process("--data", str(data), *IMPORTS[command], str(source), timeout=60)
    out = answered(result, (1,))
    assert re.search(rf"(^|/){re.escape(source.name)}:1:1: I001 error: this is an? [^,]+, not a CSV file", out, re.M), out


def write_rows(path: Path, header: str, row: str, count: int) -> Path:
    path.write_text(header + "\n" + "".join(row.format(i=i) + "\n" for i in range(count)), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", sorted(IMPORTS))
def test_an_import_past_a_cohorts_size_is_refused_at_the_first_row_past_the_limit(tmp_path, command):
    data = fresh(tmp_path)
    header, row = {
        "attend": ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)",
                   "Guest {i},g{i}@example.com,11/18/2026 09:30:00 AM,11/18/2026 12:30:00 PM,180"),
        "participant": ("name,email", "Person {i},p{i}@example.org"),
        "commit": ("email,session,text", "p{i}@example.org,1,try {i}"),
    }[command]
    limit = MAX_REPORT_ROWS if command == "attend" else MAX_IMPORT_ROWS
    # As many rows as 9 MiB holds, inside the 10 MiB size limit: hundreds of thousands.
    source = write_rows(tmp_path / "big.csv", header, row, 9 * 1024 * 1024 // (len(row.format(i=999_999)) + 1))
    assert source.stat().st_size < 10 * 1024 * 1024
    started = time.monotonic()
    result = run_process("--data", str(data), *IMPORTS[command], str(source), "--dry-run", timeout=60)
    out = answered(result, (1,))
    assert time.monotonic() - started < 60
    assert re.search(rf"big\.csv:{limit + 2}:1: I001 error: more than {limit:,} rows", out), out


def test_an_attendance_import_of_many_strangers_takes_linear_time(data_dir, tmp_path):
    """Each unmatched group's minutes once took a scan of the whole report: 5,000
    strangers cost about five seconds of CPU, 20,000 a minute."""
    from learncli.domain.attendance import plan_import
    from learncli.domain.schedule import session_times
    from learncli.domain.zoom import parse_report
    from learncli.store.folder import DataFolder

    folder = DataFolder(data_dir)
    config, cohort = folder.config(), folder.cohort("2026-autumn")
    course = config.course(cohort.course)
    session = session_times(cohort, course, config.timezone)[4]
    source = write_rows(tmp_path / "zoom.csv", "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)",
                        "Stranger {i},s{i}@example.com,11/18/2026 09:30:00 AM,11/18/2026 12:30:00 PM,180", MAX_REPORT_ROWS)
    report = parse_report(source.read_text(), source, zone=config.timezone)
    assert not report.problems and len(report.rows) == MAX_REPORT_ROWS
    started = time.process_time()
    plan = plan_import(report, cohort, config, session, course.attendance)
    assert time.process_time() - started < 1.5
    assert len(plan.unmatched) == MAX_REPORT_ROWS and {u.minutes for u in plan.unmatched} == {180}


def test_an_oversized_import_is_refused_with_a_position(tmp_path):
    data = fresh(tmp_path)
    big = tmp_path / "zoom.csv"
    with big.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)  # sparse: 11 MiB of NULs, over the 10 MiB limit
    result = Learn(data)("attend", "import", "2026-autumn", "5", str(big))
    out = answered(result, (1,))
    assert re.search(r"zoom\.csv:1:1: I001 error: the file is 11,534,336 bytes", out), out


def test_the_bounded_reader_stops_at_the_limit_whatever_the_size_claims(tmp_path):
    with pytest.raises(NotRegularFile) as device:
        read_bounded(Path("/dev/zero"), 1024)
    assert device.value.kind == "a character device"
    exact = tmp_path / "exact"
    exact.write_bytes(b"x" * 1024)
    assert read_bounded(exact, 1024) == b"x" * 1024
    exact.write_bytes(b"x" * 1025)
    with pytest.raises(TooLarge):
        read_bounded(exact, 1024)
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pipe"
        os.mkfifo(pipe)
        started = time.monotonic()
        with pytest.raises(NotRegularFile):
            read_bounded(pipe, 1024)
        assert time.monotonic() - started < 5  # no writer: a blocking open would never return


# --- numbers -------------------------------------------------------------------------

# Exponents to the ends of what Decimal reads (and past them): abs() in the default
# context overflows from 1e1000000 on, so the whole range is drawn, not just the middle.
EXPONENTS = st.one_of(st.integers(-(10**9), 10**9), st.sampled_from([999_999, 1_000_000, -1_000_000, 999_999_999, -999_999_999, 10**18, 10**20]))

huge_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(1, 99), EXPONENTS),
    st.builds(lambda m, e: f"-{m}.5E+{e}", st.integers(1, 99), EXPONENTS),
    st.builds(lambda d: "9" * d, st.integers(10, 60)),
    st.builds(lambda d: "0." + "0" * d + "1", st.integers(0, 40)),
    st.sampled_from(["1e30", "1E+999999", "-1e-999999", "1e1000000", "1e999999999", "-1E+1000000000", "1e-1000000",
                     "999999999.99", "1000000000.00", ".inf", "-0", "0.005", "10001", "1441", "1000"]),
)

# Whole numbers only YAML writes: hexadecimal and octal of any length (Python prints no
# int of more than 4,300 digits, and `0x` of 4,000 digits is larger still).
yaml_numbers = st.one_of(
    huge_numbers,
    st.builds(lambda d: "0x" + "f" * d, st.integers(1, 4000)),
    st.builds(lambda d: "0o" + "7" * d, st.integers(1, 5000)),
)

VAT_ON = ("courses.yaml", "  # vat_number: GB000000000", "  vat_number: GB000000000")
VAT_RATE = ("courses.yaml", "  prefix: LWL\n", "  prefix: LWL\n  vat_rate: {v}\n")

# For each field, the (file, text to replace, replacement with {v} for the value) edits
# that put a value there: every money, rate, share and count field. VAT is switched on
# (a VAT number and a rate) wherever it takes part, so totals are fee plus VAT.
NUMBER_FIELDS = {
    "fee": [("courses.yaml", "fee: 575.00", "fee: {v}")],
    "fee with VAT": [VAT_ON, ("courses.yaml", "  prefix: LWL\n", "  prefix: LWL\n  vat_rate: 20\n"), ("courses.yaml", "fee: 575.00", "fee: {v}")],
    "contribution": [("courses.yaml", "amount: 25.00", "amount: {v}")],
    "vat rate": [VAT_ON, VAT_RATE],
    "capacity": [("courses.yaml", "capacity: 16", "capacity: {v}")],
    "late after": [("courses.yaml", "late_after_minutes: 10", "late_after_minutes: {v}")],
    "invoice total": [("invoices/2026.yaml", "    total: 575.00", "    total: {v}")],
    "line amount": [("invoices/2026.yaml", "        amount: 575.00", "        amount: {v}")],
    "minutes": [("cohorts/2026-autumn.yaml", "ann.oneil@example.org: left-early", "ann.oneil@example.org: {{status: left-early, minutes: {v}}}")],
    "commitment session": [("cohorts/2026-autumn.yaml", "    session: 1\n", "    session: {v}\n")],
}


def put(data: Path, edits: list[tuple[str, str, str]], value: str) -> None:
    for name, old, new in edits:
        path = data / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new.format(v=value), 1), encoding="utf-8")


@HOSTILE
@given(value=yaml_numbers, field=st.sampled_from(sorted(NUMBER_FIELDS)))
def test_any_number_in_any_field_is_used_or_refused_at_its_line(tmp_path_factory, value, field):
    data = fresh(tmp_path_factory.mktemp("number"))
    put(data, NUMBER_FIELDS[field], value)
    learn = Learn(data)
    checked = learn("validate")
    answered(checked, (0, 1))
    run = learn("--today", "2026-08-01", "invoice", "run", "2026-autumn", "--dry-run")
    answered(run, (0, 1))
    if checked.exit_code == 0:  # what validate passes, the commands can use
        assert run.exit_code == 0, run.output
    answered(learn("invoice", "list"), (0, 1))
    answered(learn("--today", "2026-11-23", "report", "contributions"), (0, 1))
    answered(learn("--today", "2026-11-23", "attend", "report", "2026-autumn"), (0, 1))


def test_a_fee_whose_vat_takes_the_invoice_past_the_cap_is_refused_at_the_fee(tmp_path):
    data = fresh(tmp_path)
    put(data, NUMBER_FIELDS["fee with VAT"], "999999999.99")
    learn = Learn(data)
    out = answered(learn("validate"), (1,))
    line = next(n for n, text in enumerate((data / "courses.yaml").read_text().splitlines(), 1) if "fee: 999999999.99" in text)
    assert re.search(
        rf"courses\.yaml:{line}:10: F003 error: fee 999,999,999.99 plus 20% VAT comes to 1,199,999,999.99, more than any amount", out
    ), out
    run = learn("--today", "2026-08-01", "invoice", "run", "2026-autumn", "--dry-run")
    assert re.search(rf"courses\.yaml:{line}:10: F003 error: fee", answered(run, (1,)))
    put(data, [("courses.yaml", "fee: 999999999.99", "fee: {v}")], "833333333.32")  # with VAT: 999,999,999.98
    assert learn("validate").exit_code == 0
    answered(learn("--today", "2026-08-01", "invoice", "run", "2026-autumn"), (0,))
    assert "total: 999999999.98" in (data / "invoices" / "2026.yaml").read_text()


@pytest.mark.parametrize(
    ("field", "value", "bound"),
    [("capacity", "10001", "10000"), ("minutes", "1441", "1440"), ("commitment session", "1000", "999"), ("capacity", "0x" + "f" * 4000, "10000")],
)
def test_counts_are_bounded_by_what_they_mean(tmp_path, field, value, bound):
    data = fresh(tmp_path)
    edits = NUMBER_FIELDS[field]
    put(data, edits, value)
    out = answered(Learn(data)("validate"), (1,))
    path = data / edits[-1][0]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if value in text)
    assert re.search(rf"{re.escape(path.name)}:{line}:\d+: F003 error: .*out of range: input should be less than or equal to {bound}", out), out
    assert len(out) < 5000  # a 4,817-digit number is described, not printed


@HOSTILE
@given(value=st.one_of(huge_numbers, st.builds(lambda a, b: f"{a}/{b}", st.integers(0, 10**30), st.integers(0, 10**30))))
def test_any_fraction_setting_is_a_share_or_a_message(tmp_path_factory, value):
    data = fresh(tmp_path_factory.mktemp("fraction"))
    set_in_courses(data, "absent_below: 1/3", f"absent_below: {value}")
    started = time.monotonic()
    answered(Learn(data)("validate"), (0, 1))
    assert time.monotonic() - started < 10


@HOSTILE
@given(value=huge_numbers)
def test_any_amount_on_the_command_line_is_money_or_a_usage_error(data_dir, value):
    result = Learn(data_dir)(
        "--today", "2026-11-23", "payment", "record", "LWL-2026-0012", "--amount", value, "--date", "2026-11-20",
        "--method", "bank", "--dry-run",
    )
    answered(result)


def ledger_with(data: Path, numbers: list[str]) -> None:
    """The bundled ledger with invoices of the given numbers added (copies of its first)."""
    path = data / "invoices" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - invoice: ")
    block = text[start : text.index("\n  - ", start + 1) + 1]
    first = re.search(r"invoice: (\S+)", block).group(1)
    for number in numbers:
        text = text.rstrip("\n") + "\n\n" + block.replace(first, number)
    path.write_text(text, encoding="utf-8")


def test_a_long_gap_in_the_numbers_is_reported_as_a_range(tmp_path):
    data = fresh(tmp_path)
    ledger_with(data, ["LWL-2026-999999999"])
    started = time.monotonic()
    out = answered(Learn(data)("validate"), (0, 1))
    assert time.monotonic() - started < 10
    gap = re.search(r"LWL-2026-(\d{4}) to LWL-2026-999999998 \(([\d,]+) numbers\) are missing before LWL-2026-999999999", out)
    assert gap, out
    assert int(gap.group(2).replace(",", "")) == 999_999_998 - int(gap.group(1)) + 1


def test_a_ten_digit_sequence_is_not_one_of_ours_and_the_last_one_is_refused(tmp_path):
    data = fresh(tmp_path)
    ledger_with(data, ["LWL-2026-9999999999"])  # ten digits: not in the series
    learn = Learn(data)
    out = answered(learn("validate"), (0, 1))
    assert "9999999998" not in out
    ledger_with(data, [f"LWL-2026-{MAX_SEQUENCE}"])
    result = learn("--today", "2026-08-01", "invoice", "run", "2026-autumn", "--dry-run")
    out = answered(result, (1,))
    assert re.search(r"courses\.yaml:30:18: M009 error: number_format: the series of 2026 has no number left after LWL-2026-999999999", out), out


# --- format strings ------------------------------------------------------------------

format_piece = st.one_of(
    st.sampled_from(["{prefix}", "{year}", "{seq}", "{seq:04d}", "{seq:06}", "{year:02d}", "{prefix:s}"]),
    st.sampled_from(["{seq!r}", "{seq!a}", "{seq.real}", "{seq[0]}", "{prefix.__class__}", "{seq:{year}}",
                     "{seq:>999999999}", "{seq:,}", "{seq:x}", "{0}", "{}", "{", "}", "{{", "}}", "{series}",
                     "{seq:010d}", "{year:e}", "{seq:9}", "{seq:09}", "{seq:04}", "{seq: 4}", "{seq:+d}", "{seq:d}",
                     "{year:04d}", "{seq:0}", "\x07", "\u0085", "/", "-", "INV"]),
    st.text(alphabet=string.ascii_letters + string.digits + "-_/ ", max_size=5),
)


@HOSTILE
@given(pieces=st.lists(format_piece, min_size=1, max_size=6))
def test_any_number_format_passes_validate_only_if_invoice_run_can_use_it(tmp_path_factory, pieces):
    fmt = "".join(pieces)
    data = fresh(tmp_path_factory.mktemp("format"))
    quoted = fmt.replace("\\", "\\\\").replace('"', '\\"').replace("\x07", "\\a").replace("\u0085", "\\N")
    set_in_courses(data, 'number_format: "{prefix}-{year}-{seq:04d}"', f'number_format: "{quoted}"')
    learn = Learn(data)
    checked = learn("validate")
    out = answered(checked, (0, 1))
    problem = number_format_problem(fmt)
    if problem is not None:
        assert checked.exit_code == 1 and re.search(r"courses\.yaml:30:\d+: F\d{3} error: .*number_format", out), out
        return
    result = learn("--today", "2026-08-01", "invoice", "run", "2026-autumn", "--json")
    answered(result, (0, 1))
    if checked.exit_code == 0:
        assert result.exit_code == 0, result.output
        # Every number issued is read back as one of its series, or the next run reuses it.
        from learncli.domain.invoicing import number_pattern
        from learncli.store.folder import DataFolder

        pattern = number_pattern(DataFolder(data).config().invoicing, 2026)
        for issued in json.loads(result.stdout)["issued"]:
            assert pattern.fullmatch(issued["number"]), issued["number"]


def test_the_format_grammar_allows_only_the_documented_fields():
    assert number_format_problem("{prefix}-{year}-{seq:04d}") is None
    assert number_format_problem("{prefix}/{year}/{seq}") is None
    assert number_format_problem("{year}{seq:04}") is None and number_format_problem("{seq:d}") is None
    for bad in ("{seq!r}", "{seq.real}", "{seq[0]}", "{seq:{year}}", "{seq:>99}", "{year}", "{prefix}-{seq}\x07", "{seq", "{0}{seq}",
                "{seq:9}", "{seq: 4}", "{seq:010}", "{year:04d}-{seq}", "{prefix:>9}{seq}", "{seq}{seq:04d}", "{seq}-{seq}"):
        assert number_format_problem(bad) is not None, bad


# --- dates ---------------------------------------------------------------------------

any_date = st.one_of(st.dates(), st.sampled_from([date.min, date.max, MIN_DATE, MAX_DATE, date(1969, 12, 31), date(9001, 1, 1)]))


@HOSTILE
@given(day=any_date)
def test_a_session_on_any_date_is_a_cohort_or_a_message_at_its_line(tmp_path_factory, day):
    data = fresh(tmp_path_factory.mktemp("dates"))
    path = data / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- date: 2026-12-02", f"- date: {day.isoformat()}"), encoding="utf-8")
    learn = Learn(data)
    out = answered(learn("validate"), (0, 1))
    if not MIN_DATE <= day <= MAX_DATE:
        assert re.search(r"2026-autumn\.yaml:21:\d+: F\d{3} error: .*outside the dates learn works with", out), out
    answered(learn("calendar", "export", "2026-autumn", "--dry-run"), (0, 1))
    answered(learn("status"), (0, 1))


@HOSTILE
@given(day=any_date, every=st.integers(-5, 10**12))
def test_any_date_on_the_command_line_is_used_or_refused(data_dir, day, every):
    learn = Learn(data_dir)
    answered(learn("cohort", "add", "leading-with-learning", "--start", day.isoformat(), "--every", str(every), "--id", "x-1", "--dry-run"))
    answered(learn("cohort", "reschedule", "2026-autumn", "6", day.isoformat(), "--dry-run"))
    answered(learn("--today", day.isoformat(), "status"))


# --- the small ways a folder can be odd ----------------------------------------------


@pytest.mark.parametrize("target", [".learn.lock", ".learn-cache/validate.json"])
def test_output_onto_the_lock_or_the_cache_is_refused(data_dir, target):
    learn = Learn(data_dir)
    assert learn("validate").exit_code == 0  # makes the cache
    (data_dir / ".learn.lock").touch()
    before = (data_dir / target).read_bytes() if (data_dir / target).exists() else None
    result = learn("calendar", "export", "2026-autumn", "-o", str(data_dir / target))
    out = answered(result, (1,))
    assert "lock or cache" in out
    after = (data_dir / target).read_bytes() if (data_dir / target).exists() else None
    assert after == before


@pytest.mark.parametrize("ending", ["...\n", "...\n...\n", "...\n# closed\n...\n\n", "... # end\n...\t# again\n# tail\n", "...\n\n...\n...\n"])
def test_a_ledger_ending_its_document_can_still_be_appended_to(data_dir, ending):
    ledger = data_dir / "invoices" / "2026.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8") + ending, encoding="utf-8")
    learn = Learn(data_dir)
    assert learn("validate").exit_code == 0
    result = learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    answered(result, (0,))
    assert learn("validate").exit_code == 0
    text = ledger.read_text(encoding="utf-8")
    assert not re.search(r"^\.\.\.", text, re.M) and "LWL-2026-0012" in text
    assert all(comment in text for comment in re.findall(r"# \w+", ending))


def test_a_read_only_folder_still_gives_reports_written_elsewhere(data_dir, tmp_path, monkeypatch):
    real_open = os.open
    inside = str(data_dir.resolve())

    def read_only(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT
        if flags & writes and os.path.realpath(path).startswith(inside):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    learn = Learn(data_dir)
    brief = tmp_path / "brief.md"
    answered(learn("session", "brief", "2026-autumn", "6", "--format", "md", "-o", str(brief)), (0,))
    assert "Making learning a habit" in brief.read_text(encoding="utf-8")
    before = (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes()
    out = answered(learn("participant", "add", "2026-autumn", "--name", "Kai", "--email", "kai@example.org"), (1,))
    assert "read-only" in out
    assert (data_dir / "cohorts" / "2026-autumn.yaml").read_bytes() == before


def test_a_cohort_whose_course_is_gone_is_pointed_at_in_every_command(data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("course: leading-with-learning", "course: gone"), encoding="utf-8")
    learn = Learn(data_dir)
    for args in (
        ("calendar", "export", "2026-autumn"),
        ("--today", "2026-08-01", "invoice", "run", "2026-autumn"),
        ("email", "render", "joining", "2026-autumn"),
    ):
        out = answered(learn(*args), (1,))
        assert re.search(r"2026-autumn\.yaml:4:9: R001 error: course 'gone' is not in courses\.yaml", out), (args, out)


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("POSIX special files")
