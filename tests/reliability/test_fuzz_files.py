"""Fuzzing every kind of file learn reads, and every CSV it imports: never a traceback.

tests/test_fuzz.py splices text into a cohort file and courses.yaml and reads them. This
goes further, for all four kinds of YAML file (courses.yaml, a cohort, a ledger year,
calendar-state/<cohort>.yaml):

* text mutations (splices, YAML 1.1 surprises as any value, lines dropped, doubled,
  swapped or re-indented) read through the store: a model, or an error with a position
  inside the file;
* value mutations that keep the YAML well formed, so the odd data reaches the models,
  the rules and the commands: validate, status and every read command (and the writing
  ones with --dry-run) must answer with a result or a message;
* huge, deeply nested and alias-bomb documents, and files over the size cap, refused
  quickly with a position;
* malformed CSV for each import: registrations, Zoom reports, commitments.

Commands run in this process with LEARN_DEBUG=1, so any exception other than learn's own
errors fails the test with its traceback.
"""

from __future__ import annotations

import copy
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.models.calendar_state import CohortCalendarState
from learncli.models.cohort import Cohort
from learncli.models.course import Config
from learncli.models.invoice import LedgerFile
from learncli.store.folder import DataFolder
from tests.conftest import Learn, zoom_report
from tests.reliability.harness import TALLY, TODAY, build_world

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))

#: Kind of file -> (path in the data folder, model).
KINDS: dict[str, tuple[str, type]] = {
    "courses": ("courses.yaml", Config),
    "cohort": ("cohorts/2026-autumn.yaml", Cohort),
    "ledger": ("invoices/2026.yaml", LedgerFile),
    "calendar-state": ("calendar-state/2026-autumn.yaml", CohortCalendarState),
}

SURPRISES = [
    "NO", "no", "Yes", "ON", "off", "y", "n", "~", "null", "Null", "010", "0o17", "0x1F", "0b101", "1_000", "1e3", "-1",
    "+1", ".inf", "-.Inf", ".NaN", "9:30", "190:20:30", "12:30:00", "2026-4-1", "2026-02-30", "2026-13-01",
    "2026-04-14T09:30:00Z", "2026-04-14 09:30", "575.001", "575,00", "£575", "-0.00", "99999999999999999999999",
    "[]", "{}", "[a, b]", "{a: 1}", "&a x", "*a", "*undefined", "!!binary aGk=", "!!python/object/apply:os.system ['true']",
    "!!set {a}", "!!omap [a: 1]", "!custom x", '"\\x00"', '"\\r\\nX: y"', "'unterminated", "|", ">-", "? x", "- x",
    "a: b: c", "'O''Neil, Ann'", "é", "😀", "\u2028", "\ufeff", "=1+1", "../../etc/passwd", "LWL-2026-0012",
]

REGISTRATION_HEADERS = ["Name", "name", "First name", "Surname", "Email", "E-mail address", "Email Address", "Organisation",
                        "Organization", "Role", "Job title", "PO number", "PO", "Billing email", "x", ""]
ZOOM_HEADERS = ["Name (Original Name)", "Name (original name)", "User Email", "user email", "Join Time", "Leave Time",
                "Duration (Minutes)", "Duration (minutes)", "Total Duration (Minutes)", "Guest", "Recording Consent",
                "In Waiting Room", "Meeting ID", "Topic", "Start Time", "End Time", "Participants", ""]
COMMIT_HEADERS = ["Email", "Email address", "Session", "After session", "Text", "Commitment", "Factor", "x", ""]
CELLS = st.one_of(
    st.text(max_size=25),
    st.sampled_from([
        "", "ann.oneil@example.org", "sian.evans@example.org", "nobody@example.org", "a@b", "@", "Ann O'Neil", "Zoe H",
        "11/18/2026 09:28:12 AM", "18/11/2026 09:28:12", "2026-11-18 09:28:12", "11/18/2026 13:28:12 PM",
        "02/30/2026 09:00:00", "11/18/2026", "09:28", "99/99/9999 99:99:99", "0", "-5", "180", "1e9", "NaN",
        "Yes", "No", "5", "Session 5", "session 99", "0", "capability", "motivation", "other", '"', '""', "\r", "\n",
        "=cmd|' /C calc'!A0", "\ufeff", "\x00",
    ]),
)


# --- a data folder to break -------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bundled data, autumn invoiced and exported once (so its calendar state file exists)."""
    world = tmp_path_factory.mktemp("fuzz")
    data = build_world(world, big=3)
    assert Learn(data)("--today", TODAY, "calendar", "export", "2026-autumn").exit_code == 0
    return world


