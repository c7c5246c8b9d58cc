"""Issuing digests on each working group's cadence, and emailing them to members.

`issue_due` runs daily (Celery beat in production; `engage digests issue` in the
embedded default). Each digest covers the time since the group's last one, so nothing
falls between two. A digest is emailed, through the outbox, to each current member
whose account takes digests by email: a member who has left the group by the day it is
issued is not sent it. An empty digest is recorded (members see "nothing this time" in
the site) but emailed only if the group asked for that."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engage import clock
from engage.extensions import db
from engage.models import (
    Body,
    Digest,
    DigestCadence,
    Meeting,
    MeetingStatus,
    Membership,
    OutboxMessage,
    Person,
    User,
)
from engage.models.base import utcnow
from engage.services.common import audit, outbox
from engage.services.common.audit import SYSTEM, Actor
from engage.services.common.transaction import ServiceError, transactional
from engage.services.digests import digests
from engage.services.digests.routing import ROUTABLE_KINDS

log = logging.getLogger(__name__)

# "Before each meeting": issued this many days before the meeting.
DAYS_BEFORE_MEETING = 7
# Stories listed in an email; the rest are read in the site.
EMAIL_ITEMS = 20


def _london_midnight(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.LONDON).astimezone(UTC)


def last_digest(body_id: int) -> Digest | None:
    return db.session.scalar(
        select(Digest).where(Digest.body_id == body_id).order_by(Digest.period_end.desc()).limit(1)
    )


def next_meeting(body_id: int, after: datetime) -> Meeting | None:
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.body_id == body_id,
            Meeting.starts_at > after,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due_period(body: Body, now: datetime) -> tuple[datetime, datetime] | None:
    """The period a digest is due for now, if one is: from the end of the last digest
    (or one cadence back, for the first) to the latest boundary passed. Boundaries are
    midnights in London, worked out as dates, so they stay at midnight across the
    clock changes."""
    today = now.astimezone(clock.LONDON).date()
    last = last_digest(body.id)
    cadence = body.digest_cadence
    if cadence is DigestCadence.WEEKLY:
        end_day = _monday(today)
        first_day = end_day - timedelta(days=7)
    elif cadence is DigestCadence.FORTNIGHTLY:
        if last is None:
            end_day = _monday(today)
        else:
            end_day = last.period_end.astimezone(clock.LONDON).date() + timedelta(days=14)
            if end_day > today:
                return None
        first_day = end_day - timedelta(days=14)
    elif cadence is DigestCadence.MONTHLY:
        end_day = today.replace(day=1)
        first_day = (end_day - timedelta(days=1)).replace(day=1)
    else:  # a week before each meeting, once per meeting
        meeting = next_meeting(body.id, now)
        if meeting is None or meeting.starts_at - now > timedelta(days=DAYS_BEFORE_MEETING):
            return None
        meeting_day = meeting.starts_at.astimezone(clock.LONDON).date()
        window = _london_midnight(meeting_day - timedelta(days=DAYS_BEFORE_MEETING))
        if last is not None and last.period_end >= window:
            return None  # this meeting's digest has gone
        end_day = today
        first_day = end_day - timedelta(days=30)
    end = _london_midnight(end_day)
    start = last.period_end if last is not None else _london_midnight(first_day)
    if start >= end:
        return None
    return start, end


def recipients(body_id: int, on) -> list[User]:
    """Current members of the body with an active account that takes digests by email.
    A member's account is the one with the register's email address."""
    return list(
        db.session.scalars(
            select(User)
            .join(Person, func.lower(Person.email) == User.email)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.body_id == body_id,
                Membership.term_start <= on,
                (Membership.ended_on.is_(None)) | (Membership.ended_on >= on),
                (Membership.term_end.is_(None)) | (Membership.term_end >= on),
                User.active,
                User.digests_by_email,
            )
            .distinct()
            .order_by(User.id)
        )
    )


def period_text(digest: Digest) -> str:
    last_day = (digest.period_end - timedelta(seconds=1)).astimezone(clock.LONDON)
    first_day = digest.period_start.astimezone(clock.LONDON)
    return f"{clock.format_date(first_day)} to {clock.format_date(last_day)}"


def render_email(digest: Digest, link: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a digest's email, from the data as it is now."""
    found = digests.content(digest.body, digest.period_start, digest.period_end, limit=EMAIL_ITEMS)
    subject = f"Digest for {digest.body.name}: {period_text(digest)}"
    context = {"digest": digest, "content": found, "period": period_text(digest), "link": link}
    # Straight from the environment: no request, so no page context processors (the
    # schedule sends these). .txt is not autoescaped (plain text keeps the words as
    # typed); .html is.
    environment = current_app.jinja_env
    text = environment.get_template("email/digest.txt").render(**context)
    html = environment.get_template("email/digest.html").render(**context)
    return subject, text, html


