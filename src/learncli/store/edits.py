"""Edits to a cohort file's round-trip document, and the text of new cohort files.

Each function changes only the values it is about, so everything else a person wrote
(comments, order, quoting, blank lines) stays as it was.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from learncli.errors import DataError
from learncli.store.roundtrip import append, drop_key, plain, put_key, rename_key, text_scalar


def _list(doc: CommentedMap, key: str) -> CommentedSeq:
    """The block list under `key`, created (at the end of the file) when absent or empty."""
    value = doc.get(key)
    if isinstance(value, CommentedSeq) and (len(value) or not value.fa.flow_style()):
        return value
    if value is not None and not isinstance(value, list):
        raise DataError(f"'{key}' in the cohort file is not a list")
    fresh = CommentedSeq(value or [])
    doc[key] = fresh
    return fresh


def _mapping(doc: CommentedMap, key: str) -> CommentedMap:
    value = doc.get(key)
    if isinstance(value, CommentedMap):
        if not len(value):
            value.fa.set_block_style()
        return value
    if value is not None:
        raise DataError(f"'{key}' in the cohort file is not a mapping")
    fresh = CommentedMap()
    doc[key] = fresh
    return fresh


def find_person(doc: CommentedMap, email: str) -> CommentedMap:
    wanted = email.strip().lower()
    for item in doc.get("participants") or []:
        if isinstance(item, dict) and str(item.get("email", "")).strip().lower() == wanted:
            return item
    raise DataError(f"{email} is not in the cohort file")


def add_participant(doc: CommentedMap, person: dict[str, Any]) -> None:
    append(_list(doc, "participants"), person)


def set_values(item: CommentedMap, values: dict[str, Any]) -> None:
    """Set keys in place (new keys go at the end); a value of None removes the key."""
    for key, value in values.items():
        if value is None:
            if key in item:
                drop_key(item, key)
        elif key in item:
            item[key] = plain(value)
        else:
            put_key(item, key, value)


def edit_participant(doc: CommentedMap, email: str, values: dict[str, Any], order: tuple[str, ...]) -> None:
    """Set or remove (None) a participant's keys in place; a key they did not have yet
    goes where `order` puts it among the keys they have (else at the end)."""
    item = find_person(doc, email)
    for key, value in values.items():
        if value is None or key in item:
            set_values(item, {key: value})
            continue
        later = order[order.index(key) + 1 :] if key in order else ()
        before = next((k for k in item if k in later), None)
        put_key(item, key, value, before=before)


def change_email(doc: CommentedMap, old: str, new: str, order: tuple[str, ...]) -> None:
    """Move everything filed under `old` to `new`: the participant's own entry (the old
    address kept in `previous_emails`, which the ledger's invoices still name), their
    marks under `attendance:` (each keeps its place and comments) and their
    commitments."""
    wanted = old.strip().lower()
    item = find_person(doc, old)
    earlier = [str(e) for e in item.get("previous_emails") or [] if str(e).strip().lower() != new]
    item["email"] = text_scalar(new)
    previous = plain([*earlier, wanted])
    previous.fa.set_flow_style()  # one line, like `aliases: [Zoe H]`
    edit_participant(doc, new, {"previous_emails": previous}, order)
    attendance = doc.get("attendance")
    for table in attendance.values() if isinstance(attendance, CommentedMap) else ():
        if isinstance(table, CommentedMap):
            for key in [k for k in table if str(k).strip().lower() == wanted]:
                rename_key(table, key, new)
    for entry in doc.get("commitments") or []:
        if isinstance(entry, CommentedMap) and str(entry.get("email", "")).strip().lower() == wanted:
            entry["email"] = text_scalar(new)


def withdraw_participant(doc: CommentedMap, email: str, on: date) -> None:
    set_values(find_person(doc, email), {"status": "withdrawn", "withdrawn": on})


def session_item(doc: CommentedMap, number: int) -> CommentedMap:
    sessions = doc.get("sessions")
    if not isinstance(sessions, list) or not 1 <= number <= len(sessions):
        raise DataError(f"the cohort file has no session {number}")
    item = sessions[number - 1]
    if not isinstance(item, CommentedMap):
        raise DataError(f"session {number} in the cohort file is not a mapping")
    return item


def reschedule_session(doc: CommentedMap, number: int, day: date, start: time | None, end: time | None) -> None:
    item = session_item(doc, number)
    values: dict[str, Any] = {"date": day}
    if start is not None:
        values["start"] = f"{start:%H:%M}"
    if end is not None:
        values["end"] = f"{end:%H:%M}"
    set_values(item, values)


def add_session(doc: CommentedMap, values: dict[str, Any]) -> int:
    """Append a session to `sessions:` (keys whose value is None are left out); its number."""
    sessions = _list(doc, "sessions")
    append(sessions, values)
    return len(sessions)


def reinstate_session(doc: CommentedMap, number: int) -> None:
    """A cancelled session runs after all: `cancelled` and the cancellation's note go."""
    set_values(session_item(doc, number), {"cancelled": None, "note": None})