@pytest.fixture
def data(world: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(world / "data", target, symlinks=True)
    return target


def original(world: Path, kind: str) -> str:
    return (world / "data" / KINDS[kind][0]).read_text(encoding="utf-8")


def assert_read_cleanly(text: str, kind: str) -> None:
    relative, model = KINDS[kind]
    result = DataFolder(Path("data")).read(Path("data") / relative, model, text)
    TALLY["fuzz_cases"] += 1
    if result.model is None:
        assert any(d.is_error for d in result.diagnostics)
    lines = text.count("\n") + 2
    for diag in result.diagnostics:
        assert diag.code and diag.message
        assert 0 <= diag.line <= lines and diag.col >= 0, diag.format()


# --- text mutations -----------------------------------------------------------------


@st.composite
def text_mutation(draw: Any, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["splice", "surprise", "drop", "double", "swap", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if op == "splice":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(max_size=12)) + lines[i][at + draw(st.integers(0, 8)) :]
        elif op == "surprise" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(SURPRISES))}"
        elif op == "drop":
            del lines[i]
            if not lines:
                lines = [""]
        elif op == "double":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = " " * draw(st.sampled_from([1, 2, 3, 4, 8])) + lines[i] if draw(st.booleans()) else lines[i].lstrip()
    return "\n".join(lines)


@pytest.mark.parametrize("kind", KINDS)
def test_text_mutations_are_read_as_a_model_or_errors_with_positions(world: Path, kind: str) -> None:
    text = original(world, kind)

    @FUZZ
    @given(text_mutation(text))
    def check(mutated: str) -> None:
        assert_read_cleanly(mutated, kind)

    check()


@pytest.mark.parametrize("kind", KINDS)
def test_every_value_given_every_yaml_1_1_surprise(world: Path, kind: str) -> None:
    """Each `key: value` line of the real file, its value replaced by each surprise."""
    lines = original(world, kind).split("\n")
    keyed = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]

    @FUZZ
    @given(st.sampled_from(keyed), st.sampled_from(SURPRISES))
    def check(index: int, surprise: str) -> None:
        changed = list(lines)
        key = changed[index].split(":", 1)[0]
        changed[index] = f"{key}: {surprise}"
        assert_read_cleanly("\n".join(changed), kind)

    check()


# --- value mutations that reach the commands --------------------------------------

VALUES: list[Any] = [
    "NO", True, False, 0, 1, -1, 7, 10**20, 1.5, 575.001, -575, "", " ", None, "9:30", "25:61", "010", "2026-02-30",
    date(2026, 9, 23), date(2026, 12, 25), date(1900, 1, 1), date(9999, 12, 31), "x" * 300, "line\nbreak", "tab\tx",
    "é😀", "a@b", "ann.oneil@example.org", "zoe.hartmann@example.org", "=1+1", "../x", "LWL-2026-0012", "2026-autumn",
    "gabriel", "leading-with-learning", "present", "excused", "withdrawn", [], {}, [1, 2], {"a": 1}, ["2026-autumn"],
]


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*at, index))
    return found


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        tree = tree[step]
    return tree


def _scalars(tree: Any) -> dict[type, list[Any]]:
    """The file's own values by type: mostly, a value is swapped for another of its kind,
    so the file stays valid for the schema and reaches the rules and commands."""
    pool: dict[type, list[Any]] = {}
    for path in _paths(tree):
        value = _parent(tree, path)[path[-1]] if path else tree
        if not isinstance(value, (dict, list)):
            pool.setdefault(type(value), []).append(value)
    pool.setdefault(date, []).extend([date(2026, 12, 25), date(2026, 10, 24), date(2026, 9, 22), date(2027, 3, 3)])
    pool.setdefault(int, []).extend([0, 1, 6, 7, 9, 99])
    return pool


@st.composite
def value_mutation(draw: Any, tree: Any) -> Any:
    pool = _scalars(tree)
    tree = copy.deepcopy(tree)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(tree) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(tree, path), path[-1]
        op = draw(st.sampled_from(["same kind", "same kind", "same kind", "replace", "delete", "duplicate", "reverse", "new key"]))
        if op == "same kind" and type(parent[last]) in pool:
            parent[last] = draw(st.sampled_from(pool[type(parent[last])]))
        elif op == "replace":
            parent[last] = draw(st.sampled_from(VALUES))
        elif op == "delete":
            del parent[last]
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif op == "reverse" and isinstance(parent[last], list):
            parent[last].reverse()
        elif op == "new key" and isinstance(parent[last], dict):
            parent[last][draw(st.sampled_from(["note", "cancelled", "extra", 7, "status", "start"]))] = draw(st.sampled_from(VALUES))
    return tree


