"""The data folder: where it is, what is in it, reading it, and writing it safely.

Commands read through `DataFolder` and write only through `DataFolder.transaction()`,
which takes the folder's lock, lets the command edit files (comments kept), re-validates
every edited file, and replaces each atomically. With `dry_run` it computes the same
changes and writes nothing.
"""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from learncli.diagnostics import Diagnostic
from learncli.errors import DataError, NotFound, Refused, UsageProblem, WriteFailed
from learncli.names import ID_PATTERN

if TYPE_CHECKING:
    from learncli.store.yamlread import Source

M = TypeVar("M")

# What opening the lock file in a folder we may read but not write fails with.
_READ_ONLY_ERRORS = {errno.EROFS, errno.EACCES, errno.EPERM}

COURSES_FILE = "courses.yaml"
COHORTS_DIR = "cohorts"
INVOICES_DIR = "invoices"
TEMPLATES_DIR = "templates"
OUT_DIR = "out"
CALENDAR_STATE_DIR = "calendar-state"
EMAIL_LOG_DIR = "email-log"


@dataclass
class FileResult(Generic[M]):
    """One file read and validated: the model (None if invalid), positions, problems."""

    path: Path
    model: M | None
    source: Source
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(d.is_error for d in self.diagnostics)


def check_id(value: str, what: str = "cohort id") -> str:
    """Ids become file names: refuse anything but a plain lower-case name."""
    if not ID_PATTERN.match(value or ""):
        raise UsageProblem(
            f"{value!r} is not a valid {what}: use lower-case letters, digits, '-' and '_' (for example 2026-autumn)"
        )
    return value


def read_data_text(path: Path, encoding: str = "utf-8-sig") -> str:
    """The text of a file learn keeps, read through the bounded reader: FileNotFoundError
    when it does not exist, a DataError at the file's start when it is too large, not a
    regular file or not text (never a hang on a FIFO or a read of /dev/zero)."""
    from learncli.bounded import NotRegularFile, TooLarge, read_bounded
    from learncli.store.yamlread import MAX_FILE_BYTES

    try:
        return read_bounded(path, MAX_FILE_BYTES).decode(encoding)
    except FileNotFoundError:
        raise
    except (TooLarge, NotRegularFile, UnicodeDecodeError, OSError) as exc:
        if isinstance(exc, TooLarge):
            code, reason = "Y004", exc.detail
        elif isinstance(exc, NotRegularFile):
            code, reason = "Y006", f"this is {exc.kind}, not a file learn can read"
        elif isinstance(exc, UnicodeDecodeError):
            code, reason = "Y005", "the file is not UTF-8 text; save it as UTF-8"
        else:
            code, reason = "Y006", f"cannot read the file: {exc.strerror or exc}"
        raise DataError(f"cannot read {path}", diagnostics=[Diagnostic.make(code, reason, path)]) from None


