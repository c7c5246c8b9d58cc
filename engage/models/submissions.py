"""Residents' stories, their consent records, contact details and equality answers.

Contact details and equality answers live in their own tables, apart from the story,
so that they can be protected, erased and left out of anything shared on their own.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.reference import EthnicGroup, LocalAuthority
from engage.models.tagging import PiiProposal, SubmissionTheme, TaggingStatus
from engage.models.types import UTCDateTime, enum_column
from engage.models.users import User

STORY_MAX_LENGTH = 10_000
CHANGE_MAX_LENGTH = 2_000


class SubmissionStatus(enum.Enum):
    RECEIVED = "received"
    APPROVED = "approved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"


class Channel(enum.Enum):
    WEB = "web"
    GROUP = "group"
    OFFICER_EVENT = "officer_event"
    OFFICER_PHONE = "officer_phone"


class AgeGroup(enum.Enum):
    """Asked before anything is stored. Under-13s are never accepted on their own: only
    through a community group or an officer, with a parent or carer's agreement."""

    UNDER_13 = "under_13"
    UNDER_18 = "13_17"
    ADULT = "18_plus"

    @property
    def is_child(self) -> bool:
        return self is not AgeGroup.ADULT


class Purpose(enum.Enum):
    """The five consent choices, in the order residents see them."""

    STORE = "store"
    QUOTE = "quote"
    SHARE = "share"
    CONTACT = "contact"
    EQUALITY = "equality"


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(
            "status = 'withdrawn' OR story IS NOT NULL", name="story_present_unless_withdrawn"
        ),
        Index("ix_submissions_status_created", "status", "created_at", "id"),
        Index("ix_submissions_created_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the receipt code: the code itself is shown once and never stored.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_column(SubmissionStatus, "submission_status"), default=SubmissionStatus.RECEIVED
    )
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    age_group: Mapped[AgeGroup] = mapped_column(enum_column(AgeGroup, "age_group"))
    story: Mapped[str | None] = mapped_column(Text)
    what_to_change: Mapped[str | None] = mapped_column(Text)
    local_authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_authorities.id", ondelete="RESTRICT"), index=True
    )
    # The outward part of a postcode only ("B11"): never the full postcode.
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    heard_about: Mapped[str | None] = mapped_column(String(40))
    # Current consent, kept in step with the append-only consent events.
    consent_store: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_quote: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_share: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_equality: Mapped[bool] = mapped_column(Boolean, default=False)
    # After withdrawal: may the tombstone still be counted anonymously?
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_groups.id", ondelete="RESTRICT"), index=True
    )
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Offline tagging, after the story is stored; failures are retried.
    tagging_status: Mapped[TaggingStatus] = mapped_column(
        enum_column(TaggingStatus, "tagging_status"), default=TaggingStatus.PENDING, index=True
    )
    tagging_attempts: Mapped[int] = mapped_column(Integer, default=0)
    tagging_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # ISO 639-1 code, or "und"; anything not clearly English is flagged for a person.
    language: Mapped[str | None] = mapped_column(String(8))
    language_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    # Moderation. `version` goes up with every officer action, so two officers acting on
    # what they each read can't overwrite each other (the second is told).
    version: Mapped[int] = mapped_column(Integer, default=1)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The story with the confirmed personal data replaced by placeholders: the only text
    # that may ever leave moderation (and only with consent to quote).
    redacted_story: Mapped[str | None] = mapped_column(Text)
    redaction_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    themes_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    officer_summary: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL")
    )
    # Any open safeguarding concern: puts the story in the urgent view.
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    local_authority: Mapped[LocalAuthority | None] = relationship()
    contact: Mapped[SubmissionContact | None] = relationship(
        back_populates="submission", cascade="all, delete-orphan", uselist=False
    )
    equality: Mapped[EqualityAnswers | None] = relationship(
        back_populates="submission", cascade="all, delete-orphan", uselist=False
    )
    consent_events: Mapped[list[ConsentEvent]] = relationship(
        back_populates="submission", order_by="ConsentEvent.id"
    )
    theme_scores: Mapped[list[SubmissionTheme]] = relationship(
        cascade="all, delete-orphan", order_by="SubmissionTheme.theme_id"
    )
    pii_proposals: Mapped[list[PiiProposal]] = relationship(
        cascade="all, delete-orphan", order_by="PiiProposal.start"
    )
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def consents(self) -> dict[Purpose, bool]:
        return {purpose: getattr(self, f"consent_{purpose.value}") for purpose in Purpose}

    @property
    def is_withdrawn(self) -> bool:
        return self.status is SubmissionStatus.WITHDRAWN


class SubmissionContact(Base):
    """How to contact the resident, held only while they consent to contact."""

    __tablename__ = "submission_contacts"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="email_or_phone"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))

    submission: Mapped[Submission] = relationship(back_populates="contact")


class EqualityAnswers(Base):
    """Special category data. Stored only with explicit consent; never shown per person
    outside moderation. Every question allows "prefer not to say" (or no answer)."""

    __tablename__ = "equality_answers"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    ethnic_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("ethnic_groups.id", ondelete="RESTRICT")
    )
    ethnic_group_other: Mapped[str | None] = mapped_column(String(120))
    age_band: Mapped[str | None] = mapped_column(String(20))
    sex: Mapped[str | None] = mapped_column(String(20))
    gender_same_as_birth: Mapped[str | None] = mapped_column(String(20))
    disability: Mapped[str | None] = mapped_column(String(20))
    religion: Mapped[str | None] = mapped_column(String(40))
    religion_other: Mapped[str | None] = mapped_column(String(120))
    sexual_orientation: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="equality")
    ethnic_group: Mapped[EthnicGroup | None] = relationship()


class PrivacyNotice(Base):
    """One version of the privacy notice. Never edited: a change is a new version."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PrivacyNoticeTranslation(Base):
    """A version of the privacy notice in another language, as residents read it on the
    page in that language. Never edited: a corrected translation is a new notice version."""

    __tablename__ = "privacy_notice_translations"
    __table_args__ = (UniqueConstraint("notice_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id", ondelete="RESTRICT"))
    language: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentEvent(Base):
    """Append-only record of each consent choice: what, when, how, under which notice."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[Purpose] = mapped_column(enum_column(Purpose, "consent_purpose"))
    granted: Mapped[bool] = mapped_column(Boolean)
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id", ondelete="RESTRICT"))
    # SHA-256 of the notice's words as shown, in the page's language: with the version
    # and language, it proves what the resident read (its translation, if there was one).
    notice_sha256: Mapped[str] = mapped_column(String(64))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    language: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="consent_events")
    notice: Mapped[PrivacyNotice] = relationship()
