"""Encryption keys: re-encrypt everything stored with the current key, so an old key can
be retired (see engage.crypto)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from engage import crypto
from engage.extensions import db
from engage.models import OutboxMessage, ResidentSession, User
from engage.services.common.transaction import transactional

log = logging.getLogger(__name__)

# Every encrypted column: (model, attribute).
ENCRYPTED = [
    (User, "totp_secret_encrypted"),
    (OutboxMessage, "secret"),
    (ResidentSession, "code_encrypted"),
]


def _encrypted_columns():
    return ENCRYPTED


@transactional
def rotate_all() -> int:
    """Re-encrypt every stored secret with the first key in ENCRYPTION_KEYS; returns how
    many values were rewritten. Safe to run again."""
    rewritten = 0
    for model, attribute in _encrypted_columns():
        column = getattr(model, attribute)
        for row in db.session.scalars(select(model).where(column.is_not(None))):
            setattr(row, attribute, crypto.rotate(getattr(row, attribute)))
            rewritten += 1
    log.info("keys_rotated", extra={"values": rewritten})
    return rewritten
