"""Top-level commands: `learn init`, `learn validate`, `learn status`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from learncli.cli._common import DryRunOpt, JsonOpt, state


def init_command(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(help="Folder to create (default: --data, $LEARN_DATA or ./data).", show_default=False),
    ] = None,
    bare: Annotated[bool, typer.Option("--bare", help="An empty skeleton instead of the example course.")] = False,
    no_examples: Annotated[
        bool,
        typer.Option("--no-examples", help="The example course and settings only: no fictional cohorts, participants or invoices."),
    ] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Create a data folder: the example course, its settings alone, or an empty skeleton.

    The example is the bundled "Leading with Learning" course and its two 2026 cohorts.
    With --no-examples you get its courses.yaml only, so your first invoice is number 1.
    Either way, replace the fictional organisation and bank details: validate warns until
    you have.

    Example: learn init ~/courses --no-examples && learn --data ~/courses validate
    """
    from learncli.cli._output import print_changes
    from learncli.errors import Refused
    from learncli.skeleton import init_files
    from learncli.store.folder import DataFolder

    app = state(ctx)
    if bare and no_examples:
        raise typer.BadParameter("--bare and --no-examples are two different starts: choose one", param_hint="--no-examples")
    target = directory or app.data or Path(os.environ.get("LEARN_DATA") or "data")
    if (target / "courses.yaml").exists():
        raise Refused(f"{target} already holds a data folder (courses.yaml exists); learn init never overwrites one")
    if target.exists() and not target.is_dir():
        raise Refused(f"{target} exists and is not a folder")
    folder = DataFolder(target)
    files = init_files(bare, examples=not no_examples)
    # Whatever init refuses, it refuses before creating the folder or its lock file (a
    # dry run takes no lock), so a refused folder is left exactly as it was.
    with folder.transaction(dry_run=True) as tx:
        _init_writes(tx, target, files)
    if not dry_run:
        target.mkdir(parents=True, exist_ok=True)
        with folder.transaction() as tx:
            _init_writes(tx, target, files)
    print_changes(tx.changes, target, dry_run=dry_run)
    if not dry_run:
        from learncli.cli._output import note

        note(f"next: learn --data {target} validate" if target != Path("data") else "next: learn validate")


def _init_writes(tx: Any, target: Path, files: list[tuple[str, str, Any]]) -> None:
    from learncli.skeleton import gitignore_additions

    for relative, text, model in files:
        path = target / relative
        if relative == ".gitignore":
            more = gitignore_additions(tx.current(path), text)
            if more:
                tx.append(path, more)  # a .gitignore already there keeps every line it has
        elif path.is_file() and not path.is_symlink() and path.read_bytes() == text.encode("utf-8"):
            continue  # written by an init that was interrupted before courses.yaml
        else:
            tx.create(path, text, model)


def validate_command(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-read everything even if nothing changed.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """Check every file; report each problem as file:line:col.

    A re-run over an unchanged folder is answered from .learn-cache/ (keyed by the
    content of every file, so any edit is seen); --no-cache re-reads everything.
    Exit code 1 when there is an error (or, with --strict, a warning).
    Example: learn validate --strict
    """
    from learncli.checks import validate_cached, validate_folder
    from learncli.cli._output import print_json, say
    from learncli.diagnostics import count

    app = state(ctx)
    if no_cache or os.environ.get("LEARN_NO_CACHE"):
        report = validate_folder(app.folder, app.today)
    else:
        report = validate_cached(app.folder, app.today)
    counts = count(report.diagnostics)
    failed = counts["error"] > 0 or (strict and counts["warning"] > 0)
    if json_output:
        print_json(
            {
                "ok": not failed,
                "files": report.files,
                "counts": counts,
                "diagnostics": [d.to_json() for d in report.diagnostics],
            }
        )
    else:
        for diag in report.diagnostics:
            say(diag.format())
        summary = (
            f"{report.files} file(s) checked: {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['info']} note(s)"
        )
        say(("FAILED: " if failed else "ok: ") + summary)
    if failed:
        raise typer.Exit(1)


def status_command(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Every cohort, in full: finished ones too, and no --limit.")] = False,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=0, help="Show at most N cohorts in full, those meeting soonest first; 0 for no limit. The rest are counted. --json lists every current cohort.")] = 10,
    json_output: JsonOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read every cohort file from YAML, not from the index.")] = False,
) -> None:
    """One screen: current cohorts, next sessions, how each is going.

    Which cohorts are current comes from the index of cohort files in .learn-cache/ (a
    file is read again when its bytes change); only the cohorts shown are read in full.

    Example: learn --today 2026-11-23 status
    """
    from learncli.actions.status import overview
    from learncli.cli._output import console, note, print_json
    from learncli.render.status import render_status
    from learncli.store import cohort_index

    app = state(ctx)
    seen = overview(app.folder, app.today, show_all=show_all, limit=0 if json_output else limit, no_cache=no_cache)
    for result in seen.unlisted:
        note(cohort_index.unlisted(result, "shown"))
    if json_output:
        print_json(
            {
                "today": app.today,
                "data": str(app.folder.root),
                "cohorts": seen.shown,
                "hidden_finished": seen.hidden,
                "files_with_errors": [str(p) for p in seen.broken],
            }
        )
    else:
        render_status(console(), seen.shown, app.today, hidden=seen.hidden, more=seen.more)
    for path in seen.broken:
        if path not in {r.path for r in seen.unlisted}:
            note(f"{path} has errors and is not shown; run `learn validate`")

