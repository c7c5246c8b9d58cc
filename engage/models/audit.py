"""The audit log: who did what to which record, when and from where.

Rows are only ever added. Details carry ids and choices, never story text, names or
contact details, so the log itself holds no one's personal story."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engage.models.base import Base, utcnow
from engage.models.types import UTCDateTime
from engage.models.users import User


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at_id", "at", "id"),
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A plain number, not a foreign key: the row must outlive the account unchanged (the
    # role at the time is kept beside it), and the database refuses any update to it.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(500), default="")
    ip_address: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(40))

    actor: Mapped[User | None] = relationship(
        primaryjoin="foreign(AuditEvent.actor_id) == User.id", viewonly=True
    )


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    """No code path may change or delete an audit row (the database refuses too)."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly(f"audit event {obj.id} can't be changed or deleted")
