"""`learn git install` and `learn merge`: two facilitators, two clones, merges by meaning."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from learncli.cli._common import DryRunOpt, group, state

app = group("Git: set a clone up so that learn merges its files by meaning.")

#: learn's YAML files, relative to the data folder: these git merges with `learn merge`.
GITATTRIBUTES = """\
# learn merges its own files by meaning (participants by email, attendance by session
# and person, invoices by number) instead of by line: see `learn git install`.
courses.yaml merge=learn
cohorts/*.yaml merge=learn
invoices/*.yaml merge=learn
calendar-state/*.yaml merge=learn
email-log/*.yaml merge=learn
"""


@app.command("install")
def git_install(
    ctx: typer.Context,
    series: Annotated[
        str | None,
        typer.Option("--series", metavar="NAME", help="This clone's invoice series (letters), kept in the repository's config.", show_default=False),
    ] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Set this clone up for shared work: the `learn` merge driver and an invoice series.

    Run in a data folder inside a git work tree. Writes the folder's .gitattributes (learn's
    YAML files merge with `learn merge`) and .gitignore (out/, .learn-cache/, the lock), and
    registers the driver in the repository's config, which git keeps per clone: each clone
    runs this once. --series gives this clone's invoice numbers a series of their own
    (LWL-2026-g0001), so two clones issuing invoices on the same day never collide; the
    number format in courses.yaml gains the series field before the sequence if it has
    none. Running it again changes nothing.

    Example: learn git install --series g
    """
    import shlex
    import sys

    from learncli.cli._output import note, print_changes, say
    from learncli.errors import Refused, UsageProblem
    from learncli.skeleton import GITIGNORE, gitignore_additions
    from learncli.store import gitrepo

    folder = state(ctx).folder
    if series is not None and gitrepo.series_problem(series):
        raise UsageProblem(f"--series: {gitrepo.series_problem(series)}")
    top = gitrepo.work_tree(folder.root)
    if top is None:
        raise Refused(f"{folder.root} is not inside a git work tree", hint="`git init` (or clone the shared repository), then run this again")
    config = folder.config()
    settings = {
        "merge.learn.name": "learn: merge participants, attendance, commitments and invoices by meaning",
        "merge.learn.driver": f"{shlex.quote(sys.executable)} -m learncli merge %O %A %B %P",
    }
    if series is not None:
        settings[gitrepo.SERIES_KEY] = series
    with folder.transaction(dry_run=dry_run) as tx:
        for name, wanted, by in ((".gitattributes", GITATTRIBUTES, "learn git install"), (".gitignore", GITIGNORE, "learn git install")):
            more = gitignore_additions(tx.current(folder.root / name), wanted, by=by)
            if more:
                tx.append(folder.root / name, more)
        fmt = config.invoicing.number_format
        if series is not None and "{series" not in fmt:
            _add_series_field(tx, folder, fmt)
        changed = {k: v for k, v in settings.items() if gitrepo.config_get(folder.root, k) != v}
        if not dry_run:
            for key, value in changed.items():
                gitrepo.config_set(folder.root, key, value)
    print_changes(tx.changes, folder.root, dry_run=dry_run)
    for key, value in changed.items():
        say(f"{'would set' if dry_run else 'set'} git config {key} {value}")
    if not tx.changes and not changed:
        note("already set up: nothing to change")


def _add_series_field(tx: Any, folder: Any, fmt: str) -> None:
    """Put {series} before {seq} in courses.yaml's number format (comments kept)."""
    from learncli.models.course import Config
    from learncli.store.roundtrip import replace_text

    invoicing = tx.edit(folder.courses_path, Config).get("invoicing")
    if invoicing is not None and "number_format" in invoicing:
        at = fmt.index("{seq")
        replace_text(invoicing, "number_format", fmt[:at] + "{series}" + fmt[at:])


def merge_command(
    base: Annotated[Path, typer.Argument(help="The common ancestor (git's %O).", show_default=False)],
    ours: Annotated[Path, typer.Argument(help="Our version, where the result is written (git's %A).", show_default=False)],
    theirs: Annotated[Path, typer.Argument(help="Their version (git's %B), or a sync service's conflict copy.", show_default=False)],
    path: Annotated[str | None, typer.Argument(help="The file's path in the repository (git's %P), to check the result against.", show_default=False)] = None,
) -> None:
    """Merge THEIRS into OURS by meaning: the merge driver git runs for learn's files.

    Participants are matched by email, attendance by session and person, commitments by
    person and session, sessions by number, calendar state and the send log by key,
    ledger entries by number (both sides' new entries kept, in date order). Changes to
    different things merge, keeping OURS' comments and layout, and exit 0. One thing
    changed two ways is a conflict: each is named (person, session, field, both values),
    OURS keeps its value there with a comment giving theirs, and the exit code is 1, so
    git stops and lists the file.
    A result that would not validate is not written. Also for a sync service's conflict
    copy: OURS is the file, THEIRS the copy, BASE the version both started from.

    Example: learn merge base.yaml cohorts/2026-autumn.yaml "cohorts/2026-autumn (1).yaml"
    """
    import subprocess
    import sys

    from ruamel.yaml.error import YAMLError

    from learncli.cli._output import note
    from learncli.errors import DataError, NotFound
    from learncli.store.folder import read_data_text
    from learncli.store.merge import merge_texts, model_for

    for given in (base, ours, theirs):
        if not given.is_file():
            raise NotFound(f"{given}: no such file")
    texts = [read_data_text(p) for p in (base, ours, theirs)]
    shown = path or str(ours)
    try:
        result = merge_texts(*texts)
    except YAMLError:
        # Not YAML (yet): git's own merge by lines, with its conflict markers.
        note(f"learn merge: {shown} is not YAML that learn can read; merging it by lines")
        done = subprocess.run(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs)], check=False)
        raise typer.Exit(0 if done.returncode == 0 else 1)
    model = model_for(Path(shown))
    if model is not None:
        from learncli.store.parse import parse_model
        from learncli.store.yamlread import read_yaml

        _, problems = parse_model(read_yaml(Path(shown), result.text), model)
        if problems:
            raise DataError(f"merging {shown} would give a file that does not validate; {ours} is left as it was", diagnostics=problems)
    from learncli.store.atomic import atomic_write

    atomic_write(ours, result.text)
    for conflict in result.conflicts:
        sys.stderr.write(f"learn merge: CONFLICT in {shown}: {conflict.message()}\n")
    if result.conflicts:
        sys.stderr.write(f"learn merge: {shown} keeps our value where both changed it; edit it, then `git add {shown}`\n")
        raise typer.Exit(1)