#: Read commands, and writing ones with --dry-run, that touch each kind of file.
COMMANDS: dict[str, list[tuple[str, ...]]] = {
    "courses": [
        ("status", "--json"), ("cohort", "show", "2026-autumn"), ("course", "show", "leading-with-learning"),
        ("calendar", "export", "2026-autumn", "--dry-run"), ("invoice", "run", "big", "--dry-run"),
        ("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--dry-run"), ("session", "brief", "2026-autumn", "6"),
    ],
    "cohort": [
        ("status", "--json"), ("cohort", "show", "2026-autumn", "--json"), ("attend", "report", "2026-autumn", "--json"),
        ("commit", "list", "2026-autumn"), ("session", "brief", "2026-autumn", "6", "--format", "html", "-o", "-"),
        ("calendar", "export", "2026-autumn", "--dry-run", "--per-participant", "inv", "--cancel"),
        ("invoice", "run", "2026-autumn", "--dry-run"),
        ("cohort", "reschedule", "2026-autumn", "6", "2026-12-09", "--dry-run"),
        ("completion", "report", "2026-autumn", "--json"), ("completion", "certificates", "2026-autumn", "--dry-run"),
        ("report", "payment-gate", "2026-autumn", "--json"),
    ],
    "ledger": [
        ("status", "--json"), ("invoice", "list", "--json"), ("invoice", "show", "LWL-2026-0012"), ("report", "revenue", "--year", "2026"),
        ("report", "contributions", "--json"), ("session", "brief", "2026-autumn", "6", "--json"),
        ("invoice", "run", "big", "--dry-run"), ("invoice", "render", "LWL-2026-0013", "-o", "-"),
        ("payment", "record", "LWL-2026-0012", "--amount", "5", "--date", "2026-11-20", "--method", "bank", "--dry-run"),
        ("report", "payment-gate", "2026-autumn"),
    ],
    "calendar-state": [("calendar", "export", "2026-autumn", "--dry-run")],
}


