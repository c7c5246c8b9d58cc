"""Turn whatever a resident typed into safe plain text, once, at input.

Markup is stripped with bleach (tags removed, their text kept), entities are turned
back into the characters they stand for, and this repeats until the text is stable, so
no tag can be reassembled; control characters are dropped and Unicode is normalised.
Output still relies on Jinja's escaping: stored text is never marked safe.
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


# Each round can only shorten the text; a handful is plenty for any real input.
_MAX_ROUNDS = 10


def _strip_markup_once(text: str) -> str:
    cleaned = bleach.clean(text, tags=set(), attributes={}, strip=True, strip_comments=True)
    return _CONTROL.sub("", html.unescape(cleaned))


def plain_text(value: str | None) -> str:
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    # Controls go first: the HTML parser would turn NUL into a replacement character.
    text = _CONTROL.sub("", text)
    # Repeat until nothing changes, so "<<b>script>" or "&lt;script&gt;" can't leave a
    # tag behind once entities are decoded; the result is then stable when cleaned again.
    for _ in range(_MAX_ROUNDS):
        cleaned = _strip_markup_once(text)
        if cleaned == text:
            break
        text = cleaned
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


def one_line(value: str | None) -> str:
    """Plain text for single-line fields: names, titles, reasons."""
    return " ".join(plain_text(value).split())