def digest_link(digest_id: int) -> str:
    base = current_app.config["SITE_URL"].rstrip("/")
    return f"{base}/digests/{digest_id}"


@transactional
def issue(body_id: int, start: datetime, end: datetime, *, actor: Actor = SYSTEM) -> Digest:
    """Record a digest for the period and queue its emails, in one transaction."""
    body = db.session.get(Body, body_id)
    if body is None or body.kind not in ROUTABLE_KINDS:
        raise ServiceError({"body_id": "Choose a working group"})
    if not body.active:
        raise ServiceError({"body_id": f"{body.name} has been wound up"})
    if start >= end:
        raise ServiceError({"period": "The period must end after it starts"})
    existing = db.session.scalar(
        select(Digest).where(Digest.body_id == body_id, Digest.period_start == start)
    )
    if existing is not None:
        if existing.period_end == end:
            return existing
        raise ServiceError({"body_id": "A digest for this group was issued moments ago"})
    found = digests.content(body, start, end, limit=0, with_phrases=False)
    digest = Digest(body_id=body_id, period_start=start, period_end=end)
    digest.stories_when_issued = found.total
    db.session.add(digest)
    try:
        # Two issues at once (a double click, or the schedule alongside a person) both
        # start where the last digest ended: the database lets one through.
        db.session.flush()
    except IntegrityError:
        raise ServiceError({"body_id": "A digest for this group was issued moments ago"}) from None
    sent = 0
    if found.total or body.digest_send_empty:
        subject, text, html = render_email(digest, digest_link(digest.id))
        for user in recipients(body_id, clock.today()):
            message = outbox.queue(to=user.email, subject=subject, body=text, kind="digest")
            message.html_body = html
            message.digest_id = digest.id
            sent += 1
    digest.emails_queued = sent
    audit.record(
        "digest.issued",
        actor=actor,
        object_type="digest",
        object_id=digest.id,
        detail=f"body={body_id} stories={found.total} emails={sent}",
    )
    log.info(
        "digest_issued",
        extra={"digest_id": digest.id, "body_id": body_id, "stories": found.total, "emails": sent},
    )
    return digest


def issue_now(body_id: int, *, actor: Actor) -> Digest:
    """A digest now, covering the time since the group's last one (or the last 30 days)."""
    now = utcnow()
    last = last_digest(body_id)
    start = last.period_end if last is not None else now - timedelta(days=30)
    if start >= now:
        raise ServiceError({"body_id": "A digest was issued for this group moments ago"})
    return issue(body_id, start, now, actor=actor)


def recent(body_id: int, limit: int = 3) -> list[Digest]:
    return list(
        db.session.scalars(
            select(Digest)
            .where(Digest.body_id == body_id)
            .order_by(Digest.period_end.desc(), Digest.id.desc())
            .limit(limit)
        )
    )


