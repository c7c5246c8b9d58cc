"""Writing and searching the audit log.

Every view of unredacted text or equality answers, every change and every export goes
through `record`, in the same transaction as the change it describes. Details are ids
and choices only: never story text, names or contact details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import Select, select

from engage.clock import LONDON
from engage.extensions import db
from engage.models import AuditEvent, User
from engage.services.keyset import Cursor, Page, paginate
from engage.services.transaction import transactional

DETAIL_LIMIT = 500


def _actor(actor: User | None) -> User | None:
    if actor is not None:
        return actor
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def record(
    action: str,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    detail: str = "",
    actor: User | None = None,
) -> AuditEvent:
    """Add an audit row to the caller's transaction (the caller commits)."""
    who = _actor(actor)
    event = AuditEvent(
        actor_id=who.id if who else None,
        actor_role=who.role.value if who else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:DETAIL_LIMIT],
        ip_address=request.remote_addr if has_request_context() else None,
        request_id=getattr(g, "request_id", None) if has_request_context() else None,
    )
    db.session.add(event)
    return event


@transactional
def record_now(action: str, **fields) -> AuditEvent:
    """An audit row in its own transaction, for reads (viewing a story) that change nothing."""
    return record(action, **fields)


@dataclass(frozen=True)
class AuditFilter:
    actor_email: str = ""
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    on_or_after: date | None = None
    on_or_before: date | None = None


def _filtered(f: AuditFilter) -> Select:
    query = select(AuditEvent)
    if f.actor_email:
        query = query.join(User, AuditEvent.actor_id == User.id).where(
            User.email == f.actor_email.strip().lower()
        )
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.object_type:
        query = query.where(AuditEvent.object_type == f.object_type)
    if f.object_id is not None:
        query = query.where(AuditEvent.object_id == f.object_id)
    if f.on_or_after:
        query = query.where(
            AuditEvent.at >= datetime.combine(f.on_or_after, time.min, tzinfo=LONDON)
        )
    if f.on_or_before:
        end = datetime.combine(f.on_or_before + timedelta(days=1), time.min, tzinfo=LONDON)
        query = query.where(AuditEvent.at < end)
    return query


def search(
    f: AuditFilter, *, after: Cursor | None = None, before: Cursor | None = None, size: int = 50
) -> Page:
    """One page of matching events, newest first."""
    return paginate(
        db.session,
        _filtered(f),
        AuditEvent.at,
        AuditEvent.id,
        newest_first=True,
        after=after,
        before=before,
        size=size,
    )


def actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
