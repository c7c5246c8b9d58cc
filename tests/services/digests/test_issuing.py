"""Issuing digests: cadence, who is emailed, empty digests, withdrawal before sending,
and a real mail server that is down and comes back."""

import email
from datetime import UTC, date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from freezegun import freeze_time
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    Channel,
    Digest,
    DigestCadence,
    Meeting,
    Membership,
    MembershipRole,
    OutboxMessage,
    Person,
    Role,
)
from engage.models.base import utcnow
from engage.services.common import outbox
from engage.services.common.audit import SYSTEM
from engage.services.common.transaction import ServiceError
from engage.services.digests import issuing
from engage.services.stories import intake
from tests import factories
from tests.services.common.test_outbox_delivery import Inbox, _free_port

QUOTE = "Our <b>landlord</b> & the agent ignored the mould for a year."


def member(group, name: str, *, start=date(2026, 1, 1), ended=None, by_email=True):
    address = f"{name.lower()}@test.example"
    account = factories.user(role=Role.WORKING_GROUP_MEMBER, email=address)
    account.digests_by_email = by_email
    person = Person(full_name=name, email=address.capitalize())  # case differs on purpose
    db.session.add(
        Membership(
            person=person,
            body=group,
            role=MembershipRole.MEMBER,
            term_start=start,
            ended_on=ended,
        )
    )
    db.session.commit()
    return account


@pytest.fixture
def housing(ctx):
    group = factories.working_group("Housing working group")
    factories.routing_rule(group, ["housing"])
    return group


def queued() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")))


def test_a_digest_is_emailed_to_current_members_who_take_email(housing):
    member(housing, "Amira")
    member(housing, "Bogdan", by_email=False)
    member(housing, "Chidi", ended=date(2026, 2, 1))  # left before it was sent
    factories.approved_story(QUOTE, themes=["housing"])
    digest = issuing.issue_now(housing.id, actor=SYSTEM)
    assert digest.stories_when_issued == 1 and digest.emails_queued == 1
    [message] = queued()
    assert message.to_address == "amira@test.example"
    assert message.digest_id == digest.id
    # Plain text keeps the words exactly; the HTML part escapes them.
    assert QUOTE in message.body
    assert "Our &lt;b&gt;landlord&lt;/b&gt; &amp; the agent" in message.html_body
    built = outbox.as_email(message)
    assert built.get_body(("html",)) is not None and built.get_body(("plain",)) is not None


def test_an_empty_digest_is_recorded_but_not_emailed_unless_asked(housing):
    member(housing, "Amira")
    digest = issuing.issue_now(housing.id, actor=SYSTEM)
    assert digest.stories_when_issued == 0 and queued() == []
    housing.digest_send_empty = True
    db.session.commit()
    with freeze_time(utcnow() + timedelta(minutes=5)):
        issuing.issue_now(housing.id, actor=SYSTEM)
    [message] = queued()
    assert "No approved stories reached Housing working group" in message.body


def test_a_wound_up_group_is_not_issued_a_digest(housing):
    housing.active = False
    db.session.commit()
    with pytest.raises(ServiceError):
        issuing.issue_now(housing.id, actor=SYSTEM)


def test_a_story_withdrawn_before_the_email_goes_is_taken_out_of_it(housing):
    member(housing, "Amira")
    story = factories.approved_story(QUOTE, themes=["housing"])
    issuing.issue_now(housing.id, actor=SYSTEM)
    assert QUOTE in queued()[0].body
    intake.withdraw(story.id, keep_count=True, channel=Channel.WEB, language="en")
    db.session.commit()
    [message] = queued()
    assert QUOTE not in message.body and "landlord" not in message.html_body
    assert f"Story {story.id}" not in message.body


@pytest.mark.parametrize(
    ("cadence", "now", "start", "end"),
    [
        # Weekly: up to this Monday (London), a week back for the first one.
        (DigestCadence.WEEKLY, "2027-03-10 09:00", "2027-03-01 00:00", "2027-03-08 00:00"),
        (DigestCadence.MONTHLY, "2027-03-10 09:00", "2027-02-01 00:00", "2027-03-01 00:00"),
        # Summer time: London midnight is 23:00 UTC the day before.
        (DigestCadence.MONTHLY, "2027-07-02 09:00", "2027-05-31 23:00", "2027-06-30 23:00"),
        (DigestCadence.FORTNIGHTLY, "2027-03-10 09:00", "2027-02-22 00:00", "2027-03-08 00:00"),
    ],
)
def test_the_first_period_for_each_cadence(housing, cadence, now, start, end):
    housing.digest_cadence = cadence
    db.session.commit()
    at = datetime.fromisoformat(now).replace(tzinfo=UTC)
    period = issuing.due_period(housing, at)
    assert period == (
        datetime.fromisoformat(start).replace(tzinfo=UTC),
        datetime.fromisoformat(end).replace(tzinfo=UTC),
    )


