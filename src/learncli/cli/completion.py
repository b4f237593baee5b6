"""`learn completion ...`: who completed a cohort, and their certificates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learncli.cli._common import CohortArg, DryRunOpt, JsonOpt, group, one_of, state

app = group("Completion: who attended every session and reviewed their commitments; their certificates.")

MadeUpOpt = Annotated[
    bool,
    typer.Option("--made-up", help="Count an excused absence as made up (a catch-up call, say) instead of as missed."),
]
FORMATS = ("html", "pdf")


@app.command("report")
def completion_report(ctx: typer.Context, cohort_id: CohortArg, made_up: MadeUpOpt = False, json_output: JsonOpt = False) -> None:
    """Who has completed a cohort: every session attended, every commitment reviewed.

    Present, late and left early count as attended. Until the last session is held and
    recorded, people who have missed nothing are "on track". A commitment still open
    after the session that was to review it keeps someone from completing.

    Example: learn --today 2026-12-03 completion report 2026-autumn
    """
    from dataclasses import asdict

    from learncli.cli._output import console, note, print_json
    from learncli.domain.completion import completion
    from learncli.render.attendance import completion_table

    app_state = state(ctx)
    config = app_state.folder.config()
    cohort = app_state.folder.cohort(cohort_id)
    report = completion(cohort, config.course(cohort.course), config.timezone, app_state.today, made_up=made_up)
    if json_output:
        print_json({**asdict(report), "finished": report.finished, "completed": len(report.completed)})
        return
    console().print(completion_table(report))
    if report.unrecorded:
        note(f"no attendance recorded for session {', '.join(map(str, report.unrecorded))}: learn attend import or learn attend mark")
    if report.finished:
        note(f"{len(report.completed)} of {len(report.lines)} completed; certificates: learn completion certificates {cohort.id}")


@app.command("certificates")
def completion_certificates(
    ctx: typer.Context,
    cohort_id: CohortArg,
    fmt: Annotated[str, typer.Option("--format", metavar="html|pdf", help="html (prints on A4, landscape) or pdf (needs the pdf extra).")] = "html",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="DIR", help="Folder for the certificates (default: out/certificates/COHORT/).", show_default=False),
    ] = None,
    participant: Annotated[
        list[str] | None,
        typer.Option("--participant", metavar="EMAIL", help="Only this participant (may be given more than once).", show_default=False),
    ] = None,
    made_up: MadeUpOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """A certificate of completion for each participant who completed a finished cohort.

    One file per person, named after their email, from templates/certificate.html (a
    file of that name in the data folder's templates/ replaces it). Nobody who has not
    completed gets one: `learn completion report` says why.

    Example: learn --today 2026-12-03 completion certificates 2026-autumn --format pdf
    """
    from learncli.cli._output import note, print_changes
    from learncli.domain.completion import completion
    from learncli.domain.lookup import find_participant
    from learncli.domain.schedule import fmt_day
    from learncli.errors import Refused, UsageProblem
    from learncli.names import file_names
    from learncli.prose_names import display_name
    from learncli.render.invoices import to_pdf
    from learncli.render.templating import Templates

    wanted = one_of("--format", fmt, FORMATS)
    app_state = state(ctx)
    folder = app_state.folder
    config = folder.config()
    cohort = folder.cohort(cohort_id)
    course = config.course(cohort.course)
    report = completion(cohort, course, config.timezone, app_state.today, made_up=made_up)
    if report.open_session is not None:
        number, day = report.open_session
        why = f"session {number} ({fmt_day(day)}) is still to come" if day > app_state.today else f"session {number} has no attendance recorded"
        raise Refused(f"{cohort.id} is not finished: {why}; certificates come after the last session", hint="see learn completion report " + cohort.id)
    lines = report.completed
    if participant:
        people = [find_participant(cohort, email) for email in participant]
        for person in people:
            if not person.active:
                raise Refused(f"{person.name} {person.no_place(cohort.id)}; only people who completed it get a certificate")
        chosen = {person.email for person in people}
        for line in report.lines:
            if line.email in chosen and not line.complete:
                raise Refused(f"{line.name} has not completed {cohort.id}", hint=f"see learn completion report {cohort.id}")
        lines = [line for line in lines if line.email in chosen]
    directory = output or folder.out_dir / "certificates" / cohort.id
    folder.refuse_data_file(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageProblem(f"-o {directory}: that is a file; give a folder (it is created if need be)")
    facilitators = [f for f in (config.facilitator(i) for i in cohort.facilitator_ids(course)) if f is not None]
    templates = Templates(folder.templates_dir)
    names = file_names([p.email for p in cohort.participants])
    with folder.transaction(dry_run=dry_run) as tx:
        for line in lines:
            person = cohort.participant(line.email)
            shown = person.prose_name if person is not None else display_name(line.name)
            html = templates.render(
                "certificate.html",
                participant={"name": line.name, "display_name": shown, "organisation": line.organisation, "email": line.email},
                course={"title": report.course, "themes": report.themes, "sessions": report.sessions},
                cohort={"id": cohort.id, "title": report.title, "first": report.first, "last": report.last},
                facilitators=[{"name": f.name, "display_name": display_name(f.name), "organisation": f.organisation} for f in facilitators],
                organisation={"name": config.organisation.name},
                attended=line.attended,
                completed_on=report.last,
            )
            content: str | bytes = to_pdf(html, folder.root, templates.found("certificate.html")) if wanted == "pdf" else html
            tx.output(directory / f"{names[line.email]}.{wanted}", content)
    print_changes(tx.changes, folder.root, dry_run=dry_run)
    left = len(report.lines) - len(report.completed)
    if left and not participant:
        note(f"{left} participant(s) did not complete and get no certificate; see learn completion report {cohort.id}")
