"""Scheduling meetings: one, or a year's in one step."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Meeting, MeetingStatus
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.meetings import meetings
from engage.services.meetings.meetings import MeetingInput, SeriesInput
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def admin(ctx):
    return factories.user()


def entry(**overrides) -> MeetingInput:
    values = {
        "body_id": factories.body().id,
        "on": date(2027, 1, 14),
        "at": time(14, 0),
        "place": "Council House, Birmingham",
    }
    values.update(overrides)
    return MeetingInput(**values)


def refusal(data: MeetingInput, actor) -> dict[str, str]:
    with pytest.raises(ServiceError) as refused:
        meetings.schedule(data, actor=actor, today=TODAY)
    return refused.value.errors


def audit_actions() -> list[tuple[str, int]]:
    return [
        (e.action, e.object_id)
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        if e.object_type == "meeting"
    ]


def test_a_meeting_is_stored_in_utc_from_uk_time(admin):
    winter = meetings.schedule(entry(), actor=admin, today=TODAY)
    summer = meetings.schedule(entry(on=date(2027, 7, 8)), actor=admin, today=TODAY)
    assert winter.starts_at == datetime(2027, 1, 14, 14, 0, tzinfo=UTC)
    # British Summer Time is an hour ahead of UTC.
    assert summer.starts_at == datetime(2027, 7, 8, 13, 0, tzinfo=UTC)
    assert winter.status is MeetingStatus.SCHEDULED
    assert meetings.meeting_date(summer) == date(2027, 7, 8)
    assert audit_actions() == [("meeting.scheduled", winter.id), ("meeting.scheduled", summer.id)]


def test_words_are_kept_as_typed(admin):
    made = meetings.schedule(
        entry(place="  Room <3> & the <b>annexe</b>  "), actor=admin, today=TODAY
    )
    assert made.place == "Room <3> & the <b>annexe</b>"


def test_a_place_or_a_link_is_needed_and_a_link_must_be_https(admin):
    assert refusal(entry(place=""), admin) == {
        "place": "Enter where the meeting is, an online link, or both"
    }
    for link in (
        "http://meet.example.org/x",
        "javascript:alert(1)",
        "meet.example.org",
        "https://",
    ):
        errors = refusal(entry(online_link=link), admin)
        assert "starting with https://" in errors["online_link"], link
    made = meetings.schedule(
        entry(place="", online_link="https://teams.example.org/meet/123"),
        actor=admin,
        today=TODAY,
    )
    assert made.online_link == "https://teams.example.org/meet/123"


def test_everything_missing_is_said_at_once(admin):
    errors = refusal(MeetingInput(body_id=None, on=None, at=None, status=None), admin)
    assert set(errors) == {"body_id", "meeting_on", "start_time", "place", "status"}


def test_a_time_the_clocks_skip_is_refused(admin):
    errors = refusal(entry(on=date(2027, 3, 28), at=time(1, 30)), admin)
    assert "clocks go forward" in errors["start_time"]


def test_one_meeting_a_day_per_body(admin):
    meetings.schedule(entry(), actor=admin, today=TODAY)
    errors = refusal(entry(at=time(18, 0)), admin)
    assert errors["meeting_on"].startswith(
        "Race Equity Taskforce already has a meeting on 14 January 2027 at 14:00"
    )
    # Another body may meet that day.
    other = factories.body("members-advisory-group").id
    meetings.schedule(entry(body_id=other), actor=admin, today=TODAY)


def test_a_meeting_still_to_come_cannot_have_been_held(admin):
    errors = refusal(entry(status=MeetingStatus.HELD), admin)
    assert errors == {"status": "A meeting on a date still to come cannot have been held yet"}
    past = meetings.schedule(
        entry(on=date(2026, 10, 1), status=MeetingStatus.HELD), actor=admin, today=TODAY
    )
    assert past.status is MeetingStatus.HELD


def test_an_inactive_body_cannot_meet(admin):
    body = factories.body("members-advisory-group")
    body.active = False
    db.session.commit()
    assert refusal(entry(body_id=body.id), admin) == {"body_id": "Select the body that is meeting"}


def test_editing_changes_only_what_changed_and_checks_the_version(admin):
    made = meetings.schedule(entry(), actor=admin, today=TODAY)
    version = made.version
    changed = meetings.update(
        made.id, entry(at=time(10, 30)), version=version, actor=admin, today=TODAY
    )
    assert changed == ["starts_at"]
    assert made.starts_at == datetime(2027, 1, 14, 10, 30, tzinfo=UTC)
    # Nothing changed: nothing written, no audit row.
    before = audit_actions()
    assert (
        meetings.update(
            made.id, entry(at=time(10, 30)), version=made.version, actor=admin, today=TODAY
        )
        == []
    )
    assert audit_actions() == before
    # A form opened before the change is refused.
    with pytest.raises(Conflict):
        meetings.update(
            made.id, entry(place="Elsewhere"), version=version, actor=admin, today=TODAY
        )
    assert made.place == "Council House, Birmingham"


def test_editing_may_keep_its_own_day(admin):
    made = meetings.schedule(entry(), actor=admin, today=TODAY)
    assert meetings.update(
        made.id, entry(place="Room 2"), version=made.version, actor=admin, today=TODAY
    ) == ["place"]


def test_cancelling(admin):
    made = meetings.schedule(entry(), actor=admin, today=TODAY)
    with pytest.raises(Conflict):
        meetings.cancel(made.id, version=made.version + 1, actor=admin)
    meetings.cancel(made.id, version=made.version, actor=admin)
    assert made.status is MeetingStatus.CANCELLED
    assert ("meeting.cancelled", made.id) in audit_actions()
    with pytest.raises(ServiceError):
        meetings.cancel(made.id, version=made.version, actor=admin)
    # The day is free again.
    meetings.schedule(entry(at=time(16, 0)), actor=admin, today=TODAY)


def test_a_held_meeting_cannot_be_cancelled(admin):
    held = meetings.schedule(
        entry(on=date(2026, 10, 1), status=MeetingStatus.HELD), actor=admin, today=TODAY
    )
    with pytest.raises(ServiceError) as refused:
        meetings.cancel(held.id, version=held.version, actor=admin)
    assert "has been held" in refused.value.errors["meeting"]


def test_previous_meeting_skips_cancelled_ones_and_other_bodies(admin):
    first = factories.meeting(on=date(2026, 9, 10), held=True)
    cancelled = factories.meeting(on=date(2026, 10, 8))
    meetings.cancel(cancelled.id, version=cancelled.version, actor=admin)
    factories.meeting(on=date(2026, 10, 22), body_slug="members-advisory-group")
    this = factories.meeting(on=date(2026, 11, 12))
    later = factories.meeting(on=date(2027, 1, 14))
    assert meetings.previous_meeting(this) == first
    assert meetings.previous_meeting(later) == this
    assert meetings.previous_meeting(first) is None


# A year's meetings


def series(**overrides) -> SeriesInput:
    values = {
        "body_id": factories.body().id,
        "first_on": date(2027, 1, 14),
        "at": time(14, 0),
        "place": "Council House",
    }
    values.update(overrides)
    return SeriesInput(**values)


def test_six_meetings_every_two_months_by_default(admin):
    plan = meetings.schedule_series(series(), actor=admin)
    days = [
        meetings.meeting_date(m)
        for m in db.session.scalars(select(Meeting).order_by(Meeting.starts_at))
    ]
    assert days == [
        date(2027, 1, 14),
        date(2027, 3, 14),
        date(2027, 5, 14),
        date(2027, 7, 14),
        date(2027, 9, 14),
        date(2027, 11, 14),
    ]
    assert plan.skipped == []
    # 14:00 in UK time all year, whatever the clocks.
    assert plan.starts[3] == datetime(2027, 7, 14, 13, 0, tzinfo=UTC)
    assert [a for a, _ in audit_actions()] == ["meeting.scheduled"] * 6


def test_the_preview_changes_nothing_and_skips_days_already_taken(admin):
    taken = factories.meeting(on=date(2027, 3, 14), at="10:00")
    errors, plan = meetings.plan_series(series(count=3))
    assert errors == {}
    assert plan.skipped == [
        (date(2027, 3, 14), "Race Equity Taskforce already meets that day, at 10:00")
    ]
    assert len(plan.starts) == 2
    assert db.session.scalar(select(Meeting.id).where(Meeting.id != taken.id)) is None
    done = meetings.schedule_series(series(count=3), actor=admin)
    assert [d for d, _ in done.skipped] == [date(2027, 3, 14)]
    assert len(db.session.scalars(select(Meeting)).all()) == 3


def test_month_ends_and_weeks(admin):
    assert meetings.series_dates(date(2027, 1, 31), count=3, every=1, unit="months") == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]
    assert meetings.series_dates(date(2027, 1, 5), count=3, every=3, unit="weeks") == [
        date(2027, 1, 5),
        date(2027, 1, 26),
        date(2027, 2, 16),
    ]


def test_a_series_is_checked_whole(admin):
    errors, _ = meetings.plan_series(
        series(count=0, every=13, place="", online_link="http://x", first_on=None)
    )
    assert set(errors) == {"count", "every", "online_link", "first_on"}
    errors, _ = meetings.plan_series(series(unit="days"))
    assert errors == {"unit": "Select weeks or months"}
    with pytest.raises(ServiceError):
        meetings.schedule_series(series(count=25), actor=admin)
    assert db.session.scalars(select(Meeting)).all() == []


def test_a_series_with_every_day_taken_is_refused(admin):
    factories.meeting(on=date(2027, 1, 14))
    errors, plan = meetings.plan_series(series(count=1))
    assert "already has a meeting" in errors["first_on"]
    assert plan.starts == []


def test_a_held_meeting_stays_held_when_edited(ctx):
    from datetime import date, time

    from engage.models import MeetingStatus
    from engage.services.meetings import meetings

    held = factories.meeting(on=date(2026, 10, 1), held=True)
    problems = meetings.meeting_problems(
        meetings.MeetingInput(
            body_id=held.body_id,
            on=date(2026, 10, 1),
            at=time(14),
            place="Council House",
            status=MeetingStatus.CANCELLED,
        ),
        editing_id=held.id,
        today=date(2026, 11, 23),
    )
    assert problems["status"] == "This meeting has been held, so it stays held"
