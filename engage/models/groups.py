"""Community groups: registration, verification, and their engagement with the Taskforce."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.reference import LocalAuthority, Theme
from engage.models.types import UTCDateTime, enum_column
from engage.models.users import User


class GroupType(enum.Enum):
    REGISTERED_CHARITY = "registered_charity"
    COMMUNITY_GROUP = "community_group"
    FAITH_GROUP = "faith_group"
    SOCIAL_ENTERPRISE = "social_enterprise"
    RESIDENTS_ASSOCIATION = "residents_association"
    OTHER = "other"

    @property
    def label(self):
        return {
            GroupType.REGISTERED_CHARITY: _l("Registered charity"),
            GroupType.COMMUNITY_GROUP: _l("Community or voluntary group"),
            GroupType.FAITH_GROUP: _l("Faith group"),
            GroupType.SOCIAL_ENTERPRISE: _l("Social enterprise or community interest company"),
            GroupType.RESIDENTS_ASSOCIATION: _l("Residents' or tenants' association"),
            GroupType.OTHER: _l("Something else"),
        }[self]


class GroupStatus(enum.Enum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class EngagementKind(enum.Enum):
    EVENT_ATTENDED = "event_attended"
    CONSULTATION_RESPONSE = "consultation_response"
    MEETING_INFORMED = "meeting_informed"

    @property
    def label(self):
        return {
            EngagementKind.EVENT_ATTENDED: _l("Attended an event"),
            EngagementKind.CONSULTATION_RESPONSE: _l("Responded to a consultation"),
            EngagementKind.MEETING_INFORMED: _l("Informed a Taskforce meeting"),
        }[self]


group_areas = Table(
    "community_group_areas",
    Base.metadata,
    Column("group_id", ForeignKey("community_groups.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "local_authority_id",
        ForeignKey("local_authorities.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
)

group_themes = Table(
    "community_group_themes",
    Base.metadata,
    Column("group_id", ForeignKey("community_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="RESTRICT"), primary_key=True),
)


class CommunityGroup(Base):
    __tablename__ = "community_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    group_type: Mapped[GroupType] = mapped_column(enum_column(GroupType, "group_type"))
    charity_number: Mapped[str | None] = mapped_column(String(12))
    company_number: Mapped[str | None] = mapped_column(String(8))
    communities_served: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_consent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The language the group registered in: emails to its contact are written in it.
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    status: Mapped[GroupStatus] = mapped_column(
        enum_column(GroupStatus, "group_status"), default=GroupStatus.PENDING, index=True
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str] = mapped_column(String(500), default="")
    # The contact's account, made when the group is verified.
    contact_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    areas: Mapped[list[LocalAuthority]] = relationship(
        secondary=group_areas, order_by=LocalAuthority.name
    )
    themes: Mapped[list[Theme]] = relationship(secondary=group_themes, order_by=Theme.sort_order)
    contact_user: Mapped[User | None] = relationship(foreign_keys=[contact_user_id])
    engagements: Mapped[list[GroupEngagement]] = relationship(
        back_populates="group", order_by="GroupEngagement.occurred_on.desc()"
    )


class GroupEngagement(Base):
    """One occasion a group took part in decision making: feeds the indicator
    "number of community groups engaged within WMCA decision making"."""

    __tablename__ = "group_engagements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("community_groups.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EngagementKind] = mapped_column(enum_column(EngagementKind, "engagement_kind"))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group: Mapped[CommunityGroup] = relationship(back_populates="engagements")
