"""Themed digests: a working group's stories over a period, issued on its cadence.

A digest row records only which body and period it covers and when it was issued and
emailed. What it shows is worked out from the current data each time it is read, so a
withdrawn story is gone from it at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.bodies import Body
from engage.models.types import UTCDateTime


class Digest(Base):
    __tablename__ = "digests"
    # Each digest starts where the body's last one ended: two starting at the same moment
    # would be the same stories twice (two issues at once).
    __table_args__ = (UniqueConstraint("body_id", "period_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    # Stories routed to the body from period_start up to (not including) period_end.
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # How many stories it held when issued (the email's count; the page counts afresh).
    stories_when_issued: Mapped[int] = mapped_column(Integer, default=0)
    emails_queued: Mapped[int] = mapped_column(Integer, default=0)

    body: Mapped[Body] = relationship()


class DigestRead(Base):
    """A member opened a digest in the site: their home page marks the others as new."""

    __tablename__ = "digest_reads"

    digest_id: Mapped[int] = mapped_column(
        ForeignKey("digests.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
