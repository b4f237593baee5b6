"""Update emails: after sessions move, are cancelled or are added, who hears what.

Pure: the cohort's events (each with its current SEQUENCE, `store.calendar_state`) and
the send log's records in; update drafts out.

What a person knows is what their sent joining and update emails told them: each log
line of those kinds records, per session, the SEQUENCE and the date and times it carried
(`LoggedMessage.told`). A joining line from before that was recorded counts as every
session at SEQUENCE 0, its dates unknown. Their update lists every session whose
SEQUENCE is now higher than what they know, or that they have never heard of:

* moved (the date or times differ from what they were told), or changed (the theme, the
  Zoom details): the new invitation is attached (METHOD:REQUEST);
* cancelled: the cancellation is attached (METHOD:CANCEL);
* added (new to them) or reinstated (cancelled when they were told): an invitation.

A session they never heard of that is already cancelled is left out. Only registered
people who were sent the joining email get an update: someone still to be sent it will
read the current dates there; waiting and withdrawn people get none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any, Literal

from learncli.models.email_log import ToldSession

if TYPE_CHECKING:
    from learncli.domain.calendar import CohortEvents, SessionEvent
    from learncli.domain.emails import EmailPlan, _Base
    from learncli.models.cohort import Participant
    from learncli.models.email_log import LoggedMessage

ChangeKind = Literal["moved", "changed", "cancelled", "added", "reinstated"]
CANCELLED = " cancelled"


@dataclass(frozen=True)
class Change:
    """One session, as one person's update tells of it."""

    number: int
    kind: ChangeKind
    event: SessionEvent
    #: The date and times they were told before, when known (`SessionEvent.when`).
    before: str | None = None

    @property
    def invitation(self) -> bool:
        """Attach a new invitation (else a cancellation)."""
        return self.kind != "cancelled"


def told_of(events: CohortEvents, numbers: Iterable[int] | None = None) -> dict[int, ToldSession]:
    """What an email carrying these sessions (all of them by default) tells its reader."""
    wanted = None if numbers is None else set(numbers)
    return {e.number: ToldSession(sequence=e.sequence, when=e.when) for e in events.events if wanted is None or e.number in wanted}


def known(records: Iterable[LoggedMessage], person: Participant, events: CohortEvents) -> dict[int, ToldSession] | None:
    """What the sent joining and update emails told `person` (under any of their
    addresses), the latest word on each session winning; None if no joining email went."""
    addresses = set(person.emails)
    merged: dict[int, ToldSession] | None = None
    for record in records:
        if record.to not in addresses or record.status != "sent" or record.kind not in ("joining", "update"):
            continue
        if record.kind == "joining":
            merged = merged or {}
            told = record.told or {e.number: ToldSession(sequence=0) for e in events.events}
        elif merged is None:
            continue
        else:
            told = record.told
        for number, session in told.items():
            before = merged.get(number)
            if before is None or session.sequence >= before.sequence:
                merged[number] = session
    return merged


def changes(events: CohortEvents, knows: Mapping[int, ToldSession]) -> list[Change]:
    """The sessions whose event is newer than what `knows` holds, in session order."""
    found: list[Change] = []
    for event in events.events:
        told = knows.get(event.number)
        if told is None:
            if not event.cancelled:
                found.append(Change(event.number, "added", event))
            continue
        if event.sequence <= told.sequence:
            continue
        was_cancelled = bool(told.when and told.when.endswith(CANCELLED))
        if event.cancelled:
            if not was_cancelled:
                found.append(Change(event.number, "cancelled", event, told.when))
        elif was_cancelled:
            found.append(Change(event.number, "reinstated", event, told.when))
        elif told.when is not None and told.when != event.when:
            found.append(Change(event.number, "moved", event, told.when))
        else:  # the theme or the Zoom details, or dates they were never told (an old log line)
            found.append(Change(event.number, "changed", event, told.when))
    return found


def plan_updates(plan: EmailPlan, base: _Base, people: list[Participant], events: CohortEvents, records: list[LoggedMessage]) -> None:
    """Fill `plan` with one update draft per person who has something new to hear."""
    from learncli.domain.emails import Draft, Skip

    for person in people:
        knows = known(records, person, events)
        if knows is None:
            plan.skipped.append(Skip(person.email, person.name, "not sent the joining email yet (it will have the current dates)"))
            continue
        found = changes(events, knows)
        if not found:
            plan.skipped.append(Skip(person.email, person.name, "nothing changed since their last email"))
            continue
        context = base.context(person)
        context["changes"] = [_change_values(c, base) for c in found]
        told = told_of(events, (c.number for c in found))
        plan.drafts.append(Draft("update", base.cohort.id, None, person, context, told=tuple(told.items())))


def _change_values(change: Change, base: _Base) -> dict[str, Any]:
    values: dict[str, Any] = {"kind": change.kind, "number": change.number, "before": _when_values(change.before)}
    slot = base.times[change.number - 1]
    values["session"] = base.session_values(slot)
    return values


def _when_values(when: str | None) -> dict[str, Any] | None:
    """`2026-09-23 09:30-12:30 Europe/London` as a date and two times, for the templates."""
    if not when:
        return None
    try:
        day, hours = when.split()[:2]
        start, end = hours.split("-")
        return {"date": date.fromisoformat(day), "start": time.fromisoformat(start), "end": time.fromisoformat(end)}
    except ValueError:
        return None


__all__ = ["Change", "changes", "known", "plan_updates", "told_of"]
