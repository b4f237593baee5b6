"""How long invoicing takes: a run of 25 and of 250 participants, then one payment, with
and without years of history in the ledger.

Each step runs `learn` as a real process (start-up included, as a person or a cron job
sees it) on a fresh copy of the bundled data in a temporary folder:

    python benchmarks/invoice_run.py              # 25 and 250 participants
    python benchmarks/invoice_run.py --history 6  # the same after six years of 500 invoices a year
    python benchmarks/invoice_run.py --pdf        # also render one invoice as PDF

It prints a table of wall-clock times (the best of --repeat runs) and exits 1 if any
command fails. Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Thursdays, so the benchmark cohort does not double-book the facilitators of the
# bundled autumn cohort (Wednesdays).
DATES = ("2026-09-24", "2026-10-08", "2026-10-22", "2026-11-05", "2026-11-19", "2026-12-03")


def make_cohort(data: Path, cohort_id: str, count: int) -> None:
    lines = ["course: leading-with-learning", f"title: Benchmark cohort of {count}", "sessions:"]
    lines += [f"  - date: {d}" for d in DATES]
    lines.append("participants:")
    for i in range(1, count + 1):
        lines += [f"  - name: Participant {i:04d}", f"    email: p{i:04d}@{cohort_id}.example.org", "    organisation: Example Council"]
        if i % 3 == 0:
            lines.append(f"    po: PO-{i:06d}")
    (data / "cohorts" / f"{cohort_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_history(data: Path, years: int, per_year: int) -> None:
    """Past years of ledger: `per_year` invoices a year, each paid, in invoices/YEAR.yaml."""
    sys.path.insert(0, str(REPO / "src"))
    from datetime import date
    from decimal import Decimal

    from learncli.models.invoice import BillTo, InvoiceEntry, InvoiceLine, PaymentEntry
    from learncli.store.ledger import entry_text, header

    for year in range(2026 - years, 2026):
        parts = [header(year)]
        for seq in range(1, per_year + 1):
            number = f"LWL-{year}-{seq:04d}"
            email = f"h{seq:04d}@y{year}.example.org"
            invoice = InvoiceEntry(
                invoice=number, issued=date(year, 3, 2), due=date(year, 3, 31), cohort="2026-spring",
                participant=email, participant_name=f"Past participant {seq}",
                bill_to=BillTo(name=f"Past participant {seq}", email=email), currency="GBP",
                lines=[InvoiceLine(description=f"Leading with Learning {year}", amount=Decimal("575.00"))],
                total=Decimal("575.00"),
            )
            payment = PaymentEntry(payment=number, date=date(year, 3, 20), amount=Decimal("575.00"), method="bank", reference=number)
            parts += ["\n" + entry_text(invoice), "\n" + entry_text(payment)]
        (data / "invoices" / f"{year}.yaml").write_text("".join(parts), encoding="utf-8")


def learn(data: Path, *args: str, ok: tuple[int, ...] = (0,)) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARN_")}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "learncli", "--data", str(data), "--today", "2026-08-01", *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        sys.stderr.write(f"learn {' '.join(args)} failed:\n{result.stderr}")
        raise SystemExit(1)
    return elapsed


def fresh(root: Path, history: int, per_year: int) -> Path:
    data = root / f"data-{time.monotonic_ns()}"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("out", ".learn*"))
    if history:
        make_history(data, history, per_year)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,250", help="participants per run, comma-separated (default 25,250)")
    parser.add_argument("--history", type=int, default=0, help="years of past ledger to add first (default 0)")
    parser.add_argument("--per-year", type=int, default=500, help="invoices per past year (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="take the best of this many runs (default 3)")
    parser.add_argument("--pdf", action="store_true", help="also time rendering one invoice as PDF")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory(prefix="learn-bench-") as tmp:
        root = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            best: dict[str, float] = {}
            for _ in range(args.repeat):
                data = fresh(root, args.history, args.per_year)
                make_cohort(data, "bench", size)
                times = {
                    "invoice run": learn(data, "invoice", "run", "bench"),
                    "second run (nothing to do)": learn(data, "invoice", "run", "bench"),
                    "payment record": learn(data, "payment", "record", "LWL-2026-0012", "--amount", "575", "--date", "2026-08-02", "--method", "bank"),
                    "invoice list --json": learn(data, "invoice", "list", "--json"),
                    # The made-up history names people who are not in any cohort (R004):
                    # validate reports them, which is part of the work being timed.
                    "validate": learn(data, "validate", ok=(0, 1)),
                }
                if args.pdf:
                    times["render one PDF"] = learn(data, "invoice", "render", "LWL-2026-0012", "--format", "pdf")
                for name, value in times.items():
                    best[name] = min(best.get(name, value), value)
                shutil.rmtree(data)
            for name, value in best.items():
                results.append({"participants": size, "history_years": args.history, "step": name, "seconds": round(value, 3)})

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    history = f", {args.history} past year(s) of {args.per_year} invoices" if args.history else ""
    print(f"learn invoicing benchmark (best of {args.repeat}{history}; Python {sys.version.split()[0]})")
    print(f"{'participants':>12}  {'step':<28} {'seconds':>8}")
    for row in results:
        print(f"{row['participants']:>12}  {row['step']:<28} {row['seconds']:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
