"""Real processes against one ledger: at the same time, and killed at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from learncli.models.invoice import PaymentEntry
from learncli.store.folder import DataFolder
from learncli.store.ledger import read_ledger
from tests.reliability.harness import assert_numbers_unique_and_contiguous, invoice_numbers


def start(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}
    return subprocess.Popen(
        [sys.executable, "-m", "learncli", "--data", str(data_dir), "--today", "2026-08-10", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def test_eight_processes_at_once_issue_unique_contiguous_numbers_and_lose_no_payment(learn, data_dir, make_cohort):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0  # LWL-2026-0012..0020
    cohorts = [make_cohort(f"busy-{i}", 12) for i in range(4)]
    jobs = [start(data_dir, "invoice", "run", c) for c in cohorts]
    jobs += [
        start(data_dir, "payment", "record", "LWL-2026-0012", "--amount", "100", "--date", f"2026-08-0{i + 2}", "--method", "bank", "--reference", f"part {i}")
        for i in range(4)
    ]
    for job in jobs:
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, err

    numbers = invoice_numbers(data_dir)
    assert_numbers_unique_and_contiguous(numbers)
    assert len(numbers) == 11 + 9 + 4 * 12
    ledger = read_ledger(DataFolder(data_dir)).ledger
    for cohort in cohorts:
        assert len(ledger.all(cohort=cohort)) == 12
    ann = ledger.account("LWL-2026-0012")
    assert sorted(p.reference for p in ann.payments) == ["part 0", "part 1", "part 2", "part 3"]
    assert ann.paid == Decimal("400.00") and ann.balance == Decimal("175.00")


def test_sigkill_at_random_moments_never_breaks_the_ledger(data_dir, make_cohort):
    rng = random.Random(20260801)
    cohorts = [make_cohort(f"kill-{i}", 40) for i in range(10)]
    killed = 0
    deadline = time.monotonic() + 10
    for cohort in cohorts:
        if time.monotonic() > deadline:
            break
        job = start(data_dir, "invoice", "run", cohort)
        time.sleep(rng.uniform(0.1, 0.5))
        job.send_signal(signal.SIGKILL)
        job.communicate(timeout=60)
        killed += job.returncode == -signal.SIGKILL
        # Whatever moment it died at: the ledger parses, and no number is used twice.
        numbers = invoice_numbers(data_dir)
        assert_numbers_unique_and_contiguous(numbers)
        issued = [n for n in numbers if n > "LWL-2026-0011"]
        assert len(issued) % 40 == 0  # a run's invoices are all written or none are
    assert killed >= 3
    # The folder is not left locked, and a later run finishes the job.
    finish = start(data_dir, "invoice", "run", cohorts[0])
    assert finish.wait(timeout=60) == 0
    assert_numbers_unique_and_contiguous(invoice_numbers(data_dir))
    for path in (data_dir / "invoices").glob(".learn-tmp-*"):
        raise AssertionError(f"{path} was left behind by a killed process and not cleaned up")


def test_payments_written_by_processes_are_plain_decimals(data_dir):
    job = start(data_dir, "payment", "record", "LWL-2026-0008", "--amount", "1", "--date", "2026-08-01", "--method", "bank")
    _, err = job.communicate(timeout=60)
    assert job.returncode == 1 and "void" in err
    ledger = read_ledger(DataFolder(data_dir)).ledger
    assert all(isinstance(item.entry.amount, Decimal) for item in ledger.items if isinstance(item.entry, PaymentEntry))
