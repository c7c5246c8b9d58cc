"""Staff two-step sign-in: TOTP codes, recovery codes, lockout (ASVS 2.2.1, 2.5.5, 2.8.4, 4.3.1)."""

from datetime import timedelta

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engage.extensions import db, limiter
from engage.models import AuditEvent, OutboxMessage, RecoveryCode, Role, User
from tests import factories
from tests.helpers import error_summary, field_error, heading, page, submit_form, totp_code

EMAIL = "two-step@test.example"


@pytest.fixture
def officer(app):
    with app.app_context():
        return factories.user(role=Role.ENGAGEMENT_OFFICER, email=EMAIL).id


@pytest.fixture
def new_officer(app):
    """A staff account that has never set up an authenticator."""
    with app.app_context():
        return factories.user(role=Role.ENGAGEMENT_OFFICER, email=EMAIL, two_factor=False).id


def password_step(client, email=EMAIL, password=factories.PASSWORD):
    return submit_form(client, "/sign-in", {"email": email, "password": password})


def test_password_alone_does_not_sign_staff_in(client, officer):
    response = password_step(client)
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/staff/").headers["Location"].startswith("/sign-in")


def test_right_code_signs_in_and_keeps_where_they_were_going(client, officer):
    submit_form(
        client,
        "/sign-in?next=/officer/groups",
        {"email": EMAIL, "password": factories.PASSWORD},
        form_url="/sign-in",
    )
    response = submit_form(client, "/sign-in/code", {"code": totp_code()})
    assert response.status_code == 302
    assert response.headers["Location"] == "/officer/groups"
    assert client.get("/staff/").status_code == 200


def test_code_may_be_typed_with_spaces(client, officer):
    password_step(client)
    code = totp_code()
    response = submit_form(client, "/sign-in/code", {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302


def test_wrong_code_is_refused_beside_the_field(client, officer):
    password_step(client)
    response = submit_form(client, "/sign-in/code", {"code": "000000"})
    assert response.status_code == 200
    assert field_error(response, "code").startswith("Enter the 6-digit code")
    assert error_summary(response)
    assert client.get("/staff/").status_code == 302


def test_empty_code_is_refused(client, officer):
    password_step(client)
    response = submit_form(client, "/sign-in/code", {"code": ""})
    assert field_error(response, "code") == "Enter the code"


def test_a_code_cannot_be_used_twice(app, client, officer):
    code = totp_code()
    password_step(client)
    assert submit_form(client, "/sign-in/code", {"code": code}).status_code == 302
    other = app.test_client()
    password_step(other)
    response = submit_form(other, "/sign-in/code", {"code": code})
    assert response.status_code == 200
    assert field_error(response, "code")


def test_code_page_without_a_password_goes_back_to_sign_in(client, officer):
    response = client.get("/sign-in/code")
    assert response.headers["Location"] == "/sign-in"


def test_the_code_must_follow_the_password_within_ten_minutes(client, officer):
    with freeze_time() as clock:
        password_step(client)
        clock.tick(timedelta(minutes=11))
        response = client.get("/sign-in/code")
    assert response.headers["Location"] == "/sign-in"


def test_recovery_code_works_once_and_the_user_is_told(app, client, officer):
    with app.app_context():
        user = db.session.get(User, officer)
        from engage.services.accounts import two_factor

        codes = two_factor._replace_recovery_codes(user)
        db.session.commit()
    password_step(client)
    response = submit_form(client, "/sign-in/code", {"code": codes[0].lower()})
    assert response.status_code == 302
    other = app.test_client()
    password_step(other)
    again = submit_form(other, "/sign-in/code", {"code": codes[0]})
    assert again.status_code == 200
    with app.app_context():
        assert two_factor.recovery_codes_left(officer) == 9
        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
        assert any("recovery code was used" in s for s in subjects)
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "two_factor.recovery_code_used" in actions


def test_recovery_codes_are_stored_hashed(app, officer):
    with app.app_context():
        from engage.services.accounts import two_factor

        codes = two_factor._replace_recovery_codes(db.session.get(User, officer))
        db.session.commit()
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(c.replace("-", "") in stored for c in codes)
    assert all(len(h) == 64 for h in stored)


def test_five_wrong_codes_lock_the_account_and_tell_the_owner(app, client, officer):
    password_step(client)
    for _ in range(5):
        response = submit_form(client, "/sign-in/code", {"code": "123456"})
    assert "too many wrong attempts" in field_error(response, "code")
    # Even the right code is refused while locked.
    response = submit_form(client, "/sign-in/code", {"code": totp_code()})
    assert response.status_code == 200
    with app.app_context():
        user = db.session.get(User, officer)
        assert user.locked_until is not None
        assert db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "account_locked")
        )


def test_locked_account_refuses_the_right_password_and_says_until_when(app, client, officer):
    for _ in range(5):
        password_step(client, password="not the password at all")
    limiter.reset()  # the lock holds from anywhere, whatever the address's limit
    response = password_step(client)
    assert response.status_code == 200
    text = page(response).get_text()
    assert "Your account is locked after too many wrong attempts" in text
    assert "Enter a correct email address and password" not in text


