"""The secretariat's meetings pages in headless Chromium: accessible, and readable at
320 pixels wide, with and without errors."""

from datetime import date

import pytest
from playwright.sync_api import expect

from engage import demo
from tests import factories
from tests.browser.conftest import assert_accessible, assert_fits_320px, sign_in

pytestmark = pytest.mark.browser


def _check(page):
    assert_accessible(page)
    assert_fits_320px(page)


@pytest.fixture
def meeting_pages(app):
    with app.app_context():
        demo.load_demo_data()
        held = factories.meeting(on=date(2026, 10, 15), online_link="https://meet.example.org/a")
        item = factories.agenda_item(
            held.id, "Routing of stories to working groups", lead="The Chair"
        )
        paper = factories.paper(item.id, filename="A long paper name for the routing rules.pdf")
        action = factories.meeting_action(held.id, due_on=date(2026, 10, 30))
        later = factories.meeting(on=date(2026, 11, 12))
        return {
            "held": held.id,
            "later": later.id,
            "item": item.id,
            "paper": paper.id,
            "action": action.id,
        }


def test_every_meetings_page_is_accessible_and_reflows(page, live_server, meeting_pages):
    ids = meeting_pages
    sign_in(page, live_server, "admin@engage.example", demo.DEMO_PASSWORD)
    page.get_by_role("link", name="Meetings").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    _check(page)
    for path in [
        "/meetings/new",
        "/meetings/year",
        "/meetings/year?first_on=2027-01-14&start_time=14:00&count=6&every=2&unit=months"
        "&place=Council+House&body_id=1",
        f"/meetings/{ids['held']}",
        f"/meetings/{ids['later']}",
        f"/meetings/{ids['held']}/edit",
        f"/meetings/{ids['held']}/cancel",
        f"/meetings/{ids['held']}/agenda/new",
        f"/meetings/agenda/{ids['item']}/edit",
        f"/meetings/agenda/{ids['item']}/remove",
        f"/meetings/agenda/{ids['item']}/papers/new",
        f"/meetings/papers/{ids['paper']}/remove",
        f"/meetings/{ids['held']}/attendance",
        f"/meetings/{ids['held']}/minutes",
        f"/meetings/{ids['held']}/decisions/new",
        f"/meetings/{ids['held']}/actions/new",
        f"/meetings/actions/{ids['action']}/update",
        "/meetings/attendance-rates",
    ]:
        page.goto(f"{live_server}{path}")
        expect(page.locator("h1")).to_be_visible()
        _check(page)


def test_a_refused_meeting_shows_its_errors_accessibly(page, live_server, meeting_pages):
    sign_in(page, live_server, "admin@engage.example", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/meetings/new")
    page.get_by_label("Online link (optional if there is a place)").fill("http://example.org")
    page.get_by_role("button", name="Schedule the meeting").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter the date of the meeting")
    expect(summary).to_contain_text("starting with https://")
    expect(page.get_by_label("Online link (optional if there is a place)")).to_have_value(
        "http://example.org"
    )
    _check(page)
