"""Outgoing email, written in the same transaction as the change that causes it and
delivered afterwards with retries, so a message is never lost and never blocks a page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.models.base import Base, utcnow
from engage.models.types import UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # An HTML alternative to the plain-text body (digests): markup the site wrote, with
    # every word from a person escaped.
    html_body: Mapped[str | None] = mapped_column(Text)
    # What kind of message, for logs and tests; never the content.
    kind: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Which resident's story a message is about (its receipt hash), so that withdrawal
    # can erase the message, and with it the resident's email address.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Urgent messages (a safeguarding alert) go first.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A deliverer claims a message before sending it, so that two never send it twice.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Codes and links the body needs, encrypted (engage.crypto), filled in only as the
    # message is sent and erased once it has gone: the stored body never holds them.
    secret: Mapped[str | None] = mapped_column(Text)
    # The digest a message carries, so that a story withdrawn before it goes is taken
    # out of it. No foreign key: SQLite can't add one to an existing table without a
    # rebuild, and digests are never deleted.
    digest_id: Mapped[int | None] = mapped_column(Integer, index=True)
