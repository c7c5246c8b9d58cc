"""Receipt codes: short, unguessable, easy to read aloud and type.

Twelve characters from Crockford's base-32 alphabet (no I, L, O or U), so 60 random bits,
shown as three groups of four: "7KQM-X2PD-9RTA". Typing O for 0 or I/L for 1, lower case,
spaces or missing dashes all still work. Only the SHA-256 of a code is stored.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return display(raw)


def normalise(code: str) -> str | None:
    """The canonical form of what someone typed, or None if it cannot be a code."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    canonical = normalise(code) or code
    return "-".join(canonical[i : i + 4] for i in range(0, LENGTH, 4))


def digest(code: str) -> str:
    canonical = normalise(code)
    if canonical is None:
        raise ValueError("not a receipt code")
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
