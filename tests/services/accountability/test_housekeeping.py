"""The Taskforce's housekeeping: members without a signed volunteers agreement, and the
annual review of the terms of reference, first due on 31 May 2027."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, MembershipRole, Role, TermsReview
from engage.services.accountability import housekeeping
from engage.services.accountability.housekeeping import ReviewInput, State
from engage.services.common.transaction import ServiceError
from tests import factories


@pytest.fixture
def actor(ctx):
    return factories.user(role=Role.SECRETARIAT)


def review(actor, on: date, note="", today=None):
    return housekeeping.record_review(
        ReviewInput(reviewed_on=on, note=note), actor=actor, today=today or on
    )


@pytest.mark.parametrize(
    ("today", "state", "words"),
    [
        (date(2026, 12, 6), State.UPCOMING, "Due on 31 May 2027"),
        (date(2027, 3, 31), State.UPCOMING, "Due on 31 May 2027"),
        (date(2027, 4, 1), State.DUE_SOON, "Due on 31 May 2027"),
        (date(2027, 5, 31), State.DUE_SOON, "Due on 31 May 2027"),
        (date(2027, 6, 1), State.OVERDUE, "Overdue by 1 day (due on 31 May 2027)"),
        (date(2027, 6, 3), State.OVERDUE, "Overdue by 3 days (due on 31 May 2027)"),
    ],
)
def test_the_first_review_is_due_on_31_may_2027(ctx, today, state, words):
    status = housekeeping.review_status(today)
    assert (status.due_on, status.state, status.words) == (date(2027, 5, 31), state, words)
    assert status.needs_action is (state in (State.DUE_SOON, State.OVERDUE))


def test_then_a_year_after_the_last_review(actor):
    review(actor, date(2027, 6, 10), "Quorum and substitutes clarified")
    status = housekeeping.review_status(date(2027, 6, 11))
    assert status.state is State.DONE and status.due_on == date(2028, 6, 10)
    assert status.words == "Done on 10 June 2027; next due on 10 June 2028"
    assert housekeeping.review_status(date(2028, 4, 11)).state is State.DUE_SOON
    assert housekeeping.review_status(date(2028, 6, 11)).words.startswith("Overdue by 1 day")


def test_a_review_before_the_first_due_date_does_not_bring_it_forward(actor):
    review(actor, date(2026, 1, 15))
    assert housekeeping.review_status(date(2026, 2, 1)).due_on == date(2027, 5, 31)


def test_a_year_after_a_leap_day():
    assert housekeeping.a_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_recording_a_review_checks_the_date_and_is_audited(actor):
    today = date(2027, 5, 20)
    made = review(actor, today, "Agreed <unchanged> & published", today=today)
    assert made.note == "Agreed <unchanged> & published" and made.recorded_by_id == actor.id
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "terms_review.recorded")
    )
    assert (event.object_id, event.detail) == (made.id, "on=2027-05-20")
    problems = housekeeping.review_problems(ReviewInput(reviewed_on=today), today=today)
    assert problems == {"reviewed_on": "A review on 20 May 2027 is already recorded"}
    future = housekeeping.review_problems(
        ReviewInput(reviewed_on=today + timedelta(days=1)), today=today
    )
    assert future == {"reviewed_on": "The date of the review must be today or in the past"}
    with pytest.raises(ServiceError):
        housekeeping.record_review(ReviewInput(reviewed_on=None), actor=actor, today=today)
    assert [r.reviewed_on for r in housekeeping.reviews()] == [today]
    assert db.session.scalar(select(TermsReview.id).where(TermsReview.id != made.id)) is None


def test_current_members_without_a_signed_agreement(ctx):
    today = date(2026, 11, 23)
    unsigned = factories.membership(
        role=MembershipRole.INDEPENDENT_MEMBER,
        start=date(2026, 4, 1),
        signed=None,
    )
    factories.membership(
        role=MembershipRole.INDEPENDENT_MEMBER,
        start=date(2026, 4, 1),
        signed=date(2026, 4, 2),
    )
    factories.membership(
        role=MembershipRole.INDEPENDENT_MEMBER,
        start=date(2027, 1, 1),
        signed=None,
    )
    factories.membership(
        role=MembershipRole.SECRETARIAT,
        start=date(2026, 4, 1),
        signed=None,
    )
    found = housekeeping.unsigned_agreements(today)
    assert [(u.membership.id, u.since, u.days) for u in found] == [
        (unsigned.id, date(2026, 4, 1), 236)
    ]
    reminders = housekeeping.reminders(today)
    assert reminders.count == 1
    # In May 2027 the member who joined in January is current too, and the review is due.
    later = housekeeping.reminders(date(2027, 5, 1))
    assert (len(later.unsigned), later.review.needs_action, later.count) == (2, True, 3)
