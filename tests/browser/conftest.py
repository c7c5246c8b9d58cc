"""Real-browser harness: Playwright drives Debian's Chromium against a live server, and
axe-core checks every page a journey visits against WCAG 2.2 A and AA."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import axe_playwright_python
import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("ENGAGE_CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Flags that keep Chromium off the network and working as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}. Install it with "
            "'apt-get install chromium' (Debian/Ubuntu), or set ENGAGE_CHROMIUM to its path.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def axe_violations(page) -> list[str]:
    """Run axe-core on the current page; describe each WCAG 2.2 A/AA violation."""
    page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in results["violations"]
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: " + "; ".join(violations)


def assert_fits_320px(page) -> None:
    """WCAG 1.4.10 reflow: no sideways scrolling of the page at 320 CSS pixels."""
    original = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{page.url} is {width}px wide at a 320px viewport"
    finally:
        page.set_viewport_size(original)


# Authenticator secrets of accounts set up during a browser test, by email.
_SECRETS: dict[str, str] = {}


def sign_in(page, live_server: str, email: str, password: str, *, check=None) -> None:
    """Sign in through the real pages: password, then setting up or entering a code,
    reading the secret off the set-up page as someone's authenticator app would."""
    import pyotp
    from playwright.sync_api import expect

    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/sign-in/set-up"):
        if check:
            check(page)
        secret = page.locator("#secret-key").inner_text().replace(" ", "")
        _SECRETS[email] = secret
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Check the code and continue").click()
        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        if check:
            check(page)
        page.get_by_role("link", name="I have saved my recovery codes").click()
        return
    if page.url.endswith("/sign-in/code"):
        if check:
            check(page)
        totp = pyotp.TOTP(_SECRETS[email])
        for ahead in (0, 1):
            page.get_by_label("Code").fill(totp.at(datetime.now(UTC), counter_offset=ahead))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
            if not page.url.endswith("/sign-in/code"):
                return
