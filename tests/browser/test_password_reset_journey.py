"""A community group's contact who forgot their password resets it from the emailed
link, in Chromium, with axe and the 320 px check on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engage.models import Role
from engage.services.common.outbox import MemorySender
from tests import factories
from tests.browser.conftest import assert_accessible, assert_fits_320px

pytestmark = pytest.mark.browser

NEW_PASSWORD = "copper kettle harbour lights"


def check(page) -> None:
    assert_accessible(page)
    assert_fits_320px(page)


def test_a_forgotten_password_is_reset_through_the_emailed_link(app, page, live_server):
    with app.app_context():
        factories.user(role=Role.GROUP_CONTACT, email="hodan@ladywood.example")
    mail = MemorySender()
    app.extensions["engage_mail_sender"] = mail
    try:
        page.goto(f"{live_server}/sign-in")
        page.get_by_role("link", name="Forgotten your password?").click()
        check(page)
        page.get_by_role("button", name="Send me a link").click()
        expect(page.locator(".error-summary")).to_contain_text("Enter your email address")
        page.get_by_label("Email address").fill("hodan@ladywood.example")
        page.get_by_role("button", name="Send me a link").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        check(page)

        [email] = mail.sent
        link = re.search(r"https?://\S+/account/reset-password/\S+", email.get_content()).group(0)
        path = link.split("://", 1)[1].split("/", 1)[1]
        page.goto(f"{live_server}/{path}")
        expect(page.get_by_role("heading", name="Choose a password")).to_be_visible()
        check(page)
        page.get_by_label("New password").fill(NEW_PASSWORD)
        page.get_by_label("Type the password again").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Set password").click()
        expect(page.locator(".notification--success")).to_contain_text("Your password is set")

        page.get_by_label("Email address").fill("hodan@ladywood.example")
        page.get_by_label("Password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("link", name="Sign in")).to_have_count(0)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        # The link has been used.
        page.goto(f"{live_server}/{path}")
        expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    finally:
        app.extensions.pop("engage_mail_sender", None)
