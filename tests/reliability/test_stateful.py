"""Random sequences of commands against a model of what the data folder should hold.

Hypothesis drives the real CLI (in this process) with participant add, withdraw and
reinstate, cohort reschedule (with and without --reinstate) and cancel-session, attend
mark and unmark, commit add and review, invoice run, credit and void, and payment record and refund, on one
cohort. The model predicts which commands succeed
and what they change; a reschedule is judged by the rules (weekends, holidays, other
cohorts' bookings), so there the model takes the command's verdict and checks only that
a refusal changed nothing. After every step the folder must validate and hold exactly
what the model holds: participants and their status, sessions, marks, commitments and
their reviews, the invoices with their numbers (unique, contiguous), voids and payments.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from learncli.store.folder import DataFolder
from learncli.store.ledger import read_ledger
from tests.conftest import Learn
from tests.reliability.harness import (
    TALLY,
    THURSDAYS,
    TODAY,
    assert_numbers_unique_and_contiguous,
    build_world,
    invoice_numbers,
    validation_errors,
)

COHORT = "big"
FEE = Decimal("575.00")
EMAILS = [f"person00{i}@big.example.org" for i in (1, 2, 3)] + [f"new{i}@example.org" for i in range(4)] + ["nobody@example.org"]
MARKS = ["present", "late", "left-early", "absent", "excused"]
REVIEWS = ["done", "partly", "not-done", "dropped"]
TEXTS = ["Ask the team what they learned", "Try a learning conversation in supervision"]


class FolderModel(RuleBasedStateMachine):
    base: Path  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="learn-stateful-"))
        shutil.copytree(self.base, self.tmp / "w", symlinks=True)
        self.data = self.tmp / "w" / "data"
        self.learn = Learn(self.data)
        self.people: dict[str, str] = {e: "registered" for e in EMAILS[:3]}  # in file order
        self.sessions = [[date.fromisoformat(d), False] for d in THURSDAYS]  # date, cancelled
        self.marks: dict[tuple[int, str], str] = {}
        self.commitments: dict[tuple[str, int], list[str]] = {}  # -> [text, status]
        self.invoices: dict[str, dict[str, object]] = {}  # number -> participant, void, paid, refunded, credited
        self.next_seq = 22  # the world's ledger ends at LWL-2026-0021 (the autumn cohort and the council group invoiced)

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, *args: str) -> int:
        TALLY["stateful_steps"] += 1
        result = self.learn("--today", TODAY, *args)
        assert result.exit_code in (0, 1, 2), result.output
        assert "Traceback" not in result.output
        return result.exit_code

    def number(self) -> str:
        number = f"LWL-2026-{self.next_seq:04d}"
        self.next_seq += 1
        return number

    # --- the commands -------------------------------------------------------------

    @rule(i=st.integers(0, 3))
    def add_participant(self, i: int) -> None:
        email = f"new{i}@example.org"
        code = self.run("participant", "add", COHORT, "--name", f"New {i}", "--email", email)
        assert code == (1 if email in self.people else 0)
        self.people.setdefault(email, "registered")

    @rule(email=st.sampled_from(EMAILS))
    def withdraw(self, email: str) -> None:
        code = self.run("participant", "withdraw", COHORT, email)
        assert code == (0 if email in self.people else 1)
        if email in self.people:
            self.people[email] = "withdrawn"

    @rule(session=st.integers(1, 6), days=st.sampled_from([-7, -1, 1, 2, 6, 7]))
    def reschedule(self, session: int, days: int) -> None:
        day = self.sessions[session - 1][0] + timedelta(days=days)
        cancelled = self.sessions[session - 1][1]
        code = self.run("cohort", "reschedule", COHORT, str(session), day.isoformat())
        if cancelled:  # a cancelled session is never brought back without --reinstate
            assert code == 1
        if code == 0:  # the rules said yes; a refusal must have changed nothing (invariants)
            self.sessions[session - 1] = [day, False]

    @rule(session=st.integers(1, 6), days=st.sampled_from([-1, 0, 1, 7]))
    def reinstate_session(self, session: int, days: int) -> None:
        day = self.sessions[session - 1][0] + timedelta(days=days)
        code = self.run("cohort", "reschedule", COHORT, str(session), day.isoformat(), "--reinstate")
        if not self.sessions[session - 1][1]:
            assert code == 1
        if code == 0:
            self.sessions[session - 1] = [day, False]

    @rule(email=st.sampled_from(EMAILS))
    def reinstate_participant(self, email: str) -> None:
        code = self.run("participant", "reinstate", COHORT, email)
        assert code == (0 if self.people.get(email) == "withdrawn" else 1)
        if code == 0:
            self.people[email] = "registered"

    @rule(session=st.integers(1, 6), email=st.sampled_from(EMAILS))
    def attend_unmark(self, session: int, email: str) -> None:
        ok = (session, email) in self.marks
        assert self.run("attend", "unmark", COHORT, str(session), email) == (0 if ok else 1)
        self.marks.pop((session, email), None)

    @rule(session=st.integers(1, 6))
    def cancel_session(self, session: int) -> None:
        assert self.run("cohort", "cancel-session", COHORT, str(session)) == 0
        self.sessions[session - 1][1] = True

    @rule(session=st.integers(1, 6), email=st.sampled_from(EMAILS), status=st.sampled_from(MARKS))
    def attend_mark(self, session: int, email: str, status: str) -> None:
        ok = self.people.get(email) == "registered" and not self.sessions[session - 1][1]
        assert self.run("attend", "mark", COHORT, str(session), email, "--status", status) == (0 if ok else 1)
        if ok:
            self.marks[(session, email)] = status

    @rule(session=st.integers(1, 5), email=st.sampled_from(EMAILS), text=st.sampled_from(TEXTS))
    def commit_add(self, session: int, email: str, text: str) -> None:
        existing = self.commitments.get((email, session))
        ok = self.people.get(email) == "registered" and not self.sessions[session - 1][1] and (existing is None or existing[0] == text)
        assert self.run("commit", "add", COHORT, email, "--session", str(session), text) == (0 if ok else 1)
        if ok:
            self.commitments.setdefault((email, session), [text, "open"])

    @rule(session=st.integers(1, 5), email=st.sampled_from(EMAILS), status=st.sampled_from(REVIEWS))
    def commit_review(self, session: int, email: str, status: str) -> None:
        ok = (email, session) in self.commitments
        assert self.run("commit", "review", COHORT, email, "--session", str(session), "--status", status) == (0 if ok else 1)
        if ok:
            self.commitments[(email, session)][1] = status

    @rule()
    def invoice_run(self) -> None:
        assert self.run("invoice", "run", COHORT) == 0
        live = {str(i["participant"]) for i in self.invoices.values() if not i["void"]}
        for email, status in self.people.items():
            if status == "registered" and email not in live:
                self.invoices[self.number()] = {"participant": email, "void": False, "paid": Decimal(0), "refunded": Decimal(0), "credited": Decimal(0)}

    @rule(which=st.integers(0, 20), amount=st.sampled_from(["1", "100", "474", "575", "600"]))
    def payment_record(self, which: int, amount: str) -> None:
        number = list(self.invoices)[which] if which < len(self.invoices) else "LWL-2026-0999"
        invoice = self.invoices.get(number)
        value = Decimal(amount)
        # At most what is left: the fee less credits less what is held (paid less refunded).
        ok = invoice is not None and not invoice["void"] and value <= FEE - invoice["credited"] - (invoice["paid"] - invoice["refunded"])  # type: ignore[operator]
        code = self.run("payment", "record", number, "--amount", amount, "--date", "2026-11-20", "--method", "bank")
        assert code == (0 if ok else 1)
        if ok:
            invoice["paid"] += value  # type: ignore[index, operator]

    @rule(which=st.integers(0, 20), amount=st.sampled_from(["1", "100", "600"]))
    def payment_refund(self, which: int, amount: str) -> None:
        number = list(self.invoices)[which] if which < len(self.invoices) else "LWL-2026-0999"
        invoice = self.invoices.get(number)
        value = Decimal(amount)
        ok = invoice is not None and value <= invoice["paid"] - invoice["refunded"]  # type: ignore[operator]
        code = self.run("payment", "refund", number, "--amount", amount, "--date", "2026-11-20", "--method", "cheque")
        assert code == (0 if ok else 1)
        if ok:
            invoice["refunded"] += value  # type: ignore[index, operator]

    @rule(which=st.integers(0, 20), amount=st.sampled_from(["100", "475", "575", "600"]))
    def invoice_credit(self, which: int, amount: str) -> None:
        number = list(self.invoices)[which] if which < len(self.invoices) else "LWL-2026-0999"
        invoice = self.invoices.get(number)
        value = Decimal(amount)
        ok = invoice is not None and not invoice["void"] and value <= FEE - invoice["credited"]  # type: ignore[operator]
        assert self.run("invoice", "credit", number, "--amount", amount, "--reason", "agreed") == (0 if ok else 1)
        if ok:
            invoice["credited"] += value  # type: ignore[index, operator]
            invoice["void"] = invoice["credited"] == FEE
            self.number()  # the credit note takes the next number

    @rule(which=st.integers(0, 20))
    def invoice_void(self, which: int) -> None:
        number = list(self.invoices)[which] if which < len(self.invoices) else "LWL-2026-0999"
        invoice = self.invoices.get(number)
        ok = invoice is not None and not invoice["void"] and invoice["paid"] == invoice["refunded"]
        assert self.run("invoice", "void", number, "--reason", "changed") == (0 if ok else 1)
        if ok:
            invoice["void"] = True
            invoice["credited"] = FEE
            self.number()  # the credit note takes the next number

    # --- what the folder must hold after every step ---------------------------------

    @invariant()
    def folder_matches_the_model(self) -> None:
        assert validation_errors(self.data) == []
        folder = DataFolder(self.data)
        cohort = folder.cohort(COHORT)
        assert [(p.email, p.status) for p in cohort.participants] == list(self.people.items())
        assert [[s.date, bool(s.cancelled)] for s in cohort.sessions] == self.sessions
        marks = {(session, email): mark.status for session, by in cohort.attendance.items() for email, mark in by.items()}
        assert marks == self.marks
        assert {(c.email, c.session): [c.text, c.status or "open"] for c in cohort.commitments} == self.commitments
        numbers = invoice_numbers(self.data)
        assert_numbers_unique_and_contiguous(numbers)
        assert len(numbers) == self.next_seq - 1
        ledger = read_ledger(folder).ledger
        found = {
            a.number: {"participant": a.participant, "void": a.void, "paid": a.paid, "refunded": a.refunded, "credited": a.credited}
            for a in ledger.all(cohort=COHORT)
        }
        assert found == self.invoices


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("stateful")
    build_world(world, big=3)
    return world


def test_random_command_sequences_keep_the_folder_equal_to_the_model(base: Path) -> None:
    FolderModel.base = base
    run_state_machine_as_test(
        FolderModel,
        settings=settings(max_examples=8, stateful_step_count=14, deadline=None, suppress_health_check=list(HealthCheck)),
    )
