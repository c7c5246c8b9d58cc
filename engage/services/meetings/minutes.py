"""A meeting's minutes, and the decisions it made."""

from __future__ import annotations

import logging

from sqlalchemy.orm.exc import StaleDataError

from engage.extensions import db
from engage.models import AgendaItem, Decision, Meeting, MeetingStatus
from engage.models.users import User
from engage.services.common import audit
from engage.services.common.transaction import Conflict, ServiceError, transactional
from engage.services.meetings.common import paragraphs
from engage.services.meetings.meetings import get_meeting

log = logging.getLogger(__name__)

MINUTES_MAX_LENGTH = 100_000
DECISION_MAX_LENGTH = 5000


def _not_cancelled(meeting: Meeting, what: str) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise ServiceError({"meeting": f"This meeting was cancelled, so it has no {what}"})


def minutes_problems(text: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    paragraphs(errors, "minutes", text, MINUTES_MAX_LENGTH, required="Enter the minutes")
    return errors


@transactional
def save_minutes(meeting_id: int, text: str | None, *, version: int, actor: User) -> bool:
    """Save the minutes as typed; False when they are unchanged (nothing is written)."""
    meeting = get_meeting(meeting_id)
    if meeting.version != version:
        raise Conflict(meeting_id)
    _not_cancelled(meeting, "minutes")
    errors: dict[str, str] = {}
    minutes = paragraphs(errors, "minutes", text, MINUTES_MAX_LENGTH, required="Enter the minutes")
    if errors:
        raise ServiceError(errors)
    if meeting.minutes == minutes:
        return False
    first = meeting.minutes is None
    meeting.minutes = minutes
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(meeting_id) from None
    audit.record(
        "minutes.saved",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        detail="first draft" if first else "changed",
    )
    return True


def _item_of(meeting: Meeting, agenda_item_id: int | None, errors: dict[str, str]):
    if agenda_item_id is None:
        return None
    item = db.session.get(AgendaItem, agenda_item_id)
    if item is None or item.meeting_id != meeting.id:
        errors["agenda_item_id"] = "Select an item from this meeting's agenda, or none"
        return None
    return item


def decision_problems(meeting_id: int, text: str | None, agenda_item_id: int | None):
    meeting = get_meeting(meeting_id)
    errors: dict[str, str] = {}
    paragraphs(errors, "text", text, DECISION_MAX_LENGTH, required="Enter what was decided")
    _item_of(meeting, agenda_item_id, errors)
    return errors


@transactional
def record_decision(
    meeting_id: int, text: str | None, *, agenda_item_id: int | None, actor: User
) -> Decision:
    meeting = get_meeting(meeting_id)
    _not_cancelled(meeting, "decisions")
    errors: dict[str, str] = {}
    words = paragraphs(errors, "text", text, DECISION_MAX_LENGTH, required="Enter what was decided")
    item = _item_of(meeting, agenda_item_id, errors)
    if errors:
        raise ServiceError(errors)
    decision = Decision(
        meeting=meeting,
        agenda_item_id=item.id if item else None,
        text=words,
        recorded_by_id=actor.id,
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "decision.recorded",
        actor=actor,
        object_type="decision",
        object_id=decision.id,
        detail=f"meeting={meeting.id}",
    )
    log.info("decision_recorded", extra={"decision_id": decision.id, "actor_id": actor.id})
    return decision