def reinstate_participant(doc: CommentedMap, email: str, *, waiting: bool = False) -> None:
    """Undo a withdrawal: the person is registered again, as if never withdrawn (or,
    `waiting`, back on the waiting list)."""
    set_values(find_person(doc, email), {"status": "waitlisted" if waiting else None, "withdrawn": None, "transferred_to": None})


def remove_marks(doc: CommentedMap, session: int, emails: list[str]) -> None:
    """Remove the marks of `emails` for one session; a session left with no marks
    disappears from `attendance:` (a grid with no marks is a session not yet held)."""
    attendance = _mapping(doc, "attendance")
    key = next((k for k in attendance if _number(k) == session), None)
    table = attendance.get(key) if key is not None else None
    if not isinstance(table, CommentedMap):
        return
    wanted = {email.strip().lower() for email in emails}
    for mark in [k for k in table if str(k).strip().lower() in wanted]:
        drop_key(table, mark)
    if not len(table):
        drop_key(attendance, key)


def cancel_session(doc: CommentedMap, number: int, note: str | None) -> None:
    values: dict[str, Any] = {"cancelled": True}
    if note:
        values["note"] = note
    set_values(session_item(doc, number), values)


def _session_marks(doc: CommentedMap, session: int, marks: dict[str, Any]) -> CommentedMap | None:
    """The mapping of marks for `session` under `attendance:`; when there is none yet, it
    is created holding `marks` (in number order among the sessions) and None returned."""
    attendance = _mapping(doc, "attendance")
    for key in (session, str(session)):
        if key not in attendance:
            continue
        value = attendance[key]
        if isinstance(value, CommentedMap):
            if not len(value):
                value.fa.set_block_style()
            return value
        if value is not None:
            raise DataError(f"attendance for session {session} in the cohort file is not a mapping")
        attendance[key] = CommentedMap()
        return attendance[key]
    fresh = CommentedMap()
    for email, value in marks.items():
        fresh[email] = _mark_value(value)
    later = [n for n in (_number(k) for k in attendance) if n is not None and n > session]
    before = next((k for k in attendance if _number(k) == min(later)), None) if later else None
    put_key(attendance, session, fresh, before=before)
    return None


def _number(key: Any) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.strip().isdigit():
        return int(key)
    return None


def _mark_value(value: str | dict[str, Any]) -> Any:
    """A mark as written: a bare status, or a one-line mapping when there is more."""
    if isinstance(value, str):
        return text_scalar(value)
    if set(value) == {"status"}:
        return text_scalar(str(value["status"]))
    mapping = plain({k: value[k] for k in ("status", "minutes", "note") if value.get(k) is not None})
    mapping.fa.set_flow_style()
    return mapping


def _same_mark(old: Any, new: str | dict[str, Any]) -> bool:
    def norm(value: Any) -> dict[str, Any]:
        if isinstance(value, str):
            return {"status": value}
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None}
        return {"?": value}

    return norm(old) == norm(new)


def set_marks(doc: CommentedMap, session: int, marks: dict[str, str | dict[str, Any]]) -> None:
    """Set participants' marks for one session: `{email: "present"}` or
    `{email: {"status": "late", "minutes": 142}}`. Marks that already say the same are
    left untouched (so importing a report twice changes nothing), and a mark someone
    wrote as a block mapping is updated in place, keeping its comments."""
    if not marks:
        return
    table = _session_marks(doc, session, marks)
    if table is None:
        return
    by_email = {str(k).strip().lower(): k for k in table}
    for email, value in marks.items():
        key = by_email.get(email.strip().lower())
        if key is None:
            put_key(table, email, _mark_value(value))
            continue
        old = table[key]
        if _same_mark(old, value):
            continue
        if isinstance(old, CommentedMap) and not old.fa.flow_style() and isinstance(value, dict):
            set_values(old, {k: value.get(k) for k in ("status", "minutes", "note")})
        else:
            table[key] = _mark_value(value)


