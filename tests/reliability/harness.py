"""What the reliability tests share: real `learn` processes, snapshots of a folder, the
checks made after every kill, and the tally of what the suite did (printed at the end).

A "world" is a folder holding a data folder (`data/`), the files given to imports
(`inputs/`) and the places outside the data folder that `-o` writes to.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from learncli.store.atomic import LOCK_NAME, TEMP_PREFIX
from tests.conftest import BUNDLED, Learn, zoom_report

#: What the suite did, printed by the terminal summary (tests/reliability/conftest.py)
#: so the counts in the README come from a run, not from arithmetic.
TALLY: Counter[str] = Counter()

TODAY = "2026-11-23"
#: The world is a git work tree (for `learn git install`): git's own files are git's to
#: keep. It writes its config one key at a time, each atomically (config.lock, rename);
#: a kill between two leaves some set, and the rerun sets the rest (tests/cli/test_git_merge.py
#: checks the config itself, and that --dry-run sets nothing).
SKIP = {LOCK_NAME, ".learn-cache", ".git"}


def env_for_process() -> dict[str, str]:
    """A child's environment: the test's, without LEARN_DEBUG (users see messages)."""
    return {k: v for k, v in os.environ.items() if k != "LEARN_DEBUG"}


def spawn(*args: str) -> subprocess.Popen[bytes]:
    """`python -m learncli ARGS` as a real process; output discarded (it may be killed)."""
    TALLY["processes"] += 1
    return subprocess.Popen(
        [sys.executable, "-m", "learncli", *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env_for_process(),
    )


# --- snapshots -------------------------------------------------------------------


def snapshot(world: Path) -> dict[str, bytes]:
    """Every file under `world` (relative path -> bytes), leaving out the lock and cache.
    A symbolic link is recorded as where it points, not followed."""
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(world):
        dirs[:] = [d for d in dirs if d not in SKIP]
        for name in files + [d for d in dirs if (Path(folder) / d).is_symlink()]:
            if name in SKIP:
                continue
            path = Path(folder) / name
            relative = str(path.relative_to(world))
            found[relative] = b"-> " + os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return found


def is_temp(relative: str) -> bool:
    return Path(relative).name.startswith(TEMP_PREFIX)


def normal(relative: str, content: bytes | None) -> bytes | None:
    """Content with what legitimately differs between two runs taken out: the DTSTAMP
    (export time) of a calendar file, the Date of an email."""
    if content is None:
        return content
    if relative.endswith(".ics"):
        return b"\r\n".join(line for line in content.split(b"\r\n") if not line.startswith(b"DTSTAMP:"))
    if relative.endswith(".eml"):
        head, _, body = content.partition(b"\r\n\r\n")
        return b"\r\n".join(line for line in head.split(b"\r\n") if not line.startswith(b"Date:")) + b"\r\n\r\n" + body
    return content


def assert_old_or_new(old: dict[str, bytes], new: dict[str, bytes], now: dict[str, bytes]) -> list[str]:
    """Every file is exactly as it was or exactly as a complete run leaves it. Returns the
    temporary files found (allowed here: the next write must remove them)."""
    temps = [p for p in now if is_temp(p)]
    for relative, content in now.items():
        if relative in temps:
            continue
        allowed = {normal(relative, old.get(relative)), normal(relative, new.get(relative))}
        assert normal(relative, content) in allowed, f"{relative} is neither the old nor the new content"
    for relative in old:
        assert is_temp(relative) or relative in now, f"{relative} disappeared"
    return temps


def changed_paths(old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    return sorted(p for p in new if normal(p, new[p]) != normal(p, old.get(p)))


# --- after a kill ------------------------------------------------------------------


def validation_errors(data: Path, today: str = TODAY) -> list[str]:
    """`learn validate`'s errors for a data folder, through the same code."""
    from learncli.checks import validate_folder
    from learncli.store.folder import DataFolder

    report = validate_folder(DataFolder(data), date.fromisoformat(today))
    return [d.format() for d in report.diagnostics if d.is_error]


