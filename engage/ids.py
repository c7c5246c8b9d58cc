"""Database ids as they arrive from forms, links and URLs."""

from __future__ import annotations

import re

# The largest id a PostgreSQL INTEGER column holds; SQLite would take more, but not Python
# ints past 2**63, and neither database should be asked about a number it can't hold.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(value) -> int | None:
    """A positive database id typed or posted as ASCII digits, or None. (str.isdigit
    accepts '²', which int() then refuses.)"""
    text = str(value or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
