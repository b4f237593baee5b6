"""Edits to a cohort file's round-trip document, and the text of new cohort files.

Each function changes only the values it is about, so everything else a person wrote
(comments, order, quoting, blank lines) stays as it was.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from learncli.errors import DataError
from learncli.store.roundtrip import append, plain, text_scalar


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


def _find_person(doc: CommentedMap, email: str) -> CommentedMap:
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
                del item[key]
        else:
            item[key] = plain(value)


def withdraw_participant(doc: CommentedMap, email: str, on: date) -> None:
    set_values(_find_person(doc, email), {"status": "withdrawn", "withdrawn": on})


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
    if item.get("cancelled"):
        values["cancelled"] = None  # moving a cancelled session brings it back
    set_values(item, values)


def cancel_session(doc: CommentedMap, number: int, note: str | None) -> None:
    values: dict[str, Any] = {"cancelled": True}
    if note:
        values["note"] = note
    set_values(session_item(doc, number), values)


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