def assert_lock_free(data: Path) -> None:
    from filelock import FileLock

    lock = FileLock(data / LOCK_NAME, timeout=0.5)
    with lock:  # raises Timeout if a killed process had kept it
        pass


def invoice_numbers(data: Path) -> list[str]:
    """Every invoice and credit-note number in the ledger (each file must parse)."""
    from learncli.models.invoice import CreditNoteEntry, InvoiceEntry, LedgerFile
    from learncli.store.folder import DataFolder

    found: list[str] = []
    folder = DataFolder(data)
    for path in folder.ledger_paths():
        result = folder.read(path, LedgerFile)
        assert result.ok, [d.format() for d in result.diagnostics]
        for entry in result.model.entries or []:
            if isinstance(entry, InvoiceEntry):
                found.append(entry.invoice)
            elif isinstance(entry, CreditNoteEntry):
                found.append(entry.credit_note)
    return found


def assert_numbers_unique_and_contiguous(numbers: list[str]) -> None:
    assert len(numbers) == len(set(numbers)), sorted({n for n in numbers if numbers.count(n) > 1})
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, len(seqs) + 1)), seqs


# --- killing at a chosen moment -----------------------------------------------------


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _writing(dirs: Iterable[Path], targets: dict[Path, tuple[int, int, int] | None]) -> bool:
    """True once the process has begun writing: a temporary file exists, or a target changed."""
    for folder in dirs:
        try:
            with os.scandir(folder) as entries:
                if any(e.name.startswith(TEMP_PREFIX) for e in entries):
                    return True
        except OSError:
            pass
    return any(_stat(path) != before for path, before in targets.items())


@dataclass
class Kill:
    killed: bool  # the process died by SIGKILL (it had not finished)
    seen_writing: bool  # the kill came after the process had started writing
    at: float  # seconds after the start


def kill_at(args: list[str], delay: float) -> Kill:
    """Start `learn ARGS` and SIGKILL it `delay` seconds later (if it is still running)."""
    proc = spawn(*args)
    start = time.monotonic()
    while time.monotonic() - start < delay:
        if proc.poll() is not None:
            break
        time.sleep(0.0005)
    return _finish(proc, start, seen=False)


def kill_while_writing(args: list[str], targets: Iterable[Path], jitter: float, not_before: float = 0.0, *, replaced: bool = False) -> Kill:
    """Start `learn ARGS`, watch the files it will change, and SIGKILL it `jitter`
    seconds after it starts writing: once a temporary file appears (so, usually, before
    its rename), or with `replaced` once the first file is replaced (so, in a command
    that writes several, before the next one)."""
    paths = list(targets)
    before = {p: _stat(p) for p in paths}
    dirs = set() if replaced else {p.parent for p in paths}
    proc = spawn(*args)
    start = time.monotonic()
    if not_before:
        time.sleep(not_before)
    seen = False
    while proc.poll() is None:
        if _writing(dirs, before):
            seen = True
            until = time.monotonic() + jitter
            while time.monotonic() < until:
                pass
            break
    return _finish(proc, start, seen=seen)


def _finish(proc: subprocess.Popen[bytes], start: float, *, seen: bool) -> Kill:
    at = time.monotonic() - start
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    killed = proc.returncode == -signal.SIGKILL
    if not killed:
        assert proc.returncode in (0, 1), err.decode(errors="replace")
        assert b"Traceback" not in err, err.decode(errors="replace")
    return Kill(killed, seen and killed, at)


# --- the worlds the tests run in ---------------------------------------------------


#: Thursdays, the day after the autumn cohort's sessions, so the facilitators are free.
THURSDAYS = ("2026-09-24", "2026-10-08", "2026-10-22", "2026-11-05", "2026-11-19", "2026-12-03")
FRIDAYS = ("2026-09-25", "2026-10-09", "2026-10-23", "2026-11-06", "2026-11-20", "2026-12-04")


