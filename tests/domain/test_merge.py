"""The three-way merge by meaning (domain.merge, store.merge), with random edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from learncli.domain.merge import merge
from learncli.resources import example_data_dir
from learncli.store.conflict_copies import copy_of
from learncli.store.merge import merge_texts, to_plain
from learncli.store.roundtrip import RoundTrip
from learncli.store import edits

BASE = (example_data_dir() / "cohorts" / "2026-autumn.yaml").read_text()
PEOPLE = [p["email"] for p in to_plain(RoundTrip(BASE).data)["participants"]]
STATUSES = ["present", "late", "left-early", "absent", "excused"]

# One edit: (what it touches, how to apply it to a round-trip document). Two edits
# touch different things when their first elements differ.
mark = st.builds(lambda s, who, status: (("mark", s, who), lambda d: edits.set_marks(d, s, {who: status})),
                 st.integers(1, 6), st.sampled_from(PEOPLE), st.sampled_from(STATUSES))
join = st.builds(lambda n: (("person", f"new{n}@example.org"),
                            lambda d: edits.add_participant(d, {"name": f"New {n}", "email": f"new{n}@example.org"})),
                 st.integers(0, 99))
role = st.builds(lambda who, n: (("person", who), lambda d: edits.set_values(edits.find_person(d, who), {"role": f"Role {n}"})),
                 st.sampled_from(PEOPLE), st.integers(0, 9))
pledge = st.builds(lambda who, s: (("commitment", who, s),
                                   lambda d: edits.add_commitment(d, {"email": who, "session": s, "text": f"Try {who} {s}"})),
                   st.sampled_from(PEOPLE), st.integers(6, 6))
edit = st.one_of(mark, join, role, pledge)


def _apply(text: str, changes: list) -> str:
    doc = RoundTrip(text)
    for _, change in changes:
        change(doc.data)
    return doc.dump()


def _canonical(value):
    """Data with lists of keyed items sorted, so two merges are compared up to order."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=repr)
    return value


def _disjoint(a: list, b: list) -> bool:
    touched = {t for t, _ in a}
    return not touched & {t for t, _ in b} and not {t[:2] for t in touched if t[0] == "person"} & {t[:2] for t, _ in b if t[0] == "person"}


@settings(max_examples=20, deadline=None)
@given(st.lists(edit, max_size=4, unique_by=lambda e: e[0]), st.lists(edit, max_size=4, unique_by=lambda e: e[0]))
def test_edits_to_different_things_merge_to_both_edits(ours: list, theirs: list) -> None:
    if not _disjoint(ours, theirs):
        return
    a, b = _apply(BASE, ours), _apply(BASE, theirs)
    result = merge_texts(BASE, a, b)
    assert result.conflicts == []
    both = _apply(BASE, ours + theirs)
    assert _canonical(to_plain(RoundTrip(result.text).data)) == _canonical(to_plain(RoundTrip(both).data))
    # Symmetric up to order.
    other = merge_texts(BASE, b, a)
    assert _canonical(to_plain(RoundTrip(other.text).data)) == _canonical(to_plain(RoundTrip(result.text).data))
    # Every comment of ours is still there.
    comments = [line.strip() for line in a.splitlines() if line.lstrip().startswith("#")]
    assert all(c in result.text for c in comments)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(PEOPLE), st.integers(1, 6), st.sampled_from(STATUSES), st.sampled_from(STATUSES))
def test_one_mark_changed_two_ways_is_a_conflict_naming_person_session_and_values(who: str, session: int, one: str, other: str) -> None:
    a = _apply(BASE, [(None, lambda d: edits.set_marks(d, session, {who: one}))])
    b = _apply(BASE, [(None, lambda d: edits.set_marks(d, session, {who: other}))])
    result = merge_texts(BASE, a, b)
    if a == b or a == BASE or b == BASE:
        assert result.conflicts == []
        return
    [conflict] = result.conflicts
    message = conflict.message()
    assert f"{who} at session {session}" in message and repr(one) in message and repr(other) in message
    assert to_plain(RoundTrip(result.text).data) == to_plain(RoundTrip(a).data)
    [swapped] = merge_texts(BASE, b, a).conflicts
    assert (swapped.where, swapped.ours, swapped.theirs) == (conflict.where, conflict.theirs, conflict.ours)


def test_ledger_entries_of_both_sides_are_kept_in_date_order() -> None:
    base = {"entries": [{"invoice": "A-1", "issued": "2026-01-01"}]}
    ours = {"entries": [*base["entries"], {"invoice": "A-g1", "issued": "2026-03-01"}, {"payment": "A-1", "date": "2026-03-02", "amount": 5}]}
    theirs = {"entries": [*base["entries"], {"invoice": "A-r1", "issued": "2026-02-01"}]}
    merged = merge(base, ours, theirs)
    assert merged.conflicts == []
    assert [e.get("invoice") or e.get("payment") for e in merged.value["entries"]] == ["A-1", "A-r1", "A-g1", "A-1"]


