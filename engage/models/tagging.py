"""What the offline tagger proposes for a story, and what officers decide about it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.reference import Theme
from engage.models.types import UTCDateTime, enum_column


class TaggingStatus(enum.Enum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class ProposalStatus(enum.Enum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ADDED = "added"  # marked by an officer by hand


class SubmissionTheme(Base):
    """A theme score from the model for one story (every theme is scored)."""

    __tablename__ = "submission_themes"
    __table_args__ = (
        UniqueConstraint("submission_id", "theme_id"),
        # The moderation queue's theme filter.
        Index("ix_submission_themes_theme_suggested", "theme_id", "suggested", "submission_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    score: Mapped[float] = mapped_column(Float)
    suggested: Mapped[bool] = mapped_column(Boolean)
    # The theme model's version that gave this score (ThemeTagger.version), so officers
    # and the agreement figures can tell which model made a suggestion. Empty for scores
    # written before versions were stored.
    model_version: Mapped[str | None] = mapped_column(String(40))

    theme: Mapped[Theme] = relationship()


class PiiProposal(Base):
    """Where the detector thinks personal data is. Offsets only: no copy of the text."""

    __tablename__ = "pii_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "proposal_status"), default=ProposalStatus.PROPOSED
    )


class ThemeLabel(Base):
    """An officer's confirmed or corrected themes for a story: training data.

    `engage themes train --with-corrections` adds these (with the story's redacted text)
    to the hand-written training texts."""

    __tablename__ = "theme_labels"
    # The admin page of officers' agreement with the suggestions reads the last 90 days.
    __table_args__ = (Index("ix_theme_labels_labelled_at", "labelled_at"),)

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    # Space-separated theme slugs; empty when the officer says there is no theme.
    themes: Mapped[str] = mapped_column(Text, default="")
    labelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
