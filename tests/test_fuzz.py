"""Malformed input never produces a traceback: only diagnostics and exit code 1."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learncli.models.cohort import Cohort
from learncli.models.course import Config
from learncli.store.folder import DataFolder
from tests.conftest import BUNDLED

AUTUMN = (BUNDLED / "cohorts" / "2026-autumn.yaml").read_text()
COURSES = (BUNDLED / "courses.yaml").read_text()
SURPRISES = [
    "NO", "yes", "off", "010", "0o17", "0x1F", "9:30", "190:20:30", "1_000", "1e3", ".inf", "-.nan", "~", "null",
    "2026-02-30", "2026-4-1", "2026-04-14T09:30:00Z", "[]", "{}", "[a, b]", "{a: 1}", "&x 1", "*x", "*undefined",
    "!!binary aGk=", "!!python/object:os.system x", "!!set {a}", "!foo bar", '"\\x00"', "'unterminated", "|",
    ">-\n  folded", "- item", "? complex", "%YAML 1.1", "---", "...", "\t", "\x07", "é", "😀", "\u2028", "a: b: c",
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read(text: str, model=Cohort):
    return DataFolder(Path(".")).read(Path("cohorts/fuzz.yaml"), model, text)


def _check(result) -> None:
    # Either a model or at least one error with a position that exists in the file.
    if result.model is None:
        assert any(d.is_error for d in result.diagnostics)
    for diag in result.diagnostics:
        assert diag.code and diag.message
        assert diag.line >= 0 and diag.col >= 0


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}#&*!|>'\"%@`,?\n\t 019.~") + ["é", "\x00", "\r"]), max_size=300))
def test_random_yaml_like_text(text):
    _check(_read(text))


@FUZZ
@given(position=st.integers(0, len(AUTUMN) - 1), length=st.integers(0, 40), insert=st.text(max_size=20))
def test_the_real_cohort_file_with_a_random_splice(position, length, insert):
    _check(_read(AUTUMN[:position] + insert + AUTUMN[position + length :]))


@FUZZ
@given(position=st.integers(0, len(COURSES) - 1), length=st.integers(0, 40), insert=st.sampled_from(SURPRISES))
def test_the_real_courses_file_with_a_yaml_surprise_spliced_in(position, length, insert):
    _check(_read(COURSES[:position] + insert + COURSES[position + length :], Config))


@FUZZ
@given(key=st.sampled_from(["name", "email", "po", "organisation", "date", "start", "status", "meeting_id", "passcode", "url"]), value=st.sampled_from(SURPRISES))
def test_each_field_given_each_yaml_surprise(key, value):
    lines = []
    for line in AUTUMN.splitlines():
        stripped = line.lstrip(" -")
        if stripped.startswith(f"{key}:"):
            line = line[: len(line) - len(stripped)] + f"{key}: {value}"
        lines.append(line)
    _check(_read("\n".join(lines) + "\n"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_validate_command_on_a_garbage_cohort_file(learn, data_dir, text):
    (data_dir / "cohorts" / "2026-spring.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = learn("--today", "2026-11-23", "validate")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output and "internal error" not in result.output


CSV_CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "=cmd|' /C calc'!A0", '"quoted, comma"', "ann@example.org", "a@b", "O'Neil, Ann", "\ufeff", '"', '""', "\r", "\n"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(["name", "Email", "E-mail address", "PO number", "organisation", "x", ""]), max_size=6),
    rows=st.lists(st.lists(CSV_CELLS, max_size=7), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    raw=st.binary(max_size=60),
)
def test_participant_import_of_malformed_csv(learn, data_dir, tmp_path, header, rows, delimiter, raw):
    path = tmp_path / "fuzz.csv"
    body = "\n".join(delimiter.join(r) for r in [header, *rows]).encode("utf-8", "surrogatepass") + raw
    path.write_bytes(body)
    result = learn("--today", "2026-11-23", "participant", "import", "2026-autumn", str(path), "--dry-run")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
