"""How a person's name reads in a sentence, as against how it is filed.

People's names are often kept in sort form, `O'Neil, Ann`, the way an invoice or a
council's directory writes them. Tables, invoices, calendar attendees and email headers
keep a name exactly as written; a sentence that addresses or names someone (a greeting,
a certificate, the session brief's lists) turns it round: `Ann O'Neil`, `Dear Ann`.

Not every comma marks a sort form. A name is read as `Surname, Given names` only when it
has exactly one comma, there is something on both sides of it, the part after it is not
a suffix or letters after a name (`Smith, Jr.`, `Ann O'Neil, PhD OBE`), and neither part
looks like an organisation (`Northshire County Council, Accounts Payable`). Anything
else is shown as written. A participant's `display_name` overrides all of this.
"""

from __future__ import annotations

import re

#: Words that follow a name after a comma without making it a sort form (compared in
#: lower case, without dots): generational suffixes, degrees, honours.
SUFFIXES = frozenset(
    {
        "jr", "jnr", "sr", "snr", "ii", "iii", "iv", "vi", "vii", "viii", "ix",
        "phd", "dphil", "md", "mba", "msc", "ma", "ba", "bsc", "hons", "llb", "llm", "med", "edd",
        "obe", "mbe", "cbe", "kbe", "dbe", "frs", "frsa", "fcipd", "cipd", "qc", "kc", "esq", "rn", "cpa",
    }
)

#: Words that mark either side of the comma as an organisation or a team, not a person.
ORGANISATION_WORDS = frozenset(
    {
        "ltd", "limited", "plc", "llp", "llc", "inc", "cic", "council", "department", "dept", "team", "office",
        "university", "college", "school", "trust", "nhs", "association", "foundation", "services", "accounts",
        "payable", "finance", "company", "partnership", "group",
    }
)

_NICKNAME = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    """Lower-case words, dots dropped first (`Ph.D.` is `phd`)."""
    return _WORD.findall(text.replace(".", "").lower())


def sort_form(name: str) -> tuple[str, str] | None:
    """(surname, given names) when `name` is written `Surname, Given names`, else None."""
    if name.count(",") != 1:
        return None
    surname, _, given = (part.strip() for part in name.partition(","))
    if not surname or not given:
        return None
    after = _words(given)
    if not after or all(w in SUFFIXES for w in after):
        return None
    if any(w in ORGANISATION_WORDS or w.isdigit() for w in _words(surname) + after):
        return None
    return surname, given


def display_name(name: str) -> str:
    """`Ann O'Neil` for `O'Neil, Ann`; any name that is not in sort form, as written."""
    found = sort_form(name)
    if found is None:
        return name.strip()
    surname, given = found
    return f"{given} {surname}"


def first_name(name: str) -> str:
    """What to call someone in a greeting: `Ann` for `O'Neil, Ann`, `Peggy` for
    `Margaret "Peggy" Lowe`, else the first word of the name as it reads in prose."""
    nickname = _NICKNAME.search(name)
    if nickname and nickname.group(1).strip():
        return nickname.group(1).strip()
    words = [w for w in (w.strip(",") for w in display_name(name).split()) if w]
    return words[0] if words else name.strip()
