"""'Forgotten your password?': a single-use link that expires, the same answer whether
or not the address has an account, every other session ended, rate limited, audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, OutboxMessage, Role
from tests import factories
from tests.helpers import csrf_token, field_error, heading, page, sign_in, submit_form

NEW_PASSWORD = "kettle orchard lantern river"
LINK = re.compile(r"https?://[^/\s]+(/account/reset-password/\S+)")


def ask(client, email: str):
    return submit_form(client, "/account/forgotten-password", {"email": email})


def link_in(sent_mail, to: str) -> str:
    [email] = [e for e in sent_mail if e["To"] == to and "password" in e["Subject"].lower()]
    return LINK.search(email.get_content()).group(1)


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return submit_form(client, path, {"password": password, "confirm": confirm or password})


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(app, client, sent_mail):
    with app.app_context():
        factories.user(role=Role.GROUP_CONTACT, email="hodan@ladywood.example")
    known = ask(client, "Hodan@Ladywood.example")
    unknown = ask(client, "nobody@nowhere.example")
    assert (
        known.headers["Location"]
        == unknown.headers["Location"]
        == ("/account/forgotten-password/sent")
    )
    assert heading(client.get(known.headers["Location"])) == "Check your email"
    assert [e["To"] for e in sent_mail] == ["hodan@ladywood.example"]
    with app.app_context():
        stored = db.session.scalar(select(OutboxMessage))
        assert "/account/reset-password/" not in stored.body  # the link is never stored


def test_the_link_sets_a_new_password_once_and_ends_every_other_session(app, client, sent_mail):
    with app.app_context():
        user_id = factories.user(role=Role.GROUP_CONTACT, email="hodan@ladywood.example").id
    elsewhere = app.test_client()
    assert sign_in(elsewhere, "hodan@ladywood.example").status_code == 302
    assert elsewhere.get("/account/security").status_code == 200

    ask(client, "hodan@ladywood.example")
    path = link_in(sent_mail, "hodan@ladywood.example")
    assert heading(client.get(path)) == "Choose a password"
    done = choose(client, path)
    assert done.headers["Location"] == "/sign-in"

    # The other session has ended; the old password is gone; the new one works.
    assert elsewhere.get("/account/security").headers["Location"].startswith("/sign-in")
    assert sign_in(app.test_client(), "hodan@ladywood.example").status_code == 200
    assert sign_in(app.test_client(), "hodan@ladywood.example", NEW_PASSWORD).status_code == 302
    # The link works once.
    assert heading(client.get(path)) == "This link has expired"
    again = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, "/sign-in"),
            "password": "another long phrase here",
            "confirm": "another long phrase here",
        },
    )
    assert again.status_code == 400
    with app.app_context():
        actions = {
            event.action
            for event in db.session.scalars(
                select(AuditEvent).where(AuditEvent.object_id == user_id)
            )
        }
        assert {"password.reset_requested", "password.reset"} <= actions
    # The holder is told their password changed.
    assert any(e["Subject"] == "Your Engage password was changed" for e in sent_mail)


def test_the_link_expires_after_an_hour(app, client, sent_mail):
    with app.app_context():
        factories.user(role=Role.SECRETARIAT, email="sec@test.example")
    ask(client, "sec@test.example")
    path = link_in(sent_mail, "sec@test.example")
    with freeze_time(datetime.now(UTC) + timedelta(minutes=61)):
        assert heading(app.test_client().get(path)) == "This link has expired"


def test_a_weak_or_mismatched_password_is_refused_beside_the_field(app, client, sent_mail):
    with app.app_context():
        factories.user(role=Role.SECRETARIAT, email="sec@test.example")
    ask(client, "sec@test.example")
    path = link_in(sent_mail, "sec@test.example")
    response = choose(client, path, "short", "different")
    assert field_error(response, "password") == "Password must be 12 characters or more"
    assert field_error(response, "confirm") == "The passwords do not match"
    # Still usable afterwards.
    assert choose(client, path).headers["Location"] == "/sign-in"


def test_asking_for_links_is_rate_limited_per_address_asked_about(app, client):
    for n in range(5):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        assert ask(client, "target@test.example").status_code == 302
    client.environ_base["REMOTE_ADDR"] = "192.0.2.99"
    response = ask(client, "target@test.example")
    assert response.status_code == 429
    assert page(response).find("input", attrs={"name": "email"})["value"] == "target@test.example"


def test_an_administrator_can_email_someone_a_link(app, client, login_as, sent_mail):
    with app.app_context():
        officer_id = factories.user(role=Role.ENGAGEMENT_OFFICER, email="o@test.example").id
    admin_id = login_as(Role.ADMIN)
    client.post(
        f"/admin/users/{officer_id}/send-reset-link",
        data={"csrf_token": csrf_token(client, "/admin/users")},
    )
    assert link_in(sent_mail, "o@test.example").startswith("/account/reset-password/")
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "password.reset_link_sent")
        )
        assert (event.actor_id, event.object_id) == (admin_id, officer_id)


def test_the_sign_in_page_offers_it(client):
    link = page(client.get("/sign-in")).find("a", string="Forgotten your password?")
    assert link["href"] == "/account/forgotten-password"
