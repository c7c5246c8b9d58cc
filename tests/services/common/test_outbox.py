"""The outbox: a receipt email is queued with the story, delivered afterwards, and retried
with back-off when delivery fails, without ever losing the story or the message."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import AgeGroup, Channel, OutboxMessage, Purpose, Submission
from engage.services.common import outbox
from engage.services.common.outbox import MemorySender
from engage.services.stories import intake, receipts
from engage.services.stories.intake import StoryInput


@pytest.fixture
def mail(app):
    sender = MemorySender()
    app.extensions["engage_mail_sender"] = sender
    yield sender
    app.extensions.pop("engage_mail_sender", None)


def submit(*, email: str = "", phone: str = "", contact: bool = True, code: str | None = None):
    code = code or receipts.new_code()
    submission = intake.submit_story(
        StoryInput(
            story="I was refused a viewing because of my name.",
            age_group=AgeGroup.ADULT,
            consents={Purpose.STORE: True, Purpose.CONTACT: contact},
            contact_email=email,
            contact_phone=phone,
        ),
        receipt_code=code,
        channel=Channel.WEB,
        language="en",
        notice_version=1,
    )
    return submission, code


def messages() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_story_with_an_email_queues_one_receipt_confirmation(ctx):
    _, code = submit(email="amina@example.org")
    [message] = messages()
    assert message.kind == "receipt_confirmation"
    assert message.to_address == "amina@example.org"
    # The code is never stored in the clear: only in the email as it goes.
    assert receipts.display(code) not in message.body
    assert receipts.display(code) not in (message.secret or "")
    assert receipts.display(code) in outbox.as_email(message).get_content()
    assert message.sent_at is None
    assert message.attempts == 0
    assert message.subject == "Your story has reached the Race Equity Taskforce"


def test_the_confirmation_holds_nothing_of_the_story(ctx):
    submit(email="amina@example.org")
    [message] = messages()
    assert "viewing" not in message.body
    assert "refused" not in message.body


def test_no_email_is_queued_without_an_address_or_without_consent(ctx):
    submit(phone="07700 900 982")
    submit(email="amina@example.org", contact=False)
    assert messages() == []


def test_a_repeated_form_queues_the_email_once(ctx):
    code = receipts.new_code()
    submit(email="amina@example.org", code=code)
    submit(email="amina@example.org", code=code)
    assert len(messages()) == 1


def test_deliver_due_sends_the_email(ctx, mail):
    _, code = submit(email="amina@example.org")
    assert outbox.deliver_due() == (1, 0)
    [email] = mail.sent
    assert email["To"] == "amina@example.org"
    assert email["Subject"] == "Your story has reached the Race Equity Taskforce"
    assert email["From"] == ctx.config["MAIL_FROM"]
    assert receipts.display(code) in email.get_content()
    [message] = messages()
    assert message.sent_at is not None
    assert message.attempts == 1


def test_a_sent_email_is_not_sent_again(ctx, mail):
    submit(email="amina@example.org")
    outbox.deliver_due()
    assert outbox.deliver_due(now=datetime.now(UTC) + timedelta(days=1)) == (0, 0)
    assert len(mail.sent) == 1


def test_a_failed_delivery_keeps_the_story_and_retries_later(ctx, mail):
    submission, code = submit(email="amina@example.org")
    mail.fail_with = smtplib.SMTPServerDisconnected("connection lost")
    now = datetime.now(UTC)

    assert outbox.deliver_due(now=now) == (0, 1)

    db.session.expire_all()
    assert db.session.get(Submission, submission.id).story.startswith("I was refused")
    [message] = messages()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.next_attempt_at > now
    assert message.last_error == "SMTPServerDisconnected"
    assert "amina@example.org" not in message.last_error
    assert mail.sent == []

    # Not due yet: nothing is tried before the back-off has passed.
    mail.fail_with = None
    assert outbox.deliver_due(now=now + timedelta(seconds=30)) == (0, 0)
    assert mail.sent == []

    assert outbox.deliver_due(now=message.next_attempt_at) == (1, 0)
    [email] = mail.sent
    assert receipts.display(code) in email.get_content()
    db.session.expire_all()
    [message] = messages()
    assert message.sent_at is not None
    assert message.attempts == 2


def test_the_back_off_grows_with_each_failure(ctx, mail):
    submit(email="amina@example.org")
    mail.fail_with = OSError("no route")
    now = datetime.now(UTC)
    waits = []
    for _ in range(3):
        outbox.deliver_due(now=now)
        [message] = messages()
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert waits[0] < waits[1] < waits[2]
    assert messages()[0].attempts == 3


def test_a_message_is_given_up_after_the_maximum_attempts(ctx, mail):
    submit(email="amina@example.org")
    [message] = messages()
    message.attempts = outbox.MAX_ATTEMPTS
    db.session.commit()
    assert outbox.deliver_due(now=datetime.now(UTC) + timedelta(days=2)) == (0, 0)
    assert mail.sent == []
    assert messages()[0].sent_at is None


def test_one_failing_message_does_not_stop_the_others(ctx, mail):
    submit(email="first@example.org")
    submit(email="second@example.org")

    class FailFirst(MemorySender):
        def send(self, message):
            if message["To"] == "first@example.org":
                raise smtplib.SMTPRecipientsRefused({})
            super().send(message)

    sender = FailFirst()
    ctx.extensions["engage_mail_sender"] = sender
    assert outbox.deliver_due() == (1, 1)
    assert [m["To"] for m in sender.sent] == ["second@example.org"]
    assert [m.sent_at is None for m in messages()] == [True, False]


def test_queue_adds_to_the_callers_transaction(ctx):
    outbox.queue(to="x@example.org", subject="Hello", body="Body", kind="test")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