def cohort_text(cohort_id: str, count: int, dates: tuple[str, ...] = THURSDAYS) -> str:
    lines = [
        f"# A generated cohort of {count} people for the reliability tests.",
        "course: leading-with-learning",
        f"title: Test cohort {cohort_id}",
        "facilitators: [gabriel, roger]",
        "sessions:",
        *(f"  - date: {d}" for d in dates),
        "participants:",
    ]
    for i in range(1, count + 1):
        lines += [f"  - name: Person {i:03d}", f"    email: person{i:03d}@{cohort_id}.example.org"]
    return "\n".join(lines) + "\n"


def registrations_csv(count: int, start: int = 1) -> str:
    rows = ["Name,Email address,Organisation,Role,PO number"]
    rows += [f"Newcomer {i:03d},newcomer{i:03d}@example.org,Org {i},Manager,PO-{i:04d}" for i in range(start, start + count)]
    return "\n".join(rows) + "\n"


def zoom_session_5() -> str:
    """Zoom's report of session 5 of the autumn cohort (18 Nov 2026)."""
    joins = [
        ("Ann O'Neil", "ann.oneil@example.org", "09:28", "12:31"),
        ("Siân Evans", "sian.evans@example.org", "09:45", "12:30"),
        ("José Martínez-Ibáñez", "", "09:29", "11:00"),
        ("Zoe H", "", "09:30", "12:30"),
        ("Peggy's iPad", "", "09:31", "12:29"),
        ("Dónal Ó Briain", "donal.obriain@example.org", "09:30", "12:30"),
        ("Priya Raman", "priya.raman@example.org", "09:50", "12:30"),
        ("Fatima Al-Sayed", "fatima.alsayed@example.org", "09:30", "12:30"),
        ("Gabriel Eichsteller", "gabriel@example.org", "09:00", "12:40"),
        ("Gabe's phone", "", "09:05", "09:20"),
    ]
    return zoom_report(date(2026, 11, 18), joins, meeting=True)


COMMITMENTS_CSV = (
    "Email address,After session,Commitment,Factor\n"
    "peggy.lowe@example.org,4,Try one learning conversation in supervision,capability\n"
    "donal.obriain@example.org,4,Ask the team what helped them learn this month,motivation\n"
    "fatima.alsayed@example.org,Session 4,Pair two volunteers as learning buddies,opportunity\n"
)


def build_world(world: Path, big: int = 40) -> Path:
    """The bundled data with the autumn cohort invoiced (LWL-2026-0012 to 0020), a cohort
    of two on one purchase order invoiced together (`council`, LWL-2026-0021), a cohort
    of 40 not invoiced yet (`big`), and the input files; returns the data folder."""
    data = world / "data"
    shutil.copytree(BUNDLED, data, ignore=shutil.ignore_patterns("out", ".learn*"))
    (data / "cohorts" / "big.yaml").write_text(cohort_text("big", big), encoding="utf-8")
    learn = Learn(data)
    result = learn("--today", "2026-08-01", "invoice", "run", "2026-autumn")
    assert result.exit_code == 0, result.output
    result = learn("participant", "withdraw", "2026-autumn", "zoe.hartmann@example.org", "--date", "2026-08-10")
    assert result.exit_code == 0, result.output
    # Two people on one purchase order, invoiced together (one group invoice).
    council = cohort_text("council", 2, FRIDAYS).replace(".example.org\n", ".example.org\n    po: PO-4471\n    billing_email: ap@council.example.org\n")
    (data / "cohorts" / "council.yaml").write_text(council, encoding="utf-8")
    result = learn("--today", "2026-08-01", "invoice", "run", "council")
    assert result.exit_code == 0, result.output
    # Someone on the waiting list, as a facilitator might write them by hand.
    autumn = data / "cohorts" / "2026-autumn.yaml"
    text = autumn.read_text(encoding="utf-8")
    waiting = "  - name: Wren Waiting\n    email: wren.waiting@example.org\n    registered: 2026-08-20\n    status: waitlisted\n\n"
    autumn.write_text(text.replace("# Attendance per session", waiting + "# Attendance per session", 1), encoding="utf-8")
    inputs = world / "inputs"
    inputs.mkdir()
    (inputs / "registrations.csv").write_text(registrations_csv(30), encoding="utf-8")
    (inputs / "zoom-5.csv").write_text(zoom_session_5(), encoding="utf-8")
    (inputs / "commitments.csv").write_text(COMMITMENTS_CSV, encoding="utf-8")
    (world / "elsewhere").mkdir()
    # A git work tree, for `learn git install` (which refuses anywhere else).
    subprocess.run(["git", "init", "-q", str(world)], check=True, capture_output=True)
    return data


