"""What learn accepts, bounded by what the values mean.

A course runs within a human lifetime; a fee is not 10^30 pounds; an invoice sequence is not
ten digits long. Values past these bounds are typing slips or attacks, and every one of them
once crashed or hung a command somewhere deep (date arithmetic past year 9999, `quantize`
past 28 digits, `Fraction` of a huge exponent, a gap check that listed ten billion
numbers). They are refused where they enter, with the place they were written.
"""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal
from typing import Any

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

#: Rows of a registration or commitment import. A cohort is a small group: even a
#: course with every place of MAX_CAPACITY taken is registered over several imports, and
#: a file of more rows is another export (a whole mailing list, a year of orders), which
#: would take minutes to diff and write.
MAX_IMPORT_ROWS = 5_000

#: Rows of a Zoom participants report: one per join, and rejoins on a bad connection
#: add a few each; a meeting with thousands of joins is not one cohort's session.
MAX_REPORT_ROWS = 5_000

#: The most places a course or cohort may have (`capacity`).
MAX_CAPACITY = 10_000

#: The most minutes of attendance a session can count: a day.
MAX_MINUTES = 24 * 60

#: The highest session number: a course meets a few dozen times at most.
MAX_SESSION_NUMBER = 999

#: The fields a `number_format` may use, and the format specs each accepts.
NUMBER_FIELDS = ("prefix", "year", "series", "seq")


def date_problem(value: date) -> str | None:
    """Why `value` is outside the dates learn supports, or None."""
    if MIN_DATE <= value <= MAX_DATE:
        return None
    return f"{value.isoformat()} is outside the dates learn works with ({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})"


def beyond(value: Decimal | int, bound: Decimal | int) -> bool:
    """True when the size of `value` (either sign) is past `bound`.

    Worked out without arithmetic: `abs()` of a Decimal rounds in the default context,
    which overflows for exponents past 999,999 (`1e1000000`), while `copy_abs()` and a
    comparison are exact whatever the exponent.
    """
    size = value.copy_abs() if isinstance(value, Decimal) else abs(value)
    return size > bound


def amount_problem(value: Decimal | int) -> str | None:
    """Why an amount is too large to be money, or None."""
    if not beyond(value, MAX_AMOUNT):
        return None
    return f"{shown(value)} is larger than any amount learn accepts (at most {MAX_AMOUNT:,})"


def shown(value: Any, limit: int = 40) -> str:
    """`value` as a message quotes it: at most `limit` characters. A whole number too long
    to be worth printing (or for Python to print: `0x` and 4,000 digits is one) is
    described by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return f"a {value.bit_length() * 30103 // 100000 + 1:,}-digit number"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _spec_problem(field: str, spec: str) -> str | None:
    """{prefix}, {series} and {year} as they are; {seq} as it is or zero-padded to a width from 1 to 9
    ({seq:04d}, {seq:04}). A width without the zero pads with spaces (`LWL-        1`),
    which is no number anyone can type back."""
    if field == "seq":
        if re.fullmatch(r"(0[1-9])?d?", spec):
            return None
        return f"{{seq:{spec}}} is not allowed: write {{seq}} or pad with zeros to a width from 1 to 9, such as {{seq:04d}}"
    if spec == "" or (field in ("prefix", "series") and spec == "s"):
        return None
    return f"{{{field}:{spec}}} is not allowed: write {{{field}}} with no format spec"


def number_format_problem(fmt: str) -> str | None:
    """Why `fmt` is not a number format learn can fill in, or None.

    A number format is text with the fields {prefix}, {year}, {series} (this clone's
    invoice series, empty when none is set) and {seq}: {seq} must appear once and may be
    zero-padded ({seq:04d}), and nothing else is allowed: no
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
        if field == "seq" and "seq" in seen:
            # {seq}{seq:04d} writes 1 as 10001, which no reading of the series gives back.
            return "{seq} may appear only once"
        seen.add(field)
    if "seq" not in seen:
        return "the format must contain {seq}, or every invoice would get the same number"
    return None
