"""What learn accepts, bounded by what the values mean.

A course runs within a human lifetime; a fee is not 10^30 pounds; an invoice sequence is not
ten digits long. Values past these bounds are typing slips or attacks, and every one of them
once crashed or hung a command somewhere deep (date arithmetic past year 9999, `quantize`
past 28 digits, `Fraction` of a huge exponent, a gap check that listed ten billion
numbers). They are refused where they enter, with the place they were written.
"""

from __future__ import annotations

import string
from datetime import date
from decimal import Decimal

#: Dates learn works with: far enough either side of any course, and far enough inside
#: `date`'s own range that adding a year of sessions or a clock-change search never
#: overflows it.
MIN_DATE = date(1970, 1, 1)
MAX_DATE = date(9000, 12, 31)

#: The largest amount of money in any field: a billion less a penny.
MAX_AMOUNT = Decimal("999999999.99")

#: The largest invoice or credit-note sequence number (nine digits).
MAX_SEQUENCE = 999_999_999

#: The longest gap between sessions that `cohort add --every` accepts: a year.
MAX_EVERY_DAYS = 366

#: A fraction setting (`1/3`, `0.33`, `33%`) is short; longer text is not a share of anything.
MAX_FRACTION_CHARS = 24

#: The fields a `number_format` may use, and the format specs each accepts.
NUMBER_FIELDS = ("prefix", "year", "series", "seq")


def date_problem(value: date) -> str | None:
    """Why `value` is outside the dates learn supports, or None."""
    if MIN_DATE <= value <= MAX_DATE:
        return None
    return f"{value.isoformat()} is outside the dates learn works with ({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})"


def amount_problem(value: Decimal) -> str | None:
    """Why an amount is too large to be money, or None."""
    if abs(value) <= MAX_AMOUNT:
        return None
    return f"{value} is larger than any amount learn accepts (at most {MAX_AMOUNT:,})"


def _spec_problem(field: str, spec: str) -> str | None:
    """Only zero padding to a width below ten for numbers; nothing but `s` for the prefix."""
    if field in ("prefix", "series"):
        return None if spec in ("", "s") else f"{{{field}}} takes no format spec (found {{{field}:{spec}}})"
    if spec == "":
        return None
    body = spec[:-1] if spec.endswith("d") else spec
    if body.startswith("0"):
        body = body[1:]
    if body == "" or (len(body) == 1 and body in "123456789"):
        return None
    return f"{{{field}:{spec}}} is not allowed: write {{{field}}} or pad with zeros to a width from 1 to 9, such as {{{field}:04d}}"


def number_format_problem(fmt: str) -> str | None:
    """Why `fmt` is not a number format learn can fill in, or None.

    A number format is text with the fields {prefix}, {year}, {series} (this clone's
    invoice series, empty when none is set) and {seq}: {seq} must appear,
    {year} and {seq} may be zero-padded ({seq:04d}), and nothing else is allowed: no
    attribute or index access, no conversions (!r), no nested specs, no control characters.
    """
    try:
        parts = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        return f"{fmt!r} is not a format: {exc} (write braces as {{{{ and }}}})"
    seen: set[str] = set()
    for literal, field, spec, conversion in parts:
        if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in literal):
            return "the format contains a control character"
        if field is None:
            continue
        if field not in NUMBER_FIELDS:
            known = ", ".join("{" + name + "}" for name in NUMBER_FIELDS)
            return f"{{{field}}} is not a field of an invoice number; use {known}"
        if conversion is not None:
            return f"{{{field}!{conversion}}}: conversions are not allowed"
        if spec and ("{" in spec or "}" in spec):
            return f"{{{field}:{spec}}}: a format spec cannot contain another field"
        problem = _spec_problem(field, spec or "")
        if problem:
            return problem
        seen.add(field)
    if "seq" not in seen:
        return "the format must contain {seq}, or every invoice would get the same number"
    return None