def add_commitment(doc: CommentedMap, entry: dict[str, Any]) -> None:
    append(_list(doc, "commitments"), entry)


def review_commitment(doc: CommentedMap, email: str, session: int, status: str, note: str | None, on: date) -> None:
    """Record the review of `email`'s commitment made after `session`."""
    wanted = email.strip().lower()
    found = [
        item
        for item in doc.get("commitments") or []
        if isinstance(item, dict) and str(item.get("email", "")).strip().lower() == wanted and _number(item.get("session")) == session
    ]
    if len(found) != 1:
        raise DataError(f"the cohort file has {len(found)} commitments of {email} after session {session}; expected one")
    values: dict[str, Any] = {"status": status}
    if note is not None:
        values["note"] = note or None
    values["reviewed"] = on
    set_values(found[0], values)


def add_alias(item: CommentedMap, alias: str) -> bool:
    """Add a Zoom name to a participant's or facilitator's `aliases:`; False if there."""
    aliases = item.get("aliases")
    if aliases is None:
        fresh = CommentedSeq([plain(alias)])
        fresh.fa.set_flow_style()
        put_key(item, "aliases", fresh)
        return True
    elif not isinstance(aliases, list):
        raise DataError("'aliases' is not a list")
    if any(str(a).strip().casefold() == alias.strip().casefold() for a in aliases):
        return False
    if isinstance(aliases, CommentedSeq) and not aliases.fa.flow_style() and len(aliases):
        append(aliases, alias)
    else:
        aliases.append(plain(alias))
    return True


def find_participant_item(doc: CommentedMap, email: str) -> CommentedMap:
    return find_person(doc, email)


def find_facilitator_item(config_doc: CommentedMap, email: str) -> CommentedMap:
    wanted = email.strip().lower()
    for item in config_doc.get("facilitators") or []:
        if isinstance(item, dict) and str(item.get("email", "")).strip().lower() == wanted:
            return item
    raise DataError(f"{email} is not a facilitator in courses.yaml")


def new_cohort_text(
    *,
    course_id: str,
    course_title: str,
    title: str,
    facilitators: list[str],
    dates: list[tuple[date, str, str | None]],
    capacity: int | None = None,
    created: date,
) -> str:
    """The text of a new cohort file, laid out and commented as a person would."""
    q = _scalar
    lines = [
        f"# {title}",
        f"# Created with `learn cohort add` on {created.isoformat()}. Edit freely: learn keeps your comments.",
        "",
        f"course: {q(course_id)}",
        f"title: {q(title)}",
        f"facilitators: [{', '.join(q(f) for f in facilitators)}]",
    ]
    if capacity:
        lines.append(f"capacity: {capacity}")
    lines += [
        "",
        "zoom:",
        "  # Paste the meeting details here once the Zoom meeting exists.",
        "  url:",
        "  meeting_id:",
        "  passcode:",
        "",
        "sessions:",
    ]
    for number, (day, theme, moved) in enumerate(dates, start=1):
        comment = f"# {number}. {theme}" if theme else f"# session {number}"
        if moved:
            comment += f" ({moved})"
        lines.append(f"  - date: {day.isoformat()}".ljust(24) + comment)
    lines += [
        "",
        "participants: []",
        "",
        f"# {course_title}: attendance per session and the commitments made between sessions",
        "# are added here by `learn attend` and `learn commit`.",
    ]
    return "\n".join(lines) + "\n"


def _scalar(value: str) -> str:
    """`value` as a YAML scalar in hand-written style: plain unless that would misread."""
    if type(text_scalar(value)) is str and not _needs_quotes(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _needs_quotes(value: str) -> bool:
    return bool(
        not value
        or value[0] in "-?:,[]{}#&*!|>'\"%@`"
        or ": " in value
        or " #" in value
        or value.endswith(":")
        or value != value.strip()
    )
