"""`learn email render` and `learn email send`: emails to a cohort's participants."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from learncli.cli._common import CohortArg, DryRunOpt, JsonOpt, group, state

if TYPE_CHECKING:
    from learncli.domain.emails import EmailPlan
    from learncli.models.email_log import EmailLog, LoggedMessage, MessageKey
    from learncli.render.emails import Mailbox, Outgoing
    from learncli.store.folder import DataFolder, Transaction

app = group("Emails to participants: joining, reminders, payment reminders, follow-ups and updates, as .eml files or sent over SMTP.")

KindArg = Annotated[
    str,
    typer.Argument(metavar="KIND", help="joining, reminder, payment-reminder, follow-up or update.", show_default=False),
]
SessionOpt = Annotated[
    int | None,
    typer.Option("--session", metavar="N", min=1, help="The session a reminder (before it) or follow-up (after it) is about.", show_default=False),
]
ParticipantOpt = Annotated[
    list[str] | None,
    typer.Option("--participant", metavar="EMAIL", help="Only this participant (may be given more than once).", show_default=False),
]
IncludeUnpaidOpt = Annotated[
    bool,
    typer.Option(
        "--include-unpaid",
        help="Emails with the Zoom details (joining, reminder, follow-up): also to people whose invoice is unpaid or not issued yet (held by default); their email says what is owed.",
    ),
]


@dataclass
class Batch:
    """Every message of one run, built and checked, and everyone who gets none."""

    plan: EmailPlan
    items: list[Outgoing]
    zone: str
    #: Each item as `learn email render` writes it (composed once, in `_prepare`).
    composed: list[bytes] = field(default_factory=list)
    #: (email, name, why): messages that could not be built (a name unsafe in a header).
    problems: list[tuple[str, str, str]] = field(default_factory=list)


def _prepare(
    folder: DataFolder,
    tx: Transaction,
    today: date,
    kind: str,
    cohort_id: str,
    *,
    session: int | None,
    participants: list[str],
    include_unpaid: bool,
    sender: Mailbox | None,
) -> Batch:
    """Plan the emails, render the templates, attach invitations, check every header."""
    from zoneinfo import ZoneInfo

    from learncli.domain.emails import LEDGER_KINDS, check_kind, plan_emails
    from learncli.domain.updates import told_of
    from learncli.render.emails import (
        HeaderRefused,
        all_sessions_attachment,
        compose,
        invitation_attachments,
        mailbox,
        outgoing,
        render_email,
        update_attachments,
    )
    from learncli.render.templating import Templates
    from learncli.store.calendar_state import sequenced_events
    from learncli.store.email_log import read_log
    from learncli.store.ledger import load_ledger

    kind = check_kind(kind)
    config = folder.config()
    cohort = folder.cohort(cohort_id)
    folder.course_for(config, cohort)
    ledger = load_ledger(folder, cohort=cohort_id, today=today) if kind in LEDGER_KINDS else None
    # Update emails compare the sessions' SEQUENCE now with what the log says people were told.
    events = sequenced_events(folder, tx, cohort_id) if kind == "update" else None
    plan = plan_emails(
        kind, cohort, config, today, session=session, participants=participants, ledger=ledger, include_unpaid=include_unpaid,
        events=events, sent=read_log(folder, cohort_id).messages if kind == "update" else (),
    )
    if events is None and any(d.invitation for d in plan.drafts):
        events = sequenced_events(folder, tx, cohort_id)
    templates = Templates(folder.templates_dir)
    organisation = mailbox(config.organisation.name, config.organisation.email, "the organisation in courses.yaml")
    reply_to = mailbox(None, config.email.reply_to or config.organisation.email, "the reply-to address in courses.yaml")
    batch = Batch(plan, [], config.timezone)
    # The Date of a written message and the DTSTAMP of its invitations: one moment.
    when = datetime.now(ZoneInfo(config.timezone)).replace(microsecond=0)
    # Everyone in a joining run is invited to the same sessions (those still to come).
    invited = next((d.invitation for d in plan.drafts if d.invitation), None)
    all_sessions = all_sessions_attachment(events, invited, stamp=when) if events and invited else None
    for draft in plan.drafts:
        person = draft.participant
        try:
            mailbox(person.name, person.email, "the participant")
            attachments = []
            if draft.invitation and events:
                attachments = invitation_attachments(events, person, draft.invitation, stamp=when, all_sessions=all_sessions)
                draft = replace(draft, told=tuple(told_of(events).items()))
            elif draft.told and events:
                changes = [(number, not events.event(number).cancelled) for number, _ in draft.told]
                attachments = update_attachments(events, person, changes, stamp=when)
            context = dict(draft.context)
            if attachments and draft.invitation:
                context["invitation_files"] = [a.filename for a in attachments[:-1]]
                context["all_sessions_file"] = attachments[-1].filename
            rendered = render_email(templates, draft.kind, context)
            item = outgoing(draft, rendered, sender or organisation, reply_to, organisation.domain, attachments)
            data = compose(item, when=when)
        except HeaderRefused as exc:
            batch.problems.append((str(person.email), str(person.name), str(exc)))
            continue
        batch.items.append(item)
        batch.composed.append(data)
    return batch


# --- render ---------------------------------------------------------------------------


@app.command("render")
def email_render(
    ctx: typer.Context,
    kind: KindArg,
    cohort_id: CohortArg,
    session: SessionOpt = None,
    participant: ParticipantOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="DIR", help="Write the .eml files here (default: out/emails/COHORT/KIND[-session-N]/).", show_default=False),
    ] = None,
    include_unpaid: IncludeUnpaidOpt = False,
    dry_run: DryRunOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Write one .eml file per recipient, to preview (open it in a mail app) or send by hand.

    KIND is joining (welcome, dates, Zoom, what to expect, the calendar invitations
    attached; once the course has begun, only the sessions still to come), reminder
    --session N (before session N, with the action each person committed to after the
    session before), payment-reminder (to everyone with an unpaid invoice) or follow-up
    --session N (after it: thanks, their commitment, the next session) or update (to
    everyone sent the joining email, once sessions have moved, been cancelled or added:
    what changed since their last email, with the new invitation or the cancellation
    attached). Withdrawn
    participants get nothing. Every email with the Zoom details (joining, reminder, a
    follow-up with a session to come) is held for anyone unpaid or not invoiced, unless
    --include-unpaid. The files are exactly what `learn email send` sends (From is
    LEARN_FROM when set).

    Example: learn email render joining 2026-autumn --include-unpaid
    """
    import os

    from learncli.cli._output import print_changes, print_json
    from learncli.domain.emails import check_kind
    from learncli.mailer import sender_from_env
    from learncli.names import file_names

    kind = check_kind(kind)
    app_state = state(ctx)
    folder = app_state.folder
    sender = sender_from_env(os.environ)
    directory = output or folder.out_dir / "emails" / cohort_id / (f"{kind}-session-{session}" if session else kind)
    _refuse_data_dir(folder, directory)
    written: list[dict[str, Any]] = []
    with folder.transaction(dry_run=dry_run) as tx:
        batch = _prepare(
            folder, tx, app_state.today, kind, cohort_id,
            session=session, participants=participant or [], include_unpaid=include_unpaid, sender=sender,
        )
        names = file_names([item.draft.participant.email for item in batch.items])
        for item, data in zip(batch.items, batch.composed, strict=True):
            path = directory / f"{names[item.draft.participant.email]}.eml"
            tx.output(path, data)
            written.append(
                {"email": item.to.email, "name": item.to.name, "file": path, "message_id": item.message_id(), "subject": item.rendered.subject}
            )
    plan = batch.plan
    if json_output:
        print_json(
            {
                "kind": plan.kind, "cohort": plan.cohort, "session": plan.session, "dry_run": dry_run,
                "directory": directory, "messages": written,
                **_skips_json(plan), "failed": [{"email": e, "name": n, "error": why} for e, n, why in batch.problems],
            }
        )
    else:
        state_changes = [c for c in tx.changes if c.data]
        if state_changes:
            print_changes(state_changes, folder.root, dry_run=dry_run)
        _render_summary(batch, written, directory, dry_run=dry_run)
    _finish(batch)


