"""A resident tells a story, comes back with the code, changes consent and withdraws;
an officer verifies a community group. In headless Chromium, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engage import demo
from engage.extensions import db
from engage.models import CommunityGroup, GroupStatus, Submission, SubmissionStatus
from tests.browser.conftest import assert_accessible, assert_fits_320px, sign_in

pytestmark = pytest.mark.browser

CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def check(page) -> None:
    assert_accessible(page)
    assert_fits_320px(page)


def test_resident_tells_a_story_and_stays_in_control(app, page, live_server):
    page.goto(f"{live_server}/")
    page.goto(f"{live_server}/tell")
    check(page)
    page.get_by_role("link", name="Start now").click()
    check(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_contain_text("Select how old you are")
    page.get_by_label("18 or over").check()
    page.get_by_role("button", name="Continue").click()

    story = "They saw my name on the CV and never called back. <script>alert(1)</script>"
    page.get_by_label("What happened?").fill(story)
    page.get_by_label("First part of your postcode (optional)").fill("B66 1AA")
    # The contact fields appear only once 'contact me' is ticked (progressive enhancement).
    expect(page.get_by_label("Email address")).to_be_hidden()
    page.get_by_label("Contact me about my story").check()
    expect(page.get_by_label("Email address")).to_be_visible()
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send my story").click()
    # Required consent missing and a bad email: clear errors, nothing lost.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Tick the box to agree that we can store and analyse")
    expect(summary).to_contain_text("Enter an email address in the correct format")
    expect(page.get_by_label("What happened?")).to_have_value(re.compile("never called back"))
    check(page)

    page.get_by_label("Store and analyse my story").check()
    page.get_by_label("Share my story").check()
    page.get_by_label("Ask me some equality questions").check()
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_role("button", name="Send my story").click()

    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    check(page)
    page.get_by_label("What is your ethnic group?").select_option(label="Pakistani")
    page.get_by_role("group", name="What is your age?").get_by_label("25 to 34").check()
    page.get_by_role("button", name="Save my answers").click()

    expect(page.get_by_role("heading", name="Thank you: your story has been sent")).to_be_visible()
    check(page)
    code = page.locator(".receipt-code").inner_text()
    assert CODE.match(code)
    assert code.replace("-", "") not in page.url

    with app.app_context():
        stored = db.session.scalar(select(Submission))
        assert stored.story == story  # kept exactly as typed, markup and all
        assert stored.postcode_district == "B66"
        assert stored.equality is not None and stored.contact.email == "amina@example.org"

    # Come back later, on a fresh browser, typing the code carelessly.
    page.context.clear_cookies()
    page.goto(f"{live_server}/your-story")
    check(page)
    page.get_by_label("Your reference code").fill("wrong-code-0000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_contain_text("We could not find a story")
    page.get_by_label("Your reference code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your story")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Change what you agreed to").click()
    check(page)
    page.get_by_label("Ask me some equality questions").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".notification--success")).to_have_text("Your choices have been saved.")
    with app.app_context():
        assert db.session.scalar(select(Submission)).equality is None

    page.get_by_role("link", name="See everything you told us").click()
    check(page)
    expect(page.locator(".data-list")).to_contain_text("never called back")

    page.get_by_role("link", name="Back to your story").click()
    page.get_by_role("link", name="Withdraw your story").click()
    check(page)
    page.get_by_role("button", name="Withdraw and delete my story").click()
    expect(
        page.get_by_role("heading", name="Your story has been withdrawn and deleted")
    ).to_be_visible()
    check(page)
    # The story is closed in this browser; the code still says what happened to it.
    page.goto(f"{live_server}/your-story/status")
    expect(page.get_by_role("heading", name="See or change your story")).to_be_visible()
    page.get_by_label("Your reference code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".inset")).to_contain_text("You withdrew your story")
    with app.app_context():
        gone = db.session.scalar(select(Submission))
        assert gone.status is SubmissionStatus.WITHDRAWN
        assert gone.story is None and gone.contact is None and gone.equality is None


def test_under_13_is_asked_to_get_help_and_nothing_is_kept(app, page, live_server):
    page.goto(f"{live_server}/tell/age")
    page.get_by_label("Under 13").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Ask an adult to help you")).to_be_visible()
    check(page)
    with app.app_context():
        assert db.session.scalar(select(Submission)) is None


def test_pages_in_urdu_are_right_to_left_and_accessible(page, live_server):
    page.goto(f"{live_server}/tell?lang=ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    check(page)
    page.goto(f"{live_server}/tell/age?lang=pl")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    check(page)


def test_officer_verifies_a_registered_group(app, page, live_server):
    with app.app_context():
        demo.load_demo_data()
    page.goto(f"{live_server}/groups/register")
    check(page)
    page.get_by_label("Name of your group").fill("Walsall Polish Saturday School")
    page.get_by_label("Community or voluntary group").check()
    page.get_by_label("Walsall").check()
    page.get_by_label("Which communities does your group work with?").fill("Polish families")
    page.get_by_label("Contact's full name").fill("Agnieszka Nowak")
    page.get_by_label("Contact's email address").fill("agnieszka@example.org")
    page.get_by_label("Registered charity number (optional)").fill("12")
    page.get_by_role("button", name="Register the group").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Enter a charity number like 1234567")
    expect(summary).to_contain_text("Tick the box to agree that we may contact this person")
    check(page)
    page.get_by_label("Registered charity number (optional)").fill("")
    page.get_by_label("The contact agrees").check()
    page.get_by_role("button", name="Register the group").click()
    expect(page.get_by_role("heading", name="Thank you for registering")).to_be_visible()

    sign_in(page, live_server, "officer@engage.example", demo.DEMO_PASSWORD, check=check)
    page.get_by_role("link", name="Community groups").first.click()
    check(page)
    page.get_by_role("link", name="Walsall Polish Saturday School").click()
    check(page)
    page.get_by_role("button", name="Verify and create the contact's account").click()
    expect(page.locator(".notification--success")).to_contain_text("is verified")
    with app.app_context():
        group = db.session.scalar(
            select(CommunityGroup).where(CommunityGroup.name == "Walsall Polish Saturday School")
        )
        assert group.status is GroupStatus.VERIFIED and group.contact_user_id is not None
