"""Actions agreed at meetings, carried from meeting to meeting until done or dropped.

An action is open at a date if it was raised at a meeting of its body on or before
that date and had not been closed before it: so a meeting lists every action still
open when it met, from whichever earlier meeting, and one closed that day shows too,
with its new status. Each change of status is kept, with a note, as an update."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from engage.clock import format_date
from engage.extensions import db
from engage.models import (
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    Meeting,
    MeetingAction,
    MeetingStatus,
)
from engage.models.users import User
from engage.services.common import audit
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.meetings.common import day_bounds, line, local_date, paragraphs
from engage.services.meetings.meetings import get_meeting

log = logging.getLogger(__name__)

DESCRIPTION_MAX_LENGTH = 2000
OWNER_MAX_LENGTH = 160
NOTE_MAX_LENGTH = 2000
CLOSED = [s for s in ActionStatus if s.is_closed]


@dataclass
class ActionInput:
    description: str | None
    owner: str | None
    due_on: date | None = None
    agenda_item_id: int | None = None


@dataclass
class UpdateInput:
    status: ActionStatus | None
    note: str | None = ""
    meeting_id: int | None = None


def get_action(action_id: int) -> MeetingAction:
    action = db.session.get(MeetingAction, action_id)
    if action is None:
        raise NotFound(action_id)
    return action


def open_at(body_id: int, on: date) -> list[MeetingAction]:
    """The body's actions open on the day `on`: raised at one of its meetings on or
    before that day and not closed before it. Earliest due first (no due date last)."""
    _, end_of_day = day_bounds(on)
    query = (
        select(MeetingAction)
        .join(Meeting, MeetingAction.meeting_id == Meeting.id)
        .where(
            MeetingAction.body_id == body_id,
            Meeting.starts_at < end_of_day,
            or_(
                MeetingAction.status.not_in(CLOSED),
                MeetingAction.closed_on.is_(None),
                MeetingAction.closed_on >= on,
            ),
        )
        .options(joinedload(MeetingAction.meeting))
    )
    actions = list(db.session.scalars(query))
    return sorted(actions, key=lambda a: (a.due_on is None, a.due_on or on, a.id))


def is_overdue(action: MeetingAction, on: date) -> bool:
    """Past its due date on the day `on` and not closed before it (one closed on the
    day itself was still overdue when the meeting began)."""
    if action.due_on is None or action.due_on >= on:
        return False
    return action.closed_on is None or action.closed_on >= on


@dataclass
class MeetingActions:
    carried: list[MeetingAction]
    raised: list[MeetingAction]
    on: date

    def overdue(self, action: MeetingAction) -> bool:
        return is_overdue(action, self.on)


def for_meeting(meeting: Meeting) -> MeetingActions:
    """Actions carried into the meeting from earlier ones, and those raised at it."""
    on = local_date(meeting.starts_at)
    raised = list(
        db.session.scalars(
            select(MeetingAction)
            .where(MeetingAction.meeting_id == meeting.id)
            .order_by(MeetingAction.id)
        )
    )
    carried = [
        a
        for a in open_at(meeting.body_id, on)
        if a.meeting_id != meeting.id and a.meeting.starts_at < meeting.starts_at
    ]
    return MeetingActions(carried=carried, raised=raised, on=on)


def _validate(meeting: Meeting, data: ActionInput) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    description = paragraphs(
        errors,
        "description",
        data.description,
        DESCRIPTION_MAX_LENGTH,
        required="Enter what is to be done",
    )
    owner = line(errors, "owner", data.owner, OWNER_MAX_LENGTH, required="Enter who will do it")
    on = local_date(meeting.starts_at)
    if data.due_on is not None and data.due_on < on:
        errors["due_on"] = (
            f"The due date must be on or after the day of the meeting, {format_date(on)}"
        )
    item = None
    if data.agenda_item_id is not None:
        item = db.session.get(AgendaItem, data.agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            errors["agenda_item_id"] = "Select an item from this meeting's agenda, or none"
    return errors, {"description": description, "owner": owner, "item": item}


def action_problems(meeting_id: int, data: ActionInput) -> dict[str, str]:
    return _validate(get_meeting(meeting_id), data)[0]


@transactional
def raise_action(meeting_id: int, data: ActionInput, *, actor: User) -> MeetingAction:
    meeting = get_meeting(meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise ServiceError({"meeting": "This meeting was cancelled, so no actions were agreed"})
    errors, checked = _validate(meeting, data)
    if errors:
        raise ServiceError(errors)
    action = MeetingAction(
        body_id=meeting.body_id,
        meeting=meeting,
        agenda_item_id=checked["item"].id if checked["item"] else None,
        description=checked["description"],
        owner=checked["owner"],
        due_on=data.due_on,
        status=ActionStatus.OPEN,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        "action.raised",
        actor=actor,
        object_type="action",
        object_id=action.id,
        detail=f"meeting={meeting.id}",
    )
    log.info("action_raised", extra={"action_id": action.id, "actor_id": actor.id})
    return action


def meetings_for_update(action: MeetingAction) -> list[Meeting]:
    """Meetings at which the action's progress can be reported: its body's, from the
    one that raised it onwards, not cancelled."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.body_id == action.body_id,
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.starts_at >= action.meeting.starts_at,
            )
            .order_by(Meeting.starts_at)
        )
    )


def _validate_update(
    action: MeetingAction, data: UpdateInput, today: date
) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    if data.status is None:
        errors["status"] = "Select the action's status"
    note = paragraphs(errors, "note", data.note, NOTE_MAX_LENGTH)
    if data.status is action.status and not note and "status" not in errors:
        errors["note"] = (
            f"The action is already {action.status.label.lower()}. Choose a new status, "
            "or write a note about its progress"
        )
    meeting = None
    if data.meeting_id is not None:
        meeting = db.session.get(Meeting, data.meeting_id)
        if meeting is None or meeting not in meetings_for_update(action):
            errors["meeting_id"] = "Select one of the meetings shown, or none"
            meeting = None
        elif local_date(meeting.starts_at) > today:
            errors["meeting_id"] = (
                "That meeting has not happened yet. Select a meeting that has, or none"
            )
    return errors, {"note": note, "meeting": meeting}


def update_problems(action_id: int, data: UpdateInput, *, today: date) -> dict[str, str]:
    return _validate_update(get_action(action_id), data, today)[0]


@transactional
def update_action(
    action_id: int, data: UpdateInput, *, version: int, actor: User, today: date
) -> ActionUpdate:
    """Change an action's status (or add a note about it), at a meeting or between
    meetings. Closing records the day (the meeting's, if given); reopening clears it."""
    action = get_action(action_id)
    if action.version != version:
        raise Conflict(action_id)
    errors, checked = _validate_update(action, data, today)
    if errors:
        raise ServiceError(errors)
    meeting = checked["meeting"]
    was_closed = action.status.is_closed
    if data.status.is_closed and not was_closed:
        action.closed_on = local_date(meeting.starts_at) if meeting else today
    elif not data.status.is_closed:
        action.closed_on = None
    previous = action.status
    action.status = data.status
    update = ActionUpdate(
        action=action,
        meeting_id=meeting.id if meeting else None,
        status=data.status,
        note=checked["note"],
        recorded_by_id=actor.id,
    )
    db.session.add(update)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(action_id) from None
    audit.record(
        "action.updated",
        actor=actor,
        object_type="action",
        object_id=action.id,
        detail=f"from={previous.value} to={data.status.value}",
    )
    log.info("action_updated", extra={"action_id": action.id, "actor_id": actor.id})
    return update
