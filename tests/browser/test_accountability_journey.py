"""Accountability, done as the issue says, against the site started as the README starts
it (`engage db upgrade`, `engage demo load`, `engage run`) with a real SMTP server: the
secretariat records a measurement with evidence, logs a decision linked to a digest and
the stories behind it, writes its "you said, we did" and publishes it; the resident who
agreed to contact gets the email and sees it at /your-story; the annual report builds as
HTML and PDF; a visitor with no account sees the public figures. Headless Chromium, axe
on the new pages."""

from __future__ import annotations

import email
import email.policy
import io
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from engage.demo_accountability import DEMO_CODE, DEMO_RESIDENT_EMAIL
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_320px, sign_in
from tests.browser.test_digest_and_pack_journey import readme_site, smtp  # noqa: F401

pytestmark = pytest.mark.browser

PASSWORD = "try-engage-locally"
WE_DID = "Caseworkers now call back within 5 working days & explain <why> in plain words."


def check(page) -> None:
    assert_accessible(page)
    assert_fits_320px(page)


def _mails_to(inbox, address: str, words: str):
    found = []
    for tos, raw in inbox.received:
        mail = email.message_from_bytes(raw, policy=email.policy.default)
        if address in tos and words in mail.get_body(("plain",)).get_content():
            found.append(mail)
    return found


def test_measured_decided_told_reported_and_published(browser, readme_site, smtp):  # noqa: F811
    inbox, _ = smtp
    site = readme_site
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    secretariat = context.new_page()
    secretariat.set_default_timeout(15_000)
    sign_in(secretariat, site, "secretariat@engage.example", PASSWORD)

    # A measurement with its evidence: a bad figure is refused beside the field first.
    secretariat.get_by_role("link", name="Indicators").first.click()
    check(secretariat)
    secretariat.get_by_role("link", name="Increased leadership diversity within WMCA.").click()
    secretariat.get_by_role("link", name="Record 2026/27", exact=True).click()
    secretariat.get_by_label("Figure", exact=True).fill("about fifteen")
    secretariat.get_by_role("button", name="Save as a draft").click()
    expect(secretariat.locator(".error-summary")).to_contain_text("Enter a number")
    check(secretariat)
    secretariat.get_by_label("Figure", exact=True).fill("15.2")
    secretariat.get_by_label("Amber").check()
    secretariat.get_by_label("Why this status").fill("Up again, still short of 20%.")
    secretariat.get_by_label("Where the figure comes from").fill("WMCA workforce report, Q2")
    secretariat.get_by_label("Links to evidence (optional)").fill("https://www.wmca.org.uk/")
    secretariat.get_by_role("button", name="Save as a draft").click()
    expect(secretariat.locator(".notification--success")).to_contain_text("Recorded as a draft")
    secretariat.get_by_role("button", name="Publish 2026/27").click()
    expect(secretariat.locator(".notification--success")).to_contain_text("Published")
    expect(secretariat.get_by_role("link", name="Correct this published figure")).to_be_visible()
    check(secretariat)

    # A decision linked to the housing group's digest and the stories behind it.
    secretariat.get_by_role("link", name="Decisions influenced").first.click()
    secretariat.get_by_role("link", name="Log a decision").click()
    secretariat.get_by_label("Title", exact=True).fill("Housing complaints answered within 5 days")
    secretariat.get_by_label("Body that decided").fill("WMCA Housing and Land Board")
    secretariat.get_by_label("Date decided").fill("2026-11-30")
    secretariat.get_by_label("What changed").fill("Complaints about repairs are answered fast.")
    secretariat.get_by_label("3 Significant").check()
    secretariat.get_by_label(re.compile("^Housing working group: ")).check()
    check(secretariat)
    secretariat.get_by_role("button", name="Save the decision").click()
    expect(secretariat.locator(".notification--success")).to_contain_text("Logged the decision")
    boxes = secretariat.locator("input[name=story_ids]")
    assert boxes.count() >= 1
    for box in boxes.all():
        box.check()
    check(secretariat)
    secretariat.get_by_role("button", name="Save the stories").click()
    secretariat.get_by_role("link", name='Write a "you said, we did"').click()
    secretariat.get_by_label("Theme", exact=True).select_option(label="Housing and homelessness")
    secretariat.get_by_label("You said (English)").fill("Complaints about repairs went unanswered.")
    secretariat.get_by_label("We did (English)").fill(WE_DID)
    check(secretariat)
    secretariat.get_by_role("button", name="Save as a draft").click()
    secretariat.get_by_role("button", name="Publish and tell residents").click()
    expect(secretariat.locator(".notification--success")).to_contain_text("will be emailed")

    # The resident who agreed to contact is emailed, and sees it at /your-story.
    for _ in range(50):
        if _mails_to(inbox, DEMO_RESIDENT_EMAIL, "Caseworkers now call back"):
            break
        time.sleep(0.1)
    [mail] = _mails_to(inbox, DEMO_RESIDENT_EMAIL, "Caseworkers now call back")
    body = mail.get_body(("plain",)).get_content()
    assert "mould" not in body.lower()  # nothing from anyone's story
    resident = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    resident.set_default_timeout(15_000)
    resident.goto(f"{site}/your-story")
    resident.get_by_label("Your reference code").fill(DEMO_CODE)
    resident.get_by_role("button", name="Continue").click()
    expect(resident.get_by_text("Housing complaints answered within 5 days")).to_be_visible()
    expect(resident.get_by_text(WE_DID)).to_be_visible()
    check(resident)
    ARTIFACTS.mkdir(exist_ok=True)
    resident.screenshot(path=str(ARTIFACTS / "your-story-fed-into.png"), full_page=True)

    # The annual report for this year builds as HTML and PDF.
    secretariat.goto(f"{site}/reports/")
    check(secretariat)
    secretariat.get_by_role("button", name="Start or open the report").click()
    secretariat.get_by_role("link", name="Preview the report").click()
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text("progress report")
    check(secretariat)
    secretariat.go_back()
    with secretariat.expect_download() as download:
        secretariat.get_by_role("link", name="Download a draft PDF").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Housing complaints answered within 5 days" in text

    # A visitor with no account sees the public figures and "you said, we did".
    visitor = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    visitor.goto(f"{site}/figures/")
    expect(visitor.get_by_role("heading", name="Stories received")).to_be_visible()
    # Logging the decision refreshed the figures: it is listed without waiting a night.
    expect(visitor.get_by_text("Housing complaints answered within 5 days")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Annual progress reports")).to_be_visible()
    check(visitor)
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name=re.compile(r"CSV", re.I)).first.click()
    assert Path(download.value.path()).read_text(encoding="utf-8").count("\n") > 1
    visitor.screenshot(path=str(ARTIFACTS / "public-figures.png"), full_page=True)
    visitor.goto(f"{site}/you-said-we-did")
    expect(visitor.get_by_text("28 days")).to_be_visible()
    check(visitor)
    context.close()
