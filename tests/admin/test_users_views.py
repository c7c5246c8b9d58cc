"""Administrators reset a lost authenticator or lift a lock, after confirming it is them."""

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, OutboxMessage, Role, User
from engage.models.base import utcnow
from tests import factories
from tests.helpers import csrf_token, page


def test_admin_sees_who_has_two_step_sign_in_and_who_is_locked(app, client, login_as):
    with app.app_context():
        locked = factories.user(role=Role.SECRETARIAT, email="locked@test.example")
        locked.locked_until = utcnow() + timedelta(minutes=10)
        db.session.commit()
        factories.user(role=Role.ENGAGEMENT_OFFICER, email="new@test.example", two_factor=False)
    login_as(Role.ADMIN)
    text = page(client.get("/admin/users")).get_text()
    assert "locked@test.example" in text and "Locked until" in text
    assert "Not set up yet" in text


def test_reset_is_audited_mailed_and_ends_their_sessions(app, client, login_as):
    with app.app_context():
        officer = factories.user(role=Role.ENGAGEMENT_OFFICER, email="lost@test.example")
        officer_id, nonce = officer.id, officer.session_nonce
    admin_id = login_as(Role.ADMIN)
    token = csrf_token(client, "/admin/users")
    response = client.post(
        f"/admin/users/{officer_id}/reset-two-factor", data={"csrf_token": token}
    )
    assert response.status_code == 302
    with app.app_context():
        officer = db.session.get(User, officer_id)
        assert not officer.two_factor_enrolled and officer.session_nonce != nonce
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "two_factor.reset"))
        assert (event.actor_id, event.object_id) == (admin_id, officer_id)
        assert db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_address == "lost@test.example")
        )


def test_admin_cannot_reset_their_own_here(app, client, login_as):
    admin_id = login_as(Role.ADMIN)
    token = csrf_token(client, "/admin/users")
    client.post(f"/admin/users/{admin_id}/reset-two-factor", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(User, admin_id).two_factor_enrolled


def test_unlock_lifts_the_lock(app, client, login_as):
    with app.app_context():
        locked = factories.user(role=Role.SECRETARIAT, email="locked@test.example")
        locked.locked_until = utcnow() + timedelta(minutes=10)
        db.session.commit()
        locked_id = locked.id
    login_as(Role.ADMIN)
    token = csrf_token(client, "/admin/users")
    client.post(f"/admin/users/{locked_id}/unlock", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(User, locked_id).locked_until is None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.unlocked"))


def test_actions_need_a_recent_code(app, client, login_as):
    with app.app_context():
        officer_id = factories.user(role=Role.ENGAGEMENT_OFFICER, email="o@test.example").id
    with freeze_time() as clock:
        login_as(Role.ADMIN)
        token = csrf_token(client, "/admin/users")
        clock.tick(timedelta(minutes=16))
        response = client.post(
            f"/admin/users/{officer_id}/reset-two-factor", data={"csrf_token": token}
        )
        assert response.headers["Location"].startswith("/sign-in/confirm")
        assert client.get("/admin/users").headers["Location"].startswith("/sign-in/confirm")
    with app.app_context():
        assert db.session.get(User, officer_id).two_factor_enrolled


def test_unknown_account_is_404(client, login_as):
    login_as(Role.ADMIN)
    token = csrf_token(client, "/admin/users")
    assert client.post("/admin/users/999999/unlock", data={"csrf_token": token}).status_code == 404