def _render_summary(batch: Batch, written: list[dict[str, Any]], directory: Path, *, dry_run: bool) -> None:
    from learncli.cli._output import note, say

    plan = batch.plan
    what = _what(plan)
    if written:
        verb = "would write" if dry_run else "wrote"
        say(f"{verb} {len(written)} {what} to {directory}")
        for row in written:
            say(f"  {row['name']} <{row['email']}>: {Path(row['file']).name}")
        if not dry_run:
            note("preview: open an .eml file in your mail app (Outlook, Apple Mail, Thunderbird), which shows it as it will arrive")
    else:
        say(f"no {what} to write")
    if dry_run:
        say("dry run: nothing was written")
    _skips_notes(plan)
    for email, name, why in batch.problems:
        note(f"NOT WRITTEN: {name} <{email}>: {why}")


# --- send -----------------------------------------------------------------------------


@dataclass
class Decision:
    item: Outgoing
    #: send (new, or retrying one that failed), resend, already, unconfirmed
    action: str
    sends_before: int = 0
    last: LoggedMessage | None = None


@app.command("send")
def email_send(
    ctx: typer.Context,
    kind: KindArg,
    cohort_id: CohortArg,
    session: SessionOpt = None,
    participant: ParticipantOpt = None,
    include_unpaid: IncludeUnpaidOpt = False,
    resend: Annotated[
        bool,
        typer.Option(
            "--resend",
            help="Also send to people the log says already have this message, or may have it (a run stopped half-way). Combine with --participant.",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show who would get what; connect to nothing, send nothing, write nothing.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """Send the emails over SMTP, each person once: a second run sends only what is missing.

    The same messages as `learn email render`. The SMTP server comes from LEARN_SMTP_HOST,
    LEARN_SMTP_PORT, LEARN_SMTP_USER, LEARN_SMTP_PASSWORD, LEARN_SMTP_STARTTLS (yes, ssl
    or no) and the sender from LEARN_FROM (see 'Emails' in the README). Every message is
    recorded in email-log/COHORT.yaml before it goes and again when the server has taken
    it; a message already sent is not sent again, and one a stopped run may have sent is
    reported and sent again only with --resend. A recipient the server refuses does not
    stop the others; the run then exits 1 and lists them. The folder stays locked while
    the run sends, so two runs cannot both send. An update goes once per change: run it
    after each reschedule or cancellation, and only the news goes.

    Example: learn email send reminder 2026-autumn --session 4 --dry-run
    """
    import os

    from learncli.cli._output import note, print_json, warn
    from learncli.mailer import SettingsProblem, sender_from_env, settings_from_env
    from learncli.store.email_log import read_log

    from learncli.domain.emails import check_kind

    kind = check_kind(kind)
    app_state = state(ctx)
    folder = app_state.folder
    settings = sender = None
    problems: list[str] = []
    try:
        settings = settings_from_env(os.environ)
    except SettingsProblem as exc:
        problems.append(str(exc))
    try:
        sender = sender_from_env(os.environ)
    except SettingsProblem as exc:
        problems.append(str(exc))
    if problems and not dry_run:
        raise SettingsProblem("; ".join(problems), hint="see 'Emails' in the README for an example (Microsoft 365, Gmail)")
    with nullcontext() if dry_run else folder.locked():
        with folder.transaction(dry_run=dry_run) as tx:
            batch = _prepare(
                folder, tx, app_state.today, kind, cohort_id,
                session=session, participants=participant or [], include_unpaid=include_unpaid, sender=sender,
            )
        if not dry_run:
            for change in tx.changes:  # calendar-state.yaml, when the invitations changed
                note(f"updated {change.path.name}" if not change.created else f"created {change.path.name}")
        log = read_log(folder, cohort_id)
        decisions = _decide(batch.items, log, resend=resend)
        outgoing = [d for d in decisions if d.action in ("send", "resend")]
        report: dict[str, list[dict[str, Any]]] = {"sent": [], "failed": [], "unconfirmed_now": [], "not_attempted": []}
        if outgoing and not dry_run:
            assert settings is not None
            report = _send_all(folder, batch, log, outgoing, settings)
    if json_output:
        print_json(_send_json(batch, decisions, report, settings, dry_run=dry_run))
    else:
        for problem in problems:
            warn(f"{problem} (a real run would stop here)")
        _send_summary(batch, decisions, report, settings, dry_run=dry_run)
    if report["failed"] or report["unconfirmed_now"] or report["not_attempted"] or any(d.action == "unconfirmed" for d in decisions):
        raise typer.Exit(1)
    _finish(batch)


def _decide(items: list[Outgoing], log: EmailLog, *, resend: bool) -> list[Decision]:
    """What to do with each message, from the log: the latest attempt that did not fail
    says whether it was sent, may have gone, or (none) still has to go."""
    by_key: dict[MessageKey, list[LoggedMessage]] = {}
    for record in log.messages:
        by_key.setdefault(record.key, []).append(record)
    out = []
    for item in items:
        records = by_key.get(item.draft.key, [])
        sends_before = sum(r.status == "sent" for r in records)
        standing = next((r for r in reversed(records) if r.status != "failed"), None)
        if standing is None:
            out.append(Decision(item, "send", sends_before, records[-1] if records else None))
        elif resend:
            # A resend of a message that may have gone keeps its Message-ID (a copy that
            # did arrive is the same message); one that was delivered gets the next one.
            out.append(Decision(item, "resend", sends_before, standing))
        else:
            out.append(Decision(item, "already" if standing.status == "sent" else "unconfirmed", sends_before, standing))
    return out


def _send_all(folder: DataFolder, batch: Batch, log: EmailLog, decisions: list[Decision], settings: Any) -> dict[str, list[dict[str, Any]]]:
    """Send each message, recording it before and after; keep going past refusals."""
    from zoneinfo import ZoneInfo

    from learncli.mailer import Mailer, Outcome, SendProblem
    from learncli.models.email_log import LoggedMessage
    from learncli.render.emails import compose
    from learncli.store.email_log import save_log

    zone = ZoneInfo(batch.zone)

    def now() -> datetime:
        return datetime.now(zone).replace(microsecond=0)

    report: dict[str, list[dict[str, Any]]] = {"sent": [], "failed": [], "unconfirmed_now": [], "not_attempted": []}
    mailer = Mailer(settings)
    mailer.connect()  # before anything is recorded: a wrong password sends and logs nothing
    try:
        with _progress(len(decisions), f"sending {_what(batch.plan)}") as show:
            for index, decision in enumerate(decisions):
                item = decision.item
                who = {"email": item.to.email, "name": item.to.name}
                data = compose(item, when=now(), sends_before=decision.sends_before)
                record = LoggedMessage(
                    kind=item.draft.kind, session=item.draft.session, to=item.draft.participant.email,
                    cc=[m.email for m in item.cc], status="sending",
                    message_id=item.message_id(decision.sends_before), started=now(), subject=item.rendered.subject,
                    told=dict(item.draft.told),
                )
                log.messages.append(record)
                save_log(folder, log)  # the intent, on disk before the message goes
                try:
                    result = mailer.send(item.sender.email, item.recipients, data, international=item.international)
                except SendProblem as exc:
                    # The connection was lost and could not be opened again: this message
                    # was not handed over, and neither will the rest be.
                    record.status, record.finished, record.error = "failed", now(), _line(str(exc))
                    save_log(folder, log)
                    report["failed"].append({**who, "error": str(exc)})
                    show(f"FAILED  {item.to}: {exc}")
                    for rest in decisions[index + 1:]:
                        report["not_attempted"].append({"email": rest.item.to.email, "name": rest.item.to.name})
                    break
                record.finished = now()
                if result.outcome is Outcome.SENT:
                    record.status = "sent"
                    if result.refused_copies:
                        record.error = _line("copy refused: " + "; ".join(result.refused_copies))
                    report["sent"].append({**who, "message_id": record.message_id, "copies_refused": list(result.refused_copies)})
                    show(f"sent    {item.to}" + (f" (copy refused: {'; '.join(result.refused_copies)})" if result.refused_copies else ""))
                elif result.outcome is Outcome.REFUSED:
                    record.status, record.error = "failed", _line(result.detail or "refused")
                    report["failed"].append({**who, "error": result.detail})
                    show(f"FAILED  {item.to}: {result.detail}")
                else:
                    # Left as `sending`: it may have arrived. Never sent again without --resend.
                    record.finished = None
                    record.error = _line(result.detail or "no answer from the server")
                    report["unconfirmed_now"].append({**who, "message_id": record.message_id, "error": result.detail})
                    show(f"UNKNOWN {item.to}: {result.detail}; it may have arrived")
                save_log(folder, log)
    finally:
        mailer.close()
    return report


def _line(text: str) -> str:
    """One line for the log: no line breaks or control characters, not too long."""
    text = " ".join(text.split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text[:400] or "-"


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """show(line): a line per message; with a Rich progress bar when stderr is a terminal."""
    from learncli.cli._output import note

    if not sys.stderr.isatty():
        yield note
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from learncli.cli._output import err_console

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console(), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def show(line: str) -> None:
            bar.console.print(line)
            bar.advance(task)

        yield show


def _send_summary(batch: Batch, decisions: list[Decision], report: dict[str, list[dict[str, Any]]], settings: Any, *, dry_run: bool) -> None:
    from learncli.cli._output import note, say

    plan = batch.plan
    what = _what(plan)
    going = [d for d in decisions if d.action in ("send", "resend")]
    if dry_run:
        server = settings.describe() if settings else "no SMTP server set"
        if going:
            say(f"would send {len(going)} {what} through {server}:")
            for d in going:
                again = " (again)" if d.action == "resend" else (" (retry: the last attempt failed)" if d.last is not None else "")
                say(f"  {d.item.to}{again}: {d.item.rendered.subject}")
        else:
            say(f"no {what} to send")
        say("dry run: nothing was sent, nothing was written")
    elif going:
        sent = len(report["sent"])
        say(f"sent {sent} of {len(going)} {what} through {settings.describe()}")
    else:
        say(f"no {what} to send")
    already = [d for d in decisions if d.action == "already"]
    if already:
        say(f"already sent, not sent again: {len(already)} (add --resend, with --participant EMAIL, to send one again)")
        for d in already:
            assert d.last is not None
            say(f"  {d.item.to} on {d.last.started:%a %-d %b %Y %H:%M}")
    for d in decisions:
        if d.action == "unconfirmed":
            assert d.last is not None
            note(
                f"MAY HAVE GONE: {d.item.to}: a run stopped on {d.last.started:%a %-d %b %Y %H:%M} after handing the message over "
                f"and before the server answered; not sent again. If it did not arrive: learn email send {plan.kind} {plan.cohort}"
                f"{f' --session {plan.session}' if plan.session else ''} --participant {d.item.to.email} --resend"
            )
    for row in report["unconfirmed_now"]:
        note(f"MAY HAVE GONE: {row['name']} <{row['email']}>: {row['error']}; not sent again without --resend")
    for row in report["failed"]:
        note(f"FAILED: {row['name']} <{row['email']}>: {row['error']}")
    if report["not_attempted"]:
        note(f"NOT SENT (the connection was lost): {', '.join(r['email'] for r in report['not_attempted'])}; run again to send them")
    _skips_notes(plan)
    for email, name, why in batch.problems:
        note(f"NOT SENT: {name} <{email}>: {why}")


def _send_json(batch: Batch, decisions: list[Decision], report: dict[str, list[dict[str, Any]]], settings: Any, *, dry_run: bool) -> dict[str, Any]:
    plan = batch.plan

    def who(d: Decision) -> dict[str, Any]:
        return {"email": d.item.to.email, "name": d.item.to.name}

    return {
        "kind": plan.kind,
        "cohort": plan.cohort,
        "session": plan.session,
        "dry_run": dry_run,
        "server": settings.describe() if settings else None,
        "would_send": [
            {**who(d), "message_id": d.item.message_id(d.sends_before), "subject": d.item.rendered.subject, "again": d.action == "resend"}
            for d in decisions
            if dry_run and d.action in ("send", "resend")
        ],
        "sent": report["sent"],
        "already_sent": [{**who(d), "at": d.last.started if d.last else None} for d in decisions if d.action == "already"],
        "unconfirmed": [
            {**who(d), "message_id": d.last.message_id if d.last else None, "started": d.last.started if d.last else None}
            for d in decisions
            if d.action == "unconfirmed"
        ]
        + [{"email": r["email"], "name": r["name"], "message_id": r["message_id"], "started": None} for r in report["unconfirmed_now"]],
        "failed": report["failed"] + [{"email": e, "name": n, "error": why} for e, n, why in batch.problems],
        "not_attempted": report["not_attempted"],
        **_skips_json(plan),
    }


# --- shared -----------------------------------------------------------------------------


def _what(plan: EmailPlan) -> str:
    name = {"joining": "joining", "reminder": "reminder", "payment-reminder": "payment reminder", "follow-up": "follow-up", "update": "update"}[plan.kind]
    about = f" (session {plan.session})" if plan.session else ""
    return f"{name} email(s) for {plan.cohort}{about}"


def _skips_json(plan: EmailPlan) -> dict[str, Any]:
    return {
        "held": [{"email": s.email, "name": s.name, "reason": s.reason} for s in plan.skipped if s.held],
        "skipped": [{"email": s.email, "name": s.name, "reason": s.reason} for s in plan.skipped if not s.held],
        "withdrawn": plan.withdrawn,
    }


def _skips_notes(plan: EmailPlan) -> None:
    from learncli.cli._output import note

    held = [s for s in plan.skipped if s.held]
    for s in held:
        note(f"HELD: {s.name} <{s.email}>: {s.reason.removeprefix('held, ')}")
    if held:
        note("held by the payment gate; add --include-unpaid to send to them as well (their email then says what is owed)")
    for s in plan.skipped:
        if not s.held:
            note(f"skipped: {s.name} <{s.email}>: {s.reason}")
    if plan.withdrawn:
        note(f"no email for withdrawn participants: {', '.join(plan.withdrawn)}")


def _finish(batch: Batch) -> None:
    """Exit 1 when a message could not be built, or when everyone named was skipped."""
    from learncli.errors import Refused

    if batch.problems:
        raise typer.Exit(1)
    plan = batch.plan
    if plan.named and not batch.items:
        reasons = "; ".join(f"{s.name}: {s.reason}" for s in plan.skipped)
        raise Refused(f"nothing to do for {', '.join(s.email for s in plan.skipped)}: {reasons}")


def _refuse_data_dir(folder: DataFolder, path: Path) -> None:
    """Generated emails never go among the YAML files people keep (a slip of -o)."""
    from learncli.errors import Refused

    resolved = path.resolve()
    root = folder.root.resolve()
    if not resolved.is_relative_to(root):
        return
    for kept in ("cohorts", "invoices", "email-log", "templates"):
        if resolved.is_relative_to(root / kept):
            raise Refused(f"{path} is among the data files; write emails elsewhere (default: out/emails/)")
    if resolved == root:
        raise Refused(f"{path} is the data folder itself; write emails into a folder of their own (default: out/emails/)")


@app.command("log")
def email_log(
    ctx: typer.Context,
    cohort_id: CohortArg,
    participant: ParticipantOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Who was sent what, and when: the cohort's send log, oldest first.

    One line per attempt `learn email send` made: the kind (and session), the
    recipient, whether the server took it (sent), refused it (failed) or the run stopped
    before its answer was recorded (sending), when, the subject and the Message-ID (to
    find the message in a mailbox or a server's log).

    Example: learn email log 2026-autumn --participant ann.oneil@example.org
    """
    from learncli.cli._output import console, note, print_json
    from learncli.render.tables import email_log_table
    from learncli.store.email_log import read_log

    folder = state(ctx).folder
    cohort = folder.cohort(cohort_id)
    wanted: set[str] = set()
    for email in participant or []:
        person = cohort.participant(email)
        wanted |= set(person.emails) if person is not None else {email.strip().lower()}
    log = read_log(folder, cohort_id)
    records = [m for m in log.messages if not wanted or m.to in wanted]
    names = {address: p.name for p in cohort.participants for address in p.emails}
    if json_output:
        print_json(
            [
                {"kind": m.kind, "session": m.session, "to": m.to, "name": names.get(m.to), "cc": m.cc, "status": m.status,
                 "started": m.started, "finished": m.finished, "subject": m.subject, "message_id": m.message_id, "error": m.error,
                 "told": {n: t.model_dump() for n, t in sorted(m.told.items())}}
                for m in records
            ]
        )
        return
    if not records:
        note(f"nothing sent to {'them' if wanted else 'anyone'} for {cohort_id} yet" + ("" if wanted else " (`learn email send` keeps this log)"))
        return
    zone = folder.config().timezone
    console().print(email_log_table(records, names, zone, title=f"{cohort_id}: {len(records)} message(s)"))
