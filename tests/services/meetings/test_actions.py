"""Actions carried from meeting to meeting until closed; decisions and minutes; the
forward plan."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import ActionStatus, ActionUpdate, AuditEvent, MeetingPack
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.meetings import actions, forward_plan, meetings, minutes
from engage.services.meetings.actions import ActionInput, UpdateInput
from tests import factories

TODAY = date(2026, 12, 6)


@pytest.fixture
def admin(ctx):
    return factories.user()


@pytest.fixture
def year(admin):
    """Four meetings of the Taskforce and one of the Members Advisory Group."""
    return {
        "sep": factories.meeting(on=date(2026, 9, 10)),
        "oct": factories.meeting(on=date(2026, 10, 15)),
        "nov": factories.meeting(on=date(2026, 11, 12)),
        "jan": factories.meeting(on=date(2027, 1, 14)),
        "mag": factories.meeting(on=date(2026, 9, 10), body_slug="members-advisory-group"),
    }


def ids(found) -> list[int]:
    return [a.id for a in found]


def test_an_action_is_carried_until_it_is_closed(admin, year):
    raised = factories.meeting_action(year["sep"].id, due_on=date(2026, 10, 1))
    other_body = factories.meeting_action(year["mag"].id)
    body = factories.body().id
    assert ids(actions.open_at(body, date(2026, 9, 9))) == []
    assert ids(actions.open_at(body, date(2026, 9, 10))) == [raised.id]
    assert ids(actions.open_at(body, date(2026, 10, 15))) == [raised.id]
    assert other_body.id not in ids(actions.open_at(body, date(2026, 10, 15)))

    october = actions.for_meeting(year["oct"])
    assert ids(october.carried) == [raised.id] and october.raised == []
    assert october.overdue(raised)
    assert not actions.for_meeting(year["sep"]).overdue(raised)
    assert ids(actions.for_meeting(year["sep"]).raised) == [raised.id]
    assert actions.for_meeting(year["sep"]).carried == []

    # Closed at the November meeting: shown there (as done), not after.
    actions.update_action(
        raised.id,
        UpdateInput(ActionStatus.DONE, note="Letter sent", meeting_id=year["nov"].id),
        version=raised.version,
        actor=admin,
        today=TODAY,
    )
    assert raised.closed_on == date(2026, 11, 12)
    assert ids(actions.for_meeting(year["nov"]).carried) == [raised.id]
    assert ids(actions.for_meeting(year["jan"]).carried) == []
    assert ids(actions.open_at(body, date(2026, 10, 15))) == [raised.id]  # history kept
    assert actions.for_meeting(year["nov"]).overdue(raised)  # overdue until closed there
    assert not actions.is_overdue(raised, date(2027, 1, 14))


def test_reopening_carries_it_again(admin, year):
    raised = factories.meeting_action(year["sep"].id)
    actions.update_action(
        raised.id,
        UpdateInput(ActionStatus.DROPPED, note="Not needed"),
        version=raised.version,
        actor=admin,
        today=TODAY,
    )
    assert raised.closed_on == TODAY
    assert actions.for_meeting(year["jan"]).carried == []
    actions.update_action(
        raised.id,
        UpdateInput(ActionStatus.IN_PROGRESS, note="Needed after all"),
        version=raised.version,
        actor=admin,
        today=TODAY,
    )
    assert raised.closed_on is None
    assert ids(actions.for_meeting(year["jan"]).carried) == [raised.id]
    updates = db.session.scalars(select(ActionUpdate).order_by(ActionUpdate.id)).all()
    assert [(u.status, u.note) for u in updates] == [
        (ActionStatus.DROPPED, "Not needed"),
        (ActionStatus.IN_PROGRESS, "Needed after all"),
    ]
    details = db.session.scalars(
        select(AuditEvent.detail)
        .where(AuditEvent.action == "action.updated")
        .order_by(AuditEvent.id)
    ).all()
    assert details == ["from=open to=dropped", "from=dropped to=in_progress"]


def test_an_update_needs_a_change_or_a_note_and_a_real_meeting(admin, year):
    raised = factories.meeting_action(year["oct"].id)
    problems = actions.update_problems(raised.id, UpdateInput(ActionStatus.OPEN), today=TODAY)
    assert problems == {
        "note": "The action is already open. Choose a new status, "
        "or write a note about its progress"
    }
    assert (
        actions.update_problems(
            raised.id, UpdateInput(ActionStatus.OPEN, note="Chased"), today=TODAY
        )
        == {}
    )
    for meeting in (year["sep"], year["mag"]):  # before it was raised; another body
        errors = actions.update_problems(
            raised.id, UpdateInput(ActionStatus.DONE, meeting_id=meeting.id), today=TODAY
        )
        assert errors == {"meeting_id": "Select one of the meetings shown, or none"}
    errors = actions.update_problems(
        raised.id, UpdateInput(ActionStatus.DONE, meeting_id=year["jan"].id), today=TODAY
    )
    assert "has not happened yet" in errors["meeting_id"]
    assert actions.update_problems(raised.id, UpdateInput(None), today=TODAY) == {
        "status": "Select the action's status"
    }


def test_an_update_from_a_stale_form_is_a_conflict(admin, year):
    raised = factories.meeting_action(year["oct"].id)
    opened = raised.version
    actions.update_action(
        raised.id, UpdateInput(ActionStatus.IN_PROGRESS), version=opened, actor=admin, today=TODAY
    )
    with pytest.raises(Conflict):
        actions.update_action(
            raised.id, UpdateInput(ActionStatus.DONE), version=opened, actor=admin, today=TODAY
        )
    assert raised.status is ActionStatus.IN_PROGRESS


def test_raising_an_action_checks_what_was_typed(admin, year):
    meeting = year["oct"]
    other_item = factories.agenda_item(year["nov"].id)
    errors = actions.action_problems(
        meeting.id,
        ActionInput(
            description=" ", owner="", due_on=date(2026, 10, 1), agenda_item_id=other_item.id
        ),
    )
    assert errors == {
        "description": "Enter what is to be done",
        "owner": "Enter who will do it",
        "due_on": "The due date must be on or after the day of the meeting, 15 October 2026",
        "agenda_item_id": "Select an item from this meeting's agenda, or none",
    }
    item = factories.agenda_item(meeting.id)
    raised = actions.raise_action(
        meeting.id,
        ActionInput(
            description="Ask <the council>\r\nagain", owner=" Priya ", agenda_item_id=item.id
        ),
        actor=admin,
    )
    assert (raised.description, raised.owner, raised.body_id) == (
        "Ask <the council>\nagain",
        "Priya",
        meeting.body_id,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "action.raised"))
    assert (event.object_type, event.object_id) == ("action", raised.id)


def test_nothing_is_recorded_at_a_cancelled_meeting(admin, year):
    meeting = year["jan"]
    meetings.cancel(meeting.id, version=meeting.version, actor=admin)
    with pytest.raises(ServiceError):
        actions.raise_action(meeting.id, ActionInput("Do it", "Me"), actor=admin)
    with pytest.raises(ServiceError):
        minutes.record_decision(meeting.id, "Agreed", agenda_item_id=None, actor=admin)
    with pytest.raises(ServiceError):
        minutes.save_minutes(meeting.id, "Notes", version=meeting.version, actor=admin)


def test_decisions_and_minutes(admin, year):
    meeting = year["oct"]
    item = factories.agenda_item(meeting.id, "Routing")
    decision = minutes.record_decision(
        meeting.id, "Agreed the <routing> rules", agenda_item_id=item.id, actor=admin
    )
    assert (decision.text, decision.agenda_item_id) == ("Agreed the <routing> rules", item.id)
    assert minutes.decision_problems(meeting.id, "  ", None) == {"text": "Enter what was decided"}
    version = meeting.version
    assert minutes.save_minutes(meeting.id, "Present: all\r\n", version=version, actor=admin)
    assert meeting.minutes == "Present: all\n"
    assert not minutes.save_minutes(
        meeting.id, "Present: all\n", version=meeting.version, actor=admin
    )
    with pytest.raises(Conflict):
        minutes.save_minutes(meeting.id, "Older", version=version, actor=admin)
    codes = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert codes.count("minutes.saved") == 1 and codes.count("decision.recorded") == 1


def test_the_forward_plan(admin, year):
    jan = year["jan"]
    item = factories.agenda_item(jan.id, "Welcome")
    factories.paper(item.id)
    factories.paper(item.id)
    factories.agenda_item(jan.id, "Housing")
    factories.meeting_action(year["oct"].id, due_on=date(2027, 1, 14))
    factories.meeting_action(year["oct"].id, due_on=date(2027, 3, 1))  # due later
    factories.meeting_action(year["oct"].id)  # no date
    done = factories.meeting_action(year["nov"].id, due_on=date(2026, 12, 1))
    actions.update_action(
        done.id, UpdateInput(ActionStatus.DONE), version=done.version, actor=admin, today=TODAY
    )
    db.session.add_all(
        [
            MeetingPack(meeting_id=jan.id, version=1, content="{}"),
            MeetingPack(
                meeting_id=jan.id,
                version=2,
                content="{}",
                published_at=datetime(2027, 1, 7, tzinfo=UTC),
            ),
        ]
    )
    db.session.commit()
    march = factories.meeting(on=date(2027, 3, 11))

    plan = forward_plan.forward_plan(TODAY)
    assert [p.meeting.id for p in plan] == [jan.id, march.id]
    first, second = plan
    assert (first.agenda_items, first.papers, first.actions_due, first.packs_published) == (
        2,
        2,
        1,
        1,
    )
    assert (second.agenda_items, second.papers, second.actions_due, second.packs_published) == (
        0,
        0,
        2,
        0,
    )
    mag = factories.meeting(on=date(2027, 2, 2), body_slug="members-advisory-group")
    only_mag = forward_plan.forward_plan(TODAY, body_id=mag.body_id)
    assert [p.meeting.id for p in only_mag] == [mag.id]
    assert forward_plan.forward_plan(date(2027, 1, 14))[0].meeting.id == jan.id
