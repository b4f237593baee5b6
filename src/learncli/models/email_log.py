"""`email-log/<cohort>.yaml`: every email `learn email send` has tried to send.

Kept by `learn email send`, committed with the data. One record per attempt: written
with `status: sending` before the message goes to the SMTP server, and changed to `sent`
(the server accepted it) or `failed` (the server refused it, or the connection was lost
before the message was handed over) afterwards. A record still `sending` after a run
means the run stopped in between: the message may have gone, so it is not sent again
unless asked (`--resend`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from learncli.models.types import Email, Id, Line, StrictModel, invalid, kind_of

#: "waiting-list" is what `email send joining` sends to people on the waiting list.
EmailKind = Literal["joining", "reminder", "payment-reminder", "follow-up", "waiting-list"]
EMAIL_KINDS: tuple[str, ...] = ("joining", "reminder", "payment-reminder", "follow-up")
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


class LoggedMessage(StrictModel):
    """One attempt to send one message to one person."""

    kind: EmailKind
    #: The session a reminder or follow-up is about; none for joining and payment reminders.
    session: int | None = Field(None, ge=1)
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

    @property
    def key(self) -> tuple[str, int | None, str]:
        """What makes two attempts "the same message": kind, session and recipient."""
        return (self.kind, self.session, self.to)


class EmailLog(StrictModel):
    version: Literal[1] = 1
    cohort: Id
    messages: list[LoggedMessage] = Field(default_factory=list)
