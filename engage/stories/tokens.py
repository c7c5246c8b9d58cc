"""The receipt code a story form carries, signed, so that the same form sent twice is
stored once and shows the same code both times."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from engage.services import receipts

FORM_TOKEN_MAX_AGE = 60 * 60 * 24


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="engage-receipt-code")


def new_receipt_token() -> str:
    return _serializer().dumps(receipts.new_code())


def code_from_token(token: str | None) -> str | None:
    if not token:
        return None
    try:
        code = _serializer().loads(token, max_age=FORM_TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return code if receipts.normalise(code) else None
