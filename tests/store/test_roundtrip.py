"""Editing hand-written YAML keeps what the person wrote."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from learncli.store.roundtrip import RoundTrip, append, guess_indent, plain
from tests.conftest import BUNDLED


@pytest.mark.parametrize("name", ["courses.yaml", "cohorts/2026-spring.yaml", "cohorts/2026-autumn.yaml"])
def test_the_bundled_files_round_trip_byte_for_byte(name):
    text = (BUNDLED / name).read_text()
    assert RoundTrip(text).dump() == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a:\n  b: 1\nl:\n  - x\n", (2, 4, 2)),
        ("a:\n    b: 1\nl:\n- x\n", (4, 2, 0)),
        ("a:\n   b: 1\nl:\n    -   x\n", (3, 8, 4)),
    ],
)
def test_indentation_is_detected(text, expected):
    assert guess_indent(text) == expected


def test_other_indentation_styles_round_trip():
    text = "a:\n    b: 1   # four\nlist:\n- one\n- two\n"
    doc = RoundTrip(text)
    append(doc.data["list"], "three")
    assert doc.dump() == "a:\n    b: 1   # four\nlist:\n- one\n- two\n- three\n"


@pytest.mark.parametrize("value", ["NO", "yes", "on", "null", "~", "9:30", "010", "1e3", "2026-04-14", "true", " padded ", "-", "@x", "a: b", "#x"])
def test_new_text_reads_back_as_the_same_text_in_yaml_1_1(value):
    doc = RoundTrip("items: []\n")
    doc.data["items"] = plain([value])
    assert yaml.safe_load(doc.dump())["items"] == [value]


def test_decimals_and_dates_are_written_plainly():
    doc = RoundTrip("a: 1\n")
    doc.data["fee"] = plain(Decimal("575.00"))
    doc.data["day"] = plain(date(2026, 4, 14))
    assert doc.dump() == "a: 1\nfee: 575.00\nday: 2026-04-14\n"


def test_appending_keeps_comments_that_followed_the_list_below_the_new_item():
    text = (
        "people:\n"
        "  - name: Ann   # lead\n"
        "\n"
        "  - name: Bo\n"
        "\n"
        "# ---- attendance ----\n"
        "attendance: {}\n"
    )
    doc = RoundTrip(text)
    append(doc.data["people"], {"name": "Cy"})
    assert doc.dump() == (
        "people:\n"
        "  - name: Ann   # lead\n"
        "\n"
        "  - name: Bo\n"
        "\n"
        "  - name: Cy\n"
        "\n"
        "# ---- attendance ----\n"
        "attendance: {}\n"
    )


def test_appending_to_the_last_list_in_the_file_keeps_the_end_comment_last():
    text = "sessions:\n  - date: 2026-01-01\n  - date: 2026-01-02  # last\n\n# the end\n"
    doc = RoundTrip(text)
    append(doc.data["sessions"], {"date": date(2026, 1, 3)})
    assert doc.dump() == "sessions:\n  - date: 2026-01-01\n  - date: 2026-01-02  # last\n  - date: 2026-01-03\n\n# the end\n"
