"""`learn commit ...`: the actions participants commit to between sessions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from learncli.cli._common import CohortArg, DryRunOpt, EmailArg, JsonOpt, group, one_of, parse_map_options, read_input_file, state

if TYPE_CHECKING:
    from learncli.domain.commitments import CommitmentView

app = group("Commitments: the action each person tries between sessions.")

AfterSession = Annotated[int, typer.Option("--session", metavar="N", min=1, help="The session after which the commitment was made.", show_default=False)]


@app.command("add")
def commit_add(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What they will do, in their words.", show_default=False)],
    session: AfterSession,
    factor: Annotated[str | None, typer.Option("--factor", metavar="capability|motivation|opportunity", help="What the action works on (COM-B).", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Record the action someone commits to after a session.

    It belongs to the gap after session N, is reviewed at the next session (`learn commit review`) and shown in that
    session's brief. One commitment per person per gap.

    Example: learn commit add 2026-autumn fatima.alsayed@example.org --session 5 "Ask my team what they learned this month" --factor capability
    """
    from learncli.cli._output import did, note, print_changes
    from learncli.domain import commitments
    from learncli.models.cohort import Cohort
    from learncli.store import edits

    chosen = _factor(factor)
    clean = _text(text)
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        person, already = commitments.check_new(cohort, email, session, clean)
        if already:
            note(f"{person.email}'s commitment after session {session} is already recorded")
            return
        edits.add_commitment(tx.edit(folder.cohort_path(cohort_id), Cohort), commitments.entry(person.email, session, clean, chosen))
        if cohort.sessions[session - 1].date > app_state.today:
            note(f"note: session {session} is on {cohort.sessions[session - 1].date}, still to come")
    review_at = commitments.review_session(cohort, session)
    review = f", to review at session {review_at}" if review_at else ""
    done = did("recorded", "record", f"the commitment of {person.name} after session {session} of {cohort_id}{review}: \"{clean}\"")
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=done)


