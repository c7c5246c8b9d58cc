"""Meetings of the Taskforce and its groups: agendas with papers, attendance (with
substitutes in their members' seats), minutes, decisions, actions carried from meeting
to meeting until closed, and the meeting packs built for them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.bodies import Body, Membership
from engage.models.types import UTCDateTime, enum_column
from engage.models.users import User


class MeetingStatus(enum.Enum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            MeetingStatus.SCHEDULED: "Scheduled",
            MeetingStatus.HELD: "Held",
            MeetingStatus.CANCELLED: "Cancelled",
        }[self]


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_body_starts", "body_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.SCHEDULED
    )
    minutes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    body: Mapped[Body] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", order_by="Decision.id"
    )

    __mapper_args__ = {"version_id_col": version}


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Who introduces the item (a name, as the agenda prints it).
    lead: Mapped[str] = mapped_column(String(160), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    papers: Mapped[list[Paper]] = relationship(
        back_populates="agenda_item", order_by="Paper.id", cascade="all, delete-orphan"
    )


class Paper(Base):
    """A document attached to an agenda item (PDF or text), kept in the database so
    that a backup holds everything."""

    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="papers")


class AttendanceStatus(enum.Enum):
    PRESENT = "present"
    SUBSTITUTE = "substitute"  # their named substitute sat in their seat
    APOLOGIES = "apologies"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {
            AttendanceStatus.PRESENT: "Present",
            AttendanceStatus.SUBSTITUTE: "Substitute attended",
            AttendanceStatus.APOLOGIES: "Apologies",
            AttendanceStatus.ABSENT: "Absent",
        }[self]

    @property
    def seat_filled(self) -> bool:
        return self in (AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE)


class Attendance(Base):
    """One member's seat at one meeting. A substitute attending counts for the seat."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "membership_id"),
        CheckConstraint(
            "status <> 'substitute' OR substitute_membership_id IS NOT NULL",
            name="substitute_named",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column(AttendanceStatus, "attendance_status")
    )
    substitute_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="RESTRICT")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    membership: Mapped[Membership] = relationship(foreign_keys=[membership_id])
    substitute: Mapped[Membership | None] = relationship(foreign_keys=[substitute_membership_id])


class Decision(Base):
    """Something a meeting decided. Issue 12's decisions log builds on this."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class ActionStatus(enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {
            ActionStatus.OPEN: "Open",
            ActionStatus.IN_PROGRESS: "In progress",
            ActionStatus.DONE: "Done",
            ActionStatus.DROPPED: "Dropped",
        }[self]

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.DROPPED)


class MeetingAction(Base):
    """An action agreed at a meeting, carried to each later meeting of the body until
    it is done or dropped."""

    __tablename__ = "meeting_actions"
    __table_args__ = (Index("ix_meeting_actions_body_status", "body_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(160))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    meeting: Mapped[Meeting] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ActionUpdate(Base):
    """A change of an action's status, with a note, at a meeting or between meetings."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_actions.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[MeetingAction] = relationship(back_populates="updates")


class MeetingPack(Base):
    """One built version of a meeting's pack. `content` is the pack as built (JSON, with
    stories by number); pages filter out any story that may no longer be shown, and a
    withdrawal clears `pdf` so the next download is built without the story."""

    __tablename__ = "meeting_packs"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    # Space-separated numbers of the stories in it: which packs a withdrawal touches.
    story_ids: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_error: Mapped[str | None] = mapped_column(String(300))
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    built_by: Mapped[User | None] = relationship(foreign_keys=[built_by_id])
