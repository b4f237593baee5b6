"""The benchmarks of `learn`: every figure as a ratio against its baseline, in one run.

    python benchmarks/run.py            # the full table (generates 50, 500 and 5,000 cohorts once)
    python benchmarks/run.py --quick    # a smoke run: small folders, one timing each
    python benchmarks/run.py --only validate,status --repeat 7

Every command runs as a real process of the installed `learn` (the one next to this
Python), start-up included, as a person or a cron job sees it. Each figure is the median
of --repeat runs after one untimed warm-up, with the measured and the baseline command
taking turns so that a busy moment of the machine falls on both. The ratio is what
matters: absolute times move with the machine, ratios much less.

Generated folders are kept under benchmarks/work/ (ignored by git) and reused while the
generator's version and arguments stay the same; each figure works on a copy. The table
is printed and written as JSON to benchmarks/results/ (also ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TODAY = generate.DEFAULT_TODAY

BARE_LOAD = """\
import sys, yaml
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""


def _clean_env() -> dict[str, str]:
    """The environment of a measured process: no LEARN_ settings, and Python allowed to
    keep compiled bytecode. An installed learn runs from bytecode (pip compiles it at
    install); a shell with PYTHONDONTWRITEBYTECODE set (some containers and CI images
    set it) would time Python's compiler on every run instead, and more for a command
    that imports more."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LEARN_") and k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Figure:
    id: str
    title: str
    measured: str
    baseline: str
    goal: float | None
    goal_text: str
    measured_s: float | None = None
    baseline_s: float | None = None
    ratio: float | None = None
    met: bool | None = None
    skipped: str | None = None
    runs: dict[str, list[float]] = field(default_factory=dict)
    #: What measured and baseline are in: seconds, or MB for a figure of memory.
    unit: str = "s"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.learn = _find_learn()
        self.work: Path = args.work
        self.figures: list[Figure] = []
        self.folders: dict[int, tuple[Path, generate.Summary]] = {}
        self.commands = _commands(self.learn)

    # --- folders ---------------------------------------------------------------------

    def pristine(self, cohorts: int) -> tuple[Path, generate.Summary]:
        """The generated folder of `cohorts` cohorts, made once and kept."""
        if cohorts in self.folders:
            return self.folders[cohorts]
        m = self.args.participants
        name = f"{cohorts}x{m}-seed{self.args.seed}-{TODAY.isoformat()}-v{generate.VERSION}"
        root = self.work / "generated" / name
        stamp = root.with_suffix(".json")
        if not stamp.exists():
            if root.exists():
                shutil.rmtree(root)
            started = time.perf_counter()
            say(f"generating {cohorts} cohorts x {m} participants in {root} ...")
            summary = generate.generate(root, cohorts, m, self.args.seed, TODAY)
            stamp.write_text(json.dumps(asdict(summary)), encoding="utf-8")
            say(f"  done in {time.perf_counter() - started:.1f} s")
        summary = generate.Summary(**json.loads(stamp.read_text(encoding="utf-8")))
        self.folders[cohorts] = (root, summary)
        return root, summary

    def copy(self, cohorts: int, label: str) -> tuple[Path, generate.Summary]:
        """A fresh working copy of a generated folder, for commands that write."""
        root, summary = self.pristine(cohorts)
        target = self.work / "run" / f"{label}-{cohorts}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(root, target, ignore=shutil.ignore_patterns(".learn-cache", "out", ".learn.lock"))
        return target, summary

    # --- timing ----------------------------------------------------------------------

    def time(self, argv: list[str], ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
        elapsed, _ = self.run(argv, ok, env, cwd)
        return elapsed

    def run(self, argv: list[str], ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None,
            cwd: Path | None = None) -> tuple[float, float]:
        """Run one process: its wall time in seconds and its peak memory (RSS) in MB."""
        env = {**_clean_env(), **(env or {})}
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
        stderr = process.stderr.read() if process.stderr else b""
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        result = subprocess.CompletedProcess(argv, process.returncode, None, stderr)
        peak_mb = usage.ru_maxrss / 1024  # KB on Linux
        if result.returncode not in ok:
            raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stderr.decode(errors='replace')[-2000:]}")
        return elapsed, peak_mb

    def pair(self, figure: Figure, measured: Callable[[int], float], baseline: Callable[[int], float], repeat: int | None = None) -> None:
        """Time both sides `repeat` times, taking turns, after a warm-up of each."""
        repeat = repeat or self.args.repeat
        measured(-1)
        baseline(-1)
        a: list[float] = []
        b: list[float] = []
        for i in range(repeat):
            if i % 2:
                b.append(baseline(i))
                a.append(measured(i))
            else:
                a.append(measured(i))
                b.append(baseline(i))
        self.record(figure, a, b)

    def record(self, figure: Figure, a: list[float], b: list[float]) -> None:
        figure.runs = {"measured": [round(x, 4) for x in a], "baseline": [round(x, 4) for x in b]}
        figure.measured_s = statistics.median(a)
        figure.baseline_s = statistics.median(b)
        figure.ratio = figure.measured_s / figure.baseline_s
        figure.met = None if figure.goal is None else figure.ratio <= figure.goal
        self.figures.append(figure)
        say(f"  {figure.title}: {figure.measured_s:.3f} {figure.unit} / {figure.baseline_s:.3f} {figure.unit} = {figure.ratio:.2f}x"
            + ("" if figure.met is None else (" (goal met)" if figure.met else f" (goal {figure.goal_text} MISSED)")))

    def skip(self, figure: Figure, reason: str) -> None:
        figure.skipped = reason
        self.figures.append(figure)
        say(f"  {figure.title}: skipped ({reason})")

    def learn_cmd(self, data: Path, *args: str) -> list[str]:
        return [self.learn, "--data", str(data), "--today", TODAY.isoformat(), *args]

    # --- the figures -------------------------------------------------------------------

    def help(self) -> None:
        say("learn --help")
        figure = Figure("help", "learn --help", "learn --help", 'python -c "import typer"', 1.3, "<= 1.3x")
        measured = [self.learn, "--help"]
        baseline = [sys.executable, "-c", "import typer"]
        self.pair(figure, lambda i: self.time(measured), lambda i: self.time(baseline), repeat=max(self.args.repeat, 11))
        # A group's help builds its commands, and Typer builds a Pydantic TypeAdapter per
        # parameter (typer._adapters): what that costs, for the largest group.
        figure = Figure("help-group", "learn cohort --help", "learn cohort --help", 'python -c "import typer"', None,
                        "(Typer imports Pydantic here)")
        group = [self.learn, "cohort", "--help"]
        self.pair(figure, lambda i: self.time(group), lambda i: self.time(baseline), repeat=max(self.args.repeat, 11))
        # Every Tab runs learn: a cohort id is completed from the listing of cohorts/.
        figure = Figure("complete-cohort", "completion of a cohort id", "learn asked by bash for `learn cohort show `",
                        "learn --help", 1.5, "<= 1.5x")
        data, _ = self.pristine(self.args.sizes[0])
        asked = {"_LEARN_COMPLETE": "complete_bash", "COMP_WORDS": "learn cohort show ", "COMP_CWORD": "3"}
        self.pair(figure, lambda i: self.time([self.learn], env=asked, cwd=data), lambda i: self.time([self.learn, "--help"]),
                  repeat=max(self.args.repeat, 11))

    def validate(self) -> None:
        n = self.args.sizes[1]
        say(f"learn validate, {n} cohorts")
        data, _ = self.copy(n, "validate")
        files = self.work / "run" / f"files-{n}.txt"
        files.write_text("\n".join(str(p) for p in data_files(data)) + "\n", encoding="utf-8")
        figure = Figure(
            "validate", f"validate --no-cache, {n} cohorts", "learn validate --no-cache",
            f"yaml.load(CSafeLoader) of the same {len(files.read_text().splitlines())} files, one process", 1.5, "<= 1.5x",
        )
        measured = self.learn_cmd(data, "validate", "--no-cache")
        baseline = [sys.executable, "-c", BARE_LOAD, str(files)]
        self.pair(figure, lambda i: self.time(measured, ok=(0,)), lambda i: self.time(baseline))

        figure = Figure("validate-cached", f"validate again, nothing changed, {n} cohorts", "learn validate (answer cached)",
                        "learn validate (first run, no cache yet)", 0.3, "<= 0.3x")
        cache = data / ".learn-cache"
        command = self.learn_cmd(data, "validate")
        first: list[float] = []
        again: list[float] = []
        for _ in range(self.args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            first.append(self.time(command, ok=(0,)))
            again.append(self.time(command, ok=(0,)))
        self.record(figure, again, first)

    def single_cohort(self) -> None:
        small, large = self.args.sizes[0], self.args.sizes[2]
        say(f"single-cohort commands, {small} vs {large} cohorts")
        copies = {n: self.copy(n, "single") for n in (small, large)}
        # The larger folder needs more facilitators (and more years of closure days), so
        # its courses.yaml is longer; the smaller one gets the same file (its facilitators
        # and years are a subset), so that only the number of cohorts differs.
        shutil.copy2(copies[large][0] / "courses.yaml", copies[small][0] / "courses.yaml")
        # Both folders get the same cohort file under the same id, so that only the number
        # of other cohorts differs.
        few, few_summary = copies[small]
        text = (few / "cohorts" / f"{few_summary.running}.yaml").read_bytes()
        for data, _ in copies.values():
            (data / "cohorts" / "bench-single.yaml").write_bytes(text)
        out = self.work / "run" / "calendars"
        out.mkdir(parents=True, exist_ok=True)
        for label, args in (
            ("cohort show", lambda i: ["cohort", "show", "bench-single"]),
            ("calendar export", lambda i: ["calendar", "export", "bench-single", "-o", str(out / "bench-single.ics")]),
            ("participant add", lambda i: ["participant", "add", "bench-single", "--name", f"Bench Person {i + 2}",
                                           "--email", f"bench.person{i + 2}@example.org"]),
        ):
            figure = Figure(f"single-{label.replace(' ', '-')}", f"{label}, {large:,} vs {small:,} cohorts",
                            f"learn {label} at {large:,} cohorts", f"the same at {small:,} cohorts", 1.15, "<= 1.15x (no growth)")
            big = copies[large][0]
            self.pair(
                figure,
                lambda i, args=args: self.time(self.learn_cmd(big, *args(i))),
                lambda i, args=args: self.time(self.learn_cmd(few, *args(i))),
                repeat=max(self.args.repeat, 11),  # quick commands: more runs, so that a busy moment does not decide
            )
        # Planning a cohort checks its facilitators against every other cohort's sessions.
        # Each file's bookings are remembered (.learn-cache/bookings.json, filled by the
        # first plan or by validate), so later plans hash the files instead of reading them.
        plan = ["cohort", "add", "leading-with-learning", "--start", "2031-04-15", "--id", "bench-plan", "--dry-run"]
        # "Warm": the index as any earlier `status` or `cohort list` leaves it. A plan alone
        # indexes only the cohorts meeting on its days (it reads no other file from YAML),
        # so a folder where only plans ran stays cold: that is the next figure's case.
        for data, _ in copies.values():
            self.time(self.learn_cmd(data, "cohort", "list"))
            self.time(self.learn_cmd(data, *plan))
        figure = Figure("single-cohort-add", f"cohort add --dry-run, {large:,} vs {small:,} cohorts (index warm)",
                        f"learn cohort add at {large:,} cohorts", f"the same at {small:,} cohorts", 1.3, "<= 1.3x")
        self.pair(
            figure,
            lambda i: self.time(self.learn_cmd(copies[large][0], *plan)),
            lambda i: self.time(self.learn_cmd(few, *plan)),
            repeat=max(self.args.repeat, 11),
        )
        # The first plan after a clone: no .learn-cache/ at all.
        big = copies[large][0]
        figure = Figure("single-cohort-add-cold", f"cohort add --dry-run, {large:,} cohorts, no index yet vs warm",
                        "learn cohort add, .learn-cache/ removed first", "the same with the index warm", 3.0, "<= 3x")

        self.time(self.learn_cmd(big, "cohort", "list"))  # the index as any earlier command leaves it
        kept = self.work / "run" / "kept-cache"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(big / ".learn-cache", kept)

        def cold(i: int) -> float:
            shutil.rmtree(big / ".learn-cache", ignore_errors=True)
            return self.time(self.learn_cmd(big, *plan))

        def warm(i: int) -> float:
            shutil.rmtree(big / ".learn-cache", ignore_errors=True)
            shutil.copytree(kept, big / ".learn-cache")
            return self.time(self.learn_cmd(big, *plan))

        self.pair(figure, cold, warm)

    def invoice_run(self) -> None:
        n = self.args.sizes[1]
        say(f"invoice run, in the folder of {n} cohorts")
        history, _ = self.copy(n, "invoice")
        empty, _ = self.copy(n, "invoice-no-ledger")
        shutil.rmtree(empty / "invoices")
        (empty / "invoices").mkdir()
        times: dict[tuple[str, int], list[float]] = {}
        for data in (history, empty):
            for size in (25, 250):
                generate.extra_cohort(data, f"bench-{size}", size, TODAY, self.args.seed)
        for data, label in ((history, "history"), (empty, "empty")):
            # The state a run meets in daily use: the ledger as the last command left it,
            # and so its cache (each command that writes the ledger remembers what it wrote).
            self.time(self.learn_cmd(data, "invoice", "list"))
            saved = {p.relative_to(data): p.read_bytes() for d in ("invoices", ".learn-cache") for p in (data / d).glob("*") if p.is_file()}

            def run(size: int, data: Path = data, saved: dict[Path, bytes] = saved) -> float:
                for d in ("invoices", ".learn-cache"):
                    for path in (data / d).glob("*"):
                        if path.relative_to(data) not in saved:
                            path.unlink()
                for relative, content in saved.items():
                    (data / relative).write_bytes(content)
                shutil.rmtree(data / "out" / "invoices", ignore_errors=True)
                return self.time(self.learn_cmd(data, "invoice", "run", f"bench-{size}"))

            for size in (25, 250):
                run(size)  # warm-up
                times[(label, size)] = [run(size) for _ in range(self.args.repeat)]
        figure = Figure("invoice-run-history", f"invoice run of 25, ledger of {n} cohorts' years", "learn invoice run (25 people)",
                        "the same run with an empty ledger", 1.5, "<= 1.5x")
        self.record(figure, times[("history", 25)], times[("empty", 25)])
        figure = Figure("invoice-run-250", "invoice run of 250 vs of 25", "learn invoice run (250 people)",
                        "learn invoice run (25 people)", 10.0, "<= 10x (linear or better)")
        self.record(figure, times[("history", 250)], times[("history", 25)])

    def calendar_and_email(self) -> None:
        n = self.args.sizes[1]
        say(f"calendar export and email render, {n} cohorts")
        data, summary = self.copy(n, "export")
        show = self.learn_cmd(data, "cohort", "show", summary.running)
        figure = Figure("calendar-export", "calendar export", "learn calendar export", "learn cohort show (same cohort)", 2.0, "<= 2x")
        export = self.learn_cmd(data, "calendar", "export", summary.running)
        self.pair(figure, lambda i: self.time(export), lambda i: self.time(show), repeat=max(self.args.repeat, 11))
        invitations = self.work / "run" / "invitations"
        figure = Figure("calendar-invitations", "calendar export with an invitation each", "learn calendar export --per-participant",
                        "learn calendar export", None, "(cost of the invitations)")
        per_person = self.learn_cmd(data, "calendar", "export", summary.running, "--per-participant", str(invitations))
        self.pair(figure, lambda i: self.time(per_person), lambda i: self.time(export), repeat=max(self.args.repeat, 11))

        figure = Figure("email-render", "email render joining", "learn email render joining", "learn cohort show (same cohort)",
                        2.0, "<= 2x")
        if "email" not in self.commands:
            self.skip(figure, "no `learn email` in this build; re-run after it lands")
            return
        emails = self.work / "run" / "emails"
        render = self.learn_cmd(data, "email", "render", "joining", summary.running, "-o", str(emails))
        self.pair(figure, lambda i: self.time(render), lambda i: self.time(show))

    def index(self) -> None:
        """Commands that read every cohort, answered from the index of cohort files."""
        small, large = self.args.sizes[0], self.args.sizes[2]
        say(f"the cohort index, {small} vs {large} cohorts")
        copies = {n: self.copy(n, "index")[0] for n in (small, large)}
        for data in copies.values():
            self.time(self.learn_cmd(data, "status"))  # builds the index (the first run after a clone)
        for command, goal in ((["status"], 3.0), (["cohort", "list"], 1.5)):
            label = " ".join(command)
            figure = Figure(f"index-{label.replace(' ', '-')}", f"{label}, {large:,} vs {small:,} cohorts (index warm)",
                            f"learn {label} at {large:,} cohorts", f"the same at {small:,} cohorts", goal, f"<= {goal:g}x")
            self.pair(figure, lambda i, c=command: self.time(self.learn_cmd(copies[large], *c)),
                      lambda i, c=command: self.time(self.learn_cmd(copies[small], *c)))
        big = copies[large]
        status = self.learn_cmd(big, "status")
        edited = sorted((big / "cohorts").glob("*.yaml"))[len(list((big / "cohorts").glob("*.yaml"))) // 2]

        def after_edit(i: int) -> float:
            with edited.open("a", encoding="utf-8") as handle:
                handle.write(f"# edited by hand ({i})\n")
            return self.time(status)

        figure = Figure("index-status-edited", f"status after editing one cohort file, {large:,} cohorts",
                        "learn status after a hand edit", "learn status (index warm)", 1.2, "<= 1.2x")
        self.pair(figure, after_edit, lambda i: self.time(status))
        peaks = [self.run(status)[1] for _ in range(3)]
        figure = Figure("index-status-memory", f"status, {large:,} cohorts, peak memory (MB)", "peak RSS of learn status",
                        "200 MB", 1.0, "<= 1x (under 200 MB)", unit="MB")
        self.record(figure, peaks, [200.0] * len(peaks))

    def growth(self) -> None:
        sizes = self.args.sizes
        say(f"growth, {' -> '.join(f'{n:,}' for n in sizes)} cohorts")
        copies = {n: self.copy(n, "growth")[0] for n in sizes}
        for command in (["validate", "--no-cache"], ["status"]):
            name = command[0]
            medians: dict[int, list[float]] = {}
            for n in sizes:
                argv = self.learn_cmd(copies[n], *command)
                repeat = self.args.repeat if n < sizes[2] else max(1, min(self.args.repeat, 3))
                self.time(argv, ok=(0,))  # warm-up
                medians[n] = [self.time(argv, ok=(0,)) for _ in range(repeat)]
            for low, high in zip(sizes, sizes[1:]):
                scale = high / low
                figure = Figure(f"growth-{name}-{high}", f"{name}, {high:,} vs {low:,} cohorts ({scale:g}x the data)",
                                f"learn {' '.join(command)} at {high:,} cohorts", f"the same at {low:,} cohorts",
                                scale, f"<= {scale:g}x (linear)")
                self.record(figure, medians[high], medians[low])


# --- helpers ---------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _find_learn() -> str:
    beside = Path(sys.executable).parent / "learn"
    found = str(beside) if beside.exists() else shutil.which("learn")
    if not found:
        raise SystemExit("no `learn` next to this Python or on PATH: pip install -e . first")
    return found


def _commands(learn: str) -> set[str]:
    """The command groups this build of learn has (from `learn --help`)."""
    result = subprocess.run([learn, "--help"], capture_output=True, text=True, check=True)
    names = set()
    in_commands = False
    for line in result.stdout.splitlines():
        if line.strip() == "Commands:":
            in_commands = True
        elif in_commands and line.startswith("  ") and line.strip():
            names.add(line.split()[0])
    return names


def data_files(root: Path) -> list[Path]:
    """Every YAML file validate reads (the same walk as learn's cache)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in {"out", "templates"} and not d.startswith("."))
        found += [Path(folder) / f for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return found


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def table(figures: list[Figure]) -> str:
    rows = ["| figure | measured | baseline | ratio | goal | |", "| --- | --- | --- | --- | --- | --- |"]
    for f in figures:
        if f.skipped:
            rows.append(f"| {f.title} | skipped: {f.skipped} | | | {f.goal_text} | |")
            continue
        verdict = "" if f.met is None else ("ok" if f.met else "**missed**")
        rows.append(
            f"| {f.title} | {f.measured_s:.3f} {f.unit} | {f.baseline_s:.3f} {f.unit} ({f.baseline}) | {f.ratio:.2f}x | {f.goal_text} | {verdict} |"
        )
    return "\n".join(rows)


STEPS = ("help", "validate", "single_cohort", "invoice_run", "calendar_and_email", "index", "growth")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small folders (10, 50, 200 cohorts), one timing each")
    parser.add_argument("--repeat", type=int, help="timed runs per command (default 5; 1 with --quick)")
    parser.add_argument("--sizes", help="small,default,large numbers of cohorts (default 50,500,5000)")
    parser.add_argument("--participants", type=int, default=25, help="participants per cohort (default 25)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help=f"comma-separated steps: {', '.join(STEPS)}")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="where generated folders live (default benchmarks/work)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where the JSON goes (default benchmarks/results)")
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 5)
    args.sizes = [int(n) for n in (args.sizes or ("10,50,200" if args.quick else "50,500,5000")).split(",")]
    if len(args.sizes) != 3 or not args.sizes[0] < args.sizes[1] < args.sizes[2]:
        parser.error("--sizes takes three increasing numbers")
    steps = args.only.split(",") if args.only else list(STEPS)
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")

    bench = Bench(args)
    started = time.perf_counter()
    before = machine()
    try:
        for step in STEPS:
            if step in steps:
                getattr(bench, step)()
    finally:
        shutil.rmtree(args.work / "run", ignore_errors=True)
    report = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "today": TODAY.isoformat(),
        "quick": args.quick,
        "repeat": args.repeat,
        "sizes": args.sizes,
        "participants": args.participants,
        "seed": args.seed,
        "learn": bench.learn,
        "machine": before,
        "load_average_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "seconds": round(time.perf_counter() - started, 1),
        "figures": [asdict(f) for f in bench.figures],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = args.out / f"{stamp}{'-quick' if args.quick else ''}.json"
    target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    m = before
    print(f"learn benchmarks: median of {args.repeat} run(s); {m['cpus']} CPUs, {m['cpu']}, Python {m['python']}"
          + (" (--quick)" if args.quick else ""))
    if args.quick:
        print("A smoke run: at these sizes learn's start-up (about 0.3 s of imports) outweighs the data, so the")
        print("ratios against a bare yaml.load are not what the goals are about; run without --quick for those.")
    print()
    print(table(bench.figures))
    print()
    print(f"written to {target}")
    missed = [f.title for f in bench.figures if f.met is False]
    if missed:
        print(f"goals missed: {'; '.join(missed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
