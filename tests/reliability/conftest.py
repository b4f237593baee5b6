"""The reliability suite's tally: what it did, printed after the run (the README's counts)."""

from __future__ import annotations

from tests.reliability.harness import TALLY

LABELS = {
    "kills": "processes SIGKILLed, every file intact afterwards",
    "kills_in_write_window": "of them killed after they had begun writing",
    "temp_files_left_by_a_kill": "temporary files left by a kill, each removed by the next run",
    "crash_loop_rounds": "rounds of the randomized kill loop",
    "processes": "learn processes started",
    "concurrent_processes": "processes run at the same time on one folder",
    "fuzz_cases": "fuzz cases (hypothesis examples)",
    "stateful_steps": "commands run by the stateful test",
    "faults": "injected system-call failures",
    "injections": "injection attempts",
    "symlink_cases": "commands run against planted symbolic links",
    "hostile_inputs": "hostile inputs answered (special files, bounds, formats, dates)",
    "dry_runs": "writing commands run with --dry-run, no file touched",
    "hostile_urls": "hostile URLs put in a PDF (escapes, fragments, '..', links out)",
    "hostile_templates": "hostile templates rendered (includes out, explosive expressions)",
}


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not TALLY:
        return
    terminalreporter.section("reliability")
    for key, count in sorted(TALLY.items(), key=lambda kv: list(LABELS).index(kv[0]) if kv[0] in LABELS else 99):
        terminalreporter.write_line(f"{count:>8,}  {LABELS.get(key, key)}")
