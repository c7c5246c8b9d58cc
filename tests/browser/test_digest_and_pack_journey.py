"""From a resident's words to a working group and a meeting, against the site started
as the README starts it (`engage db upgrade`, `engage demo load`, `engage run`, as
`make run` does) with a real SMTP server: the secretariat sets a routing rule, an
officer approves a resident's story, the working-group member reads it in the digest
and gets the digest by email; the secretariat schedules a meeting, records attendance
with a substitute, builds the pack and downloads its PDF; the resident withdraws and the
story is gone from both. Headless Chromium, axe on the new pages."""

from __future__ import annotations

import email
import email.policy
import io
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.request import urlopen

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from pypdf import PdfReader

from engage.clock import LONDON
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_320px, sign_in
from tests.services.common.test_outbox_delivery import Inbox

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ENGAGE = Path(sys.executable).with_name("engage")
PASSWORD = "try-engage-locally"
WORDS = "Someone keeps writing racist graffiti on our front door & the police <b>never</b> came."


def check(page) -> None:
    assert_accessible(page)
    assert_fits_320px(page)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def readme_site(tmp_path, smtp):
    """The site as `make run` starts it, on its own SQLite file, sending real email."""
    _, smtp_port = smtp
    port = _free_port()
    env = {
        **os.environ,
        "ENGAGE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path}/engage.db",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    for step in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([str(ENGAGE), *step], env=env, cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(ENGAGE), "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urlopen(f"{url}/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


def _tell_a_story(page, site: str) -> str:
    page.goto(f"{site}/tell")
    page.get_by_role("link", name="Start now").click()
    page.get_by_label("18 or over").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What happened?").fill(WORDS)
    page.get_by_label("Store and analyse my story").check()
    page.get_by_label("Share my story").check()
    page.get_by_label("Quote my words").check()
    page.get_by_role("button", name="Send my story").click()
    expect(page.get_by_role("heading", name="Thank you: your story has been sent")).to_be_visible()
    return page.locator(".receipt-code").inner_text()


def _story_number(page, site: str) -> str:
    """The newest story in the queue: the one the resident has just told."""
    page.goto(f"{site}/moderation/")
    numbers = [int(n) for n in re.findall(r"Story (\d+)", page.locator("main table").inner_text())]
    return str(max(numbers))


def test_a_story_reaches_the_group_and_the_meeting_and_leaves_when_withdrawn(
    browser, readme_site, smtp
):
    inbox, _ = smtp
    site = readme_site
    contexts = {}

    def new_page(name):
        contexts[name] = browser.new_context(viewport={"width": 1024, "height": 800})
        page = contexts[name].new_page()
        page.set_default_timeout(15_000)
        return page

    resident = new_page("resident")
    code = _tell_a_story(resident, site)

    # The secretariat sends hate crime at home to the housing working group.
    secretariat = new_page("secretariat")
    sign_in(secretariat, site, "secretariat@engage.example", PASSWORD)
    secretariat.get_by_role("link", name="Routing").first.click()
    check(secretariat)
    secretariat.get_by_role("link", name="Add a rule").first.click()
    secretariat.get_by_role("button", name="Save rule").click()
    expect(secretariat.locator(".error-summary")).to_contain_text("Choose at least one theme")
    check(secretariat)
    secretariat.get_by_label("Working group", exact=True).select_option(
        label="Housing working group"
    )
    secretariat.get_by_label("Criminal justice").check()
    secretariat.get_by_role("button", name="Save rule").click()
    expect(secretariat.locator(".notification--success")).to_contain_text("Rule added")

    # An officer approves the resident's story with the one theme the rule matches.
    officer = new_page("officer")
    sign_in(officer, site, "officer@engage.example", PASSWORD)
    number = _story_number(officer, site)
    officer.goto(f"{site}/moderation/{number}")
    officer.get_by_role("button", name="Work on this story").click()
    officer.get_by_role("button", name="Confirm the redaction").click()
    for box in officer.locator("input[name=themes]:checked").all():
        box.uncheck()
    officer.get_by_label("Criminal justice").check()
    officer.get_by_role("button", name="Confirm the themes").click()
    officer.get_by_role("button", name="Approve").click()
    expect(officer.locator(".notification--success")).to_contain_text(f"Story {number} approved")

    # The secretariat issues the group's digest now; it is emailed to the member.
    secretariat.get_by_role("link", name="Digests").first.click()
    check(secretariat)
    secretariat.get_by_label("Issue a digest now for").select_option(label="Housing working group")
    secretariat.get_by_role("button", name="Issue a digest now").click()
    expect(secretariat.locator(".notification--success")).to_contain_text("Digest issued")
    expect(secretariat.get_by_text(WORDS)).to_be_visible()

    # The member signs in, sees a new digest and reads the resident's words in it.
    member = new_page("member")
    sign_in(member, site, "working-group@engage.example", PASSWORD)
    expect(member.locator("main .tag", has_text="New").first).to_be_visible()
    check(member)
    member.locator("main ul.list a").first.click()
    expect(member.get_by_text(WORDS)).to_be_visible()
    check(member)
    ARTIFACTS.mkdir(exist_ok=True)
    member.screenshot(path=str(ARTIFACTS / "digest.png"), full_page=True)
    digest_url = member.url

    def digest_mails():
        found = []
        for tos, raw in inbox.received:
            mail = email.message_from_bytes(raw, policy=email.policy.default)
            plain = mail.get_body(("plain",)).get_content()
            if "working-group@engage.example" in tos and WORDS in plain:
                found.append(mail)
        return found

    for _ in range(50):
        if digest_mails():
            break
        time.sleep(0.1)
    [mail] = digest_mails()
    assert mail["Subject"].startswith("Digest for Housing working group")
    html = mail.get_body(("html",)).get_content()
    assert "&amp; the police &lt;b&gt;never&lt;/b&gt; came." in html

    # A Taskforce meeting today: attendance with a substitute, then the pack.
    secretariat.get_by_role("link", name="Meetings").first.click()
    secretariat.get_by_role("link", name="Schedule a meeting").first.click()
    secretariat.get_by_label("Body").select_option(label="Race Equity Taskforce")
    today = datetime.now(LONDON).date()
    secretariat.get_by_label("Date").fill(today.isoformat())
    secretariat.get_by_label("Start time").fill("23:58")
    secretariat.get_by_label("Place (optional if there is an online link)").fill("Council House")
    secretariat.get_by_role("button", name="Schedule the meeting").click()
    expect(secretariat.locator(".notification--success")).to_be_visible()
    meeting_url = secretariat.url
    secretariat.get_by_role("link", name="Record attendance").first.click()
    check(secretariat)
    for group in secretariat.locator("fieldset").all():
        legend = group.locator("legend").inner_text()
        choice = "Substitute attended" if "Helen Carter" in legend else "Present"
        group.get_by_label(re.compile(f"^{choice}")).first.check()
    secretariat.get_by_role("button", name="Save attendance").click()
    expect(secretariat.locator(".panel__title", has_text="Quorate")).to_be_visible()
    expect(secretariat.get_by_text("Imran Hussain")).to_be_visible()
    secretariat.goto(meeting_url)
    secretariat.get_by_role("link", name="Meeting pack", exact=True).click()
    secretariat.get_by_role("button", name="Build a new version").click()
    expect(secretariat.locator(".notification--success")).to_contain_text("Version 1 built")
    check(secretariat)
    secretariat.get_by_role("link", name="Version 1", exact=True).click()
    expect(secretariat.get_by_text(WORDS)).to_be_visible()
    pack_url = secretariat.url
    with secretariat.expect_download() as download:
        secretariat.get_by_role("link", name="Download the PDF").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    outline = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert outline[:3] == ["Agenda", "The previous meeting", "Open actions"]
    assert "Digest: Housing working group" in outline
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert WORDS in text and f"Page {len(pdf.pages)} of {len(pdf.pages)}" in text

    # The resident withdraws: the story is gone from the digest and the pack at once.
    resident.goto(f"{site}/your-story")
    resident.get_by_label("Your reference code").fill(code)
    resident.get_by_role("button", name="Continue").click()
    resident.get_by_role("link", name="Withdraw your story").click()
    expect(resident.get_by_text("cannot take that email back")).to_be_visible()
    check(resident)
    resident.get_by_role("button", name="Withdraw and delete my story").click()
    expect(
        resident.get_by_role("heading", name="Your story has been withdrawn and deleted")
    ).to_be_visible()
    member.goto(digest_url)
    expect(member.get_by_text("racist graffiti")).to_have_count(0)
    secretariat.goto(pack_url)
    expect(secretariat.get_by_text("racist graffiti")).to_have_count(0)
    with secretariat.expect_download() as download:
        secretariat.get_by_role("link", name="Download the PDF").click()
    rebuilt = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "graffiti" not in " ".join(p.extract_text() for p in rebuilt.pages)
    for context in contexts.values():
        context.close()
