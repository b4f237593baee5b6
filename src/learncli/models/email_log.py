"""`email-log/<cohort>.yaml`: every email `learn email send` has tried to send.

Kept by `learn email send`, committed with the data. One record per attempt: written
with `status: sending` before the message goes to the SMTP server, and changed to `sent`
(the server accepted it) or `failed` (the server refused it, or the connection was lost
before the message was handed over) afterwards. A record still `sending` after a run
means the run stopped in between: the message may have gone, so it is not sent again
unless asked (`--resend`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from learncli.models.calendar_state import SequenceNumber
from learncli.models.types import Email, Id, Line, SessionNumber, StrictModel, invalid, kind_of

#: "waiting-list" is what `email send joining` sends to people on the waiting list.
EmailKind = Literal["joining", "reminder", "payment-reminder", "follow-up", "update", "waiting-list"]
EMAIL_KINDS: tuple[str, ...] = ("joining", "reminder", "payment-reminder", "follow-up", "update")
#: What identifies one message: kind, session, recipient and, for an update, which
#: (session, SEQUENCE) pairs it tells of ("" for every other kind).
MessageKey = tuple[str, int | None, str, str]
SendStatus = Literal["sending", "sent", "failed"]


def _stamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise invalid("'{value}' is not a date and time such as 2026-09-16T10:02:11+01:00", value=value) from None
    else:
        raise invalid("expected a date and time, got {kind}", kind=kind_of(value))
    if moment.tzinfo is None:
        raise invalid("'{value}' has no UTC offset (write it like 2026-09-16T10:02:11+01:00)", value=str(value))
    return moment


Stamp = Annotated[datetime, BeforeValidator(_stamp)]


class ToldSession(StrictModel):
    """What a joining or update email told its reader about one session."""

    #: The calendar event's SEQUENCE the email carried (see calendar-state/).
    sequence: SequenceNumber
    #: The date and times it gave, as `2026-09-23 09:30-12:30 Europe/London` (plus
    #: ` cancelled`), to say later what a session moved from.
    when: Line | None = None


def update_version(kind: str, told: Mapping[int, int]) -> str:
    """`5.2,6.1` for an update telling of session 5 at SEQUENCE 2 and 6 at 1; "" for the
    other kinds. The same change is the same message; a further change is a new one."""
    if kind != "update":
        return ""
    return ",".join(f"{number}.{sequence}" for number, sequence in sorted(told.items()))


class LoggedMessage(StrictModel):
    """One attempt to send one message to one person."""

    kind: EmailKind
    #: The session a reminder or follow-up is about; none for joining and payment reminders.
    session: SessionNumber | None = None
    to: Email
    #: Who had a copy (the billing contact of a payment reminder), if anyone.
    cc: list[Email] = Field(default_factory=list)
    status: SendStatus
    message_id: Line
    started: Stamp
    finished: Stamp | None = None
    subject: Line | None = None
    #: Why it failed, as the server or the network said it (never a password).
    error: Line | None = None
    #: Joining and update emails: each session they told of, by number. A joining line
    #: written before this was recorded counts as every session at SEQUENCE 0.
    told: dict[SessionNumber, ToldSession] = Field(default_factory=dict)

    @property
    def key(self) -> MessageKey:
        """What makes two attempts "the same message" (see `update_version`)."""
        told = {number: t.sequence for number, t in self.told.items()}
        return (self.kind, self.session, self.to, update_version(self.kind, told))


class EmailLog(StrictModel):
    version: Literal[1] = 1
    cohort: Id
    messages: list[LoggedMessage] = Field(default_factory=list)
