"""Safeguarding concerns raised by officers while moderating a story."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.types import UTCDateTime, enum_column
from engage.models.users import User


class SafeguardingCategory(enum.Enum):
    RISK_TO_LIFE = "risk_to_life"
    CHILD_AT_RISK = "child_at_risk"
    CRIME_DISCLOSED = "crime_disclosed"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SAFEGUARDING_LABELS[self]


SAFEGUARDING_LABELS = {
    SafeguardingCategory.RISK_TO_LIFE: "Risk to life",
    SafeguardingCategory.CHILD_AT_RISK: "Child at risk",
    SafeguardingCategory.CRIME_DISCLOSED: "Crime disclosed",
    SafeguardingCategory.OTHER: "Other concern",
}


class SafeguardingFlag(Base):
    __tablename__ = "safeguarding_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[SafeguardingCategory] = mapped_column(
        enum_column(SafeguardingCategory, "safeguarding_category")
    )
    # Why the officer is worried; may repeat what the story says, so it is erased with it.
    concern: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action_taken: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    lead_email: Mapped[str | None] = mapped_column(String(254))

    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
