"""The forward plan: the next meetings, of every body or one, with what is due at each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from engage.extensions import db
from engage.models import (
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingAction,
    MeetingPack,
    MeetingStatus,
    Paper,
)
from engage.services.meetings.common import day_bounds, local_date

CLOSED = [s for s in ActionStatus if s.is_closed]


@dataclass
class PlannedMeeting:
    meeting: Meeting
    agenda_items: int
    papers: int
    # Actions of the body still open and due on or before the meeting's day.
    actions_due: int
    # Versions of the meeting's pack that have been published.
    packs_published: int

    @property
    def on(self) -> date:
        return local_date(self.meeting.starts_at)


def _counts(query, meeting_ids: list[int]) -> dict[int, int]:
    if not meeting_ids:
        return {}
    return dict(db.session.execute(query).all())


def forward_plan(today: date, *, body_id: int | None = None, limit: int = 12) -> list:
    """The next `limit` meetings from today on (cancelled ones included, to be seen as
    cancelled), earliest first."""
    start, _ = day_bounds(today)
    query = (
        select(Meeting)
        .where(Meeting.starts_at >= start, Meeting.status != MeetingStatus.HELD)
        .options(joinedload(Meeting.body))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    meetings = list(db.session.scalars(query))
    ids = [m.id for m in meetings]
    items = _counts(
        select(AgendaItem.meeting_id, func.count())
        .where(AgendaItem.meeting_id.in_(ids))
        .group_by(AgendaItem.meeting_id),
        ids,
    )
    papers = _counts(
        select(AgendaItem.meeting_id, func.count(Paper.id))
        .join(Paper, Paper.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id.in_(ids))
        .group_by(AgendaItem.meeting_id),
        ids,
    )
    packs = _counts(
        select(MeetingPack.meeting_id, func.count())
        .where(MeetingPack.meeting_id.in_(ids), MeetingPack.published_at.is_not(None))
        .group_by(MeetingPack.meeting_id),
        ids,
    )
    body_ids = {m.body_id for m in meetings}
    open_actions = (
        list(
            db.session.scalars(
                select(MeetingAction).where(
                    MeetingAction.body_id.in_(body_ids),
                    MeetingAction.status.not_in(CLOSED),
                    MeetingAction.due_on.is_not(None),
                )
            )
        )
        if body_ids
        else []
    )
    plan = []
    for meeting in meetings:
        on = local_date(meeting.starts_at)
        due = sum(
            1
            for a in open_actions
            if a.body_id == meeting.body_id and a.due_on <= on and a.meeting_id != meeting.id
        )
        plan.append(
            PlannedMeeting(
                meeting=meeting,
                agenda_items=items.get(meeting.id, 0),
                papers=papers.get(meeting.id, 0),
                actions_due=due,
                packs_published=packs.get(meeting.id, 0),
            )
        )
    return plan
