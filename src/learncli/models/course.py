"""`courses.yaml`: the organisation's settings, its facilitators and its courses."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, field_validator, model_validator

from learncli.diagnostics import Diagnostic

from learncli.models.types import (
    Capacity,
    Code,
    Currency,
    Date,
    Email,
    Id,
    Line,
    Money,
    Percent,
    Ratio,
    StrictModel,
    Text,
    Time,
    TimeZone,
    Url,
    invalid,
)

def _prefix(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,14}[A-Za-z0-9])?", value):
        raise invalid("an invoice prefix is 1 to 16 letters, digits, '-' or '_', such as LWL")
    return value


Prefix = Annotated[str, BeforeValidator(_prefix)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Issuer(StrictModel):
    """Who invoices: printed at the top of every invoice."""

    name: Line
    address: list[Line] = Field(default_factory=list)
    email: Email
    phone: Line | None = None
    website: Url | None = None
    company_number: Code | None = None
    vat_number: Code | None = None


class BankDetails(StrictModel):
    account_name: Line
    bank: Line | None = None
    sort_code: Code | None = None
    account_number: Code | None = None
    iban: Code | None = None
    bic: Code | None = None


class Invoicing(StrictModel):
    prefix: Prefix = "INV"
    number_format: Line = "{prefix}-{year}-{series}{seq:04d}"
    #: Payment must be received this many days before the first session.
    payment_terms_days: int = Field(14, ge=0, le=365)
    vat_rate: Percent | None = None
    bank: BankDetails | None = None
    card_payment_url: Url | None = None
    footer: Text | None = None
    #: This clone's invoice series: from the repository's config (`learn git install
    #: --series`), never from courses.yaml, which every clone shares.
    _series: str = PrivateAttr(default="")

    @property
    def series(self) -> str:
        return self._series
    #: Where `number_format` is written (path, line, column), when the settings were read
    #: from a file: a problem with the series it makes is reported there.
    _format_at: tuple[str, int, int] | None = PrivateAttr(default=None)

    def format_diagnostics(self, code: str, message: str) -> list[Diagnostic]:
        """`message` at the number format, or nothing when the settings came from no file."""
        if self._format_at is None:
            return []
        path, line, col = self._format_at
        return [Diagnostic.make(code, message, path, line, col)]

    @field_validator("number_format")
    @classmethod
    def _format_is_usable(cls, value: str) -> str:
        from learncli.limits import number_format_problem

        problem = number_format_problem(value)
        if problem:
            raise invalid("number_format '{fmt}': {reason}", fmt=value, reason=problem)
        return value


class AccountsSettings(StrictModel):
    """How `learn export xero` codes the sales: the account and the tax rate as the
    organisation's Xero names them."""

    #: Xero's default chart of accounts has 200 Sales.
    account_code: Code = "200"
    #: The tax rate's display name in Xero; by default "No VAT", or "20% (VAT on
    #: Income)" (with the rate) when the organisation charges VAT.
    tax_type: Line | None = None


class Holiday(StrictModel):
    date: Date
    name: Line


class HolidayRules(StrictModel):
    """Public holidays come from the `holidays` package for a country and region."""

    country: Code = "GB"
    #: For GB: ENG (England), WLS (Wales), SCT (Scotland), NIR (Northern Ireland).
    subdivision: Code | None = "ENG"
    #: Further days off (closures, facilitators' leave): treated like public holidays.
    extra: list[Holiday] = Field(default_factory=list)


class CalendarSettings(StrictModel):
    alarm_minutes: int = Field(30, ge=0, le=10080)


class EmailSettings(StrictModel):
    reply_to: Email | None = None
    signature: Text | None = None


class Facilitator(StrictModel):
    id: Id
    name: Line
    email: Email
    organisation: Line | None = None
    #: Names this person shows under in Zoom reports, so imports can skip them.
    aliases: list[Line] = Field(default_factory=list)


class Contribution(StrictModel):
    """Part of each fee passed on to another body (for example the HLS Collaborative)."""

    amount: Money
    recipient: Line
    note: Text | None = None


