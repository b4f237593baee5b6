"""Commitments: the action each participant commits to in the gap after a session.

A commitment made after session N is reviewed at the next session that runs (N+1,
unless that one is cancelled; a make-up session meeting in between comes first). One commitment per person per gap: that is what the
review asks about, and what `learn commit review` finds by email and session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from learncli.diagnostics import Diagnostic
from learncli.domain.lookup import find_participant, find_session
from learncli.domain.csvsheet import Column, HeaderRules, missing_columns, open_sheet
from learncli.domain.schedule import meeting_order
from learncli.errors import NotFound, Refused
from learncli.models.cohort import FACTORS, Cohort, Commitment, Participant

#: Commitment CSV headers, lower case letters and digits only -> field.
HEADER_ALIASES: dict[str, str] = {
    "email": "email", "emailaddress": "email", "participantemail": "email", "youremail": "email",
    "session": "session", "aftersession": "session", "sessionnumber": "session", "sessionno": "session",
    "text": "text", "commitment": "text", "action": "text", "yourcommitment": "text", "youraction": "text",
    "commitmenttext": "text", "whatwillyoudo": "text", "actiontotry": "text",
    "factor": "factor", "comb": "factor", "combfactor": "factor", "area": "factor",
}
_SESSION = re.compile(r"^\s*(?:session\s*)?(\d{1,3})(?:\.0+)?\s*$", re.IGNORECASE)

#: Question titles of a form asked after a session, in lower case with punctuation as
#: spaces, tried in this order ("Which COMB factor does your action address?" is the
#: factor although it says "action"; "What will you try before the next session?" is
#: the text although it says "session").
COMMIT_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"\bcomb\b|\bcom b\b|\bfactor\b", "factor"),
    (r"\bcommit|\bwill you\b|\btry\b|\baction\b|\bplan\b|\bgoing to\b", "text"),
    (r"\be ?mail\b", "email"),
    (r"\bsession\b", "session"),
)

#: A question about how the last commitment went ("Did you try the action you committed
#: to last time?"): it says "try" too, but its answers are a review, not a new commitment.
#: Such a column is not read (a review is recorded with `learn commit review`).
REVIEW_QUESTION = (
    r"^(did|have|has) you\b|^how (did|far|well)\b"
    r"|^(?!.*\b(will you|going to|next|commit to)\b).*\b(last time|last session|previous|so far)\b"
)

#: The fields `commit import --map FIELD=HEADER` may name.
MAP_FIELDS = ("email", "session", "text", "factor")


def factor_of(answer: str) -> str | None:
    """The COMB factor a form's answer names ("Capability (skills and knowledge)",
    "Motivation"), or None when it names none or more than one."""
    words = set(re.findall(r"[a-z]+", answer.lower()))
    named = [factor for factor in FACTORS if factor in words]
    return named[0] if len(named) == 1 else None


def header_rules() -> HeaderRules:
    return HeaderRules(
        HEADER_ALIASES,
        COMMIT_KEYWORDS,
        real={"email": lambda v: "@" in v, "session": lambda v: _SESSION.match(v) is not None, "factor": lambda v: factor_of(v) is not None},
        elsewhere=((REVIEW_QUESTION, "asks how the last commitment went (record that with `learn commit review`)"),),
        text_fields=frozenset({"text"}),
    )


def review_session(cohort: Cohort, session: int) -> int | None:
    """The session at which a commitment made after `session` is reviewed: the next one
    to meet that is not cancelled."""
    return _neighbour(cohort, session, 1)


def previous_session(cohort: Cohort, session: int) -> int | None:
    """The last session to meet before `session` that was not cancelled."""
    return _neighbour(cohort, session, -1)


def _neighbour(cohort: Cohort, session: int, step: int) -> int | None:
    order = meeting_order(cohort)
    if session not in order:
        return None
    at = order.index(session)
    around = order[at + 1 :] if step > 0 else reversed(order[:at])
    return next((n for n in around if not cohort.sessions[n - 1].cancelled), None)


@dataclass
class CommitmentView:
    email: str
    name: str
    session: int
    review_at: int | None
    text: str
    factor: str | None
    status: str
    note: str | None
    reviewed: date | None


def views(cohort: Cohort, *, open_only: bool = False, session: int | None = None) -> list[CommitmentView]:
    """Commitments in session order, then in the participants' order."""
    order = {p.email: i for i, p in enumerate(cohort.participants)}
    out = []
    for c in cohort.commitments:
        if open_only and c.status != "open":
            continue
        if session is not None and c.session != session:
            continue
        person = cohort.participant(c.email)
        out.append(
            CommitmentView(
                email=c.email,
                name=person.name if person else c.email,
                session=c.session,
                review_at=review_session(cohort, c.session) if c.session <= len(cohort.sessions) else None,
                text=c.text,
                factor=c.factor,
                status=c.status,
                note=c.note,
                reviewed=c.reviewed,
            )
        )
    out.sort(key=lambda v: (v.session, order.get(v.email, len(order))))
    return out


def check_new(cohort: Cohort, email: str, session: int, text: str) -> tuple[Participant, bool]:
    """The participant a new commitment is for, and whether it is already recorded as is.

    Refused for a withdrawn participant, or when they already have a different commitment
    for the same gap."""
    person = find_participant(cohort, email)
    if cohort.sessions[find_session(cohort, session)].cancelled:
        raise Refused(f"session {session} of {cohort.id} was cancelled; a commitment belongs after a session that ran")
    if not person.active:
        raise Refused(f"{person.email} {person.no_place(cohort.id)}")
    for existing in cohort.commitments:
        if existing.email == person.email and existing.session == session:
            if " ".join(existing.text.split()) == " ".join(text.split()):
                return person, True
            raise Refused(
                f"{person.email} already has a commitment after session {session}: {existing.text!r}",
                hint="edit it in the cohort file, or review it with `learn commit review`",
            )
    return person, False