def test_each_digest_starts_where_the_last_ended_and_is_issued_once(housing):
    housing.digest_cadence = DigestCadence.WEEKLY
    db.session.commit()

    def housing_digests(issued):
        return [d for d in issued if d.body_id == housing.id]

    with freeze_time("2027-03-10 09:00:00"):
        [first] = housing_digests(issuing.issue_due())
        assert issuing.issue_due() == []  # nothing more due the same week
    with freeze_time("2027-03-16 09:00:00"):
        [second] = housing_digests(issuing.issue_due())
    assert second.period_start == first.period_end


def test_before_each_meeting_issues_a_week_ahead(housing):
    housing.digest_cadence = DigestCadence.BEFORE_MEETING
    db.session.add(
        Meeting(body_id=housing.id, starts_at=datetime(2027, 3, 20, 14, tzinfo=UTC), place="Room 1")
    )
    db.session.commit()
    assert issuing.due_period(housing, datetime(2027, 3, 10, 9, tzinfo=UTC)) is None
    period = issuing.due_period(housing, datetime(2027, 3, 14, 9, tzinfo=UTC))
    assert period is not None and period[1] == datetime(2027, 3, 14, 0, tzinfo=UTC)


def test_before_each_meeting_issues_once_per_meeting(housing):
    """The daily job runs every day of the week before: one digest, not seven."""
    housing.digest_cadence = DigestCadence.BEFORE_MEETING
    db.session.add(
        Meeting(body_id=housing.id, starts_at=datetime(2027, 3, 10, 14, tzinfo=UTC), place="Hall")
    )
    db.session.commit()
    issued = []
    for day in range(1, 10):
        now = datetime(2027, 3, day, 6, tzinfo=UTC)
        issued += [d for d in issuing.issue_due(now) if d.body_id == housing.id]
    # Due from a week before 14:00 on the 10th: the 4th is the first run within it.
    assert len(issued) == 1 and issued[0].period_end == datetime(2027, 3, 4, tzinfo=UTC)


def test_fortnightly_periods_stay_at_london_midnight_across_the_clock_change(housing):
    from engage import clock

    housing.digest_cadence = DigestCadence.FORTNIGHTLY
    db.session.commit()
    ends = []
    for day in range(60):
        now = datetime(2027, 3, 1, 6, tzinfo=UTC) + timedelta(days=day)
        ends += [d.period_end for d in issuing.issue_due(now) if d.body_id == housing.id]
    local = [end.astimezone(clock.LONDON).strftime("%a %H:%M") for end in ends]
    assert len(local) >= 4 and set(local) == {"Mon 00:00"}


def test_two_issues_at_once_make_one_digest(housing):
    """A double click: the second starts where the first did, and is refused."""
    from engage.models import Digest

    first = issuing.issue_now(housing.id, actor=SYSTEM)
    with pytest.raises(ServiceError):
        issuing.issue(housing.id, first.period_start, first.period_end + timedelta(seconds=5))
    assert db.session.scalar(select(func.count()).select_from(Digest)) == 1


def test_a_member_reads_only_their_groups_digests(housing):
    amira = member(housing, "Amira")
    other_group = factories.working_group("Transport working group")
    outsider = member(other_group, "Dara")
    digest = issuing.issue_now(housing.id, actor=SYSTEM)
    assert issuing.may_read(amira, digest) and not issuing.may_read(outsider, digest)
    [listed] = issuing.for_member(amira)
    assert listed.new
    issuing.mark_read(amira, digest)
    assert not issuing.for_member(amira)[0].new
    assert issuing.for_member(outsider) == []


def test_digest_email_survives_a_mail_server_that_is_down(app, housing):
    """Sent once the server is back, exactly once (a real SMTP server, stopped and
    started)."""
    member(housing, "Amira")
    member(housing, "Bogdan")
    factories.approved_story(QUOTE, themes=["housing"])
    port = _free_port()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    issuing.issue_now(housing.id, actor=SYSTEM)  # the server is not running
    assert outbox.deliver_due() == (0, 2)
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
        == 2
    )
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = utcnow() + timedelta(hours=7)  # past the retry back-off
        assert outbox.deliver_due(now=later) == (2, 0)
        assert outbox.deliver_due(now=later + timedelta(hours=7)) == (0, 0)
    finally:
        controller.stop()
        app.config.update(MAIL_BACKEND="file")
    assert sorted(to for tos, _ in inbox.received for to in tos) == [
        "amira@test.example",
        "bogdan@test.example",
    ]
    received = email.message_from_bytes(inbox.received[0][1])
    assert received["Subject"].startswith("Digest for Housing working group")
    assert received.is_multipart()
    assert db.session.scalar(select(func.count()).select_from(Digest)) == 1
