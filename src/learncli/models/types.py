"""Field types shared by every model: what a value in a hand-written file may look like.

Each type is an `Annotated` alias with a before-validator, so the models stay strict
(no silent coercion of `NO` to a string or of `1.1` to money) while accepting the forms
people actually type: `9:30` and `"09:30"` for a time, `2026-04-14` quoted or not for a
date, `575` or `575.00` for money, an unquoted number for a PO.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, BaseModel, Field
from pydantic_core import PydanticCustomError

from learncli.limits import (
    MAX_AMOUNT,
    MAX_CAPACITY,
    MAX_FRACTION_CHARS,
    MAX_MINUTES,
    MAX_SEQUENCE,
    MAX_SESSION_NUMBER,
    amount_problem,
    beyond,
    date_problem,
    shown,
)
from learncli.names import ID_PATTERN

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029]")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_URL_RE = re.compile(r"^https?://[^\s<>\"']+$")
# A fraction as people write one: 1/3, 0.33, 33%, 33.3 % (no exponents: `1e-999999999`
# is a valid Fraction that takes for ever to build).
_FRACTION_RE = re.compile(r"^\s*(\d{1,9}\s*/\s*\d{1,9}|\d{0,9}(\.\d{1,9})?\s*%?)\s*$")


class StrictModel(BaseModel):
    """Base of every file model: unknown keys are errors; no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=False, frozen=False)


def invalid(message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError("learn_invalid", message, ctx or None)


def _text(value: Any, *, single_line: bool) -> str:
    if not isinstance(value, str):
        raise invalid("expected text, got {kind}", kind=kind_of(value))
    if single_line and _LINE_BREAK.search(value):
        raise invalid("must be on one line (no line breaks)")
    if _CONTROL.search(value.replace("\n", "").replace("\t", "")):
        raise invalid("contains a control character")
    return value.strip() if single_line else value


def kind_of(value: Any) -> str:
    """How a YAML value is described to a person."""
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, int):
        return f"a whole number ({shown(value)})"
    if isinstance(value, (Decimal, float)):
        return f"a number ({shown(value)})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if value is None:
        return "nothing (empty)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _line(value: Any) -> str:
    text = _text(value, single_line=True)
    if not text:
        raise invalid("must not be empty")
    return text


def _code(value: Any) -> str:
    # Reference numbers (PO, meeting id, account number) are often typed unquoted.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return _line(value)


def _identifier(value: Any) -> str:
    if not isinstance(value, str):
        raise invalid("expected an id (text), got {kind}", kind=kind_of(value))
    if not ID_PATTERN.match(value):
        raise invalid(
            "'{value}' is not a valid id: use lower-case letters, digits, '-' and '_' "
            "(at most 64, starting and ending with a letter or digit)",
            value=value,
        )
    return value


def _email(value: Any) -> str:
    if not isinstance(value, str):
        raise invalid("expected an email address, got {kind}", kind=kind_of(value))
    normalized, reason = _checked_email(value.strip())
    if normalized is None:
        raise invalid("'{value}' is not a valid email address: {reason}", value=value, reason=reason)
    return normalized


@lru_cache(maxsize=1 << 20)
def _checked_email(value: str) -> tuple[str | None, str]:
    """(normalised address, "") or (None, why not). Cached: the ledger repeats addresses
    thousands of times, and each check costs about 0.1 ms. Room for a million: a folder
    of 5,000 cohorts has over 100,000 people, and a smaller cache, read through from the
    first cohort to the last ledger file, forgets each address before it comes round again."""
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, str(exc)
    # Addresses identify people across files; compare them in one case.
    return result.normalized.lower(), ""


def parse_date(value: Any) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()) if len(value.strip()) == 10 else _bad_date(value)
        except ValueError:
            return _bad_date(value)
    if isinstance(value, date):
        problem = date_problem(value)
        if problem:
            raise invalid(problem)
        return value
    raise invalid("expected a date (YYYY-MM-DD), got {kind}", kind=kind_of(value))


def _bad_date(value: str) -> date:
    raise invalid("'{value}' is not a date; write YYYY-MM-DD, for example 2026-04-14", value=value)


def parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        match = _TIME_RE.match(value.strip())
        if match:
            return time(int(match.group(1)), int(match.group(2)))
        raise invalid("'{value}' is not a time; write HH:MM, for example 09:30", value=value)
    raise invalid("expected a time (HH:MM), got {kind}", kind=kind_of(value))