class Scheduling(StrictModel):
    every_days: int = Field(14, ge=1, le=366)
    min_gap_days: int = Field(7, ge=0, le=366)
    max_span_days: int = Field(98, ge=1, le=3660)
    weekday: Weekday | None = None


class AttendanceRules(StrictModel):
    """How minutes in a Zoom report become a status."""

    late_after_minutes: int = Field(10, ge=0, le=600)
    left_early_minutes: int = Field(10, ge=0, le=600)
    absent_below: Ratio = Fraction(1, 3)


class Course(StrictModel):
    id: Id
    title: Line
    summary: Text | None = None
    themes: list[Line] = Field(min_length=1)
    start: Time
    end: Time
    fee: Money
    currency: Currency = "GBP"
    contribution: Contribution | None = None
    capacity: Capacity | None = None
    facilitators: list[Id] = Field(default_factory=list)
    scheduling: Scheduling = Field(default_factory=Scheduling)
    attendance: AttendanceRules = Field(default_factory=AttendanceRules)

    @property
    def session_count(self) -> int:
        return len(self.themes)

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Course:
        if self.end <= self.start:
            raise invalid("end ({end}) must be after start ({start})", end=self.end.strftime("%H:%M"), start=self.start.strftime("%H:%M"))
        return self


def _month_day(value: object) -> str:
    text = str(value).strip()
    match = re.fullmatch(r"(\d{2})-(\d{2})", text)
    if not match or not 1 <= int(match[1]) <= 12 or not 1 <= int(match[2]) <= (29 if match[1] == "02" else 30 if match[1] in ("04", "06", "09", "11") else 31):
        raise invalid("'{value}' is not a day of the year as MM-DD, such as 03-31", value=text)
    return text


class Retention(StrictModel):
    """How long personal data is kept (see `learn participant purge`)."""

    #: Months after a cohort's last session that its people's data is kept.
    people_months: int = Field(24, ge=0, le=1200)
    #: Years after the end of an invoice's financial year that the ledger keeps its names.
    ledger_years: int = Field(6, ge=0, le=100)
    #: The last day of the financial year, as MM-DD.
    financial_year_end: Annotated[str, BeforeValidator(_month_day)] = "03-31"


class Config(StrictModel):
    """The whole of `courses.yaml`."""

    organisation: Issuer
    timezone: TimeZone = "Europe/London"
    holidays: HolidayRules = Field(default_factory=HolidayRules)
    invoicing: Invoicing = Field(default_factory=Invoicing)
    accounts: AccountsSettings = Field(default_factory=AccountsSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    facilitators: list[Facilitator] = Field(default_factory=list)
    courses: list[Course] = Field(default_factory=list)
    retention: Retention = Field(default_factory=Retention)

    def course(self, course_id: str) -> Course | None:
        return next((c for c in self.courses if c.id == course_id), None)

    def facilitator(self, facilitator_id: str) -> Facilitator | None:
        return next((f for f in self.facilitators if f.id == facilitator_id), None)

    @property
    def vat_rate(self) -> Decimal | None:
        """The VAT rate invoices charge: only when the organisation gives a VAT number and a rate."""
        return self.invoicing.vat_rate if self.organisation.vat_number else None

    def invoice_total(self, course: Course) -> Decimal:
        """What one participant's invoice for `course` comes to: its fee, and VAT if any."""
        from learncli.models.invoice import vat_amount

        rate = self.vat_rate
        return course.fee + (vat_amount(course.fee, rate) if rate is not None else Decimal(0))

    def money_problems(self) -> list[tuple[tuple[Any, ...], str]]:
        """(where, why) for each course whose invoice would come to more than any amount
        learn accepts: each fee is within the bound, but the fee and VAT together may not be."""
        from learncli.limits import MAX_AMOUNT, beyond

        out = []
        for index, course in enumerate(self.courses):
            total = self.invoice_total(course)
            if beyond(total, MAX_AMOUNT):
                out.append((
                    ("courses", index, "fee"),
                    f"fee {course.fee:,} plus {self.vat_rate}% VAT comes to {total:,}, more than any amount "
                    f"learn accepts (at most {MAX_AMOUNT:,}): no invoice could be issued",
                ))
        return out
