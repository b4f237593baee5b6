"""What an id may look like, and file names made from email addresses.

Ids become file names, so the pattern is deliberately strict: lower-case letters,
digits, '-' and '_', no dots, no slashes, at most 64 characters."""

from __future__ import annotations

import re

# \Z, not $: `$` also matches before a final line break, so "2026-autumn\n" passed and
# became the file name "cohorts/2026-autumn\n.yaml".
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?\Z")

_UNSAFE_IN_FILE_NAME = re.compile(r"[^a-z0-9@._+-]")


def file_names(emails: list[str]) -> dict[str, str]:
    """A file name (without extension) per email address: `ann.oneil@example.org`;
    anything unusual becomes `_`, and two addresses never share a name."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for email in emails:
        base = _UNSAFE_IN_FILE_NAME.sub("_", email.lower()).lstrip(".") or "participant"
        name, counter = base, 2
        while name in used:
            name, counter = f"{base}-{counter}", counter + 1
        used.add(name)
        names[email] = name
    return names
