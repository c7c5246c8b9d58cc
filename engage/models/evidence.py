"""Evidence data: tables of outcomes by ethnic group (optionally by area and period)
taken from published statistics, uploaded as CSV, validated against a declared Table
Schema, and kept in versions with their source and licence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.reference import Indicator
from engage.models.types import UTCDateTime
from engage.models.users import User


class EvidenceDataset(Base):
    __tablename__ = "evidence_datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), unique=True)
    # What the value is (e.g. "Employment rate, people aged 16 to 64") and its unit.
    measure: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # The indicator whose page shows it, if any.
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    indicator: Mapped[Indicator | None] = relationship()
    versions: Mapped[list[EvidenceVersion]] = relationship(
        back_populates="dataset", order_by="EvidenceVersion.version"
    )


class EvidenceVersion(Base):
    """One upload. The rows are kept as validated JSON and the file exactly as sent."""

    __tablename__ = "evidence_versions"
    __table_args__ = (UniqueConstraint("dataset_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_datasets.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(500))
    source_url: Mapped[str] = mapped_column(String(500), default="")
    licence: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255))
    csv_text: Mapped[str] = mapped_column(Text)
    rows_json: Mapped[str] = mapped_column(Text)
    row_count: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dataset: Mapped[EvidenceDataset] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()
