"""Where approved stories go: the secretariat's routing rules, the officer-confirmed
themes they match on, and each story's routes to working groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.bodies import Body
from engage.models.reference import LocalAuthority, Theme
from engage.models.types import UTCDateTime

routing_rule_themes = Table(
    "routing_rule_themes",
    Base.metadata,
    Column("rule_id", ForeignKey("routing_rules.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="RESTRICT"), primary_key=True),
)

routing_rule_areas = Table(
    "routing_rule_areas",
    Base.metadata,
    Column("rule_id", ForeignKey("routing_rules.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "local_authority_id",
        ForeignKey("local_authorities.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
)


class ConfirmedTheme(Base):
    """A theme an officer confirmed for a story, one row each, so that routing and the
    digests' counts are worked out in the database. Kept in step with ThemeLabel."""

    __tablename__ = "confirmed_themes"
    __table_args__ = (Index("ix_confirmed_themes_theme_submission", "theme_id", "submission_id"),)

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="RESTRICT"), primary_key=True
    )


class RoutingRule(Base):
    """Stories with any of these confirmed themes (and, if areas are given, from one of
    these areas) go to this body. Rules are ended rather than deleted, so a route can
    always say which rule sent it."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    body: Mapped[Body] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=routing_rule_themes, order_by="Theme.sort_order"
    )
    areas: Mapped[list[LocalAuthority]] = relationship(
        secondary=routing_rule_areas, order_by="LocalAuthority.name"
    )

    __mapper_args__ = {"version_id_col": version}


class StoryRoute(Base):
    """A story sent to a body. Once per body, however many rules match."""

    __tablename__ = "story_routes"
    __table_args__ = (
        UniqueConstraint("submission_id", "body_id"),
        Index("ix_story_routes_body_routed", "body_id", "routed_at", "submission_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("routing_rules.id", ondelete="SET NULL"), index=True
    )
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    body: Mapped[Body] = relationship()
