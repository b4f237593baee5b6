"""Reading YAML: positions, YAML 1.1 surprises, hostile input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from learncli.store.yamlread import read_yaml


def read(text: str):
    return read_yaml(Path("f.yaml"), text)


def codes(loaded) -> list[str]:
    return [d.code for d in loaded.diagnostics]


def test_values_mean_what_they_look_like():
    loaded = read(
        "start: 9:30\nend: '12:30'\npo: 010\nplain: 12345\nfee: 191.67\nday: 2026-04-14\n"
        "yes_text: 'yes'\nnothing: ~\nhex: 0x1F\n"
    )
    assert loaded.diagnostics == []
    assert loaded.data == {
        "start": "9:30",
        "end": "12:30",
        "po": "010",
        "plain": 12345,
        "fee": Decimal("191.67"),
        "day": date(2026, 4, 14),
        "yes_text": "yes",
        "nothing": None,
        "hex": 31,
    }
    assert isinstance(loaded.data["fee"], Decimal)


def test_an_impossible_date_stays_text_for_the_model_to_reject():
    assert read("day: 2026-02-30\n").data == {"day": "2026-02-30"}


def test_positions_of_values_and_keys_are_one_based():
    loaded = read("a: 1\nlist:\n  - name: x\n    email: y@example.org\n")
    assert loaded.source.mark(("list", 0, "email")) == (4, 12)
    assert loaded.source.mark(("list", 0, "email"), key=True) == (4, 5)
    # A path that goes further than the file: the nearest known place.
    assert loaded.source.mark(("list", 0, "missing")) == (3, 5)


def test_duplicate_keys_are_errors_with_both_lines():
    loaded = read("name: a\nemail: b\nname: c\n")
    [diag] = loaded.diagnostics
    assert diag.code == "Y002" and diag.line == 3 and diag.col == 1
    assert "line 1" in diag.message


def test_one_and_true_are_different_keys():
    loaded = read("1: a\ntrue: b\n")
    assert loaded.diagnostics == []
    assert loaded.data == {1: "a", "true": "b"}


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!!python/name:os.system", "!custom", "!!binary", "!!set"])
def test_unsafe_or_unknown_tags_are_refused(tag):
    loaded = read(f"x: {tag} abc\n")
    assert loaded.data is None
    assert codes(loaded) == ["Y003"]
    assert loaded.diagnostics[0].line == 1


def test_syntax_errors_have_a_position():
    loaded = read("a: 1\nb: [1, 2\nc: 3\n")
    [diag] = loaded.diagnostics
    assert diag.code == "Y001" and diag.line >= 2 and diag.col >= 1


def test_an_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    loaded = read("\n".join(lines) + "\n")
    assert codes(loaded) == ["Y004"]


def test_modest_aliases_and_merge_keys_work():
    loaded = read("base: &b {start: '09:30', end: '12:30'}\nsession:\n  <<: *b\n  end: '12:00'\n")
    assert loaded.diagnostics == []
    assert loaded.data["session"] == {"start": "09:30", "end": "12:00"}


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "- " * 60_000 + "x\n", "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 3000))])
def test_absurd_nesting_is_refused_without_crashing(text):
    loaded = read(text)
    assert codes(loaded) == ["Y004"]


def test_moderate_nesting_beyond_the_model_depth_is_an_error_not_a_crash():
    loaded = read("[" * 200 + "]" * 200)
    assert codes(loaded) == ["Y004"]


def test_files_that_are_not_utf8_are_named_with_their_position(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Zo\xeb\n".encode("latin-1"))
    loaded = read_yaml(path)
    [diag] = loaded.diagnostics
    assert diag.code == "Y005" and diag.line == 1 and diag.col == 9


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: Zoë\n".encode("utf-8"))
    assert read_yaml(path).data == {"name": "Zoë"}


def test_control_characters_are_a_syntax_error_with_a_position():
    loaded = read("name: a\x07b\n")
    [diag] = loaded.diagnostics
    assert diag.code == "Y001" and diag.line == 1


def test_a_missing_file_is_a_diagnostic(tmp_path):
    assert codes(read_yaml(tmp_path / "nope.yaml")) == ["Y006"]


def test_an_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    from learncli.store import yamlread

    monkeypatch.setattr(yamlread, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    assert codes(read_yaml(path)) == ["Y004"]


def test_positions_in_a_mapping_of_many_keys_are_found_in_linear_time():
    """A rule may report every key of a mapping; a scan per lookup made that n * n steps."""
    import time

    loaded = read("".join(f"key{i}: {i}\n" for i in range(20_000)))
    began = time.perf_counter()
    marks = [loaded.source.mark((f"key{i}",), key=True) for i in range(20_000)]
    assert time.perf_counter() - began < 1
    assert marks == [(i + 1, 1) for i in range(20_000)]


def test_a_file_with_thousands_of_schema_errors_lists_the_first_200_and_counts_the_rest():
    from learncli.models.course import Config
    from learncli.store.folder import DataFolder

    text = "".join(f"key{i}: {i}\n" for i in range(20_000))
    result = DataFolder(Path(".")).read(Path("courses.yaml"), Config, text)
    listed = [d for d in result.diagnostics if d.code != "F007"]
    assert len(listed) == 200  # 'organisation' missing, then unknown keys from line 1
    assert [(d.line, d.col) for d in listed if d.code == "F001"] == [(n, 1) for n in range(1, 200)]
    [rest] = [d for d in result.diagnostics if d.code == "F007"]
    assert (rest.line, rest.col) == (200, 1) and "19,801 more schema error(s) from here on" in rest.message


def test_a_merge_key_that_refers_to_its_own_mapping_is_an_error_not_a_crash():
    loaded = read("a: &a\n  x: 1\n  <<: *a\n")
    assert loaded.data is None and codes(loaded) == ["Y004"]


def test_a_released_source_still_knows_every_position(tmp_path):
    text = "course: x\nsessions:\n  - date: 2026-01-05\n  - {date: 2026-01-19, note: moved}\n\nparticipants:\n  - name: Ann\n    email: a@example.org\n"
    path = tmp_path / "c.yaml"
    path.write_text(text)
    locs = [(), ("course",), ("sessions", 0, "date"), ("sessions", 1, "note"), ("participants", 0, "email"), ("nowhere", 3)]
    for given in (None, text):
        source = read_yaml(path, given).source
        before = [source.mark(loc) for loc in locs] + [source.mark(("participants", 0, "email"), key=True)]
        source.release(keep=[("sessions", 1, "note")], text=given)
        assert source.root is None
        assert source.mark(("sessions", 1, "note")) == before[3] and source.root is None  # kept: no reading again
        assert [source.mark(loc) for loc in locs] + [source.mark(("participants", 0, "email"), key=True)] == before
