"""A new visitor, in headless Chromium, in each of the site's languages: from the home
page to the story form and to group registration in one step; a story whose words look
like markup, in two scripts, kept exactly from the form to the officer's screen and the
resident's download; a language switch mid-story and a paste that is too long, with
nothing lost. axe and the 320 px check on every page."""

from __future__ import annotations

import json
import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from engage import demo
from engage.extensions import db
from engage.models import Role, Submission
from tests import factories
from tests.browser.conftest import assert_accessible, assert_fits_320px, sign_in

pytestmark = pytest.mark.browser

WORDS = (
    "My manager said <nobody> listens, and a<b for people like me.\n"
    "Rent went up >10% and I still <3 Wolverhampton.\n"
    "میرے مینیجر نے کہا کہ کوئی نہیں سنتا۔"
)


def check(page) -> None:
    assert_accessible(page)
    assert_fits_320px(page)


def words_in(app, language: str, message: str) -> str:
    """What the page in `language` says for an English message (from the catalogues)."""
    with app.test_request_context(), force_locale(language):
        return gettext(message)


@pytest.mark.parametrize("language", ["en", "pl", "ur"])
def test_the_home_page_leads_to_the_story_and_to_group_registration(
    app, page, live_server, language
):
    page.goto(f"{live_server}/?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page)
    start = words_in(app, language, "Start now")
    register = words_in(app, language, "Register your community group")
    if language != "en":
        assert start != "Start now" and register != "Register your community group"

    page.get_by_role("link", name=start, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(
        page.get_by_role("heading", name=words_in(app, language, "How old are you?"))
    ).to_be_visible()
    check(page)

    page.goto(f"{live_server}/")
    page.get_by_role("link", name=register, exact=True).click()
    expect(page.get_by_role("heading", name=register)).to_be_visible()
    check(page)


def test_a_story_is_kept_exactly_as_typed_from_the_form_to_the_officer_and_the_download(
    app, page, live_server
):
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Start now", exact=True).click()
    page.get_by_label("18 or over").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What happened?").fill(WORDS)

    # Switching language mid-story keeps every word and choice.
    page.get_by_label("Share my story").check()
    page.get_by_role("button", name="Polski").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    story_box = page.locator("#story")
    expect(story_box).to_have_value(WORDS)
    expect(page.locator("#consent_share")).to_be_checked()
    check(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(story_box).to_have_value(WORDS)

    page.get_by_label("Store and analyse my story").check()
    page.get_by_role("button", name="Send my story").click()
    expect(page.get_by_role("heading", name="Thank you: your story has been sent")).to_be_visible()
    code = page.locator(".receipt-code").inner_text()

    with app.app_context():
        stored = db.session.scalar(select(Submission))
        assert stored.story == WORDS
        story_id = stored.id

    # The resident sees it as typed, and downloads it as typed.
    page.goto(f"{live_server}/your-story")
    page.get_by_label("Your reference code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="See everything you told us").click()
    check(page)
    shown = page.locator(".data-list dd").first.evaluate("element => element.textContent")
    assert shown == WORDS
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download everything as a file (JSON)").click()
    path = download_info.value.path()
    with open(path, encoding="utf-8") as downloaded:
        assert json.load(downloaded)["story"] == WORDS

    # The officer sees it as typed.
    with app.app_context():
        factories.user(
            role=Role.ENGAGEMENT_OFFICER, email="words-officer@test.example", two_factor=False
        )
    page.context.clear_cookies()
    sign_in(page, live_server, "words-officer@test.example", factories.PASSWORD)
    page.goto(f"{live_server}/moderation/{story_id}")
    original = page.locator(".story-original")
    expect(original).to_be_visible()
    text = original.evaluate(
        "element => { const copy = element.cloneNode(true);"
        " copy.querySelectorAll('.visually-hidden').forEach(e => e.remove());"
        " return copy.textContent; }"
    )
    assert text == WORDS
    check(page)


def test_a_paste_over_the_limit_is_kept_whole_and_says_by_how_much(app, page, live_server):
    page.goto(f"{live_server}/tell/age")
    page.get_by_label("18 or over").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You can use up to 10,000 characters.")).to_be_visible()
    too_long = ("I was told to go back where I came from. " * 260)[:10_050]
    page.get_by_label("What happened?").fill(too_long)
    expect(page.locator("[data-character-count='story']")).to_have_text("Characters too many: 50")
    page.get_by_label("Store and analyse my story").check()
    page.get_by_role("button", name="Send my story").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Your story must be 10,000 characters or fewer. It has 50 characters too many"
    )
    expect(page.locator("#story")).to_have_value(too_long)
    check(page)
    with app.app_context():
        assert db.session.scalar(select(Submission)) is None


def test_a_group_contact_works_in_urdu(app, page, live_server):
    with app.app_context():
        demo.load_demo_data()
    page.goto(f"{live_server}/sign-in?lang=ur")
    page.get_by_label(words_in(app, "ur", "Email address")).fill("group@engage.example")
    page.get_by_label(words_in(app, "ur", "Password")).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name=words_in(app, "ur", "Sign in")).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(
        page.get_by_role("link", name=words_in(app, "ur", "Send a story for a resident"))
    ).to_be_visible()
    check(page)
    assert not re.search(r"\bStory\b|\bReceived\b", page.locator("main").inner_text())
