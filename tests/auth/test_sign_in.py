"""Signing in and out (ASVS 2.2.1, 3.2.1, 3.3.1, 3.3.2, 5.1.5)."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engage.extensions import db
from engage.models import OutboxMessage, Role, User
from tests import factories
from tests.helpers import (
    csrf_token,
    error_summary,
    field_error,
    heading,
    page,
    submit_form,
    totp_code,
)

EMAIL = "officer@test.example"


@pytest.fixture
def officer(app):
    with app.app_context():
        return factories.user(role=Role.ENGAGEMENT_OFFICER, email=EMAIL).id


def sign_in(client, email=EMAIL, password=factories.PASSWORD, url="/sign-in"):
    """Both steps: the password (to `url`), then the authenticator code if asked for."""
    response = submit_form(client, url, {"email": email, "password": password}, form_url="/sign-in")
    if response.status_code == 302 and response.headers["Location"] == "/sign-in/code":
        for ahead in (0, 1):
            response = submit_form(client, "/sign-in/code", {"code": totp_code(ahead)})
            if response.status_code == 302:
                break
    return response


def test_sign_in_page_has_labelled_fields(client):
    soup = page(client.get("/sign-in"))
    for field_id in ("email", "password"):
        assert soup.find("label", attrs={"for": field_id}) is not None
    assert soup.find("input", id="password")["autocomplete"] == "current-password"


def test_correct_credentials_sign_in(client, officer):
    response = sign_in(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "Demo" not in heading(client.get("/staff/"))
    assert "You are signed in as" in page(client.get("/staff/")).get_text()


def test_email_is_matched_whatever_its_case(client, officer):
    assert sign_in(client, email="  Officer@Test.Example ").status_code == 302


@pytest.mark.parametrize(
    "email,password",
    [(EMAIL, "wrong password here"), ("nobody@test.example", factories.PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_failed_sign_in_says_the_same_thing_either_way(client, officer, email, password):
    response = sign_in(client, email=email, password=password)
    assert response.status_code == 200
    assert field_error(response, "password") == "Enter a correct email address and password"
    assert page(response).find("input", id="email")["value"] == email
    assert page(response).find("title").get_text().startswith("Error: ")


def test_empty_form_says_what_is_missing(client):
    response = sign_in(client, email="", password="")
    assert error_summary(response) == ["Enter your email address", "Enter your password"]
    assert page(response).select_one(".error-summary a")["href"] == "#email"


def test_deactivated_account_cannot_sign_in(app, client, officer):
    from engage.extensions import db
    from engage.models import User

    with app.app_context():
        db.session.get(User, officer).active = False
        db.session.commit()
    assert sign_in(client).status_code == 200


def test_signing_in_again_and_again_is_never_refused(app, client):
    """A sign-in that works is not an attempt to guess: 15 in a row from one address."""
    with app.app_context():
        factories.user(role=Role.GROUP_CONTACT, email="group@test.example")
    for _ in range(15):
        response = sign_in(client, email="group@test.example")
        assert response.status_code == 302 and response.headers["Location"] == "/staff/"
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/security")})


def test_five_wrong_passwords_lock_the_account_and_its_owner_is_told(app, client, officer):
    for _ in range(5):
        response = sign_in(client, password="not the password")
        assert field_error(response, "password") == "Enter a correct email address and password"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert user.locked_until is not None
        assert [m.kind for m in db.session.scalars(select(OutboxMessage))] == ["account_locked"]
    # Anyone without the password learns nothing; the owner learns until when.
    assert field_error(sign_in(client, password="still wrong"), "password") == (
        "Enter a correct email address and password"
    )
    refused = sign_in(client)
    message = field_error(refused, "password")
    assert message.startswith("Your account is locked after too many wrong attempts.")
    assert "You can sign in again at" in message and "in 15 minutes" in message
    with freeze_time(datetime.now(UTC) + timedelta(minutes=16)):
        assert sign_in(client).headers["Location"] == "/staff/"


def test_guessing_from_one_address_is_limited_with_a_clear_message(client):
    for n in range(20):
        sign_in(client, email=f"guess{n}@test.example", password="not the password")
    response = sign_in(client, email="another@test.example")
    assert response.status_code == 429
    assert heading(response) == "Sign in"
    assert error_summary(response) == [
        "You have tried to sign in too many times. You can try again in 15 minutes."
    ]
    assert page(response).find("input", attrs={"name": "email"})["value"] == (
        "another@test.example"
    )


def test_guessing_one_account_from_many_addresses_is_limited(client):
    for n in range(10):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        sign_in(client, email="nobody@test.example", password="not the password")
    client.environ_base["REMOTE_ADDR"] = "192.0.2.99"
    assert sign_in(client, email="nobody@test.example").status_code == 429


def test_an_office_behind_one_address_keeps_working_while_one_account_is_guessed(
    app, client, officer
):
    with app.app_context():
        factories.user(role=Role.GROUP_CONTACT, email="colleague@test.example")
    for _ in range(10):
        sign_in(client, email="nobody@test.example", password="not the password")
    # The same address, another account: still let in.
    assert sign_in(client, email="colleague@test.example").headers["Location"] == "/staff/"


def test_nothing_from_before_sign_in_survives_it(client, officer):
    """A fresh session at sign-in (ASVS 3.2.1): a planted value is gone afterwards."""
    with client.session_transaction() as planted:
        planted["planted_by_attacker"] = "yes"
    sign_in(client)
    with client.session_transaction() as session:
        assert "planted_by_attacker" not in session
        assert "_user_id" in session


def test_sign_out_ends_the_session_on_the_server(app, client, officer):
    sign_in(client)
    stolen = client.get_cookie("engage_session").value
    response = submit_form(client, "/sign-out", {}, form_url="/staff/")
    assert response.status_code == 302
    # Replaying the old cookie does not get back in.
    replay = app.test_client()
    replay.set_cookie("engage_session", stolen)
    assert replay.get("/staff/").status_code == 302


def test_sign_out_in_one_browser_ends_sessions_in_others(app, client, officer):
    sign_in(client)
    other = app.test_client()
    sign_in(other)
    submit_form(client, "/sign-out", {}, form_url="/staff/")
    assert other.get("/staff/").status_code == 302


def test_idle_session_expires_after_30_minutes(client, officer):
    with freeze_time("2026-11-23 09:00:00") as clock:
        sign_in(client)
        clock.tick(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        clock.tick(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        clock.tick(timedelta(minutes=31))
        response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_session_expires_after_12_hours_even_when_active(client, officer):
    with freeze_time("2026-11-23 08:00:00") as clock:
        sign_in(client)
        for _ in range(28):  # 11 hours 40 minutes, never idle for long
            clock.tick(timedelta(minutes=25))
            assert client.get("/staff/").status_code == 200
        clock.tick(timedelta(minutes=25))
        response = client.get("/staff/")
    assert response.status_code == 302


def test_timing_out_on_a_form_does_not_send_you_back_to_it(client, officer):
    with freeze_time("2026-11-23 09:00:00") as clock:
        sign_in(client)
        token = (
            client.get("/staff/")
            and page(client.get("/staff/")).find("input", attrs={"name": "csrf_token"})["value"]
        )
        clock.tick(timedelta(minutes=31))
        response = client.post("/sign-out", data={"csrf_token": token})
    assert response.headers["Location"] == "/sign-in"


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/admin/memberships", "/admin/memberships"),
        ("https://evil.example/phish", "/staff/"),
        ("//evil.example", "/staff/"),
        ("/\\evil.example", "/staff/"),
        ("javascript:alert(1)", "/staff/"),
    ],
)
def test_next_only_goes_to_this_site(client, officer, target, expected):
    response = sign_in(client, url=f"/sign-in?next={target}")
    assert response.headers["Location"] == expected


def test_signed_in_user_visiting_sign_in_goes_on(client, officer):
    sign_in(client)
    assert client.get("/sign-in").headers["Location"] == "/staff/"


@pytest.mark.parametrize("target", ["//／", "//%EF%BC%8F", "/\\evil.example", "//evil.example"])
def test_odd_next_values_fall_back_to_staff_home(client, officer, target):
    from urllib.parse import quote

    response = sign_in(client, url=f"/sign-in?next={quote(target, safe='%')}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