def parse_money(value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise invalid("expected an amount such as 575.00, got {kind}", kind=kind_of(value))
    if isinstance(value, int):
        value = Decimal(value) if not beyond(value, MAX_AMOUNT) else value
    elif isinstance(value, str):
        try:
            value = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise invalid("{value} is not an amount; write it like 575.00", value=shown(value)) from None
    if isinstance(value, int):  # too large to be worth converting
        raise invalid(amount_problem(value) or "")
    if not isinstance(value, Decimal):
        raise invalid("expected an amount such as 575.00, got {kind}", kind=kind_of(value))
    if not value.is_finite():
        raise invalid("an amount must be a finite number")
    problem = amount_problem(value)
    if problem:
        raise invalid(problem)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise invalid("{value} has more than two decimal places", value=str(value))
    return value.quantize(Decimal("0.01"))


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise invalid("an amount must not be negative")
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise invalid("expected a number, got {kind}", kind=kind_of(value))
    number: Decimal | None = None
    if isinstance(value, int) and beyond(value, MAX_SEQUENCE):
        raise invalid("{value} is not a number learn can use here", value=shown(value))
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str) and len(value) <= 40:
        try:
            number = Decimal(value.strip().rstrip("%"))
        except InvalidOperation:
            pass
    if number is None:
        raise invalid("expected a number, got {kind}", kind=kind_of(value))
    if not number.is_finite() or beyond(number, MAX_SEQUENCE):
        raise invalid("{value} is not a number learn can use here", value=shown(value))
    return number


def _fraction(value: Any) -> Fraction:
    """`1/3`, `0.33` or `33%`."""
    if isinstance(value, bool) or isinstance(value, float):
        raise invalid("expected a fraction such as 1/3, got {kind}", kind=kind_of(value))
    result: Fraction | None = None
    try:
        if isinstance(value, str):
            if len(value) <= MAX_FRACTION_CHARS and _FRACTION_RE.match(value):
                text = value.strip()
                result = Fraction(text[:-1].strip()) / 100 if text.endswith("%") else Fraction(text.replace(" ", ""))
        elif isinstance(value, int):
            result = Fraction(value) if not beyond(value, MAX_SEQUENCE) else None
        elif isinstance(value, Decimal):
            # Only what a person writes: at most nine digits either side of the point.
            exponent = value.as_tuple().exponent
            if value.is_finite() and not beyond(value, MAX_SEQUENCE) and isinstance(exponent, int) and exponent >= -9:
                result = Fraction(value)
        elif isinstance(value, Fraction):
            result = value
    except (ValueError, ZeroDivisionError):
        result = None
    if result is None or not 0 <= result <= 1:
        raise invalid("expected a fraction between 0 and 1, such as 1/3 or 33%")
    return result


def _url(value: Any) -> str:
    text = _line(value)
    if not _URL_RE.match(text):
        raise invalid("'{value}' is not a web address starting with https://", value=text)
    return text


@lru_cache(maxsize=32)
def known_zone(name: str) -> bool:
    """True when `name` is a time zone of the zone database (Europe/London)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _timezone(value: Any) -> str:
    text = _line(value)
    if not known_zone(text):
        raise invalid("'{value}' is not a time zone name such as Europe/London", value=text)
    return text


def _currency(value: Any) -> str:
    text = _line(value)
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise invalid("'{value}' is not a currency code such as GBP", value=text)
    return text


def _percent(value: Decimal) -> Decimal:
    if not 0 <= value <= 100:
        raise invalid("a rate is a percentage between 0 and 100")
    return value


Line = Annotated[str, BeforeValidator(_line)]
"""One line of text: no line breaks or control characters (safe for headers and .ics)."""
Text = Annotated[str, BeforeValidator(lambda v: _text(v, single_line=False))]
"""Free text that may span lines."""
Code = Annotated[str, BeforeValidator(_code)]
"""A reference such as a PO or meeting number; an unquoted number is taken as written."""
Id = Annotated[str, BeforeValidator(_identifier)]
Email = Annotated[str, BeforeValidator(_email)]
Date = Annotated[date, BeforeValidator(parse_date)]
Time = Annotated[time, BeforeValidator(parse_time)]
Money = Annotated[Decimal, BeforeValidator(parse_money), AfterValidator(_non_negative)]
SignedMoney = Annotated[Decimal, BeforeValidator(parse_money)]
Number = Annotated[Decimal, BeforeValidator(_decimal)]
Percent = Annotated[Decimal, BeforeValidator(_decimal), AfterValidator(_percent)]
Ratio = Annotated[Fraction, BeforeValidator(_fraction)]
Url = Annotated[str, BeforeValidator(_url)]
TimeZone = Annotated[str, BeforeValidator(_timezone)]
Currency = Annotated[str, BeforeValidator(_currency)]
SessionNumber = Annotated[int, Field(ge=1, le=MAX_SESSION_NUMBER)]
"""A session's number in its cohort, counting from 1."""
Capacity = Annotated[int, Field(ge=1, le=MAX_CAPACITY)]
"""The places on a course or cohort."""
Minutes = Annotated[int, Field(ge=0, le=MAX_MINUTES)]
"""Minutes of one session attended: at most a day's."""
