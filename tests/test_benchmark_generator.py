"""The benchmarks' data generator: a valid folder, written the way learn writes its files.

No timing here (the benchmarks are `python benchmarks/run.py`); these tests only keep the
generator from rotting as the file formats and rules change.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO

TODAY = "2026-11-23"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("learn_benchmark_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(scope="module")
def folder(generator, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "data"
    generator.generate(root, cohorts=16, participants=8, seed=5)
    return root


def test_a_generated_folder_passes_validate(folder, learn_bare):
    result = learn_bare("--data", folder, "--today", TODAY, "validate", "--no-cache", "--json", data=False)
    report = json.loads(result.stdout)
    assert result.exit_code == 0, [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert report["counts"]["error"] == 0
    # every file was read: courses.yaml, the cohorts, their calendar state, the ledger's years
    cohorts = list((folder / "cohorts").glob("*.yaml"))
    states = list((folder / "calendar-state").glob("*.yaml"))
    years = list((folder / "invoices").glob("*.yaml"))
    assert report["files"] == 1 + len(cohorts) + len(states) + len(years)
    assert len(cohorts) == 16 and len(states) == 16 and len(years) >= 2


def test_the_folder_gives_the_rules_work_to_do(folder):
    from learncli.store.folder import DataFolder
    from learncli.store.ledger import load_ledger

    data = DataFolder(folder)
    cohorts = [r.model for r in data.all_cohorts()]
    assert len({c.course for c in cohorts}) >= 3
    assert len({f for c in cohorts for f in c.facilitators}) >= 4
    assert len({c.first_date.year for c in cohorts}) >= 2
    assert any(c.attendance for c in cohorts) and any(c.commitments for c in cohorts)
    kinds = Counter(type(item.entry).__name__ for item in load_ledger(data).items)
    assert kinds["InvoiceEntry"] > 50 and kinds["PaymentEntry"] > 50


def test_the_same_arguments_give_the_same_bytes(generator, tmp_path):
    def files(root: Path) -> dict[Path, bytes]:
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    one = generator.generate(tmp_path / "one", cohorts=6, participants=5, seed=9)
    two = generator.generate(tmp_path / "two", cohorts=6, participants=5, seed=9)
    assert one == two and one.cohort_ids == sorted(p.stem for p in (tmp_path / "one" / "cohorts").glob("*.yaml"))
    assert files(tmp_path / "one") == files(tmp_path / "two")
    generator.generate(tmp_path / "other", cohorts=6, participants=5, seed=10)
    assert files(tmp_path / "other") != files(tmp_path / "one")


def test_cohort_files_are_what_learns_own_edits_would_have_written(generator):
    """Replay each cohort's history with the store's edits (what `learn participant add`,
    `participant withdraw`, `attend`, `commit add` and `commit review` do) on the file
    `learn cohort add` wrote; the text must be the generator's, byte for byte."""
    from learncli.store import edits
    from learncli.store.roundtrip import RoundTrip

    plans, _, _ = generator.plan_folder(cohorts=16, participants=8, seed=5, today=generator.DEFAULT_TODAY)
    covered = Counter()
    for plan in plans:
        doc = RoundTrip(generator.head_text(plan))
        for person in plan.people:
            edits.add_participant(doc.data, person.entry())
        for person in plan.people:
            if person.withdrawn is not None:
                edits.withdraw_participant(doc.data, person.email, person.withdrawn)
                covered["withdrawn"] += 1
        for number in sorted(plan.marks):
            edits.set_marks(doc.data, number, plan.marks[number])
            covered["imported marks"] += any(isinstance(m, dict) for m in plan.marks[number].values())
            for c in plan.commitments:
                if c.session == number - 1 and c.status is not None:
                    # a date of its own, as in a process of its own (one shared date object
                    # would be written as a YAML anchor and aliases)
                    reviewed = date.fromordinal(c.reviewed.toordinal())
                    edits.review_commitment(doc.data, c.email, c.session, c.status, c.note, reviewed)
                    covered["reviewed with a note" if c.note else "reviewed"] += 1
            for c in plan.commitments:
                if c.session == number:
                    edits.add_commitment(doc.data, c.entry())
        assert doc.dump() == generator.cohort_text(plan), plan.id
        covered["cohorts"] += 1
    assert all(covered[k] for k in ("withdrawn", "imported marks", "reviewed", "reviewed with a note")), covered