def test_lock_lifts_after_fifteen_minutes(app, officer):
    with freeze_time() as clock:
        client = app.test_client()
        for _ in range(5):
            password_step(client, password="not the password at all")
        limiter.reset()
        assert password_step(client).status_code == 200
        clock.tick(timedelta(minutes=16))
        assert password_step(client).headers["Location"] == "/sign-in/code"


def test_first_sign_in_sets_up_the_authenticator(app, client, new_officer):
    response = password_step(client)
    assert response.headers["Location"] == "/sign-in/set-up"
    setup = client.get("/sign-in/set-up")
    assert heading(setup) == "Set up two-step sign-in"
    soup = page(setup)
    assert soup.find("img", class_="qr-code")["src"].startswith("data:image/svg+xml")
    secret = soup.find(id="secret-key").get_text("", strip=True).replace(" ", "")
    wrong = submit_form(client, "/sign-in/set-up", {"code": "000000"})
    assert field_error(wrong, "code")
    done = submit_form(client, "/sign-in/set-up", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert heading(done) == "Save your recovery codes"
    codes = [c.get_text(strip=True) for c in page(done).select(".recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.get(User, new_officer)
        assert user.two_factor_enrolled
        assert db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "authenticator_changed")
        )


def test_the_secret_stays_the_same_while_setting_up(client, new_officer):
    password_step(client)
    first = page(client.get("/sign-in/set-up")).find(id="secret-key").get_text()
    second = page(client.get("/sign-in/set-up")).find(id="secret-key").get_text()
    assert first == second


def test_group_contacts_sign_in_with_a_password_only(app, client):
    with app.app_context():
        factories.user(role=Role.GROUP_CONTACT, email="contact@test.example")
    response = password_step(client, email="contact@test.example")
    assert response.headers["Location"] == "/staff/"


def test_new_recovery_codes_need_a_current_code(app, client, login_as):
    user_id = login_as(Role.SECRETARIAT)
    refused = submit_form(client, "/account/security", {"code": "000000"})
    assert field_error(refused, "code")
    response = submit_form(client, "/account/security", {"code": totp_code(1)})
    assert heading(response) == "Save your new recovery codes"
    with app.app_context():
        from engage.services.accounts import two_factor

        assert two_factor.recovery_codes_left(user_id) == 10


def test_admin_reset_makes_the_user_set_up_again_and_ends_sessions(app, client, login_as):
    user_id = login_as(Role.ENGAGEMENT_OFFICER)
    with app.app_context():
        from engage.services.accounts import two_factor

        two_factor.reset(user_id)
    assert client.get("/staff/").headers["Location"].startswith("/sign-in")
    response = password_step(client, email="engagement-officer@test.example")
    assert response.headers["Location"] == "/sign-in/set-up"


@pytest.mark.parametrize("code", ["٤٩٢٠٣٦", "¹²³⁴⁵⁶", "ÉÉÉÉÉÉÉÉÉÉ", "é"])
def test_codes_in_other_scripts_are_refused_and_counted(app, client, officer, code):
    password_step(client)
    response = submit_form(client, "/sign-in/code", {"code": code})
    assert response.status_code == 200
    assert field_error(response, "code")
    with app.app_context():
        assert db.session.get(User, officer).failed_sign_ins == 1


def test_wrong_codes_while_setting_up_count_toward_the_lock(app, client, new_officer):
    password_step(client)
    client.get("/sign-in/set-up")
    for _ in range(5):
        response = submit_form(client, "/sign-in/set-up", {"code": "000000"})
    assert "too many wrong attempts" in field_error(response, "code")
    with app.app_context():
        assert db.session.get(User, new_officer).locked_until is not None


def test_new_recovery_codes_respect_the_lock_and_the_rate_limit(app, client, login_as):
    user_id = login_as(Role.SECRETARIAT)
    statuses = [
        submit_form(client, "/account/security", {"code": f"{n:06d}"}).status_code
        for n in range(12)
    ]
    assert 429 in statuses
    limiter.reset()
    with app.app_context():
        assert db.session.get(User, user_id).locked_until is not None
    response = submit_form(client, "/account/security", {"code": totp_code(1)})
    assert "too many wrong attempts" in field_error(response, "code")


@pytest.mark.parametrize("kind", ["totp", "recovery"])
def test_one_code_sent_twice_at_the_same_moment_works_once(app, officer, kind):
    """Two requests racing with one code: a conditional UPDATE lets exactly one through."""
    import threading

    from engage.services.accounts import two_factor
    from engage.services.common.transaction import ServiceError

    with app.app_context():
        codes = two_factor._replace_recovery_codes(db.session.get(User, officer))
        db.session.commit()
    code = totp_code() if kind == "totp" else codes[0]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt() -> None:
        with app.app_context():
            barrier.wait()
            try:
                two_factor.verify(officer, code)
                results.append("accepted")
            except ServiceError:
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["accepted", "refused"]
