"""Writing and searching the audit log.

Every view of unredacted text or equality answers, every change and every export goes
through `record`, in the same transaction as the change it describes. Details are ids
and choices only: never story text, names or contact details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, or_, select

from engage.clock import LONDON
from engage.extensions import db
from engage.models import AuditEvent, User
from engage.services.common.keyset import Cursor, Page, paginate
from engage.services.common.transaction import transactional

DETAIL_LIMIT = 500


@dataclass(frozen=True)
class Actor:
    """Who did something and from where, as an audit row records it. A view builds it
    (engage.permissions.current_actor) and passes it into the service, which never reads
    the request itself. `user` is None for the system (a scheduled task) and for someone
    not (yet) known, such as a sign-in with an unknown address. Other attributes (id,
    role, display_name) are the user's, so a service can take an Actor where it took a
    User."""

    user: User | None
    ip_address: str | None = None
    request_id: str | None = None

    def __getattr__(self, name: str):
        user = self.__dict__.get("user")
        if user is None:
            raise AttributeError(name)
        return getattr(user, name)

    def acting_as(self, user: User | None) -> Actor:
        """The same request, now known to be this user (after checking a password)."""
        return Actor(user, self.ip_address, self.request_id)


SYSTEM = Actor(None)


def as_actor(who: Actor | User | None) -> Actor:
    """An Actor from a User (the command line, tests): no address or request."""
    if isinstance(who, Actor):
        return who
    return Actor(who)


def record(
    action: str,
    *,
    actor: Actor | User | None,
    object_type: str | None = None,
    object_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add an audit row to the caller's transaction (the caller commits). `actor` must
    be given: who did it and from where comes from the caller, never from the request."""
    who = as_actor(actor)
    event = AuditEvent(
        actor_id=who.user.id if who.user else None,
        actor_role=who.user.role.value if who.user else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:DETAIL_LIMIT],
        ip_address=who.ip_address,
        request_id=who.request_id,
    )
    db.session.add(event)
    return event


def record_by_holder(action: str, user: User, origin: Actor | None = None) -> AuditEvent:
    """An event about an account, done by its holder (signing in, setting up two-step
    sign-in...), from where `origin` (the request's Actor) says."""
    return record(
        action,
        actor=as_actor(origin).acting_as(user),
        object_type="user",
        object_id=user.id,
    )


@transactional
def record_now(action: str, **fields) -> AuditEvent:
    """An audit row in its own transaction, for reads (viewing a story) that change nothing."""
    return record(action, **fields)


@dataclass(frozen=True)
class AuditFilter:
    # Part of the actor's name or email address, any case.
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    on_or_after: date | None = None
    on_or_before: date | None = None


def _filtered(f: AuditFilter) -> Select:
    query = select(AuditEvent)
    if typed := f.actor.strip():
        # autoescape: a % or _ typed is matched as itself, not as a wildcard.
        query = query.join(User, AuditEvent.actor_id == User.id).where(
            or_(
                User.email.icontains(typed, autoescape=True),
                User.display_name.icontains(typed, autoescape=True),
            )
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


# Reading is audited too, but it changes nothing.
READS = ("submission.viewed", "equality.viewed")


def latest_change(object_type: str, object_id: int) -> AuditEvent | None:
    """The last change anyone made to a record (to tell someone whose page went stale
    what happened since they opened it)."""
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
            AuditEvent.action.not_in(READS),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


def actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
