"""A resident's browser holding their story open, kept on the server.

After a story is told, the browser may show its reference code and ask the equality
questions for an hour (INTAKE). After the code is entered, the browser may see and
change the story while it is in use, until 30 minutes pass without a page of it
(RECEIPT). The browser's cookie holds only a random token; the row holds the rest, the
code encrypted. Ending the row ends the session for every copy of the cookie: "Remove
my story from this browser", withdrawal and the time running out all do.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from engage import crypto
from engage.extensions import db
from engage.models import ResidentSession, ResidentSessionPurpose
from engage.services.common.transaction import transactional

log = logging.getLogger(__name__)

INTAKE = ResidentSessionPurpose.INTAKE
RECEIPT = ResidentSessionPurpose.RECEIPT
# How long the thank-you page, and the equality questions, stay open in this browser.
INTAKE_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class OpenStory:
    submission_id: int
    code: str | None  # the reference code, while it may be shown


def _receipt_idle() -> timedelta:
    return timedelta(minutes=current_app.config["RECEIPT_SESSION_MINUTES"])


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _expired(row: ResidentSession, now: datetime) -> bool:
    if row.purpose is INTAKE:
        return now - row.created_at > INTAKE_LIFETIME
    return now - row.last_seen_at > _receipt_idle()


@transactional
def open_session(
    submission_id: int, purpose: ResidentSessionPurpose, *, code: str | None = None
) -> str:
    """A new session for this browser; returns the token its cookie keeps."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        ResidentSession(
            token_hash=_hash(token),
            submission_id=submission_id,
            purpose=purpose,
            code_encrypted=crypto.encrypt(code) if code else None,
        )
    )
    return token


@transactional
def find(token: str | None, purpose: ResidentSessionPurpose) -> OpenStory | None:
    """The story this token holds open, or None (unknown, ended or expired). A receipt
    session's time counts from the last page of it opened."""
    if not token:
        return None
    row = db.session.scalar(
        select(ResidentSession).where(
            ResidentSession.token_hash == _hash(token), ResidentSession.purpose == purpose
        )
    )
    now = datetime.now(UTC)
    if row is None:
        return None
    if _expired(row, now):
        db.session.delete(row)
        return None
    row.last_seen_at = now
    code = crypto.decrypt(row.code_encrypted) if row.code_encrypted else None
    return OpenStory(row.submission_id, code)


@transactional
def end(token: str | None) -> None:
    """End the session this token holds, on the server: copies of the cookie open nothing."""
    if token:
        db.session.execute(
            delete(ResidentSession).where(ResidentSession.token_hash == _hash(token))
        )


def end_all_for(submission_id: int) -> None:
    """Part of the caller's transaction (withdrawal): every browser's session ends."""
    db.session.execute(
        delete(ResidentSession).where(ResidentSession.submission_id == submission_id)
    )


@transactional
def purge_expired(*, now: datetime | None = None) -> int:
    """Delete sessions that can no longer be used."""
    removed = delete_expired(now or datetime.now(UTC))
    log.info("resident_sessions_purged", extra={"removed": removed})
    return removed


def delete_expired(now: datetime) -> int:
    """Part of the caller's transaction (the nightly retention job)."""
    return db.session.execute(
        delete(ResidentSession).where(
            or_(
                (ResidentSession.purpose == INTAKE)
                & (ResidentSession.created_at < now - INTAKE_LIFETIME),
                (ResidentSession.purpose == RECEIPT)
                & (ResidentSession.last_seen_at < now - _receipt_idle()),
            )
        )
    ).rowcount