def test_the_same_number_issued_twice_is_a_conflict() -> None:
    base = {"entries": []}
    ours = {"entries": [{"invoice": "A-2", "participant": "ann@example.org"}]}
    theirs = {"entries": [{"invoice": "A-2", "participant": "bob@example.org"}]}
    [conflict] = merge(base, ours, theirs).conflicts
    assert "invoice A-2" in conflict.message() and "ann@example.org" in conflict.message() and "bob@example.org" in conflict.message()


NAMES = [
    ("Dropbox", "2026-autumn (Roger's conflicted copy 2026-11-18).yaml"),
    ("Dropbox", "2026-autumn (conflicted copy 2026-11-18).yaml"),
    ("Dropbox", "2026-autumn (Roger's conflicted copy 2026-11-18 (1)).yaml"),
    ("OneDrive", "2026-autumn-DESKTOP-ABC123.yaml"),
    ("OneDrive", "2026-autumn-MACHINE.yaml"),
    ("Google Drive", "2026-autumn (1).yaml"),
    ("Nextcloud", "2026-autumn (conflicted copy 2026-11-18 101010).yaml"),
    ("Nextcloud", "2026-autumn (conflicted copy roger 2026-11-18 101010).yaml"),
    ("Syncthing", "2026-autumn.sync-conflict-20261118-101010-ABCDEFG.yaml"),
]


def test_each_service_s_conflict_copy_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "2026-autumn.yaml").write_text("x: 1\n")
    for service, name in NAMES:
        found = copy_of(tmp_path / name)
        assert found is not None and (found.service, found.original.name) == (service, "2026-autumn.yaml"), name
    for ordinary in ("2026-autumn.yaml", "2027-spring.yaml", "2026-autumn-extra.yaml", "2026.yaml"):
        assert copy_of(tmp_path / ordinary) is None, ordinary
    # OneDrive's hyphen and name count only beside the file it would copy.
    assert copy_of(tmp_path / "2026-spring-LAPTOP.yaml") is None


entry_day = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=50, deadline=None)
@given(st.lists(entry_day, max_size=5), st.lists(entry_day, max_size=5))
def test_new_ledger_entries_of_both_sides_are_all_kept_in_date_order(ours_days, theirs_days) -> None:
    ours_days, theirs_days = sorted(ours_days), sorted(theirs_days)  # each side appends as it issues
    base = {"entries": [{"invoice": "L-0001", "issued": date(2026, 1, 1)}]}
    ours = {"entries": [*base["entries"], *({"invoice": f"L-g{i}", "issued": d} for i, d in enumerate(ours_days))]}
    theirs = {"entries": [*base["entries"], *({"invoice": f"L-r{i}", "issued": d} for i, d in enumerate(theirs_days))]}
    merged = merge(base, ours, theirs)
    assert merged.conflicts == []
    entries = merged.value["entries"]
    assert entries[0] == base["entries"][0]
    assert sorted(e["invoice"] for e in entries[1:]) == sorted(e["invoice"] for e in ours["entries"][1:] + theirs["entries"][1:])
    assert [e["issued"] for e in entries[1:]] == sorted(e["issued"] for e in entries[1:])
    other = merge(base, theirs, ours).value["entries"]
    assert _canonical(other) == _canonical(entries)


def test_an_event_exported_on_both_sides_keeps_the_higher_sequence() -> None:
    record = {"uid": "u-6@learn", "sequence": 1, "fingerprint": "a", "when": "2026-12-02 09:30-12:30"}
    base = {"version": 1, "sessions": {5: dict(record, uid="u-5@learn"), 6: record}}
    ours = {"version": 1, "sessions": {5: dict(record, uid="u-5@learn", sequence=2, fingerprint="b"), 6: record}}
    theirs = {"version": 1, "sessions": {5: dict(record, uid="u-5@learn", sequence=3, fingerprint="c"), 6: dict(record, sequence=2, fingerprint="d")}}
    merged = merge(base, ours, theirs)
    assert merged.conflicts == []
    assert merged.value["sessions"][5]["sequence"] == 3 and merged.value["sessions"][5]["fingerprint"] == "c"
    assert merged.value["sessions"][6]["fingerprint"] == "d"
    # The same SEQUENCE for two different events: nobody can tell which calendars hold.
    tied = {"version": 1, "sessions": {5: dict(record, uid="u-5@learn", sequence=2, fingerprint="e"), 6: record}}
    [conflict] = merge(base, ours, tied).conflicts
    assert conflict.where == ("sessions", "5", "fingerprint")
