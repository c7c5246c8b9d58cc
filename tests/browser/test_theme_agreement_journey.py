"""An administrator checks how often officers agree with the theme suggestions, on the
demo data, in headless Chromium: the page is reached from the menu, is accessible and
reflows at 320px."""

import pytest
from playwright.sync_api import expect

from engage import demo
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_320px, sign_in

pytestmark = pytest.mark.browser


def test_the_admin_opens_the_agreement_figures_from_the_menu(page, live_server, app):
    with app.app_context():
        demo.load_demo_data()
    sign_in(page, live_server, "admin@engage.example", demo.DEMO_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Theme suggestions").click()
    expect(
        page.get_by_role("heading", name="How often officers agree with the theme suggestions")
    ).to_be_visible()
    for caption in ("By theme", "By the story's language", "By theme model version"):
        expect(page.get_by_role("table", name=caption, exact=True)).to_be_visible()
    # The demo's stories in English, Polish and Urdu, labelled in the last 90 days.
    languages = page.get_by_role("table", name="By the story's language")
    for language in ("English", "Polish", "Urdu"):
        expect(languages.get_by_role("rowheader", name=language)).to_be_visible()
    assert_accessible(page)
    assert_fits_320px(page)
    page.screenshot(path=str(ARTIFACTS / "theme-agreement.png"), full_page=True)
