"""Eight real processes at once on one folder, mixing the commands that write: nothing lost."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

from learncli.store.folder import DataFolder
from learncli.store.ledger import read_ledger
from tests.conftest import Learn
from tests.reliability.harness import (
    TALLY,
    TODAY,
    assert_numbers_unique_and_contiguous,
    build_world,
    env_for_process,
    invoice_numbers,
    validation_errors,
)

WORKERS = 8


def test_eight_processes_mixing_adds_runs_payments_and_marks_lose_nothing(tmp_path: Path) -> None:
    data = build_world(tmp_path, big=8)
    common = ["--data", str(data), "--today", TODAY]
    added = ["rush0@example.org", "rush1@example.org"]
    payments = {"LWL-2026-0012": ["rush a", "rush b"], "LWL-2026-0013": ["rush c"]}
    big_marks = {"person001@big.example.org": "late", "person002@big.example.org": "late"}
    autumn_marks = {"ann.oneil@example.org": "excused", "sian.evans@example.org": "excused"}

    def pay(number: str, ref: str) -> list[str]:
        return ["payment", "record", number, "--amount", "100", "--date", "2026-11-20", "--method", "bank", "--reference", ref]

    # Eight processes start together. The adds and a mark edit big.yaml while two invoice
    # runs read it and append to the ledger that the three payments append to.
    plan: list[list[list[str]]] = [
        [["participant", "add", "big", "--name", "Rush 0", "--email", added[0]]],
        [["participant", "add", "big", "--name", "Rush 1", "--email", added[1]]],
        [["invoice", "run", "big"]],
        [["invoice", "run", "big"]],
        [pay("LWL-2026-0012", "rush a")],
        [pay("LWL-2026-0012", "rush b")],
        [pay("LWL-2026-0013", "rush c")],
        [["attend", "mark", "big", "5", *big_marks, "--status", "late"], ["attend", "mark", "2026-autumn", "6", *autumn_marks, "--status", "excused"]],
    ]
    assert len(plan) == WORKERS

    failures: list[str] = []
    alive = 0
    most_alive = 0
    lock = threading.Lock()
    start = threading.Barrier(WORKERS)

    def work(commands: list[list[str]]) -> None:
        nonlocal alive, most_alive
        start.wait()
        for args in commands:
            with lock:
                alive += 1
                most_alive = max(most_alive, alive)
                TALLY["processes"] += 1
            proc = subprocess.run([sys.executable, "-m", "learncli", *common, *args], capture_output=True, text=True, env=env_for_process(), timeout=120)
            with lock:
                alive -= 1
                if proc.returncode != 0:
                    failures.append(f"{' '.join(args)}: {proc.stderr}")

    threads = [threading.Thread(target=work, args=(commands,)) for commands in plan]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert most_alive == WORKERS
    TALLY["concurrent_processes"] = max(TALLY["concurrent_processes"], most_alive)
    assert time.monotonic() - began < 120

    assert validation_errors(data) == []
    folder = DataFolder(data)
    big = folder.cohort("big")
    autumn = folder.cohort("2026-autumn")
    # Every participant added is there, once.
    emails = [p.email for p in big.participants]
    assert all(emails.count(email) == 1 for email in added)
    # Every mark is there, with its status.
    assert {email: mark.status for email, mark in big.attendance[5].items()} == big_marks
    assert {email: autumn.attendance[6][email].status for email in autumn_marks} == autumn_marks
    # Numbers unique and contiguous; nobody invoiced twice.
    assert_numbers_unique_and_contiguous(invoice_numbers(data))
    ledger = read_ledger(folder).ledger
    live = [a.participant for a in ledger.all(cohort="big") if not a.void]
    assert len(live) == len(set(live))
    # Whoever the runs did not see yet (added after them) is invoiced by one more run.
    assert Learn(data)("--today", TODAY, "invoice", "run", "big").exit_code == 0
    live = sorted(a.participant for a in read_ledger(folder).ledger.all(cohort="big") if not a.void)
    assert live == sorted(p.email for p in folder.cohort("big").registered)
    assert_numbers_unique_and_contiguous(invoice_numbers(data))
    # Every payment is there.
    ledger = read_ledger(folder).ledger
    for number, refs in payments.items():
        account = ledger.account(number)
        assert sorted(p.reference for p in account.payments) == sorted(refs)
        assert account.paid == Decimal(100) * len(refs)


def test_racing_credits_refunds_and_payouts_never_take_more_than_is_there(tmp_path: Path) -> None:
    """Two of each at once, each alone allowed, both together too much: the lock lets
    exactly one of each through, and the credit note gets a number of its own."""
    data = build_world(tmp_path, big=2)
    common = ["--data", str(data), "--today", TODAY]
    pairs = {
        "credit": ["invoice", "credit", "LWL-2026-0013", "--amount", "300", "--reason", "Early booking"],
        "refund": ["payment", "refund", "LWL-2026-0001", "--amount", "300", "--date", "2026-11-20", "--method", "bank"],
        "payout": ["payment", "payout", "HLS Collaborative", "--amount", "150", "--date", "2026-11-20"],
    }
    results: dict[str, list[int]] = {name: [] for name in pairs}
    lock = threading.Lock()
    jobs = [(name, args) for name, args in pairs.items() for _ in range(2)]
    start = threading.Barrier(len(jobs))

    def work(name: str, args: list[str]) -> None:
        start.wait()
        proc = subprocess.run([sys.executable, "-m", "learncli", *common, *args], capture_output=True, text=True, env=env_for_process(), timeout=120)
        with lock:
            results[name].append(proc.returncode)

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {name: sorted(codes) for name, codes in results.items()} == {name: [0, 1] for name in pairs}
    assert validation_errors(data) == []
    assert_numbers_unique_and_contiguous(invoice_numbers(data))
    ledger = read_ledger(DataFolder(data)).ledger
    assert ledger.account("LWL-2026-0013").credited == Decimal(300)
    assert ledger.account("LWL-2026-0001").refunded == Decimal(300)
    assert sum(p.amount for p in ledger.payouts) == Decimal(150)
