"""The accountability half of the product (flow step 7): measurements of the terms of
reference's indicators per period, the small registers some indicators count, the
decisions the Taskforce influenced with what informed them, "you said, we did",
commitments with their status history, and the reviews of the terms of reference.

Published measurements and published "you said, we did" are never edited: a
correction is a new version with its reason (the services refuse to change them)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.digests import Digest
from engage.models.meetings import AgendaItem, Decision, Meeting
from engage.models.reference import Indicator, Theme
from engage.models.submissions import Submission
from engage.models.types import UTCDateTime, enum_column
from engage.models.users import User


class PeriodKind(enum.Enum):
    """Reporting periods follow the combined authority's financial year (April-March)."""

    QUARTER = "quarter"
    YEAR = "year"

    @property
    def label(self) -> str:
        return {PeriodKind.QUARTER: "Quarter", PeriodKind.YEAR: "Year"}[self]


class Rag(enum.Enum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green"}[self]


class Measurement(Base):
    """One version of an indicator's measurement for one period. Version 1 is the
    first recording; a correction to a published one is the next version, with its
    reason. Drafts may be edited; a published version is fixed."""

    __tablename__ = "measurements"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period_kind", "period_start", "version"),
        Index("ix_measurements_indicator_period", "indicator_id", "period_kind", "period_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="RESTRICT"))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_column(PeriodKind, "period_kind"))
    period_start: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A number (typed for entered indicators, computed and frozen for counted ones) or
    # a narrative, or both.
    value: Mapped[float | None] = mapped_column(Numeric(14, 2))
    narrative: Mapped[str] = mapped_column(Text, default="")
    computed: Mapped[bool] = mapped_column(Boolean, default=False)
    rag: Mapped[Rag | None] = mapped_column(enum_column(Rag, "rag"))
    rag_reason: Mapped[str] = mapped_column(Text, default="")
    # Links to evidence, one a line; where the figure came from (e.g. the combined
    # authority's workforce report for leadership diversity).
    evidence_links: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    indicator: Mapped[Indicator] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    documents: Mapped[list[MeasurementDocument]] = relationship(
        back_populates="measurement", order_by="MeasurementDocument.id"
    )

    __mapper_args__ = {"version_id_col": row_version}


class MeasurementDocument(Base):
    """A document uploaded as evidence for a measurement (checked by content type)."""

    __tablename__ = "measurement_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measurement_id: Mapped[int] = mapped_column(
        ForeignKey("measurements.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    measurement: Mapped[Measurement] = relationship(back_populates="documents")


class RegisterKind(enum.Enum):
    """The small registers that three indicators count."""

    HEIA = "heia"
    BEST_PRACTICE = "best_practice"
    INITIATIVE = "initiative"

    @property
    def label(self) -> str:
        return {
            RegisterKind.HEIA: "Health and Equity Impact Assessments",
            RegisterKind.BEST_PRACTICE: "Best practice shared",
            RegisterKind.INITIATIVE: "Community-led initiatives supported",
        }[self]

    @property
    def singular(self) -> str:
        return {
            RegisterKind.HEIA: "Health and Equity Impact Assessment",
            RegisterKind.BEST_PRACTICE: "Example of best practice shared",
            RegisterKind.INITIATIVE: "Community-led initiative supported",
        }[self]


class RegisterEntry(Base):
    __tablename__ = "register_entries"
    __table_args__ = (
        Index("ix_register_entries_kind_date", "kind", "occurred_on"),
        CheckConstraint("funding_pence IS NULL OR funding_pence >= 0", name="funding_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[RegisterKind] = mapped_column(enum_column(RegisterKind, "register_kind"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Who did it: the programme assessed, the partners sharing, the group leading.
    organisation: Mapped[str] = mapped_column(String(300), default="")
    occurred_on: Mapped[date] = mapped_column(Date)
    # External funding secured, for initiatives (whole pence, never a float).
    funding_pence: Mapped[int | None] = mapped_column(Integer)
    evidence_links: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Significance(enum.Enum):
    """The stated scale for how much a decision changed because of the Taskforce."""

    MINOR = "1"
    MODERATE = "2"
    SIGNIFICANT = "3"
    MAJOR = "4"

    @property
    def rank(self) -> int:
        return int(self.value)

    @property
    def label(self) -> str:
        return {
            Significance.MINOR: "1 Minor",
            Significance.MODERATE: "2 Moderate",
            Significance.SIGNIFICANT: "3 Significant",
            Significance.MAJOR: "4 Major",
        }[self]

    @property
    def meaning(self) -> str:
        return {
            Significance.MINOR: "Wording, process or a consultation changed; no change "
            "to what residents receive.",
            Significance.MODERATE: "How a service or programme is designed or delivered "
            "changed, for some residents.",
            Significance.SIGNIFICANT: "A policy, budget or eligibility rule changed, or a "
            "new programme started.",
            Significance.MAJOR: "A region-wide strategy or a large budget changed, "
            "affecting many residents.",
        }[self]


influenced_decision_meetings = Table(
    "influenced_decision_meetings",
    Base.metadata,
    Column(
        "influenced_decision_id",
        ForeignKey("influenced_decisions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
)
influenced_decision_agenda_items = Table(
    "influenced_decision_agenda_items",
    Base.metadata,
    Column(
        "influenced_decision_id",
        ForeignKey("influenced_decisions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
)
influenced_decision_digests = Table(
    "influenced_decision_digests",
    Base.metadata,
    Column(
        "influenced_decision_id",
        ForeignKey("influenced_decisions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("digest_id", ForeignKey("digests.id", ondelete="CASCADE"), primary_key=True),
)
influenced_decision_stories = Table(
    "influenced_decision_stories",
    Base.metadata,
    Column(
        "influenced_decision_id",
        ForeignKey("influenced_decisions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "submission_id",
        ForeignKey("submissions.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class InfluencedDecision(Base):
    """A decision of the combined authority or a partner that the Taskforce influenced:
    which body decided, when, what changed, how significant, and what informed it."""

    __tablename__ = "influenced_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # The body that made the decision (e.g. "WMCA Board", "Sandwell Council cabinet").
    decided_by: Mapped[str] = mapped_column(String(300))
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    what_changed: Mapped[str] = mapped_column(Text)
    significance: Mapped[Significance] = mapped_column(enum_column(Significance, "significance"))
    evidence_links: Mapped[str] = mapped_column(Text, default="")
    # The Taskforce's own decision that asked for it, if it was minuted.
    meeting_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    meeting_decision: Mapped[Decision | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(
        secondary=influenced_decision_meetings, order_by=Meeting.starts_at
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        secondary=influenced_decision_agenda_items
    )
    digests: Mapped[list[Digest]] = relationship(
        secondary=influenced_decision_digests, order_by=Digest.period_start
    )
    stories: Mapped[list[Submission]] = relationship(
        secondary=influenced_decision_stories, order_by=Submission.id
    )
    closures: Mapped[list[LoopClosure]] = relationship(
        back_populates="decision", order_by="LoopClosure.id"
    )

    __mapper_args__ = {"version_id_col": version}


class LoopClosure(Base):
    """ "You said, we did": what changed, in plain words, written from a decision.
    Published once; then the residents behind it who agreed to contact are told."""

    __tablename__ = "loop_closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("influenced_decisions.id", ondelete="RESTRICT"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    residents_told: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    decision: Mapped[InfluencedDecision] = relationship(back_populates="closures")
    theme: Mapped[Theme | None] = relationship()
    texts: Mapped[list[LoopClosureText]] = relationship(
        back_populates="closure", order_by="LoopClosureText.locale"
    )

    __mapper_args__ = {"version_id_col": version}


class LoopClosureText(Base):
    """The words of a "you said, we did" in one language (English always; Polish and
    Urdu when the secretariat has them, so residents are told in their language)."""

    __tablename__ = "loop_closure_texts"
    __table_args__ = (UniqueConstraint("closure_id", "locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    closure_id: Mapped[int] = mapped_column(ForeignKey("loop_closures.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)

    closure: Mapped[LoopClosure] = relationship(back_populates="texts")


class LoopNotice(Base):
    """That one resident's story was told about one "you said, we did": each resident
    is told once, and `/your-story` shows it."""

    __tablename__ = "loop_notices"
    __table_args__ = (UniqueConstraint("closure_id", "submission_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    closure_id: Mapped[int] = mapped_column(ForeignKey("loop_closures.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommitmentKind(enum.Enum):
    STRATEGIC = "strategic"
    REPORT_RECOMMENDATION = "report_recommendation"

    @property
    def label(self) -> str:
        return {
            CommitmentKind.STRATEGIC: "Strategic equity commitment",
            CommitmentKind.REPORT_RECOMMENDATION: "Recommendation of an equity-related report",
        }[self]


class CommitmentStatus(enum.Enum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    IMPLEMENTED = "implemented"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {
            CommitmentStatus.NOT_STARTED: "Not started",
            CommitmentStatus.ON_TRACK: "On track",
            CommitmentStatus.AT_RISK: "At risk",
            CommitmentStatus.IMPLEMENTED: "Implemented",
            CommitmentStatus.DROPPED: "Dropped",
        }[self]

    @property
    def is_closed(self) -> bool:
        return self in (CommitmentStatus.IMPLEMENTED, CommitmentStatus.DROPPED)


class Commitment(Base):
    """A strategic equity commitment, or one recommendation of an equity-related report
    such as the "Golden Decade", tracked to implementation."""

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CommitmentKind] = mapped_column(enum_column(CommitmentKind, "commitment_kind"))
    # The report or strategy it comes from, and its own reference there.
    source: Mapped[str] = mapped_column(String(300), default="")
    reference: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_column(CommitmentStatus, "commitment_status"), default=CommitmentStatus.NOT_STARTED
    )
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    updates: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment", order_by="CommitmentUpdate.id"
    )

    __mapper_args__ = {"version_id_col": version}


class CommitmentUpdate(Base):
    """A change of a commitment's status, with a note and its evidence: the history."""

    __tablename__ = "commitment_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_column(CommitmentStatus, "commitment_status")
    )
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_links: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="updates")
    recorded_by: Mapped[User | None] = relationship()


class TermsReview(Base):
    """A yearly review of the terms of reference, done (they require one from May 2027)."""

    __tablename__ = "terms_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reviewed_on: Mapped[date] = mapped_column(Date, unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
