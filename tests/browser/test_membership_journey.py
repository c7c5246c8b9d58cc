"""The secretariat's journey through the membership register, in headless Chromium."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from engage import demo
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_320px, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_data(app):
    with app.app_context():
        demo.load_demo_data()


def _check(page):
    assert_accessible(page)
    assert_fits_320px(page)


def sign_in_as_demo_admin(page, live_server):
    page.goto(f"{live_server}/sign-in")
    assert_accessible(page)
    sign_in(page, live_server, "admin@engage.example", demo.DEMO_PASSWORD, check=_check)
    expect(page.get_by_role("heading", name="Staff home")).to_be_visible()


def test_public_pages_are_accessible_and_reflow(page, live_server):
    for path in ["/", "/accessibility", "/sign-in", "/no-such-page"]:
        page.goto(f"{live_server}{path}")
        assert_accessible(page)
        assert_fits_320px(page)


def test_wrong_password_is_explained_in_the_error_summary(page, live_server, demo_data):
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("admin@engage.example")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("admin@engage.example")
    assert_accessible(page)


def test_secretariat_uses_the_membership_register(page, live_server, demo_data):
    sign_in_as_demo_admin(page, live_server)
    assert_accessible(page)

    page.get_by_role("link", name="Membership register").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Race Equity Taskforce")
    gaps = page.locator(".panel--warning")
    expect(gaps).to_contain_text("3 independent member places vacant (9 of 12)")
    expect(gaps).to_contain_text("Walsall has no named substitute")
    assert_accessible(page)
    assert_fits_320px(page)

    # Bad input first: no role, no start date. Nothing is lost.
    page.get_by_role("link", name="Add a membership").click()
    page.get_by_label("Or a new person's full name").fill("Amina Yusuf")
    page.get_by_role("button", name="Save membership").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select a role")
    expect(summary).to_contain_text("Enter the date the term starts")
    expect(page.get_by_label("Or a new person's full name")).to_have_value("Amina Yusuf")
    assert_accessible(page)
    assert_fits_320px(page)

    # Then fill the form properly: a substitute for Walsall's representative.
    page.get_by_label("Substitute", exact=True).check()
    page.get_by_label("Substitute for").select_option(label="Sunita Gill, Walsall")
    page.get_by_label("Term start").fill("2026-04-01")
    page.get_by_label("Volunteers agreement signed on (optional)").fill("2026-03-25")
    page.get_by_role("button", name="Save membership").click()
    expect(page.locator(".notification--success")).to_have_text("Added Amina Yusuf as substitute.")
    expect(page.locator(".panel--warning")).not_to_contain_text("Walsall has no named substitute")
    walsall = page.get_by_role("row", name=re.compile("^Walsall"))
    expect(walsall).to_contain_text("Amina Yusuf")

    # End the lapsed membership the register flags.
    row = page.get_by_role("row", name=re.compile("Kwame Mensah"))
    expect(row).to_contain_text("Term over, not yet ended")
    row.get_by_role("link", name=re.compile("^End")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End Kwame Mensah's membership")
    assert_accessible(page)
    assert_fits_320px(page)
    page.get_by_label("Reason").fill("Term finished")
    page.get_by_role("button", name="End membership").click()
    expect(page.locator(".notification--success")).to_have_text("Ended Kwame Mensah's membership.")
    expect(page.locator(".panel--warning")).not_to_contain_text("past the end of term")
    # The end date offered was the end of their term, so they leave the current list.
    expect(page.get_by_role("row", name=re.compile("Kwame Mensah"))).to_have_count(0)

    # Edit: sign the agreement that was missing.
    row = page.get_by_role("row", name=re.compile("Priya Sharma"))
    row.get_by_role("link", name=re.compile("^Edit")).click()
    assert_accessible(page)
    assert_fits_320px(page)
    page.get_by_label("Volunteers agreement signed on (optional)").fill("2026-11-01")
    page.get_by_role("button", name="Save membership").click()
    expect(page.locator(".notification--success")).to_have_text(
        "Updated Priya Sharma's membership."
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "membership-register.png"), full_page=True)

    # Sign out, and the register is closed again.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{live_server}/admin/memberships")
    expect(page).to_have_url(re.compile("/sign-in"))


def test_keyboard_only_sign_in(page, live_server, demo_data):
    page.goto(f"{live_server}/sign-in")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("Email address").focus()
    page.keyboard.type("admin@engage.example")
    page.keyboard.press("Tab")
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code").focus()
    page.keyboard.type(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
