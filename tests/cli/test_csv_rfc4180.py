"""CSV imports read RFC 4180 exactly, whichever dialect wrote the file (issue 14).

Hypothesis writes random rows with Python's own csv writer, in each of its dialects and
quoting styles and with a semicolon variant, and the values must come back unchanged
through `participant import` and `commit import`, and cell for cell through the sheet
reader (which also keeps line breaks inside quoted fields)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.domain.csvsheet import choose_delimiter, open_sheet


class _Semicolon(csv.excel):
    delimiter = ";"


DIALECTS = [csv.excel, csv.excel_tab, csv.unix_dialect, _Semicolon]
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]
ROUND_TRIP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: The characters that trip CSV readers up, and some that trip people's names up.
_TRICKY = list("abcXYZ019 ,;\t\"'-.&/()=+@") + ["é", "ß", "Ø", "ł", "中", "😀", "\u00a0"]
#: One line of text as a participant field holds it: no line breaks, no outer spaces.
line_text = st.text(alphabet=st.sampled_from(_TRICKY), min_size=1, max_size=30).map(str.strip).filter(bool)
#: Any cell at all, line breaks included (not NUL, which no CSV file holds).
any_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25)


def _csv(rows: list[list[str]], dialect: type[csv.Dialect], quoting: int) -> bytes:
    # RFC 4180 quotes every field holding CR or LF. Python 3.11's writer leaves a lone CR
    # unquoted when the line ends in LF alone (the unix dialect), which writes a file that
    # says something else; such a row is written fully quoted, as a careful writer would.
    out = io.StringIO(newline="")
    plain = csv.writer(out, dialect=dialect, quoting=quoting)
    careful = csv.writer(out, dialect=dialect, quoting=csv.QUOTE_ALL)
    for row in rows:
        (careful if any("\r" in cell or "\n" in cell for cell in row) else plain).writerow(row)
    return out.getvalue().encode("utf-8")


def _people(learn) -> dict[str, dict]:
    listed = json.loads(learn("participant", "list", "2026-autumn", "--json").stdout)
    return {p["email"]: p for p in listed}


@ROUND_TRIP
@given(
    people=st.lists(st.tuples(line_text, line_text, line_text, line_text), min_size=1, max_size=6),
    dialect=st.sampled_from(DIALECTS),
    quoting=st.sampled_from(QUOTING),
)
def test_participant_import_reads_back_exactly_what_the_csv_writer_wrote(learn, data_dir, tmp_path, people, dialect, quoting):
    cohort_file = data_dir / "cohorts" / "2026-autumn.yaml"
    original = cohort_file.read_bytes()
    rows = [["Name", "Email", "Organisation", "Role", "PO number"]]
    expected = {}
    for index, (name, organisation, role, po) in enumerate(people):
        email = f"person{index}@example.org"
        rows.append([name, email, organisation, role, po])
        expected[email] = {"name": name, "organisation": organisation, "role": role, "po": po}
    sheet = tmp_path / "registrations.csv"
    sheet.write_bytes(_csv(rows, dialect, quoting))
    try:
        result = learn("participant", "import", "2026-autumn", sheet)
        assert result.exit_code == 0, result.output
        found = _people(learn)
        for email, values in expected.items():
            assert {key: found[email].get(key) for key in values} == values
    finally:
        cohort_file.write_bytes(original)


ACTIVE = [
    "ann.oneil@example.org", "sian.evans@example.org", "jose.martinez@example.org", "zoe.hartmann@example.org",
    "chidi.okafor@example.org", "peggy.lowe@example.org", "donal.obriain@example.org", "priya.raman@example.org",
    "fatima.alsayed@example.org",
]
one_line_commitment = line_text.map(lambda text: " ".join(text.split())).filter(bool)


@ROUND_TRIP
@given(
    texts=st.lists(one_line_commitment, min_size=1, max_size=len(ACTIVE)),
    dialect=st.sampled_from(DIALECTS),
    quoting=st.sampled_from(QUOTING),
)
def test_commit_import_reads_back_exactly_what_the_csv_writer_wrote(learn, data_dir, tmp_path, texts, dialect, quoting):
    cohort_file = data_dir / "cohorts" / "2026-autumn.yaml"
    original = cohort_file.read_bytes()
    rows = [["Email address", "After session", "Commitment", "Factor"]]
    rows += [[email, "6", text, "capability"] for email, text in zip(ACTIVE, texts)]
    sheet = tmp_path / "commitments.csv"
    sheet.write_bytes(_csv(rows, dialect, quoting))
    try:
        result = learn("commit", "import", "2026-autumn", sheet)
        assert result.exit_code == 0, result.output
        listed = json.loads(learn("commit", "list", "2026-autumn", "--session", "6", "--json").stdout)["commitments"]
        assert {c["email"]: c["text"] for c in listed} == dict(zip(ACTIVE, texts))
    finally:
        cohort_file.write_bytes(original)


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(1, 5),
    cells=st.lists(any_cell, min_size=1, max_size=40),
    dialect=st.sampled_from(DIALECTS),
    quoting=st.sampled_from(QUOTING),
)
def test_the_sheet_reader_returns_every_cell_as_written_line_breaks_and_all(width, cells, dialect, quoting):
    header = [f"column {n}" for n in range(1, width + 1)]
    body = [cells[i : i + width] + [""] * (width - len(cells[i : i + width])) for i in range(0, len(cells), width)]
    body = [row for row in body if any(cell.strip() for cell in row)]  # blank rows are skipped
    data = _csv([header, *body], dialect, quoting)
    if width > 1:
        assert choose_delimiter(data.decode("utf-8")) == dialect.delimiter
    sheet, problems = open_sheet(Path("x.csv"), data, {}, "a,b")
    assert not problems and sheet is not None
    assert sheet.header == header
    assert [row for _, row in sheet.rows()] == body
    assert not sheet.problems


def test_a_doubled_quote_inside_a_quoted_field_is_one_quote(learn, data_dir, write):
    # The case from issue 14: csv.Sniffer guessed doublequote=False and split the field.
    sheet = write(
        "registrations.csv",
        'name,email,organisation,role\r\nPeggy Lowe,peggy.new@example.org,"Lowe ""and"" Sons, Ltd",Director\r\n',
    )
    result = learn("participant", "import", "2026-autumn", sheet)
    assert result.exit_code == 0, result.output
    person = _people(learn)["peggy.new@example.org"]
    assert person["organisation"] == 'Lowe "and" Sons, Ltd' and person["role"] == "Director"


def test_a_line_break_inside_a_quoted_name_is_refused_at_the_row_that_holds_it(learn, write):
    sheet = write("registrations.csv", 'name,email\r\nKai,kai@example.org\r\n"Bo\r\nBrown",bo@example.org\r\n')
    result = learn("participant", "import", "2026-autumn", sheet)
    assert result.exit_code == 1
    assert "registrations.csv:3:1: I002 error: name: must be on one line" in result.stderr
