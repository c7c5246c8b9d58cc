"""The receipt code a story form carries, so that the same form sent twice is stored
once and shows the same code both times. Encrypted (engage.crypto), not just signed: the
page's source, or a copy of it, must not give the code away."""

from __future__ import annotations

from engage import crypto
from engage.services.stories import receipts

FORM_TOKEN_MAX_AGE = 60 * 60 * 24


def new_receipt_token() -> str:
    return crypto.encrypt(receipts.new_code())


def code_from_token(token: str | None) -> str | None:
    if not token:
        return None
    try:
        code = crypto.decrypt(token, ttl=FORM_TOKEN_MAX_AGE)
    except (crypto.InvalidToken, ValueError, UnicodeError):
        return None
    return code if receipts.normalise(code) else None
