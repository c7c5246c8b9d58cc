"""The outbox: email is queued in the same transaction as the change that causes it,
then delivered by `deliver_due` with retries and back-off. A failed delivery never
undoes the change, and nothing queued is lost."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select

from engage.extensions import db
from engage.models import OutboxMessage
from engage.services import receipts

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=6)


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def queue(
    *, to: str, subject: str, body: str, kind: str, receipt_hash: str | None = None
) -> OutboxMessage:
    """Add a message to the caller's transaction; the caller commits."""
    message = OutboxMessage(
        to_address=to, subject=subject, body=body, kind=kind, receipt_hash=receipt_hash
    )
    db.session.add(message)
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
            code=receipts.display(receipt_code),
        )
    queue(
        to=email,
        subject=subject,
        body=body,
        kind="receipt_confirmation",
        receipt_hash=receipts.digest(receipt_code),
    )


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    # EmailMessage refuses CR/LF in headers, so no header can be injected.
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
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


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Try every message that is due. Returns (sent, failed). Commits per message."""
    now = now or datetime.now(UTC)
    sender = configured_sender()
    due = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts < MAX_ATTEMPTS,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in due:
        try:
            sender.send(_email(message))
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
            sent += 1
            log.info("email_sent", extra={"message_id": message.id, "kind": message.kind})
        db.session.commit()
    return sent, failed
