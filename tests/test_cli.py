import pyotp
import pytest
from sqlalchemy import func, select

from engage import demo
from engage.cli import main
from engage.extensions import db
from engage.models import Membership, Role, User


def test_users_create_makes_the_first_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        main,
        [
            "users",
            "create",
            "--email",
            "first@example.org",
            "--name",
            "First Admin",
            "--password-stdin",
        ],
        input="a long memorable phrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created account" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "first@example.org"))
        assert user.role is Role.ADMIN


def test_users_create_explains_a_weak_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        main,
        ["users", "create", "--email", "x@example.org", "--name", "X", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "password: Password must be 12 characters or more" in result.output


def test_demo_load_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(main, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert f"'{demo.DEMO_PASSWORD}'" in first.output
    with app.app_context():
        memberships_before = db.session.scalar(select(func.count()).select_from(Membership))
    second = runner.invoke(main, ["demo", "load"])
    assert "register already loaded" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Membership)) == (
            memberships_before
        )
        assert memberships_before > 25


def test_demo_load_refuses_in_production(app):
    app.config["DEMO_DATA_ALLOWED"] = False
    try:
        result = app.test_cli_runner().invoke(main, ["demo", "load"])
    finally:
        app.config["DEMO_DATA_ALLOWED"] = True
    assert result.exit_code == 1
    assert "never loaded in production" in result.output


def test_outbox_deliver_sends_what_is_due(app):
    from engage.services.common import outbox
    from engage.services.common.outbox import MemorySender

    sender = MemorySender()
    app.extensions["engage_mail_sender"] = sender
    try:
        with app.app_context():
            outbox.queue(to="a@example.org", subject="Hello", body="Body", kind="test")
            db.session.commit()
        result = app.test_cli_runner().invoke(main, ["outbox", "deliver"])
    finally:
        app.extensions.pop("engage_mail_sender")
    assert result.exit_code == 0, result.output
    assert "Sent 1 message(s); 0 failed" in result.output
    assert [m["To"] for m in sender.sent] == ["a@example.org"]


def test_users_reset_two_factor_clears_the_authenticator(app):
    from tests import factories

    with app.app_context():
        user_id = factories.user(role=Role.SECRETARIAT, email="lost-phone@test.example").id
    result = app.test_cli_runner().invoke(
        main, ["users", "reset-two-factor", "lost-phone@test.example"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert not db.session.get(User, user_id).two_factor_enrolled
    missing = app.test_cli_runner().invoke(
        main, ["users", "reset-two-factor", "nobody@test.example"]
    )
    assert missing.exit_code == 1


def test_users_unlock_lifts_a_lock(app):
    from engage.models.base import utcnow
    from tests import factories

    with app.app_context():
        user = factories.user(role=Role.ADMIN, email="locked@test.example")
        user.locked_until = utcnow()
        user.failed_sign_ins = 3
        db.session.commit()
        user_id = user.id
    result = app.test_cli_runner().invoke(main, ["users", "unlock", "locked@test.example"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.locked_until is None and user.failed_sign_ins == 0


def test_demo_submissions_adds_synthetic_stories_for_the_queue(app):
    result = app.test_cli_runner().invoke(main, ["demo", "submissions", "250"])
    assert result.exit_code == 0, result.output
    assert "Added 250 synthetic stories" in result.output
    from engage.models import Submission

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 250


@pytest.mark.parametrize(
    "typed",
    [
        ["JBSW Y3DP EHPK 3PXP KRSX G5CT MVRX EZLU"],  # quoted, as the set-up page shows it
        ["JBSW", "Y3DP", "EHPK", "3PXP", "KRSX", "G5CT", "MVRX", "EZLU"],  # without quotes
        ["jbswy3dpehpk3pxpkrsxg5ctmvrxezlu"],
    ],
)
def test_demo_code_takes_the_key_as_the_set_up_page_shows_it(app, typed):
    result = app.test_cli_runner().invoke(main, ["demo", "code", *typed])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == pyotp.TOTP("JBSWY3DPEHPK3PXPKRSXG5CTMVRXEZLU").now()


def test_demo_code_explains_a_key_it_cannot_read(app):
    result = app.test_cli_runner().invoke(main, ["demo", "code", "not-a-key!"])
    assert result.exit_code == 1
    assert "That is not an authenticator key" in result.output


def test_keys_rotate_re_encrypts_every_secret_with_the_new_key(app):
    from engage import crypto
    from engage.services.accounts import two_factor
    from tests import factories

    with app.app_context():
        user = factories.user(role=Role.ENGAGEMENT_OFFICER, email="rotate@test.example")
        old_token = user.totp_secret_encrypted
        user_id = user.id
    old_keys = list(app.config["ENCRYPTION_KEYS"])
    new_key = crypto.new_key()
    app.config["ENCRYPTION_KEYS"] = [new_key, *old_keys]
    try:
        result = app.test_cli_runner().invoke(main, ["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "Re-encrypted 1 value(s)" in result.output
        # The old key can now go: everything reads with the new one alone.
        app.config["ENCRYPTION_KEYS"] = [new_key]
        with app.app_context():
            user = db.session.get(User, user_id)
            assert user.totp_secret_encrypted != old_token
            assert two_factor.secret_for_display(user).replace(" ", "") == factories.TOTP_SECRET
    finally:
        app.config["ENCRYPTION_KEYS"] = old_keys


def test_authenticator_secrets_are_never_stored_in_the_clear(app):
    from tests import factories

    with app.app_context():
        user = factories.user(role=Role.ENGAGEMENT_OFFICER, email="clear@test.example")
        assert factories.TOTP_SECRET not in user.totp_secret_encrypted
