"""The index of cohort files never changes an answer: what it gives is what reading the
YAML gives, any edit is seen, files with errors are reported where the error is, and a
damaged index is ignored and rebuilt."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.domain import rules
from learncli.errors import DataError
from learncli.domain.status import cohort_status
from learncli.store import cohort_index, stamps
from learncli.store.folder import DataFolder
from learncli.store.roundtrip import RoundTrip
from tests.conftest import BUNDLED

TODAY = date(2026, 11, 23)
IDS = ("2026-autumn", "2026-spring", "2027-spring", "2027-autumn")


def make_folder() -> Path:
    """The bundled folder, with two more cohorts: the 2026 ones a year later."""
    root = Path(tempfile.mkdtemp(prefix="learn-index-")) / "data"
    shutil.copytree(BUNDLED, root, ignore=shutil.ignore_patterns("out", ".learn*"))
    for old, new in (("2026-autumn", "2027-autumn"), ("2026-spring", "2027-spring")):
        text = (root / "cohorts" / f"{old}.yaml").read_text(encoding="utf-8")
        (root / "cohorts" / f"{new}.yaml").write_text(text.replace("date: 2026-", "date: 2027-"), encoding="utf-8")
    return root


def from_yaml(folder: DataFolder) -> tuple[dict[str, dict], set[str]]:
    """What reading every cohort file from YAML gives: the facts of each valid one, and
    the ids of those with errors."""
    facts, broken = {}, set()
    for result in folder.each_cohort():
        if result.ok:
            facts[result.model.id] = cohort_index.summarise(result)
        else:
            broken.add(result.path.stem)
    return facts, broken


def assert_same_as_yaml(folder: DataFolder, found: cohort_index.Scan) -> None:
    facts, broken = from_yaml(folder)
    assert {i: e.facts for i, e in found.entries.items()} == facts
    assert {r.path.stem for r in found.broken} == broken
    config = folder.config()
    for cohort_id, entry in found.entries.items():
        model = folder.cohort(cohort_id)
        # judged on each session's day and the day after, where a state changes
        for today in {TODAY} | {s.date + timedelta(days=d) for s in model.sessions for d in (0, 1)}:
            status = cohort_status(model, config, today)
            assert entry.state(today) == status.state, today
            assert entry.next_date(today) == (status.next.date if status.next else None), today
            assert entry.listed(today) == {"first": status.first.isoformat(), "last": status.last.isoformat(), "sessions": status.sessions,
                                           "registered": status.registered, "withdrawn": status.withdrawn, "state": status.state}
        derived = (entry.first, entry.last, entry.sessions, entry.count("registered"),
                   entry.count("withdrawn"), entry.count("waitlisted"), entry.display_title(config.course(entry.course)))
        assert derived == (status.first, status.last, status.sessions, status.registered,
                           status.withdrawn, status.waiting, status.title)
        assert entry.open_commitments == status.open_commitments
        assert cohort_index.bookings(entry, config) == rules.bookings(cohort_id, model, config)
        assert cohort_index.emails(folder, cohort_id) == [p.email for p in model.participants]
        rebuilt = cohort_index.model(folder, entry)
        assert rebuilt == model and rebuilt.model_dump() == model.model_dump() and rebuilt.id == model.id


def edit(root: Path, cohort_id: str, change: str, pick: int, day: date) -> None:
    path = root / "cohorts" / f"{cohort_id}.yaml"
    text = path.read_text(encoding="utf-8")
    if change == "syntax":
        path.write_text(text + "\nsessions: [\n", encoding="utf-8")
        return
    try:
        doc = RoundTrip(text)
    except Exception:  # a file broken by an earlier edit: make it whole again first
        doc = RoundTrip(text.split("\nsessions: [\n")[0])
    data = doc.data
    sessions, people = data["sessions"], data.get("participants") or []
    session, person = sessions[pick % len(sessions)], people[pick % len(people)] if people else None
    if change == "date":
        session["date"] = day
    elif change == "cancel":
        session["cancelled"] = not session.get("cancelled", False)
    elif change == "time":
        session["start"] = f"{8 + pick % 5:02}:15"
    elif change == "status" and person is not None:
        person["status"] = ("registered", "waitlisted", "withdrawn")[pick % 3]
    elif change == "drop" and person is not None:
        people.remove(person)
    elif change == "title":
        data["title"] = f"Cohort {pick}"
    elif change == "facilitators":
        data["facilitators"] = ["gabriel", "roger"][: pick % 3]
    elif change == "commit" and person is not None:
        data.setdefault("commitments", []).append({"email": person["email"], "session": 1, "text": "Try it"})
    elif change == "unknown-key":
        data["colour"] = "blue"
    doc_text = doc.dump()
    path.write_text(doc_text, encoding="utf-8")


CHANGES = ("date", "cancel", "time", "status", "drop", "title", "facilitators", "commit", "unknown-key", "syntax")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(IDS), st.sampled_from(CHANGES), st.integers(0, 50), st.integers(-60, 400)),
        min_size=1,
        max_size=6,
    )
)
def test_the_index_gives_what_reading_the_yaml_gives(edits):
    root = make_folder()
    try:
        folder = DataFolder(root)
        assert_same_as_yaml(folder, cohort_index.scan(folder))
        for cohort_id, change, pick, offset in edits:
            edit(root, cohort_id, change, pick, date(2026, 9, 1) + timedelta(days=offset))
            found = cohort_index.scan(folder)
            # one file changed: at most that one is read again (plus those with errors,
            # which are never remembered)
            assert found.read <= 1 + len(found.broken)
            assert_same_as_yaml(folder, found)
            assert_same_as_yaml(folder, cohort_index.scan(folder))  # and again, all from the index
    finally:
        shutil.rmtree(root.parent)


def test_a_hand_edit_of_the_same_size_and_time_is_seen(learn, data_dir):
    listed = json.loads(learn("--today", "2026-11-23", "cohort", "list", "--json").stdout)
    assert {c["id"]: c["title"] for c in listed}["2026-autumn"] == "Leading with Learning — Autumn 2026"
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    # the title changes; the file keeps its size and its modification time
    path.write_text(text.replace("Autumn 2026\n", "Autumn 2O26\n", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    again = json.loads(learn("--today", "2026-11-23", "cohort", "list", "--json").stdout)
    assert {c["id"]: c["title"] for c in again}["2026-autumn"] == "Leading with Learning — Autumn 2O26"
    assert again == json.loads(learn("--today", "2026-11-23", "cohort", "list", "--json", "--no-cache").stdout)


def test_a_file_with_an_error_is_reported_where_the_error_is(learn, data_dir):
    assert learn("--today", "2026-11-23", "status").exit_code == 0  # the index now knows every file
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines.insert(at + 1, "colour: blue\n")
    path.write_text("".join(lines), encoding="utf-8")
    for command in (("status",), ("cohort", "list")):
        result = learn("--today", "2026-11-23", *command)
        assert f"2026-autumn.yaml:{at + 2}:1:" in result.stderr, result.stderr
        assert "2026-autumn" not in result.stdout
    shown = json.loads(learn("--today", "2026-11-23", "status", "--json").stdout)
    assert [Path(p).name for p in shown["files_with_errors"]] == ["2026-autumn.yaml"]


def test_a_damaged_index_is_ignored_and_rebuilt(learn, data_dir):
    expected = learn("--today", "2026-11-23", "status", "--json", "--no-cache").stdout
    listed = learn("--today", "2026-11-23", "cohort", "list", "--json", "--no-cache").stdout
    assert learn("--today", "2026-11-23", "status", "--json").stdout == expected
    index = data_dir / ".learn-cache" / "cohort-index.json"
    whole = index.read_bytes()
    head, records_part = whole.split(b"\n")
    records = json.loads(records_part)
    some_id = next(iter(records))
    brief = records[some_id][3]
    doctored = {**records, some_id: [*records[some_id][:3], [brief[0], brief[1], 99, 0, 0]]}

    def sealed_as_before(*parts: bytes) -> bytes:
        return head + b"\n" + b"\n".join(parts)

    wrong_shapes = [
        whole[: len(whole) // 2],  # truncated
        b"\0" * 100,  # not JSON
        head,  # the seal without the index
        sealed_as_before(json.dumps([1, 2]).encode()),
        sealed_as_before(records_part, records_part),  # the records twice
        # well-formed, wrong facts (say, a disk that flipped a digit): refused by the seal
        sealed_as_before(json.dumps(doctored, separators=(",", ":")).encode()),
        whole.replace(b'"2026-', b'"2025-', 1),
    ]
    for damaged in wrong_shapes:
        index.write_bytes(damaged)
        assert learn("--today", "2026-11-23", "status", "--json").stdout == expected
        assert learn("--today", "2026-11-23", "cohort", "list", "--json").stdout == listed
        clash = learn("cohort", "add", "leading-with-learning", "--id", "clash", "--dates", "2026-09-23", "--dry-run")
        assert clash.exit_code == 1 and "D009" in clash.stderr and "2026-autumn" in clash.stderr  # from the facts
        _, again = index.read_bytes().split(b"\n")
        rebuilt = json.loads(again)
        assert {i: (r[0], r[2:]) for i, r in rebuilt.items()} == {i: (r[0], r[2:]) for i, r in records.items()}  # as it was


def test_the_facts_of_a_cohort_come_from_its_kept_copy_or_else_from_yaml(data_dir):
    folder = DataFolder(data_dir)
    expected = {i: e.facts for i, e in cohort_index.scan(folder, no_cache=True).entries.items()}
    cohort_index.scan(folder)
    for copy in (data_dir / ".learn-cache").glob("cohort-2026-*.json"):
        copy.unlink()  # the copies gone: the facts are read from YAML again
    found = cohort_index.scan(folder)
    assert found.read == 0 and {i: e.facts for i, e in found.entries.items()} == expected
    # a file that turned bad after the scan: its facts cannot be had, and it says why
    entry = cohort_index.scan(folder).entries["2026-autumn"]
    entry.path.write_text(entry.path.read_text(encoding="utf-8") + "\nsessions: [\n", encoding="utf-8")
    with pytest.raises(DataError, match="2026-autumn.yaml changed while it was read and now has errors"):
        entry.facts


def test_a_file_is_hashed_again_when_its_status_is_not_the_one_remembered_or_too_recent(data_dir, monkeypatch):
    """Trusting a file's status spares reading it, never an edit: one of the same size
    with its modification time put back is still seen (by its change time), and a file
    changed moments before it was hashed is hashed again next time."""
    folder = DataFolder(data_dir)
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    first = cohort_index.scan(folder)
    assert first.read == 2 and first.entries["2026-autumn"].title.endswith("2026")
    # just copied: nothing has stood two seconds, so nothing is trusted yet
    assert not any(stamps.unchanged(r[1], r[1][:4]) for r in cohort_index._load(folder).values())

    def edit(old: str, new: str) -> None:
        before = path.stat()
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")  # same size
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the time put back
        assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns

    edit("Autumn 2026", "Autumn 2027")
    again = cohort_index.scan(folder)
    assert again.read == 1 and again.entries["2026-autumn"].title.endswith("2027")
    monkeypatch.setattr(stamps, "SETTLED_NS", 100_000_000)
    time.sleep(0.25)
    settled = cohort_index.scan(folder)  # hashed again (none read), now long enough after the edit
    assert settled.read == 0 and settled.entries["2026-autumn"].title.endswith("2027")
    kept = [r[1] for r in cohort_index._load(folder).values()]
    assert all(stamps.unchanged(s, s[:4]) for s in kept)
    edit("Autumn 2027", "Autumn 2028")
    seen = cohort_index.scan(folder)
    assert seen.read == 1 and seen.entries["2026-autumn"].title.endswith("2028")


def test_no_cache_leaves_the_index_alone(learn, data_dir, monkeypatch):
    monkeypatch.setenv("LEARN_NO_CACHE", "1")
    assert learn("--today", "2026-11-23", "status").exit_code == 0
    monkeypatch.delenv("LEARN_NO_CACHE")
    assert learn("--today", "2026-11-23", "cohort", "list", "--no-cache").exit_code == 0
    assert not (data_dir / ".learn-cache" / "cohort-index.json").exists()


def test_status_reads_only_the_ledger_files_about_the_cohorts_it_shows_and_answers_the_same(learn, data_dir):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    # a payment filed in next year's ledger file, for an invoice in this year's
    assert learn("--today", "2027-01-05", "payment", "record", "LWL-2026-0012", "--amount", "200", "--date", "2027-01-05", "--method", "bank").exit_code == 0
    assert (data_dir / "invoices" / "2027.yaml").is_file()
    for today in ("2026-08-01", "2026-09-20", "2026-11-23", "2027-02-01"):
        expected = learn("--today", today, "status", "--json", "--no-cache").stdout
        assert learn("--today", today, "status", "--json").stdout == expected
        assert learn("--today", today, "status", "--json").stdout == expected  # every record in place now
    # The payment is counted from its day on (the ledger as of --today), from next year's file.
    for today, paying in (("2026-11-23", 0), ("2027-01-10", 1)):
        autumn = next(c for c in json.loads(learn("--today", today, "status", "--all", "--json").stdout)["cohorts"] if c["id"] == "2026-autumn")
        assert autumn["invoices"]["invoiced"] == 9 and autumn["invoices"]["paid"] + autumn["invoices"]["part_paid"] == paying


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({
            "id": st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,20}[a-z0-9]\Z"),
            "course": st.from_regex(r"\A[a-z][a-z-]{0,30}\Z"),
            "first": st.dates(), "last": st.dates(),
            "sessions": st.integers(0, 40), "registered": st.integers(0, 500),
            "state": st.sampled_from(["upcoming", "running", "finished"]),
        }),
        min_size=1, max_size=8,
    )
)
def test_the_cohort_list_written_directly_is_what_rich_prints_in_a_pipe(rows):
    import io
    import sys

    from learncli.cli._output import console
    from learncli.render.tables import cohort_list_table, cohort_list_text

    saved, sys.stdout = sys.stdout, io.StringIO()
    try:
        shown = console()
        shown.print(cohort_list_table(rows))
        shown.file.flush()
        printed = sys.stdout.getvalue()
    finally:
        sys.stdout = saved
    assert cohort_list_text(rows) == printed


@pytest.mark.parametrize("written", ["2027-09-22", '"2027-W38-3"', '"\\x32027-09-22"'])
def test_the_booking_check_finds_a_clash_however_the_date_is_written(learn, data_dir, written):
    assert learn("cohort", "list").exit_code == 0  # the index as an earlier command leaves it
    spring = data_dir / "cohorts" / "2026-spring.yaml"
    spring.write_text(spring.read_text(encoding="utf-8").replace("- date: 2026-06-16", f"- date: {written}"), encoding="utf-8")
    wednesdays = "2027-09-22,2027-10-06,2027-10-20,2027-11-03,2027-11-17,2027-12-01"
    planned = learn("cohort", "add", "leading-with-learning", "--id", "first", "--dates", wednesdays, "--dry-run")
    assert planned.exit_code == 1
    assert "D009" in planned.stderr and "2026-spring" in planned.stderr
