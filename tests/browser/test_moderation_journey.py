"""An officer signs in with two-step sign-in and works the moderation queue end to end,
in headless Chromium, with axe on every page and the 320 px reflow check."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engage import demo
from engage.extensions import db
from engage.models import OutboxMessage, Submission, SubmissionStatus
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_320px, sign_in

pytestmark = pytest.mark.browser


def check(page) -> None:
    assert_accessible(page)
    assert_fits_320px(page)


def _story_id(app, words: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Submission.id).where(Submission.story.contains(words)))


def test_officer_moderates_a_story_from_queue_to_approval(app, page, live_server):
    with app.app_context():
        demo.load_demo_data()
    story_id = _story_id(app, "Grace Adebayo")
    sign_in(page, live_server, "officer@engage.example", demo.DEMO_PASSWORD, check=check)
    page.get_by_role("link", name="Moderation").first.click()
    expect(page.get_by_role("heading", name="Stories to moderate")).to_be_visible()
    check(page)

    page.get_by_role("link", name=f"Story {story_id}", exact=True).click()
    expect(page.get_by_role("heading", name=f"Story {story_id}")).to_be_visible()
    expect(page.locator(".consent-panel")).to_contain_text("May be shared with working groups")
    expect(page.locator(".story-original mark").first).to_be_visible()
    check(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "moderation-review.png"), full_page=True)

    page.get_by_role("button", name="Work on this story").click()
    expect(page.locator(".notification--success")).to_contain_text("You are working on this")

    # Approving too early is refused with the reason.
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".error-summary")).to_contain_text("Confirm which personal data")
    check(page)

    # The detector missed the street name? Mark it by hand, then confirm the redaction.
    page.get_by_text("Mark personal data the check missed").click()
    page.get_by_label("Words to remove").fill("nowhere in the story")
    page.get_by_role("button", name="Mark for removal").click()
    expect(page.locator(".error-summary")).to_contain_text("not in the story")
    check(page)
    page.get_by_label("Words to remove").fill("letting agent")
    page.get_by_label("What kind of personal data is it?").select_option("NAME")
    page.get_by_role("button", name="Mark for removal").click()
    expect(page.locator(".notification--success")).to_contain_text("Marked for removal")
    # Second thoughts: "letting agent" is not personal data after all.
    page.get_by_role("button", name="Do not remove").click()
    page.get_by_role("button", name="Confirm the redaction").click()
    expect(page.locator(".notification--success")).to_contain_text("Redaction confirmed")
    redacted = page.locator(".story-redacted")
    expect(redacted).to_contain_text("[PHONE]")
    expect(redacted).not_to_contain_text("07700 900461")
    expect(redacted).to_contain_text("letting agent")

    page.get_by_label("Housing and homelessness").check()
    page.get_by_role("button", name="Confirm the themes").click()
    expect(page.locator(".notification--success")).to_contain_text("Themes confirmed")
    page.get_by_label("Summary for working groups").fill(
        "A letting agent refused a Black woman on benefits and showed the flat to a white couple."
    )
    page.get_by_role("button", name="Save the summary").click()
    check(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".notification--success")).to_contain_text(f"Story {story_id} approved")
    check(page)
    with app.app_context():
        approved = db.session.get(Submission, story_id)
        assert approved.status is SubmissionStatus.APPROVED
        assert "Grace Adebayo" not in approved.redacted_story


def test_officer_raises_a_safeguarding_concern_and_closes_it(app, page, live_server):
    with app.app_context():
        demo.load_demo_data()
    story_id = _story_id(app, "interpreter for my mother")
    sign_in(page, live_server, "officer@engage.example", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/moderation/{story_id}")
    page.get_by_text("Someone may be at risk").click()
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose what kind of concern")
    check(page)
    page.get_by_label("Child at risk").check()
    page.get_by_label("What worries you").fill("A 12-year-old is carrying his mother's diagnosis.")
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.locator(".notification--success")).to_contain_text(
        "safeguarding lead has been told"
    )
    page.get_by_role("link", name="Moderation").first.click()
    page.get_by_role("link", name="See the urgent view").click()
    expect(page.get_by_role("heading", name="Urgent: safeguarding concerns")).to_be_visible()
    check(page)
    page.get_by_label("What was done").fill("Lead spoke to the hospital's interpreting service.")
    page.get_by_role("button", name="Close this concern").click()
    expect(page.get_by_text("There are no open safeguarding concerns.")).to_be_visible()
    with app.app_context():
        alert = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "safeguarding_alert")
        )
        assert "mother" not in alert.body


def test_an_officer_with_two_tabs_loses_no_words(app, page, live_server):
    """Approve in one tab, then type a reason to reject in an older tab; then sign out in
    one tab and save a summary in the other."""
    with app.app_context():
        demo.load_demo_data()
    story_id = _story_id(app, "Grace Adebayo")
    sign_in(page, live_server, "officer@engage.example", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/moderation/{story_id}")
    page.get_by_role("button", name="Work on this story").click()
    page.get_by_role("button", name="Confirm the redaction").click()
    page.get_by_role("button", name="Confirm the themes").click()
    page.get_by_label("Summary for working groups").fill("A letting agent refused a tenant.")
    page.get_by_role("button", name="Save the summary").click()
    older = page.context.new_page()
    older.goto(f"{live_server}/moderation/{story_id}")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".notification--success")).to_contain_text("approved")

    older.get_by_text("Reject it").click()
    older.get_by_label("Reason for rejecting").fill("Sent twice by the same person")
    older.get_by_role("button", name="Reject").click()
    expect(older.locator(".error-summary")).to_contain_text(
        "The latest change: you approved it, in another tab or window"
    )
    expect(older.locator(".unsent")).to_contain_text("Sent twice by the same person")
    check(older)

    # Signed out in one tab, the summary typed in the other is shown to copy.
    other_story = _story_id(app, "interpreter for my mother")
    older.goto(f"{live_server}/moderation/{other_story}")
    page.get_by_role("button", name="Sign out").click()
    older.get_by_label("Summary for working groups").fill("A boy interprets for his mother.")
    older.get_by_role("button", name="Save the summary").click()
    expect(older.get_by_role("heading", name="Nothing has been sent yet")).to_be_visible()
    expect(older.locator(".story-original")).to_have_text("A boy interprets for his mother.")
    check(older)
    older.get_by_role("link", name="Sign in again").click()
    expect(older.get_by_role("heading", name="Sign in")).to_be_visible()
    older.close()


def test_a_second_officer_sees_who_holds_the_story(app, browser, page, live_server):
    with app.app_context():
        demo.load_demo_data()
        from engage.models import Role
        from tests import factories

        factories.user(
            role=Role.ENGAGEMENT_OFFICER,
            email="second@engage.example",
            password=demo.DEMO_PASSWORD,
            two_factor=False,
        )
    story_id = _story_id(app, "stopped and searched")
    sign_in(page, live_server, "officer@engage.example", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/moderation/{story_id}")
    page.get_by_role("button", name="Work on this story").click()
    other = browser.new_context(viewport={"width": 320, "height": 800}).new_page()
    sign_in(other, live_server, "second@engage.example", demo.DEMO_PASSWORD)
    other.goto(f"{live_server}/moderation/{story_id}")
    expect(other.locator(".claim")).to_contain_text("Demo Engagement Officer is working on this")
    check(other)
    other.context.close()


def test_admin_pages_are_accessible(app, page, live_server):
    with app.app_context():
        demo.load_demo_data()
    story_id = _story_id(app, "stopped and searched")
    sign_in(page, live_server, "admin@engage.example", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/moderation/{story_id}")  # writes an audit row
    for path in ["/admin/users", "/admin/audit", f"/admin/stories/{story_id}/equality"]:
        page.goto(f"{live_server}{path}")
        check(page)
    page.goto(f"{live_server}/admin/audit")
    page.get_by_text("Search").first.click()
    page.get_by_label("Record number").fill("0")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page)
    page.goto(f"{live_server}/admin/audit")
    expect(page.locator("tbody")).to_contain_text("Read a story")
    expect(page.locator("tbody")).to_contain_text("Demo Administrator")
    # The whole log fits a 1280-pixel screen: no column cut off or scrolled away.
    page.set_viewport_size({"width": 1280, "height": 800})
    wrapper = page.locator(".table-wrapper")
    assert wrapper.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.screenshot(path=str(ARTIFACTS / "audit-log-1280.png"))
