"""The files `learn calendar export --per-participant DIR` keeps in DIR: for each person,
what their calendar should receive now, and nothing that is no longer right.

For a registered participant: one invitation per session that goes on,
`<email>-session-N.ics` (METHOD:REQUEST; a request holds one UID, RFC 5546 3.2.2), and
with `cancel`, for each cancelled session, `<email>-session-N-cancel.ics` in place of its
invitation. For a participant who has withdrawn, with `cancel`: a cancellation of each
session from the day they withdrew, in place of all their invitations; for a session
that goes on it uninvites them alone (no STATUS, a SEQUENCE above their invitation's,
recorded in the cohort's calendar state). Each file replaces the other kind for the same
person and session, so DIR never offers both an invitation and its cancellation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from learncli.domain.calendar import CohortEvents, SessionEvent
    from learncli.models.cohort import Participant
    from learncli.store.folder import DataFolder, Transaction


@dataclass(frozen=True)
class Leaving:
    """A withdrawn participant and the sessions their calendar should drop."""

    person: Participant
    sessions: tuple[SessionEvent, ...]


def invitation_path(path: Path, number: int) -> Path:
    """`<stem>-session-N.ics` next to `path` (`<stem>.ics`)."""
    return path.with_name(f"{path.stem}-session-{number}.ics")


def cancellation_path(path: Path, number: int) -> Path:
    """`<stem>-session-N-cancel.ics` next to `path` (`<stem>.ics`)."""
    return path.with_name(f"{path.stem}-session-{number}-cancel.ics")


def participant_files(
    folder: DataFolder,
    tx: Transaction,
    events: CohortEvents,
    directory: Path,
    *,
    cancel: bool,
    today: date,
    stamp: datetime,
) -> tuple[CohortEvents, list[Leaving]]:
    """Queue in `tx` every file of DIR for `events`' cohort, and the removal of the ones
    they replace. Returns the events (with the uninvitations recorded, when written) and
    the withdrawn participants who have sessions to drop."""
    from learncli.domain.calendar import sessions_to_drop
    from learncli.names import file_names
    from learncli.render.ics import cancel_ics, invitations, withdrawal_ics
    from learncli.store.calendar_state import uninvited_events

    names = file_names([person.email for person in events.cohort.participants])
    numbers = [event.number for event in events.events]
    for person in events.cohort.registered:
        own = directory / f"{names[person.email]}.ics"
        tx.remove(own)  # every session in one request, as earlier versions wrote it
        for number, data in invitations(events, person, stamp=stamp):
            tx.output(invitation_path(own, number), data)
            tx.remove(cancellation_path(own, number))  # they had been uninvited, and are back
        if cancel:
            for event in events.cancelled:
                tx.output(cancellation_path(own, event.number), cancel_ics(events, event.number, person, stamp=stamp))
                tx.remove(invitation_path(own, event.number))

    leaving = [Leaving(p, sessions_to_drop(events, p, today)) for p in events.cohort.withdrawn_people]
    leaving = [entry for entry in leaving if entry.sessions]
    if not cancel:
        return events, leaving
    for entry in leaving:
        person, own = entry.person, directory / f"{names[entry.person.email]}.ics"
        going_on = [event.number for event in entry.sessions if not event.cancelled]
        events = uninvited_events(folder, tx, events, person.email, going_on)
        tx.remove(own)
        for number in numbers:
            tx.remove(invitation_path(own, number))
        for event in entry.sessions:
            write = cancel_ics if event.cancelled else withdrawal_ics
            tx.output(cancellation_path(own, event.number), write(events, event.number, person, stamp=stamp))
    return events, leaving