def find(cohort: Cohort, email: str, session: int) -> Commitment:
    """The one commitment of `email` made after `session`."""
    person = find_participant(cohort, email)
    found = [c for c in cohort.commitments if c.email == person.email and c.session == session]
    if not found:
        theirs = sorted({c.session for c in cohort.commitments if c.email == person.email})
        hint = f"{person.email} has commitments after session(s) {', '.join(map(str, theirs))}" if theirs else f"add one with `learn commit add {cohort.id} {person.email} --session {session} TEXT`"
        raise NotFound(f"{person.email} has no commitment after session {session} in {cohort.id}", hint=hint)
    if len(found) > 1:
        raise Refused(f"{person.email} has {len(found)} commitments after session {session}; keep one per gap in the cohort file")
    return found[0]


def entry(email: str, session: int, text: str, factor: str | None) -> dict[str, Any]:
    """A new commitment as it is written to the cohort file (keys in file order)."""
    values: dict[str, Any] = {"email": email, "session": session, "text": " ".join(text.split())}
    if factor:
        values["factor"] = factor
    return values


@dataclass
class CommitmentImport:
    entries: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    encoding: str = "utf-8"
    #: Every column of the file and what it was taken for (shown by --dry-run).
    mapping: list[Column] = field(default_factory=list)


def read_csv(
    path: Path, data: bytes, cohort: Cohort, *, session: int | None = None, mapped: dict[str, str] | None = None
) -> CommitmentImport:
    """Commitments from a sheet or form export with columns email, session, text and
    (optional) factor; headers and question titles are matched loosely, and `mapped`
    (field -> header, from --map) overrides them.

    `session`: every row is a commitment after that session (a form sent after one
    session has no session column); a session column, if the sheet has one, must then
    agree. Rows already in the cohort are skipped, so importing the same sheet again
    adds only the new rows. Every problem names its line and column."""
    result = CommitmentImport()
    sheet, result.problems = open_sheet(path, data, header_rules(), "email,session,text,factor", mapped=mapped, anchor="email")
    if sheet is None:
        return result
    result.encoding, result.ignored_columns, result.mapping = sheet.encoding, sheet.ignored, sheet.mapping
    needed = {"email": ("email",), "text": ("text",)} if session is not None else {"email": ("email",), "session": ("session",), "text": ("text",)}
    missing = missing_columns(sheet, needed)
    if missing is not None:
        result.problems.append(missing)
        return result

    def problem(code: str, message: str, line: int, col: int) -> None:
        result.problems.append(Diagnostic.make(code, message, path, line, col))

    count = len(cohort.sessions)
    seen: dict[tuple[str, int], int] = {}
    col = sheet.col
    for line, row in sheet.rows():

        def cell(key: str, row: list[str] = row) -> str:
            return sheet.cell(row, key)

        match = _SESSION.match(cell("session"))
        if session is not None and (not cell("session") or (match and int(match.group(1)) == session)):
            after = session
        elif not match:
            problem("I002", f"session: {cell('session')!r} is not a session number", line, col("session"))
            continue
        elif session is not None:
            problem("I002", f"session: {cell('session')!r}, but --session {session} was given", line, col("session"))
            continue
        else:
            after = int(match.group(1))
        if not 1 <= after <= count:
            problem("I002", f"session {after}: {cohort.id} has sessions 1 to {count}", line, col("session"))
            continue
        factor = factor_of(cell("factor")) if cell("factor") else None
        if cell("factor") and factor is None:
            problem("I002", f"factor: {cell('factor')!r} is not one of {', '.join(FACTORS)}", line, col("factor"))
            continue
        values = entry(cell("email"), after, cell("text"), factor)
        try:
            commitment = Commitment.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                key = str(error["loc"][0]) if error["loc"] else "row"
                message = "is empty" if error["type"] == "missing" else error["msg"]
                problem("I002", f"{key}: {message}", line, col(key))
            continue
        if not commitment.text.strip():
            problem("I002", "text: is empty", line, col("text"))
            continue
        values["email"] = commitment.email
        person = cohort.participant(commitment.email)
        if person is None:
            problem("I002", f"email: {commitment.email} is not a participant of {cohort.id}", line, col("email"))
            continue
        if not person.active:
            problem("I002", f"email: {commitment.email} {person.no_place(cohort.id)}", line, col("email"))
            continue
        key = (commitment.email, after)
        if key in seen:
            problem("I003", f"{commitment.email} has two commitments after session {after} in the file (also on line {seen[key]})", line, col("email"))
            continue
        seen[key] = line
        existing = next((c for c in cohort.commitments if c.email == commitment.email and c.session == after), None)
        if existing is not None:
            if " ".join(existing.text.split()) == values["text"]:
                result.skipped.append((line, f"{commitment.email}'s commitment after session {after} is already recorded"))
            else:
                problem(
                    "I002",
                    f"{commitment.email} already has a different commitment after session {after} ({existing.text!r}); edit the cohort file to change it",
                    line,
                    col("text"),
                )
            continue
        result.entries.append(values)
    result.problems.extend(sheet.problems)
    return result
