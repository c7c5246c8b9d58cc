"""Annual progress reports and the public figures, both kept as fixed snapshots: a
published report never changes, and the public page serves the latest precomputed,
disclosure-controlled figures rather than counting per request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.types import UTCDateTime
from engage.models.users import User


class AnnualReport(Base):
    """The annual progress report for one financial year (April to March, named by the
    year it starts). Drafts take narrative sections; publishing freezes the figures,
    the sections and the PDF, and a published report is never changed."""

    __tablename__ = "annual_reports"
    __table_args__ = (UniqueConstraint("year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    # JSON list of {"heading", "markdown"}: the secretariat's narrative sections.
    narrative: Mapped[str] = mapped_column(Text, default="[]")
    # JSON of the figures as published (null while a draft: drafts are read afresh).
    content: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    __mapper_args__ = {"version_id_col": version}


class FiguresSnapshot(Base):
    """The public figures as computed by one refresh: every table already
    disclosure-controlled, as JSON. The page and downloads serve the newest."""

    __tablename__ = "figures_snapshots"
    __table_args__ = (Index("ix_figures_snapshots_produced", "produced_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    produced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The stories counted: received up to this moment (London date shown on the page).
    period_label: Mapped[str] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text)
    milliseconds_taken: Mapped[int] = mapped_column(Integer, default=0)
