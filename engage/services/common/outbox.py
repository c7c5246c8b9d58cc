"""The outbox: email is queued in the same transaction as the change that causes it,
then delivered with retries and back-off. A failed delivery never undoes the change,
and nothing queued is lost.

- Delivery starts as soon as the change is committed (engage.delivery_hooks, wired in
  create_app), urgent messages first; Celery beat (or `engage outbox deliver`) sweeps
  up anything that failed or was missed.
- Each message is claimed before it is sent (a conditional UPDATE, and on PostgreSQL a
  SELECT ... FOR UPDATE SKIP LOCKED), so two deliverers never send one message twice.
- Codes and links in a message (`secrets`) are stored encrypted apart from its body,
  put into the email only as it is sent, and erased once it has gone. Sent messages
  are deleted after OUTBOX_RETENTION_DAYS.
"""

from __future__ import annotations

import json
import logging
import secrets as random_tokens
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from engage import crypto
from engage.extensions import db
from engage.models import OutboxMessage
from engage.services.stories import receipts

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=6)
# How long a deliverer holds its claim on a message: far longer than one send takes.
CLAIM = timedelta(minutes=5)
URGENT = 1


def secret_mark(name: str) -> str:
    """Where a secret goes in a body: '[[code]]'."""
    return f"[[{name}]]"


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


# Set on the database session when a message is queued in its transaction.
QUEUED_MARK = "outbox_queued"


def queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    receipt_hash: str | None = None,
    secrets: dict[str, str] | None = None,
    urgent: bool = False,
) -> OutboxMessage:
    """Add a message to the caller's transaction; the caller commits, and delivery
    starts once it has. `secrets`: values the body refers to as secret_mark(name)."""
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body=body,
        kind=kind,
        receipt_hash=receipt_hash,
        priority=URGENT if urgent else 0,
        secret=crypto.encrypt(json.dumps(secrets)) if secrets else None,
    )
    db.session.add(message)
    # engage.delivery_hooks starts delivery once this commits, at the end of a request.
    db.session.info[QUEUED_MARK] = True
    return message


def erase_for(receipt_hash: str) -> int:
    """Delete every message about one resident's story, sent or not (withdrawal, or
    consent to contact taken back). Part of the caller's transaction."""
    return db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.receipt_hash == receipt_hash)
    ).rowcount


def queue_receipt_confirmation(email: str, receipt_code: str, language: str) -> None:
    with force_locale(language):
        subject = _("Your story has reached the Race Equity Taskforce")
        body = _(
            "Thank you for telling the Race Equity Taskforce about your experience.\n\n"
            "Your reference code is %(code)s\n\n"
            "Keep it safe. With it you can see what is happening to your story, change what "
            "you agreed to, download what you told us, or withdraw your story at any time.\n\n"
            "You do not need to reply to this email.",
            code=secret_mark("code"),
        )
    queue(
        to=email,
        subject=subject,
        body=body,
        kind="receipt_confirmation",
        receipt_hash=receipts.digest(receipt_code),
        secrets={"code": receipts.display(receipt_code)},
    )


def as_email(message: OutboxMessage) -> EmailMessage:
    body = message.body
    if message.secret:
        for name, value in json.loads(crypto.decrypt(message.secret)).items():
            body = body.replace(secret_mark(name), value)
    email = EmailMessage()
    # EmailMessage refuses CR/LF in headers, so no header can be injected.
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    return email


class FileSender:
    """For local use: each message is written to instance/outbox/ as an .eml file."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        (self.folder / f"{stamp}.eml").write_bytes(bytes(message))


class SMTPSender:
    def __init__(self, config):
        self.config = config

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=30) as smtp:
            if self.config["MAIL_USE_TLS"]:
                smtp.starttls()
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
            smtp.send_message(message)


class MemorySender:
    """For tests: keeps what was sent; can be told to fail."""

    def __init__(self):
        self.sent: list[EmailMessage] = []
        self.fail_with: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)


def configured_sender() -> Sender:
    app = current_app
    override = app.extensions.get("engage_mail_sender")
    if override is not None:
        return override
    backend = app.config["MAIL_BACKEND"]
    if backend == "smtp":
        return SMTPSender(app.config)
    return FileSender(Path(app.config["MAIL_FILE_DIR"]))


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), MAX_BACKOFF)


def _claim_due(token: str, now: datetime, limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` messages that are due, urgent first, for this deliverer."""
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts < MAX_ATTEMPTS,
            free,
        )
        .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows another deliverer is claiming right now are skipped, not waited for.
        due = due.with_for_update(skip_locked=True)
    ids = db.session.scalars(due).all()
    if ids:
        # Only rows still free are taken: whoever commits first has them.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None), free)
            .values(claimed_by=token, claimed_until=now + CLAIM)
        )
    db.session.commit()
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claimed_by == token, OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
        )
    )


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Claim and try every message that is due. Returns (sent, failed). Commits per
    message; a deliverer that dies leaves its claim to lapse, and the message is tried
    again (so a message can go twice only if a deliverer dies between sending and
    recording it)."""
    now = now or datetime.now(UTC)
    claimed = _claim_due(random_tokens.token_hex(16), now, limit)
    sender = configured_sender() if claimed else None
    sent = failed = 0
    for message in claimed:
        try:
            sender.send(as_email(message))
        except Exception as error:  # any failure is retried later; never lose the message
            message.attempts += 1
            message.next_attempt_at = now + _backoff(message.attempts)
            message.last_error = type(error).__name__[:300]
            failed += 1
            log.warning(
                "email_delivery_failed",
                extra={
                    "message_id": message.id,
                    "attempts": message.attempts,
                    "error_type": type(error).__name__,
                },
            )
        else:
            message.attempts += 1
            message.sent_at = now
            message.secret = None  # the code or link has gone with the email
            sent += 1
            log.info("email_sent", extra={"message_id": message.id, "kind": message.kind})
        message.claimed_by = None
        message.claimed_until = None
        db.session.commit()
    return sent, failed


def delete_sent_before(cutoff: datetime) -> int:
    """Delete messages sent, or given up on, before `cutoff`. Part of the caller's
    transaction (the nightly retention job, engage.services.common.retention)."""
    return db.session.execute(
        delete(OutboxMessage).where(
            or_(
                OutboxMessage.sent_at < cutoff,
                (OutboxMessage.attempts >= MAX_ATTEMPTS) & (OutboxMessage.created_at < cutoff),
            )
        )
    ).rowcount


def purge_sent(*, now: datetime | None = None) -> int:
    """Delete messages sent, or given up on, more than OUTBOX_RETENTION_DAYS ago."""
    now = now or datetime.now(UTC)
    removed = delete_sent_before(now - timedelta(days=current_app.config["OUTBOX_RETENTION_DAYS"]))
    db.session.commit()
    log.info("outbox_purged", extra={"removed": removed})
    return removed


def undelivered() -> list[OutboxMessage]:
    """Messages not sent yet, for administrators: oldest first, with their last error."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.created_at)
            .limit(500)
        )
    )