@app.command("review")
def commit_review(
    ctx: typer.Context,
    cohort_id: CohortArg,
    email: EmailArg,
    session: AfterSession,
    status: Annotated[str, typer.Option("--status", metavar="done|partly|not-done|dropped", help="How it went.", show_default=False)],
    note_text: Annotated[str | None, typer.Option("--note", help="What they said about it.", show_default=False)] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Record how a commitment went, reviewed at the next session (dated today).

    Example: learn commit review 2026-autumn ann.oneil@example.org --session 5 --status partly --note "on the agenda for January"
    """
    from learncli.cli._output import did, print_changes
    from learncli.domain import commitments
    from learncli.models.cohort import REVIEW_STATUSES, Cohort
    from learncli.store import edits

    wanted = one_of("--status", status, REVIEW_STATUSES)
    clean_note = _text(note_text, "--note") if note_text is not None else None
    app_state = state(ctx)
    folder = app_state.folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        found = commitments.find(cohort, email, session)
        if found.status == wanted and (clean_note is None or clean_note == found.note):
            print_changes([], folder.root, dry_run=dry_run)
            return
        edits.review_commitment(tx.edit(folder.cohort_path(cohort_id), Cohort), found.email, session, wanted, clean_note, app_state.today)
        person = cohort.participant(found.email)
    kept_note = clean_note if clean_note is not None else found.note
    now = wanted + (f' ("{kept_note}")' if kept_note else "")
    if found.status != "open":
        # A second review replaces the first: say what it was, so a slip is easy to see.
        was = found.status + (f' ("{found.note}")' if found.note else "") + (f", reviewed {found.reviewed.isoformat()}" if found.reviewed else "")
        now = f"{now}, replacing {was}"
    rest = f"the commitment of {person.name if person else found.email} after session {session} of {cohort_id} as {now}"
    print_changes(tx.changes, folder.root, dry_run=dry_run, done=did("reviewed", "review", rest))


@app.command("list")
def commit_list(
    ctx: typer.Context,
    cohort_id: CohortArg,
    open_only: Annotated[bool, typer.Option("--open", help="Only commitments not yet reviewed.")] = False,
    session: Annotated[int | None, typer.Option("--session", metavar="N", min=1, help="Only those made after session N.", show_default=False)] = None,
    json_output: JsonOpt = False,
) -> None:
    """List a cohort's commitments and how each went.

    Example: learn commit list 2026-autumn --open
    """
    from learncli.cli._output import console, print_json
    from learncli.domain import commitments
    from learncli.render.attendance import commitments_table

    cohort = state(ctx).folder.cohort(cohort_id)
    shown = commitments.views(cohort, open_only=open_only, session=session)
    if json_output:
        print_json(commitments_json(cohort_id, shown))
        return
    title = f"{cohort_id}: {len(shown)} {'open ' if open_only else ''}commitment(s)"
    console().print(commitments_table(shown, title=title))


def commitments_json(cohort_id: str, shown: list[CommitmentView]) -> dict[str, Any]:
    """The stable `--json` shape of `learn commit list` (documented in the README)."""
    return {
        "cohort": cohort_id,
        "commitments": [
            {
                "email": v.email,
                "name": v.name,
                "session": v.session,
                "review_at": v.review_at,
                "text": v.text,
                "factor": v.factor,
                "status": v.status,
                "note": v.note,
                "reviewed": v.reviewed,
            }
            for v in shown
        ],
    }


@app.command("import")
def commit_import(
    ctx: typer.Context,
    cohort_id: CohortArg,
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="CSV with a header: email, session, text, factor.", show_default=False)],
    session: Annotated[int | None, typer.Option("--session", min=1, metavar="N", help="Every row is a commitment after session N (a form sent after one session).", show_default=False)] = None,
    map_options: Annotated[list[str] | None, typer.Option("--map", metavar="FIELD=HEADER", help="Read FIELD from the column headed HEADER (repeatable; FIELD= reads it from none). Fields: email, session, text, factor.", show_default=False)] = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Import the good rows even when some rows are invalid.")] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Record commitments in bulk from a CSV sheet or form export.

    A shared sheet or a Google Forms, Microsoft Forms, Typeform, Jotform or Tally export
    works as it comes. Columns: email, session (the one after which it was made), text,
    and optionally factor (capability, motivation or opportunity, or an answer naming
    one); headers and question titles are matched loosely ("Email address", "After
    session", "What will you try at work before the next session?", "Which COMB factor
    does it address?"), and where two columns could hold the email the one with real
    addresses wins. A form sent after one session needs no session column: give
    --session N. Rows already recorded are skipped, so importing the same sheet again
    adds only the new rows. Any invalid row stops the whole import unless --skip-invalid
    is given; --dry-run also shows how each column was read.

    Example: learn commit import 2026-autumn after-session-5.csv --session 5 --dry-run
    """
    from learncli.cli._output import console, import_notes, print_changes, refuse_or_show_import_problems, show_mapping
    from learncli.domain import commitments
    from learncli.domain.csvsheet import MAX_CSV_BYTES
    from learncli.models.cohort import Cohort
    from learncli.render.attendance import commitments_table
    from learncli.store import edits

    mapped = parse_map_options(map_options, commitments.MAP_FIELDS)
    data = read_input_file(file, MAX_CSV_BYTES)
    folder = state(ctx).folder
    with folder.transaction(dry_run=dry_run) as tx:
        cohort = folder.cohort(cohort_id)
        result = commitments.read_csv(file, data, cohort, session=session, mapped=mapped)
        if dry_run and result.mapping:
            show_mapping(file, result.mapping)
        refuse_or_show_import_problems(file, result.problems, bool(result.entries), skip_invalid)
        doc = tx.edit(folder.cohort_path(cohort_id), Cohort) if result.entries else None
        for values in result.entries:
            edits.add_commitment(doc, values)
    import_notes(file, result.encoding, result.ignored_columns, result.skipped)
    if result.entries:
        shown = [v for v in _preview(cohort, result.entries)]
        console().print(commitments_table(shown, title=f"{'Would add' if dry_run else 'Added'} {len(shown)} commitment(s)"))
    print_changes(tx.changes, folder.root, dry_run=dry_run)


def _preview(cohort: Any, entries: list[dict[str, Any]]) -> list[CommitmentView]:
    from learncli.domain.commitments import CommitmentView, review_session

    out = []
    for values in entries:
        person = cohort.participant(values["email"])
        out.append(
            CommitmentView(
                email=values["email"],
                name=person.name if person else values["email"],
                session=values["session"],
                review_at=review_session(cohort, values["session"]),
                text=values["text"],
                factor=values.get("factor"),
                status="open",
                note=None,
                reviewed=None,
            )
        )
    return out


def _factor(value: str | None) -> str | None:
    from learncli.models.cohort import FACTORS

    if value is None:
        return None
    return one_of("--factor", value, FACTORS)


def _text(value: str, option: str = "TEXT") -> str:
    from pydantic_core import PydanticCustomError

    from learncli.errors import UsageProblem
    from learncli.models.types import _text as check

    clean = " ".join(value.split())
    if not clean and option == "TEXT":
        raise UsageProblem("TEXT: say what they will do")
    try:
        check(clean, single_line=True)
    except PydanticCustomError as exc:
        raise UsageProblem(f"{option}: {exc.message()}") from None
    return clean