class DataFolder:
    """A folder of YAML files: `courses.yaml`, `cohorts/*.yaml`, and what later issues add."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._held = False
        #: Which rule of `store.discovery` found the folder (None when built directly).
        self.found_by: str | None = None
        self._series: str | None = None
        #: The last `config()` and the status of courses.yaml it was read from.
        self._config: tuple[list[int] | None, Any] | None = None

    @classmethod
    def locate(cls, option: Path | None) -> DataFolder:
        """The data folder by the rules of `store.discovery`: --data, $LEARN_DATA, then
        upward from the current folder. `found_by` says which rule found it."""
        from learncli.store.discovery import find_data_folder

        found = find_data_folder(option)
        if not found.exists:
            raise NotFound(
                f"no data folder at {found.root} (from {found.rule})"
                if found.rule.startswith(("--data", "$"))
                else f"no data folder found ({found.rule})",
                hint="run `learn init` to create one, cd into yours, or point --data or LEARN_DATA at it",
            )
        folder = cls(found.root)
        folder.found_by = found.rule
        return folder

    # --- where things are -------------------------------------------------------

    @property
    def courses_path(self) -> Path:
        return self.root / COURSES_FILE

    @property
    def cohorts_dir(self) -> Path:
        return self.root / COHORTS_DIR

    @property
    def invoices_dir(self) -> Path:
        """The invoice ledger: one file per calendar year, `invoices/2026.yaml`."""
        return self.root / INVOICES_DIR

    def ledger_paths(self) -> list[Path]:
        """Every file of the ledger, sorted by name (so by year)."""
        if not self.invoices_dir.is_dir():
            return []
        from learncli.store.conflict_copies import copy_of

        return sorted(p for p in self.invoices_dir.glob("*.yaml") if not p.name.startswith(".") and copy_of(p) is None)

    @property
    def templates_dir(self) -> Path:
        return self.root / TEMPLATES_DIR

    @property
    def out_dir(self) -> Path:
        return self.root / OUT_DIR

    def cohort_path(self, cohort_id: str) -> Path:
        return self.cohorts_dir / f"{check_id(cohort_id)}.yaml"

    def inside(self, path: Path) -> Path:
        """`path` if learn may write it: inside the data folder, and not a symbolic link
        (a link is read through but never written through)."""
        if path.is_symlink():
            raise Refused(
                f"{path} is a symbolic link; learn reads through links but never writes through them",
                hint="replace the link with the file itself, or point --data at the real folder",
            )
        if not path.parent.resolve().is_relative_to(self.root.resolve()):
            raise Refused(f"{path} is outside the data folder {self.root}; learn writes only inside it")
        return path

    def refuse_data_file(self, path: Path) -> None:
        """Generated files never replace the files people keep: a slip of `-o` (or of a
        folder for many files) onto courses.yaml, a cohort, the ledger, a template or
        the state learn keeps (calendar state, email log) is refused. Outside the data
        folder, and under out/, anything goes."""
        try:
            resolved = path.resolve()
        except (ValueError, OSError) as exc:  # a NUL in the name, a loop of links
            raise UsageProblem(f"{str(path)!r} cannot be a file name: {exc}") from None
        root = self.root.resolve()
        if not resolved.is_relative_to(root):
            return
        if any(part.startswith(".learn") for part in resolved.relative_to(root).parts):
            raise Refused(f"{path} is learn's own lock or cache; learn writes generated files elsewhere",
                          hint="leave -o out to write into out/, or name a file of your own")
        if resolved.is_relative_to(root / OUT_DIR):
            return
        kept = (COHORTS_DIR, INVOICES_DIR, TEMPLATES_DIR, CALENDAR_STATE_DIR, EMAIL_LOG_DIR)
        if any(resolved.is_relative_to(root / name) for name in kept) or resolved.suffix in {".yaml", ".yml"}:
            raise Refused(
                f"{path} is among the data files of {self.root}; learn writes generated files elsewhere",
                hint=f"leave -o out to write into out/, or name a file outside {', '.join(k + '/' for k in kept)}",
            )

    def data_folders(self) -> list[Path]:
        """Every folder learn writes into: the root, its data folders and out/'s tree."""
        folders = [self.root, self.cohorts_dir, self.invoices_dir, self.root / CALENDAR_STATE_DIR, self.root / EMAIL_LOG_DIR]
        for folder, dirs, _ in os.walk(self.out_dir):
            dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
            folders.append(Path(folder))
        return folders

    def cohort_ids(self) -> list[str]:
        """Ids of every cohort file, sorted; files with names that are not ids are skipped."""
        from learncli.store.discovery import cohort_ids

        return cohort_ids(self.root)

    def misnamed_cohort_files(self) -> list[Path]:
        if not self.cohorts_dir.is_dir():
            return []
        from learncli.store.conflict_copies import copy_of

        return sorted(p for p in self.cohorts_dir.glob("*.yaml") if not ID_PATTERN.match(p.stem) and copy_of(p) is None)

    # --- reading ----------------------------------------------------------------

    def read(self, path: Path, model: type[Any], text: str | None = None) -> FileResult[Any]:
        from learncli.store.parse import parse_model
        from learncli.store.yamlread import read_yaml

        loaded = read_yaml(path, text)
        result, diagnostics = parse_model(loaded, model)
        return FileResult(path, result, loaded.source, diagnostics)

    def read_config(self) -> FileResult[Any]:
        from learncli.models.course import Config

        result = self.read(self.courses_path, Config)
        if result.model is not None:
            result.model.invoicing._format_at = (str(result.path), *result.source.mark(("invoicing", "number_format")))
            for loc, message in result.model.money_problems():
                line, col = result.source.mark(loc)
                result.diagnostics.append(Diagnostic.make("F003", message, result.path, line, col))
        return result

    def read_cohort(self, cohort_id: str) -> FileResult[Any]:
        from learncli.models.cohort import Cohort

        result = self.read(self.cohort_path(cohort_id), Cohort)
        if result.model is not None:
            result.model._id = cohort_id
        return result

    def course_for(self, config: Any, cohort: Any) -> Any:
        """The course a cohort names, or a `DataError` at its `course:` line (R001), the
        message validate gives, for every command that needs the course."""
        course = config.course(cohort.course)
        if course is not None:
            return course
        path = self.cohort_path(cohort.id)
        line, col = self.read_cohort(cohort.id).source.mark(("course",))
        known = ", ".join(c.id for c in config.courses) or "none"
        problem = Diagnostic.make("R001", f"course {cohort.course!r} is not in courses.yaml (courses: {known})", path, line, col)
        raise DataError(f"cohort {cohort.id} names course {cohort.course!r}, which is not in courses.yaml", diagnostics=[problem])

    def config(self) -> Any:
        """The validated `courses.yaml`, or `DataError` with every problem in it;
        `NotFound` when there is none (then this is no data folder, or not yet one)."""
        if not self.courses_path.exists() and not self.courses_path.is_symlink():
            raise NotFound(
                f"no {COURSES_FILE} in {self.root}: it is not a data folder",
                hint=f"`learn init {self.root}` makes it one; or point --data or LEARN_DATA at the folder that holds your {COURSES_FILE}",
            )
        from learncli.store import stamps

        # Asked for more than once in a command (say, by a use case and a renderer): read
        # again only if the file is not the one read (any write of it changes its status).
        status = stamps.stamp(self.courses_path)
        if self._config is not None and status is not None and self._config[0] == status:
            return self._config[1]
        result = self.read_config()
        config = _require(result, "courses.yaml")
        config.invoicing._series = self.series()
        self._config = (status, config)
        return config

    def series(self) -> str:
        """This clone's invoice series, from the git repository's config ('' if none)."""
        if self._series is None:
            from learncli.store.gitrepo import series

            self._series = series(self.root)
        return self._series

    def cohort(self, cohort_id: str) -> Any:
        """One validated cohort, or `NotFound` / `DataError`. Reads only that file."""
        path = self.cohort_path(cohort_id)
        if not path.exists():
            known = self.cohort_ids()
            close = difflib.get_close_matches(cohort_id, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else (f"cohorts: {', '.join(known)}" if known else "no cohorts yet")
            raise NotFound(f"no cohort {cohort_id!r} (looked for {path})", hint=hint)
        return _require(self.read_cohort(cohort_id), path.name)

    def all_cohorts(self) -> list[FileResult[Any]]:
        return list(self.each_cohort())

    def each_cohort(self) -> Iterator[FileResult[Any]]:
        """Every cohort file read, one at a time: a command that needs one at a time
        holds one at a time in memory, however many the folder has."""
        from learncli.store.bulk import reading_many

        with reading_many():
            for cohort_id in self.cohort_ids():
                yield self.read_cohort(cohort_id)

    # --- writing ----------------------------------------------------------------

    @contextmanager
    def transaction(self, dry_run: bool = False) -> Iterator[Transaction]:
        """Lock the folder, collect edits, validate them, then write each file atomically.

        Inside `locked()` the lock is already held, and each transaction commits on its own."""
        from contextlib import ExitStack

        from learncli.store.atomic import folder_lock

        tx = Transaction(self, dry_run)
        if dry_run or self._held:
            yield tx
            tx.commit()
            return
        with ExitStack() as stack:
            try:
                stack.enter_context(folder_lock(self.root))
            except WriteFailed as failure:
                # A read-only folder (a shared drive, a mounted backup) cannot take the
                # lock, yet a report or calendar written elsewhere needs none: the
                # transaction goes on without it and commit refuses any write inside.
                cause = failure.__cause__
                if not isinstance(cause, OSError) or cause.errno not in _READ_ONLY_ERRORS:
                    raise
                tx.unlocked = failure
            yield tx
            tx.commit()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock across several transactions.

        For a command whose work outlasts one write and must not run twice at once:
        `learn email send` records each message in its log before and after sending it,
        and no second run may start sending until the first has finished.
        """
        from learncli.store.atomic import folder_lock

        if self._held:
            yield
            return
        with folder_lock(self.root):
            self._held = True
            try:
                yield
            finally:
                self._held = False


def _require(result: FileResult[M], name: str) -> M:
    errors = [d for d in result.diagnostics if d.is_error]
    if result.model is None or errors:
        raise DataError(f"{name} has {len(errors) or 'some'} error(s); fix them first", diagnostics=result.diagnostics)
    return result.model


def _joined(start: str, more: str) -> str:
    if start and not start.endswith("\n"):
        start += "\n"
    return start + more


@dataclass
class Change:
    """One file a command writes or removes (or, with --dry-run, would)."""

    path: Path
    before: str | None
    #: The new content; None when the command removes the file (generated output only).
    after: str | bytes | None
    data: bool = True  # a data file (shown as a diff) rather than generated output
    existed: bool | None = None  # for generated output, whose old content is not read

    @property
    def created(self) -> bool:
        return not self.existed if self.existed is not None else self.before is None

    @property
    def removed(self) -> bool:
        return self.after is None

    def diff(self, root: Path) -> str:
        if self.after is None or isinstance(self.after, bytes):
            return ""
        name = str(self.path.relative_to(root)) if self.path.is_relative_to(root) else str(self.path)
        lines = difflib.unified_diff(
            (self.before or "").splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile="/dev/null" if self.before is None else f"a/{name}",
            tofile=f"b/{name}",
        )
        return "".join(lines)


@dataclass
class _Edit:
    path: Path
    before: str | None
    doc: Any  # a RoundTrip being edited, or None for a new file given as text
    model: type[Any] | None
    text: str = ""

    def after(self) -> str:
        return self.doc.dump() if self.doc is not None else self.text


@dataclass
class Transaction:
    """The edits of one command. Nothing touches the disk before `commit()`."""

    folder: DataFolder
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    #: Each edited data file as `commit()` validated it (its text as written).
    checked: dict[Path, FileResult[Any]] = field(default_factory=dict)
    _edits: dict[Path, _Edit] = field(default_factory=dict)
    _outputs: dict[Path, Change] = field(default_factory=dict)
    _after: list[Any] = field(default_factory=list)
    #: Why the folder's lock could not be taken (it is read-only), or None when it is held.
    unlocked: WriteFailed | None = None

    def edit(self, path: Path, model: type[Any] | None = None) -> Any:
        """The round-trip document of an existing YAML file, for editing in place."""
        from learncli.store.roundtrip import RoundTrip

        if path in self._edits:
            return self._edits[path].doc.data
        self.folder.inside(path)
        try:
            before = read_data_text(path)
        except FileNotFoundError:
            raise NotFound(f"{path} does not exist") from None
        doc = RoundTrip(before)
        self._edits[path] = _Edit(path, before, doc, model)
        return doc.data

    def create(self, path: Path, text: str, model: type[Any] | None = None) -> None:
        """Write a new data file exactly as given; refuses to replace one that exists."""
        self.folder.inside(path)
        if path.exists() or path.is_symlink():
            raise Refused(f"{path} already exists; learn does not overwrite it")
        self._edits[path] = _Edit(path, None, None, model, text)

    def current(self, path: Path) -> str | None:
        """The text of a data file as this transaction has it so far (None: no such file)."""
        if path in self._edits:
            return self._edits[path].after()
        try:
            return read_data_text(path)
        except FileNotFoundError:
            return None

    def replace(self, path: Path, text: str, model: type[Any] | None = None) -> None:
        """Give a data file its whole new text (validated on commit, shown as a diff)."""
        edit = self._edits.get(path)
        if edit is not None:
            if edit.doc is not None:
                raise RuntimeError(f"{path} is already being edited in place")
            edit.text = text
            if model is not None:
                edit.model = model
            return
        self.folder.inside(path)
        self._edits[path] = _Edit(path, self.current(path), None, model, text)

    def append(self, path: Path, text: str, model: type[Any] | None = None, *, header: str = "") -> None:
        """Add `text` at the end of a data file, which starts as `header` if it does not exist.

        Nothing already in the file is rewritten, so appending costs the same for a file of
        ten lines or ten thousand; the whole new text is still validated on commit.
        """
        current = self.current(path)
        self.replace(path, _joined(header if current is None else current, text), model)

    def text(self, path: Path) -> str:
        """The text an edited file would have if the transaction were committed now."""
        return self._edits[path].after()

    def output(self, path: Path, content: str | bytes, *, data: bool = False) -> None:
        """Write a whole file: generated output (invoices, .ics) or machine-kept state."""
        if not data:
            self.folder.refuse_data_file(path)
        exists = path.exists()
        before = read_data_text(path, "utf-8") if data and exists else None
        self._outputs[path] = Change(path, before, content, data=data, existed=exists)

    def remove(self, path: Path) -> None:
        """Remove a generated file that is no longer right (an invitation replaced by its
        cancellation, say), after every file of the transaction is written; nothing to do
        if it does not exist. Data files are never removed."""
        self.folder.refuse_data_file(path)
        if path.exists() or path.is_symlink():
            self._outputs[path] = Change(path, None, None, data=False, existed=True)
        else:
            self._outputs.pop(path, None)

    def pending(self, path: Path) -> str | bytes | None:
        """What `output()` has queued for `path` in this transaction, if anything."""
        change = self._outputs.get(path)
        return change.after if change is not None else None

    def after_commit(self, callback: Any) -> None:
        """Call `callback()` once every file is written (never on --dry-run or a failure)."""
        self._after.append(callback)

    def commit(self) -> None:
        from learncli.store.atomic import atomic_write, clean_folders, refuse_link, remove_file

        pending: list[Change] = []
        problems: list[Diagnostic] = []
        for edit in self._edits.values():
            text = edit.after()
            if edit.before is not None and text == edit.before:
                continue
            if edit.model is not None:
                check = self.folder.read(edit.path, edit.model, text)
                problems.extend(d for d in check.diagnostics if d.is_error)
                self.checked[edit.path] = check
            pending.append(Change(edit.path, edit.before, text))
        if problems:
            raise DataError("this change would leave a file invalid; nothing was written", diagnostics=problems)
        pending.extend(self._outputs.values())
        self.changes = pending
        if self.dry_run:
            return
        if self.unlocked is not None:
            root = self.folder.root.resolve()
            if any(c.path.resolve().is_relative_to(root) for c in pending):
                raise self.unlocked
        for change in pending:  # all refused before any is written, not half way through
            refuse_link(change.path)
        # Removals come last: a run stopped half way leaves an old file next to the new
        # ones, never a file gone and its replacement missing; the next run removes it.
        pending.sort(key=lambda c: c.removed)
        # A process killed while writing may have left a temporary file in any folder of
        # the data (say, a calendar export killed in its state file's write, whose next
        # run has nothing to change there): every write sweeps them all, under the lock,
        # generated output under out/ included.
        swept = self.folder.data_folders() if self.unlocked is None else []
        clean_folders([*swept, *(c.path.parent for c in pending)])
        self.folder._config = None  # courses.yaml may be among them: read it again
        for done, change in enumerate(pending):
            try:
                if change.after is None:
                    remove_file(change.path)
                else:
                    atomic_write(change.path, change.after)
            except WriteFailed as failure:
                if not done:
                    raise
                # Each file is whole, old or new; say which ones this command did write.
                from learncli.diagnostics import display_path

                written = ", ".join(display_path(str(c.path)) for c in pending[:done])
                raise WriteFailed(
                    f"{failure}; already written before it: {written}",
                    hint="free some space (or fix the cause) and run the command again: it finishes what is missing",
                ) from failure
        for callback in self._after:
            callback()
