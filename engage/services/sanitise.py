"""Turn whatever a resident typed into safe plain text, once, at input.

Markup is stripped with bleach (tags removed, their text kept), entities are turned
back into the characters they stand for, control characters are dropped and Unicode
is normalised. Output still relies on Jinja's escaping: stored text is never marked safe.
"""

from __future__ import annotations

import html
import re
import unicodedata

import bleach

# C0/C1 controls except tab and newline, plus zero-width and direction-override marks
# that can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(value: str | None) -> str:
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = bleach.clean(text, tags=set(), attributes={}, strip=True, strip_comments=True)
    text = html.unescape(text)
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


def one_line(value: str | None) -> str:
    """Plain text for single-line fields: names, titles, reasons."""
    return " ".join(plain_text(value).split())