@dataclass(frozen=True)
class Command:
    """A command that writes, as the crash tests run it. `{w}` stands for the world."""

    name: str
    args: tuple[str, ...]
    #: Running it again after it completed changes nothing (so a rerun after any kill
    #: must end exactly where one complete run ends).
    idempotent: bool = True
    #: What to run after a kill, if not just the command again.
    then: tuple[tuple[str, ...], ...] = ()

    def argv(self, world: Path, today: str = TODAY) -> list[str]:
        return self._full(self.args, world, today)

    def next_argvs(self, world: Path, today: str = TODAY) -> list[list[str]]:
        return [self._full(args, world, today) for args in self.then or (self.args,)]

    def _full(self, args: tuple[str, ...], world: Path, today: str) -> list[str]:
        filled = [a.replace("{w}", str(world)) for a in args]
        if filled[0] == "init":
            return filled
        return ["--data", str(world / "data"), "--today", today, *filled]


WRITING_COMMANDS: tuple[Command, ...] = (
    Command("init", ("init", "{w}/fresh")),
    Command("cohort add", ("cohort", "add", "leading-with-learning", "--start", "2027-04-13", "--id", "2027-spring")),
    Command("cohort reschedule", ("cohort", "reschedule", "2026-autumn", "6", "2026-12-09")),
    Command("cohort cancel-session", ("cohort", "cancel-session", "2026-autumn", "6", "--note", "facilitator ill")),
    # An extra session (the world has no cancelled one to make up); run again, it is refused: D002.
    Command("cohort add-session", ("cohort", "add-session", "2026-autumn", "2026-12-16", "--theme", "Looking back")),
    Command("participant add", ("participant", "add", "2026-autumn", "--name", "Kai Crash", "--email", "kai.crash@example.org", "--po", "PO-9")),
    Command("participant import", ("participant", "import", "big", "{w}/inputs/registrations.csv")),
    Command("participant withdraw", ("participant", "withdraw", "2026-autumn", "priya.raman@example.org")),
    # Withdrawing from the group invoice writes a partial credit note and its page too.
    # A kill after the ledger and before the page: the next invoice run renders it.
    Command("participant withdraw (group invoice)", ("participant", "withdraw", "council", "person002@council.example.org"), then=(
        ("participant", "withdraw", "council", "person002@council.example.org"), ("invoice", "run", "council"))),
    # A transfer credits Ann's autumn invoice and registers her on the council cohort. Run
    # again it is refused (she has left autumn); a kill after the ledger was written but
    # before the credit note's page leaves the page to autumn's next invoice run.
    Command("participant transfer", ("participant", "transfer", "2026-autumn", "ann.oneil@example.org", "--to", "council"), then=(
        ("participant", "transfer", "2026-autumn", "ann.oneil@example.org", "--to", "council"), ("invoice", "run", "2026-autumn"))),
    Command("participant reinstate", ("participant", "reinstate", "2026-autumn", "tom.whitfield@example.org")),
    Command("participant promote", ("participant", "promote", "2026-autumn")),
    Command("participant edit", ("participant", "edit", "2026-autumn", "sian.evans@example.org", "--email", "sian.evans@vale.example.org", "--po", "VHA-1")),
    Command("calendar export", ("calendar", "export", "2026-autumn", "--per-participant", "{w}/elsewhere/invitations")),
    # Zoë has withdrawn: her cancellations, and their SEQUENCE kept in the calendar state.
    Command("calendar export --cancel", ("calendar", "export", "2026-autumn", "--per-participant", "{w}/elsewhere/invitations", "--cancel")),
    Command("invoice run", ("invoice", "run", "big")),
    # Zoë withdrew after she was invoiced, so her invoice is voided. A void killed after
    # the ledger was written refuses to run again; the cohort's next invoice run renders
    # the missing credit note (and issues Zoë nothing new).
    Command("invoice void", ("invoice", "void", "LWL-2026-0015", "--reason", "Withdrew before the start"), then=(
        ("invoice", "void", "LWL-2026-0015", "--reason", "Withdrew before the start"), ("invoice", "run", "2026-autumn"))),
    Command("invoice render", ("invoice", "render", "LWL-2026-0012", "--format", "txt")),
    Command("payment record", ("payment", "record", "LWL-2026-0012", "--amount", "100", "--date", "2026-11-20", "--method", "bank"), idempotent=False),
    # A part credit and a refund take from what is left: run twice, the second is more
    # than that and refused, so neither is idempotent. A credit killed after the ledger
    # and before its page is refused when run again (the page is missing, it says), and
    # the cohort's next invoice run renders the page.
    Command("invoice credit", ("invoice", "credit", "LWL-2026-0013", "--amount", "300", "--reason", "Early booking"), idempotent=False, then=(
        ("invoice", "credit", "LWL-2026-0013", "--amount", "300", "--reason", "Early booking"), ("invoice", "run", "2026-autumn"))),
    Command("payment refund", ("payment", "refund", "LWL-2026-0001", "--amount", "300", "--date", "2026-11-20", "--method", "cheque"), idempotent=False),
    Command("payment payout", ("payment", "payout", "HLS Collaborative", "--amount", "150", "--date", "2026-11-20", "--reference", "spring"), idempotent=False),
    Command("export xero -o", ("export", "xero", "--year", "2026", "-o", "{w}/elsewhere/xero.csv")),
    Command("export beancount -o", ("export", "beancount", "-o", "{w}/elsewhere/books.beancount")),
    Command("attend mark", ("attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "sian.evans@example.org", "--status", "excused", "--note", "conference")),
    Command("attend unmark", ("attend", "unmark", "2026-autumn", "1", "ann.oneil@example.org", "sian.evans@example.org")),
    # The alias of a facilitator goes to courses.yaml, the marks to the cohort: two files.
    Command("attend import", ("attend", "import", "2026-autumn", "5", "{w}/inputs/zoom-5.csv", "--replace", "--alias", "Gabe's phone=gabriel@example.org")),
    Command("attend report --csv", ("attend", "report", "2026-autumn", "--csv", "{w}/elsewhere/attendance.csv")),
    Command("commit add", ("commit", "add", "2026-autumn", "fatima.alsayed@example.org", "--session", "5", "Ask my team what they learned this month", "--factor", "capability")),
    Command("commit review", ("commit", "review", "2026-autumn", "ann.oneil@example.org", "--session", "5", "--status", "partly", "--note", "on the January agenda")),
    # Writes .gitattributes, .gitignore, {series} into the number format, and the clone's git config.
    Command("git install", ("git", "install", "--series", "g")),
    Command("commit import", ("commit", "import", "2026-autumn", "{w}/inputs/commitments.csv")),
    Command("session brief -o", ("session", "brief", "2026-autumn", "6", "--format", "html", "-o", "{w}/elsewhere/brief.html")),
    Command("email render", ("email", "render", "follow-up", "2026-autumn", "--session", "5", "--include-unpaid", "-o", "{w}/elsewhere/emails")),
    Command("completion certificates", ("completion", "certificates", "2026-spring", "-o", "{w}/elsewhere/certificates")),
    # Erasure: asked again after a kill, it finishes what is left of the person's copies.
    Command("participant forget", ("participant", "forget", "2026-spring", "hannah.price@example.org")),
    Command("participant purge", ("participant", "purge", "--before", "2026-07-01")),
)