def run_all(data: Path, kind: str) -> None:
    learn = Learn(data)
    for args in [("validate", "--no-cache"), *COMMANDS[kind]]:
        result = learn("--today", TODAY, *args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", KINDS)
def test_odd_but_well_formed_values_reach_the_commands_without_a_traceback(world: Path, data: Path, kind: str) -> None:
    relative = KINDS[kind][0]
    tree = yaml.safe_load(original(world, kind))

    @FEW
    @given(value_mutation(tree))
    def check(mutated: Any) -> None:
        TALLY["fuzz_cases"] += 1
        (data / relative).write_text(yaml.safe_dump(mutated, allow_unicode=True, sort_keys=False), encoding="utf-8")
        run_all(data, kind)

    check()


# --- huge, deep and explosive documents -------------------------------------------

BOMBS = {
    "deep flow": "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep block": "".join(" " * (2 * i) + f"k{i}:\n" for i in range(1500)) + " " * 3000 + "v\n",
    "deep dashes": "- " * 20_000 + "x\n",
    "alias bomb": "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
    "merge bomb": "a: &a {x: 1, y: 2}\n" + "".join(f"m{i}: &m{i} {{<<: [*{'a' if i == 0 else f'm{i - 1}'}, *a], k{i}: {i}}}\n" for i in range(200)),
    "self-referring merge": "a: &a\n  x: 1\n  <<: *a\n",
    "self-referring list": "a: &a [1, *a]\n",
    "long line": "title: " + "x" * 2_000_000 + "\n",
    "many keys": "".join(f"key{i}: {i}\n" for i in range(10_000)),
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_huge_deep_and_explosive_documents_are_refused_quickly(data: Path, bomb: str) -> None:
    """Read as each kind of file (the reader is shared, the models differ), and once
    through `learn validate` as one of them in turn."""
    for kind, (relative, model) in KINDS.items():
        began = time.perf_counter()
        result = DataFolder(data).read(data / relative, model, BOMBS[bomb])
        TALLY["fuzz_cases"] += 1
        assert result.model is None and any(d.is_error for d in result.diagnostics), kind
        assert time.perf_counter() - began < 3, f"{bomb} as {kind}"
    relative = list(KINDS.values())[list(BOMBS).index(bomb) % len(KINDS)][0]
    (data / relative).write_text(BOMBS[bomb], encoding="utf-8")
    result = Learn(data)("--today", TODAY, "validate", "--no-cache", "--json")
    assert result.exit_code == 1
    import json

    diagnostics = [d for d in json.loads(result.stdout)["diagnostics"] if d["path"].endswith(relative)]
    assert diagnostics and all(d["severity"] == "error" for d in diagnostics[:1])


#: A file over the cap is never read: refused from its size, however large it is.
OVERSIZED = 3 * 1024**3


@pytest.mark.parametrize("kind", KINDS)
def test_a_yaml_file_over_the_size_cap_is_refused_in_well_under_a_second(data: Path, kind: str) -> None:
    path = data / KINDS[kind][0]
    with path.open("r+b") as handle:
        handle.truncate(OVERSIZED)  # sparse: takes no room on the disk
    began = time.perf_counter()
    refused = DataFolder(data).read(path, KINDS[kind][1])
    reading = time.perf_counter() - began
    result = Learn(data)("--today", TODAY, "validate")
    validating = time.perf_counter() - began - reading
    TALLY["fuzz_cases"] += 1
    assert [d.code for d in refused.diagnostics] == ["Y004"] and refused.model is None
    assert result.exit_code == 1
    assert f"{KINDS[kind][0]}:1:1: Y004 error: the file is {OVERSIZED:,} bytes; the limit is" in result.stdout
    # The refusal itself takes a stat; validate (every other file and rule) well under a second.
    assert reading < 0.05 and validating < 1, (reading, validating)


@pytest.mark.parametrize(
    "args",
    [
        ("participant", "import", "2026-autumn"),
        ("attend", "import", "2026-autumn", "5"),
        ("commit", "import", "2026-autumn"),
    ],
    ids=["participant import", "attend import", "commit import"],
)
def test_a_csv_file_over_the_size_cap_is_refused_in_well_under_a_second(data: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("Name,Email\n")
    with path.open("r+b") as handle:
        handle.truncate(OVERSIZED)
    began = time.perf_counter()
    result = Learn(data)("--today", TODAY, *args, str(path))
    elapsed = time.perf_counter() - began
    TALLY["fuzz_cases"] += 1
    assert result.exit_code == 1 and "I001" in result.output and "the limit is" in result.output
    assert elapsed < 0.5, f"{elapsed:.2f} s"


# --- malformed CSV for every import -----------------------------------------------


def _csv_bytes(draw: Any, headers: list[str], prefix: str = "") -> bytes:
    header = draw(st.lists(st.sampled_from(headers), max_size=8))
    if draw(st.booleans()):
        header = [h.upper() if draw(st.booleans()) else h for h in header]
    rows = draw(st.lists(st.lists(CELLS, max_size=9), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quote = draw(st.booleans())
    lines = [delimiter.join(f'"{c}"' if quote else c for c in row) for row in [header, *rows]]
    text = prefix + draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    body = text.encode(encoding, errors="replace")
    return body + draw(st.binary(max_size=30)) if draw(st.booleans()) else body


@st.composite
def registrations(draw: Any) -> bytes:
    return _csv_bytes(draw, REGISTRATION_HEADERS)


@st.composite
def zoom_reports(draw: Any) -> bytes:
    if draw(st.booleans()):
        # A real report, damaged: a cell replaced, a line dropped or cut short.
        joins = [("Ann O'Neil", "ann.oneil@example.org", "09:28", "12:31"), ("Zoe H", "", "09:30", "12:30")]
        text = zoom_report(date(2026, 11, 18), joins, meeting=draw(st.booleans()), day_first=draw(st.booleans()))
        lines = text.split("\r\n")
        i = draw(st.integers(0, len(lines) - 1))
        cells = lines[i].split(",")
        cells[draw(st.integers(0, len(cells) - 1))] = draw(CELLS)
        lines[i] = ",".join(cells)[: draw(st.integers(0, 200))]
        return "\r\n".join(lines).encode("utf-8", errors="replace")
    meeting = "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n1,x,y,z,,1,1\n\n" if draw(st.booleans()) else ""
    return _csv_bytes(draw, ZOOM_HEADERS, prefix=meeting)


@st.composite
def commitment_sheets(draw: Any) -> bytes:
    return _csv_bytes(draw, COMMIT_HEADERS)


IMPORTS = {
    "participant import": (registrations(), ("participant", "import", "2026-autumn")),
    "attend import": (zoom_reports(), ("attend", "import", "2026-autumn", "5")),
    "commit import": (commitment_sheets(), ("commit", "import", "2026-autumn")),
}


@pytest.mark.parametrize("which", IMPORTS)
def test_malformed_csv_never_produces_a_traceback(data: Path, tmp_path: Path, which: str) -> None:
    strategy, args = IMPORTS[which]
    learn = Learn(data)
    before = (data / "cohorts" / "2026-autumn.yaml").read_bytes()

    @FUZZ
    @given(strategy)
    def check(body: bytes) -> None:
        TALLY["fuzz_cases"] += 1
        path = tmp_path / "input.csv"
        path.write_bytes(body)
        result = learn("--today", TODAY, *args, str(path), "--dry-run")
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output

    check()
    assert (data / "cohorts" / "2026-autumn.yaml").read_bytes() == before
