"""Email goes when it says, once: delivery starts when the change is committed, urgent
first; two deliverers at once send each message exactly once (a real SMTP server);
codes and links are never stored in the clear; sent mail is deleted after its time."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import OutboxMessage, Role
from engage.services.common import outbox
from tests import factories


class Inbox:
    """aiosmtpd handler: keeps every message the server is given."""

    def __init__(self):
        self.received: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(saved)
    controller.stop()


def count(**where) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return db.session.scalar(query)


def test_two_deliverers_at_once_send_every_message_exactly_once(app, smtp_server):
    with app.app_context():
        for n in range(40):
            outbox.queue(to=f"person{n}@example.org", subject=f"Note {n}", body="Hello", kind="t")
        db.session.commit()
    start = threading.Barrier(2)
    results = []

    def deliverer():
        with app.app_context():
            start.wait()
            results.append(outbox.deliver_due(limit=15))
            while (done := outbox.deliver_due(limit=15)) != (0, 0):
                results.append(done)
            db.session.remove()

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    recipients = sorted(rcpt for rcpts, _ in smtp_server.received for rcpt in rcpts)
    assert recipients == sorted(f"person{n}@example.org" for n in range(40))
    assert sum(sent for sent, _ in results) == 40
    with app.app_context():
        assert count(sent_at=None) == 0
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.claimed_by.is_not(None))
            )
            == 0
        )


def test_a_claimed_message_is_left_to_its_deliverer_until_the_claim_lapses(ctx, sent_mail):
    outbox.queue(to="a@example.org", subject="S", body="B", kind="t")
    db.session.commit()
    now = datetime.now(UTC)
    claimed = outbox._claim_due("someone-else", now, 10)
    assert len(claimed) == 1
    assert outbox.deliver_due(now=now) == (0, 0)  # held by the other deliverer
    # The other deliverer died: after its claim lapses, the message goes.
    assert outbox.deliver_due(now=now + outbox.CLAIM + timedelta(seconds=1)) == (1, 0)
    assert [m["To"] for m in sent_mail] == ["a@example.org"]


def test_urgent_messages_go_first(ctx, sent_mail):
    for n in range(3):
        outbox.queue(to=f"routine{n}@example.org", subject="S", body="B", kind="t")
    outbox.queue(to="lead@example.org", subject="S", body="B", kind="alert", urgent=True)
    db.session.commit()
    outbox.deliver_due(limit=1)
    assert [m["To"] for m in sent_mail] == ["lead@example.org"]


def test_secrets_are_stored_encrypted_filled_in_as_sent_and_then_erased(ctx, sent_mail):
    message = outbox.queue(
        to="a@example.org",
        subject="Your link",
        body=f"Use this: {outbox.secret_mark('link')}",
        kind="t",
        secrets={"link": "https://engage.example/account/set-password/TOKEN123"},
    )
    db.session.commit()
    stored = db.session.get(OutboxMessage, message.id)
    assert "TOKEN123" not in stored.body and "TOKEN123" not in stored.secret
    outbox.deliver_due()
    assert sent_mail[0].get_content().strip() == (
        "Use this: https://engage.example/account/set-password/TOKEN123"
    )
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).secret is None


def test_sent_mail_is_deleted_after_its_retention_period(ctx, sent_mail):
    now = datetime.now(UTC)
    old = outbox.queue(to="old@example.org", subject="S", body="B", kind="t")
    recent = outbox.queue(to="new@example.org", subject="S", body="B", kind="t")
    waiting = outbox.queue(to="wait@example.org", subject="S", body="B", kind="t")
    db.session.commit()
    old.sent_at = now - timedelta(days=91)
    recent.sent_at = now - timedelta(days=89)
    waiting.created_at = now - timedelta(days=200)
    db.session.commit()
    assert outbox.purge_sent(now=now) == 1
    remaining = {m.to_address for m in db.session.scalars(select(OutboxMessage))}
    assert remaining == {"new@example.org", "wait@example.org"}


def test_a_safeguarding_alert_is_sent_by_the_request_that_raised_it(
    app, client, login_as, sent_mail
):
    from tests.helpers import submit_form

    login_as(Role.ENGAGEMENT_OFFICER)
    with app.app_context():
        story_id = factories.submission().id
    response = submit_form(
        client,
        f"/moderation/{story_id}/safeguarding",
        {"safeguarding-category": "risk_to_life", "safeguarding-concern": "Says they will end it"},
        form_url=f"/moderation/{story_id}",
    )
    assert response.status_code == 302
    # Already sent when the officer's page comes back: nothing waits for a later click.
    assert [m["To"] for m in sent_mail] == [app.config["SAFEGUARDING_LEAD_EMAIL"]]
    with app.app_context():
        assert count(sent_at=None) == 0


def test_an_authenticator_reset_notice_is_sent_at_once(app, client, login_as, sent_mail):
    login_as(Role.ADMIN)
    with app.app_context():
        officer = factories.user(role=Role.ENGAGEMENT_OFFICER, email="lost@test.example")
        officer_id = officer.id
    with client.session_transaction() as session:
        session["confirmed_at"] = datetime.now(UTC).timestamp()
    from tests.helpers import csrf_token

    client.post(
        f"/admin/users/{officer_id}/reset-two-factor",
        data={"csrf_token": csrf_token(client, "/admin/users")},
    )
    assert "lost@test.example" in [m["To"] for m in sent_mail]


def test_administrators_see_what_is_waiting_and_why(app, client, login_as):
    from tests.helpers import page

    login_as(Role.ADMIN)
    with app.app_context():
        stuck = outbox.queue(to="stuck@example.org", subject="S", body="B", kind="group_verified")
        stuck.attempts, stuck.last_error = 3, "SMTPConnectError"
        db.session.commit()
    soup = page(client.get("/admin/outbox"))
    row = soup.select_one("table tbody tr").get_text(" ", strip=True)
    assert "stuck@example.org" in row and "SMTPConnectError" in row and "group verified" in row
    assert soup.find("a", string="Email not sent")["href"] == "/admin/outbox"
