"""Personal data: how long it is kept, and what erasing someone leaves behind.

Erasing a person (`learn participant forget`, `purge`) takes their entry, marks and
commitments out of the cohort file and counts them instead (`forgotten:`), so the
cohort's figures stay the same without naming anyone. Their invoices stay in the ledger,
names and all, until the ledger's retention ends; then `purge` reduces each to what the
accounts need. Nothing here reads or writes a file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from learncli.models.cohort import Cohort, Forgotten, Participant
from learncli.models.course import Retention

#: What a name or address becomes in a comment or a payment reference.
ERASED = "[erased]"
#: The name an invoice reduced by `purge` keeps; its address is `<number>@erased.example`
#: (a reserved domain: never anyone's, and unique per invoice).
ERASED_NAME = "(erased)"
ERASED_DOMAIN = "erased.example"


def ledger_kept_until(issued: date, retention: Retention) -> date:
    """The last day the ledger must keep an invoice issued on `issued` as it is: the end of
    its financial year plus `ledger_years` years."""
    month, day = (int(part) for part in retention.financial_year_end.split("-"))
    year_end = _on(issued.year, month, day)
    if year_end < issued:
        year_end = _on(issued.year + 1, month, day)
    return _on(year_end.year + retention.ledger_years, month, day)


def people_kept_until(cohort: Cohort, retention: Retention) -> date:
    """The last day a cohort's people are kept: `people_months` after its last session."""
    last = cohort.last_date
    months = last.month - 1 + retention.people_months
    return _on(last.year + months // 12, months % 12 + 1, last.day)


def retention_cutoff(today: date, retention: Retention) -> date:
    """The `--before` date that purges exactly the cohorts kept past their retention."""
    months = today.year * 12 + today.month - 1 - retention.people_months
    return _on(months // 12, months % 12 + 1, today.day)


def _on(year: int, month: int, day: int) -> date:
    """That day, or the last of the month when it has fewer days (29 February)."""
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def erased_email(number: str) -> str:
    return f"{number.lower()}@{ERASED_DOMAIN}"


def is_erased(email: str) -> bool:
    return email.endswith("@" + ERASED_DOMAIN)


@dataclass(frozen=True)
class Identity:
    """What identifies one person in text: their addresses and the words of their names."""

    emails: frozenset[str]
    names: frozenset[str]

    @property
    def words(self) -> frozenset[str]:
        """Each capitalised word of three letters or more of their names: `Ann`, `O'Neil`."""
        found = {w for name in self.names for w in re.findall(r"[^\W\d_][\w'’-]*", name) if len(w) >= 3 and w[0].isupper()}
        return frozenset(found)


def identity(person: Participant) -> Identity:
    emails = {*person.emails, *([person.billing_email] if person.billing_email else [])}
    names = {person.name, person.prose_name, *person.aliases}
    return Identity(frozenset(e.lower() for e in emails), frozenset(names))


def joined(people: Iterable[Identity]) -> Identity:
    people = list(people)
    return Identity(frozenset().union(*(p.emails for p in people)), frozenset().union(*(p.names for p in people)))


def redact(text: str, who: Identity) -> str:
    """`text` with each of `who`'s addresses and name words replaced by [erased]."""
    for email in sorted(who.emails, key=len, reverse=True):
        text = re.sub(re.escape(email), ERASED, text, flags=re.IGNORECASE)
    words = sorted(who.words, key=len, reverse=True)
    if words:
        text = re.sub(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w’-])", ERASED, text, flags=re.IGNORECASE)
    return text


def redact_comments(yaml_text: str, who: Identity) -> str:
    """A YAML file's text with `who` erased from its comments (values are left alone)."""
    lines = []
    for line in yaml_text.splitlines(keepends=True):
        start = _comment_start(line)
        lines.append(line if start is None else line[:start] + redact(line[start:], who))
    return "".join(lines)


def _comment_start(line: str) -> int | None:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or line[index - 1] in " :[{,-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


def counts_of(cohort: Cohort, people: list[Participant]) -> Forgotten:
    """What the erased `people` add to the cohort's figures: their marks and commitments,
    counted; their invoices are added by the caller, from the ledger."""
    emails = {e for p in people for e in p.emails}
    attendance = {
        number: dict(Counter(mark.status for email, mark in marks.items() if email in emails))
        for number, marks in cohort.attendance.items()
    }
    commitments = Counter(c.status for c in cohort.commitments if c.email in emails)
    return Forgotten(
        people=len(people),
        attendance={n: counts for n, counts in attendance.items() if counts},
        commitments=dict(commitments),
    )


def add_forgotten(before: Forgotten | None, more: Forgotten, invoices: Iterable[str]) -> dict[str, Any]:
    """The `forgotten:` mapping after adding `more` (and `invoices`) to `before`."""
    before = before or Forgotten()
    attendance: dict[int, Counter[str]] = {n: Counter(c) for n, c in before.attendance.items()}
    for number, counts in more.attendance.items():
        attendance.setdefault(number, Counter()).update(counts)
    commitments = Counter(before.commitments) + Counter(more.commitments)
    numbers = [*before.invoices, *(n for n in invoices if n not in before.invoices)]
    out: dict[str, Any] = {"people": before.people + more.people}
    if attendance:
        out["attendance"] = {n: dict(sorted(attendance[n].items())) for n in sorted(attendance)}
    if commitments:
        out["commitments"] = dict(sorted(commitments.items()))
    if numbers:
        out["invoices"] = numbers
    return out


def reduced_invoice(entry: dict[str, Any]) -> dict[str, Any]:
    """The values an invoice keeps once its retention is over: number, dates, amounts,
    cohort; the people it named are replaced and the PO and note dropped (None)."""
    number = str(entry["invoice"])
    return {
        "participant": erased_email(number),
        "participant_name": ERASED_NAME,
        "bill_to": {"name": ERASED_NAME, "email": erased_email(number)},
        "po": None,
        "note": None,
    }


def invoice_identity(entry: dict[str, Any]) -> Identity:
    """Who an invoice in the ledger names (for its payments' references and comments)."""
    bill = entry.get("bill_to") or {}
    emails = {str(v).lower() for v in (entry.get("participant"), bill.get("email")) if v and not is_erased(str(v))}
    names = {str(v) for v in (entry.get("participant_name"),) if v and str(v) != ERASED_NAME}
    return Identity(frozenset(emails), frozenset(names))
