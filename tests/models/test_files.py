"""The models as people meet them: a YAML text in, a value or diagnostics at line:col out."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from pathlib import Path

import pytest

from learncli.models.cohort import Cohort
from learncli.models.course import Config
from learncli.store.folder import DataFolder

COHORT = """\
course: leading-with-learning
sessions:
  - date: 2026-09-23
    start: {start}
participants:
  - name: {name}
    email: {email}
    po: {po}
"""


def parse_cohort(**fields):
    values = {"start": "'10:00'", "name": "Ann", "email": "ann@example.org", "po": "PO-1"} | fields
    text = COHORT.format(**values)
    return DataFolder(Path(".")).read(Path("c.yaml"), Cohort, text)


@pytest.mark.parametrize("written", ["09:30", "9:30", "'09:30'", '"9:30"'])
def test_every_way_of_writing_half_past_nine_is_half_past_nine(written):
    result = parse_cohort(start=written)
    assert result.diagnostics == []
    assert result.model.sessions[0].start == time(9, 30)


@pytest.mark.parametrize("written", ["570", "25:00", "9.30", "half nine"])
def test_other_times_are_errors_at_their_position(written):
    result = parse_cohort(start=written)
    [diag] = result.diagnostics
    assert (diag.code, diag.line, diag.col) == ("F003", 4, 12)
    assert "start" in diag.message


def test_no_in_a_text_field_is_flagged_with_a_hint_to_quote_it():
    result = parse_cohort(name="NO")
    [diag] = result.diagnostics
    assert diag.code == "F004" and diag.line == 6
    assert '"NO"' in diag.message and "false" in diag.message


def test_quoted_no_is_fine():
    assert parse_cohort(name="'NO'").model.participants[0].name == "NO"


@pytest.mark.parametrize("po, expected", [("12345", "12345"), ("010", "010"), ("'PO 7'", "PO 7")])
def test_reference_numbers_keep_what_was_typed(po, expected):
    assert parse_cohort(po=po).model.participants[0].po == expected


@pytest.mark.parametrize("email", ["ann@", "ann.example.org", "ann@example", "'ann@example.org\\nBcc: x@evil.example'"])
def test_bad_emails_are_errors(email):
    result = parse_cohort(email=email if not email.startswith("'") else '"' + email[1:-1] + '"')
    [diag] = result.diagnostics
    assert diag.code == "F003" and diag.line == 7


def test_emails_are_compared_in_one_case():
    assert parse_cohort(email="Ann.ONeil@Example.ORG").model.participants[0].email == "ann.oneil@example.org"


def test_unknown_keys_are_errors_with_a_suggestion():
    text = COHORT.format(start="'10:00'", name="Ann", email="ann@example.org", po="x") + "    organization: Acme\n"
    result = DataFolder(Path(".")).read(Path("c.yaml"), Cohort, text)
    [diag] = result.diagnostics
    assert (diag.code, diag.line, diag.col) == ("F001", 9, 5)
    assert "'organisation'" in diag.message


def test_missing_required_keys_point_at_their_mapping():
    result = DataFolder(Path(".")).read(Path("c.yaml"), Cohort, "course: x\nsessions:\n  - start: '09:30'\n")
    [diag] = result.diagnostics
    assert diag.code == "F002" and "date" in diag.message and diag.line == 3


def test_all_schema_errors_of_a_file_are_reported_together():
    text = "course: Bad Id!\nsessions:\n  - date: 2026-13-01\nparticipants:\n  - name: Ann\n    email: nope\n"
    result = DataFolder(Path(".")).read(Path("c.yaml"), Cohort, text)
    assert sorted(d.line for d in result.diagnostics) == [1, 3, 6]


def test_money_is_exact_and_never_a_float():
    from learncli.models.types import parse_money

    assert parse_money(575) == Decimal("575.00")
    assert parse_money(Decimal("191.67")) == Decimal("191.67")
    assert parse_money("1,234.50") == Decimal("1234.50")
    for bad in (575.0, True, "£575", Decimal("1.005"), Decimal("NaN")):
        with pytest.raises(Exception):
            parse_money(bad)


def test_the_bundled_courses_file_is_the_real_course():
    from tests.conftest import BUNDLED

    config = DataFolder(BUNDLED).config()
    assert isinstance(config, Config)
    [course] = config.courses
    assert course.fee == Decimal("575.00") and course.currency == "GBP"
    assert course.contribution.amount == Decimal("25.00") and course.contribution.recipient == "HLS Collaborative"
    assert (course.start, course.end) == (time(9, 30), time(12, 30))
    assert course.themes == [
        "What is learning?",
        "Nurturing the conditions for learning",
        "Building purpose and motivation",
        "Targeting our learning",
        "Connecting learning cycles",
        "Making learning a habit",
    ]
    assert [f.name for f in config.facilitators] == ["Gabriel Eichsteller", "Roger Duck"]


def test_the_bundled_cohorts_have_the_published_dates():
    from tests.conftest import BUNDLED

    folder = DataFolder(BUNDLED)
    spring = [s.date.isoformat() for s in folder.cohort("2026-spring").sessions]
    autumn = [s.date.isoformat() for s in folder.cohort("2026-autumn").sessions]
    assert spring == ["2026-04-14", "2026-04-28", "2026-05-05", "2026-05-19", "2026-06-03", "2026-06-16"]
    assert autumn == ["2026-09-23", "2026-10-07", "2026-10-21", "2026-11-04", "2026-11-18", "2026-12-02"]


def test_the_bundled_participants_cover_the_edge_cases():
    from tests.conftest import BUNDLED

    folder = DataFolder(BUNDLED)
    for cohort_id in ("2026-spring", "2026-autumn"):
        people = folder.cohort(cohort_id).participants
        assert 8 <= len(people) <= 12
        assert all(p.email.endswith("@example.org") for p in people)
        names = [p.name for p in people]
        assert any("'" in n for n in names) and any("," in n for n in names)
        assert any(not n.isascii() for n in names)
        assert any(p.po for p in people) and any(p.billing_email for p in people)
        assert sum(p.status == "withdrawn" for p in people) == 1
    assert "O'Neil, Ann" in [p.name for p in folder.cohort("2026-autumn").participants]


def test_a_number_that_is_a_mapping_key_is_not_shown_as_a_list_position():
    text = "course: x\nsessions:\n  - date: 2026-09-23\nattendance:\n  3: present\n"
    [diag] = DataFolder(Path(".")).read(Path("c.yaml"), Cohort, text).diagnostics
    assert diag.line == 5 and diag.message.startswith("attendance → 3: ")


def test_list_positions_are_counted_from_one():
    text = "course: x\nsessions:\n  - date: 2026-09-23\n  - date: nope\n"
    [diag] = DataFolder(Path(".")).read(Path("c.yaml"), Cohort, text).diagnostics
    assert "sessions #2 → date" in diag.message


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x80", "\x85", "\x9f", "\u2028"])
def test_control_characters_in_text_are_errors(char):
    from pydantic import TypeAdapter, ValidationError

    from learncli.models.types import Line, Text

    for kind in (Line, Text):
        with pytest.raises(ValidationError):
            TypeAdapter(kind).validate_python(f"Ann{char}O'Neil")
    assert TypeAdapter(Text).validate_python("line one\n\tline two") == "line one\n\tline two"
