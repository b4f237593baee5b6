"""What an id may look like. Ids become file names, so the pattern is deliberately strict:
lower-case letters, digits, '-' and '_', no dots, no slashes, at most 64 characters."""

from __future__ import annotations

import re

# \Z, not $: `$` also matches before a final line break, so "2026-autumn\n" passed and
# became the file name "cohorts/2026-autumn\n.yaml".
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?\Z")
