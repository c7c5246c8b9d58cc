"""What people type is kept as they typed it.

Residents' stories, officers' summaries and notes, groups' descriptions: all are stored
exactly as written, after three changes that nobody can see or mean:

1. Line endings become "\\n" (a browser sends a typed Enter as "\\r\\n").
2. Unicode is normalised to its composed form (NFC), so "é" typed as "e" + accent and
   "é" typed as one character are the same text for searching and counting.
3. Characters that are not text are removed:
   - control characters (Unicode category Cc) except tab and line feed: NUL and the
     like, which no keyboard types and PostgreSQL refuses to store;
   - the two direction *overrides*, U+202D (LEFT-TO-RIGHT OVERRIDE) and U+202E
     (RIGHT-TO-LEFT OVERRIDE): they force characters to show in the opposite order
     from the one in which they are stored, which can make text read differently from
     what it says ("Trojan Source", CVE-2021-42574);
   - the byte-order mark U+FEFF, an artefact of how a pasted file was saved;
   - lone surrogates (U+D800-U+DFFF), which are not characters and cannot be encoded.

Everything else stays, including "<", ">", "&" and anything that looks like markup
("my manager said <you people> are lazy", "rent went up >10%", "I <3 Wolverhampton"),
and the marks that writers of Urdu, Arabic, Persian and other scripts use on purpose:
the zero-width non-joiner and joiner (U+200C, U+200D), the left-to-right, right-to-left
and Arabic letter marks (U+200E, U+200F, U+061C), the directional embeddings and their
terminator (U+202A-U+202C) and the isolates (U+2066-U+2069). None of those reorders
characters within a run, so none can disguise text.

Text is made safe where it is output, never here: Jinja escapes it in HTML, `json`
escapes it in JSON, and email goes as plain text. Exports to spreadsheets (formulas)
and PDF must escape at their own point of output in the same way.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import LazyString, format_decimal, lazy_ngettext

# Cc except tab (U+0009) and line feed (U+000A); overrides; BOM; surrogates.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202d\u202e\ufeff\ud800-\udfff]")


def as_typed(value: str | None) -> str:
    """The text as the person typed it, normalised as described above."""
    if not value:
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    # Removed first: a lone surrogate would make normalising fail, and removing a
    # character can leave two neighbours that compose. Composing never creates one.
    return unicodedata.normalize("NFC", _NOT_TEXT.sub("", text))


def one_line(value: str | None) -> str:
    """A single-line answer (a name, a title, a short reason), as typed, with any line
    breaks or tabs pasted into it turned into spaces and the space around it trimmed."""
    text = as_typed(value).replace("\n", " ").replace("\t", " ")
    return text.strip()


def is_blank(text: str | None) -> bool:
    """Nothing but spaces and line breaks (or nothing at all)."""
    return not (text or "").strip()


def number(value: int) -> LazyString:
    """A count written the way the reader's language writes numbers (1,234 or 1 234)."""
    return LazyString(format_decimal, value)


def characters_over(text: str, limit: int) -> int:
    """How many characters the text has beyond `limit` (0 when it fits), counted as
    stored, so the person knows how much to cut."""
    return max(0, len(text) - limit)


def length_problem(text: str, limit: int) -> LazyString | None:
    """The message for a text over `limit` characters, or None when it fits."""
    over = characters_over(text, limit)
    if not over:
        return None
    return lazy_ngettext(
        "Use %(max)s characters or fewer. You have %(over)s character too many.",
        "Use %(max)s characters or fewer. You have %(over)s characters too many.",
        over,
        max=number(limit),
        over=number(over),
    )