def issue_due(now: datetime | None = None) -> list[Digest]:
    """Every digest due now, one transaction each (a failure in one group doesn't stop
    the others)."""
    now = now or utcnow()
    issued = []
    for body in db.session.scalars(
        select(Body).where(Body.kind.in_(ROUTABLE_KINDS), Body.active).order_by(Body.id)
    ):
        period = due_period(body, now)
        if period is None:
            continue
        try:
            issued.append(issue(body.id, *period))
        except Exception:
            log.exception("digest_issue_failed", extra={"body_id": body.id})
    return issued


def rewrite_unsent() -> int:
    """Rewrite digest emails not yet sent from the data as it is now (after a story is
    withdrawn or taken back from sharing). Part of the caller's transaction."""
    waiting = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.digest_id.is_not(None), OutboxMessage.sent_at.is_(None)
        )
    ).all()
    rendered: dict[int, tuple[str, str, str]] = {}
    for message in waiting:
        digest = db.session.get(Digest, message.digest_id)
        if digest is None:
            continue
        if digest.id not in rendered:
            rendered[digest.id] = render_email(digest, digest_link(digest.id))
        message.subject, message.body, message.html_body = rendered[digest.id]
    return len(waiting)


@dataclass(frozen=True)
class Listed:
    digest: Digest
    new: bool
    stories: int


def for_member(user: User, *, today=None) -> list[Listed]:
    """Digests of the bodies the user is a current member of, newest first, each marked
    new if they haven't opened it."""
    from engage.models import DigestRead

    today = today or clock.today()
    bodies = member_bodies(user, today)
    if not bodies:
        return []
    read = set(
        db.session.scalars(select(DigestRead.digest_id).where(DigestRead.user_id == user.id))
    )
    rows = db.session.scalars(
        select(Digest)
        .where(Digest.body_id.in_([b.id for b in bodies]))
        .order_by(Digest.period_end.desc(), Digest.id.desc())
        .limit(50)
    ).all()
    return [Listed(d, d.id not in read, d.stories_when_issued) for d in rows]


def member_bodies(user: User, on) -> list[Body]:
    return list(
        db.session.scalars(
            select(Body)
            .join(Membership, Membership.body_id == Body.id)
            .join(Person, Person.id == Membership.person_id)
            .where(
                func.lower(Person.email) == user.email,
                Membership.term_start <= on,
                (Membership.ended_on.is_(None)) | (Membership.ended_on >= on),
                (Membership.term_end.is_(None)) | (Membership.term_end >= on),
            )
            .distinct()
            .order_by(Body.name)
        )
    )


def may_read(user: User, digest: Digest) -> bool:
    from engage.models.users import SECRETARIAT_ROLES

    if user.role in SECRETARIAT_ROLES:
        return True
    return any(b.id == digest.body_id for b in member_bodies(user, clock.today()))


@transactional
def mark_read(user: User, digest: Digest) -> None:
    from engage.models import DigestRead

    if db.session.get(DigestRead, (digest.id, user.id)) is None:
        db.session.add(DigestRead(digest_id=digest.id, user_id=user.id))


@transactional
def set_email_choice(user: User, by_email: bool, *, actor: Actor) -> None:
    account = db.session.get(User, user.id)
    account.digests_by_email = by_email
    audit.record(
        "digest.delivery_chosen",
        actor=actor,
        object_type="user",
        object_id=account.id,
        detail=f"email={'yes' if by_email else 'no'}",
    )


@transactional
def set_cadence(body_id: int, cadence: DigestCadence, send_empty: bool, *, actor: Actor) -> Body:
    body = db.session.get(Body, body_id)
    if body is None or body.kind not in ROUTABLE_KINDS:
        raise ServiceError({"cadence": "Choose a working group"})
    body.digest_cadence = cadence
    body.digest_send_empty = send_empty
    audit.record(
        "digest.cadence_set",
        actor=actor,
        object_type="body",
        object_id=body.id,
        detail=f"cadence={cadence.value} send_empty={send_empty}",
    )
    return body
