"""Bodies (the Taskforce and its groups), the people on them and their memberships."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.reference import LocalAuthority, Theme
from engage.models.types import UTCDateTime, enum_column


class BodyKind(enum.Enum):
    TASKFORCE = "taskforce"
    MEMBERS_ADVISORY_GROUP = "members_advisory_group"
    WORKING_GROUP = "working_group"
    MAYORAL_TASKFORCE = "mayoral_taskforce"

    @property
    def label(self) -> str:
        return {
            BodyKind.TASKFORCE: "Taskforce",
            BodyKind.MEMBERS_ADVISORY_GROUP: "Members advisory group",
            BodyKind.WORKING_GROUP: "Working group",
            BodyKind.MAYORAL_TASKFORCE: "Mayoral taskforce",
        }[self]


class DigestCadence(enum.Enum):
    """How often a working group's digest is issued and emailed."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    BEFORE_MEETING = "before_meeting"

    @property
    def label(self) -> str:
        return {
            DigestCadence.WEEKLY: "Weekly",
            DigestCadence.FORTNIGHTLY: "Every two weeks",
            DigestCadence.MONTHLY: "Monthly",
            DigestCadence.BEFORE_MEETING: "Before each meeting",
        }[self]


class MembershipRole(enum.Enum):
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    INDEPENDENT_MEMBER = "independent_member"
    PUBLIC_SERVICE_REPRESENTATIVE = "public_service_representative"
    SUBSTITUTE = "substitute"
    SECRETARIAT = "secretariat"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return MEMBERSHIP_ROLE_LABELS[self]

    @property
    def needs_local_authority(self) -> bool:
        return self in (
            MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE,
            MembershipRole.SUBSTITUTE,
        )


MEMBERSHIP_ROLE_LABELS = {
    MembershipRole.CHAIR: "Chair",
    MembershipRole.DEPUTY_CHAIR: "Deputy chair",
    MembershipRole.INDEPENDENT_MEMBER: "Independent member",
    MembershipRole.PUBLIC_SERVICE_REPRESENTATIVE: "Public service representative",
    MembershipRole.SUBSTITUTE: "Substitute",
    MembershipRole.SECRETARIAT: "Secretariat",
    MembershipRole.MEMBER: "Member",
}


class Body(Base):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # A working group usually follows one theme.
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # How many members (or substitutes in their seats) make a meeting quorate; none set
    # means more than half of the current members.
    quorum: Mapped[int | None] = mapped_column(Integer)
    digest_cadence: Mapped[DigestCadence] = mapped_column(
        enum_column(DigestCadence, "digest_cadence"),
        default=DigestCadence.MONTHLY,
        server_default=DigestCadence.MONTHLY.value,
    )
    # Whether members are emailed a digest that has nothing in it.
    digest_send_empty: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    theme: Mapped[Theme | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="body")


class Person(Base):
    """Someone who sits on a body. Holds only what the register needs."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    organisation: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_end_after_start"),
        CheckConstraint("ended_on IS NULL OR ended_on >= term_start", name="ended_after_start"),
        CheckConstraint(
            "role NOT IN ('public_service_representative', 'substitute') "
            "OR local_authority_id IS NOT NULL",
            name="representative_has_authority",
        ),
        CheckConstraint(
            "role <> 'substitute' OR substitute_for_id IS NOT NULL",
            name="substitute_has_principal",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_column(MembershipRole, "membership_role"))
    local_authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_authorities.id", ondelete="RESTRICT"), index=True
    )
    # NO ACTION rather than RESTRICT: checked at the end of a statement, so a bulk
    # delete of a representative with their substitute is possible; a lone delete is not.
    substitute_for_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"), index=True)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    volunteers_agreement_signed_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(String(300), default="")
    # Optimistic locking: two secretariat edits of one row cannot silently overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(back_populates="memberships")
    body: Mapped[Body] = relationship(back_populates="memberships")
    local_authority: Mapped[LocalAuthority | None] = relationship()
    substitute_for: Mapped[Membership | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    def is_current(self, on: date) -> bool:
        """Whether the membership is in force on the given day."""
        if self.ended_on is not None and self.ended_on < on:
            return False
        if self.term_start > on:
            return False
        return self.term_end is None or self.term_end >= on

    def has_lapsed(self, on: date) -> bool:
        """Past its term end without being formally ended: the register flags it."""
        return self.ended_on is None and self.term_end is not None and self.term_end < on

    def last_day(self) -> date | None:
        """The last day it is in force, whichever of term end and ending comes first."""
        days = [d for d in (self.ended_on, self.term_end) if d is not None]
        return min(days) if days else None
