"""Locust users for bench/bench_load.py: run by the driver, not on its own.

Five kinds of user, equal in number, side by side in one run: a bare Flask "hello" (the
yardstick), the home page, the story form page, residents telling a story through the
real steps, and an officer reading the moderation queue.

The load generator stands where nginx would: every request comes from 127.0.0.1 (a
trusted proxy, TRUSTED_PROXIES) and carries X-Forwarded-Proto: https and X-Forwarded-For
with the visitor's own address, so the per-address rate limits stay on and each visitor
is counted apart. FastHttpUser's cookie jar treats every request as https, as a browser
behind TLS does, so the production session cookie (Secure, __Host-) is kept.

Environment (set by the driver): ENGAGE_BENCH_HELLO_URL, ENGAGE_BENCH_JOURNAL (a file
where each journey's receipt code is written), ENGAGE_BENCH_RUN (the run's number, so
addresses never repeat between runs), ENGAGE_BENCH_TOTP_KEY and the officer's email and
password, ENGAGE_BENCH_OFFICER_SESSION (a file with the officer's signed-in session).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import time
import uuid
from http.cookies import SimpleCookie

import gevent
import pyotp
from gevent.lock import Semaphore
from locust import FastHttpUser, constant, events, task

HELLO_URL = os.environ.get("ENGAGE_BENCH_HELLO_URL", "http://127.0.0.1:8102")
JOURNAL = os.environ.get("ENGAGE_BENCH_JOURNAL", "")
RUN = int(os.environ.get("ENGAGE_BENCH_RUN", "1")) % 250 + 1
OFFICER_EMAIL = os.environ.get("ENGAGE_BENCH_OFFICER", "officer@engage.example")
OFFICER_PASSWORD = os.environ.get("ENGAGE_BENCH_PASSWORD", "try-engage-locally")
TOTP_KEY = os.environ.get("ENGAGE_BENCH_TOTP_KEY", "")
# The officer's session cookies, kept between runs (a file written by the driver first).
OFFICER_SESSION = os.environ.get("ENGAGE_BENCH_OFFICER_SESSION", "")

STORIES = [
    "I was stopped and searched on my way home from work for the third time this month. "
    "The officers would not say why and people I know have had the same.",
    "At the job centre I was told my qualifications from abroad did not count, and my "
    "white colleague with the same certificate was offered the interview.",
    "Our landlord refused to repair the damp in our flat for two years and only fixed it "
    "after a neighbour complained for us. My children have asthma now.",
    "My son was excluded from school after a fight that another boy started. The other boy "
    "was given a warning. The school would not meet us to talk about it.",
    "The doctor's receptionist kept saying there were no appointments and would not book "
    "an interpreter for my mother, so she stopped trying to see anyone.",
]

_addresses = itertools.count(1)
_journal_lock = Semaphore()
_officer_lock = Semaphore()
_officer_cookies: dict[str, str] = {}
_last_step = [0]


def new_address() -> str:
    """A visitor's own address, as nginx would pass it on (10.RUN.x.y, never repeated)."""
    n = next(_addresses)
    return f"10.{RUN}.{(n // 250) % 250}.{n % 250 + 1}"


def field(page: str, name: str) -> str | None:
    """The value of the <input name=...> on a page."""
    tag = re.search(r'<input[^>]*\bname="' + re.escape(name) + r'"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def saved_officer_session() -> dict[str, str]:
    try:
        with open(OFFICER_SESSION, encoding="utf-8") as saved:
            return json.load(saved)
    except (OSError, ValueError):
        return {}


@events.test_stop.add_listener
def save_officer_session(**_kwargs) -> None:
    """Keep the officer's session (as the site last set it) for the next run."""
    if OFFICER_SESSION and _officer_cookies:
        with open(OFFICER_SESSION, "w", encoding="utf-8") as out:
            json.dump(_officer_cookies, out)


def write_journal(entry: dict) -> None:
    if not JOURNAL:
        return
    with _journal_lock, open(JOURNAL, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


class Visitor(FastHttpUser):
    """A browser behind the site's reverse proxy."""

    abstract = True
    wait_time = constant(0)
    # A fault run kills workers on purpose: a refused connection is a failed request.
    connection_timeout = 10.0
    network_timeout = 30.0

    def new_visitor(self) -> None:
        # Cookies are kept by hand: the session cookie is Secure, and nginx passes the
        # browser's cookies on over the loopback hop (locust's jar would drop it on http).
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-For": new_address(), "X-Forwarded-Proto": "https"}

    def on_start(self) -> None:
        self.new_visitor()

    def send(self, method: str, path: str, name: str, data=None, check=None):
        """One request, as the browser sends it; `check(response)` may mark a failure."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            # A browser sends the page it came from; Flask-WTF checks it on https requests.
            headers["Referer"] = f"https://{self.host.split('://')[1]}{path}"
        with self.client.request(
            method, path, name=name, data=data, headers=headers, allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            for line in response.headers.getlist("Set-Cookie") if response.headers else []:
                cookie = SimpleCookie()
                cookie.load(line)
                for key, morsel in cookie.items():
                    if morsel.value:
                        self.cookies[key] = morsel.value
                    else:
                        self.cookies.pop(key, None)
            if response.status_code >= 400 or response.status_code == 0:
                response.failure(f"status {response.status_code}")
            elif check is not None:
                check(response)
            return response

    def get(self, path: str, name: str, check=None):
        return self.send("GET", path, name, check=check)

    def post(self, path: str, data: dict, name: str, check=None):
        return self.send("POST", path, name, data=data, check=check)


class HelloUser(FastHttpUser):
    """The bare endpoint on the same gunicorn settings."""

    host = HELLO_URL
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/", name="hello")


class HomeUser(Visitor):
    @task
    def home(self):
        self.get("/", name="home /")


class StoryFormUser(Visitor):
    """Has answered the age question; opens the story form page again and again."""

    def on_start(self):
        super().on_start()
        page = self.get("/tell/age", name="journey GET /tell/age").text
        self.post(
            "/tell/age",
            {"csrf_token": field(page, "csrf_token") or "", "age": "18_plus"},
            name="journey POST /tell/age",
        )

    @task
    def story_form(self):
        def has_form(response):
            if 'name="receipt_token"' not in (response.text or ""):
                response.failure("story form page without the form")

        self.get("/tell/story", name="story form /tell/story", check=has_form)


class ResidentUser(Visitor):
    """A new resident each time: tells one story through every step to the code."""

    @task
    def tell_a_story(self):
        self.new_visitor()
        marker = f"bench-{RUN}-{uuid.uuid4().hex[:12]}"
        wants_email = int(marker[-1], 16) % 4 == 0  # about one in four
        equality = int(marker[-2], 16) % 4 == 0
        entry = {"marker": marker, "email": wants_email, "code": None, "retried": False}
        try:
            entry["code"] = self._journey(marker, wants_email, equality, entry)
        finally:
            write_journal(entry)

    def _journey(self, marker, wants_email, equality, entry):
        page = self.get("/tell/age", name="journey GET /tell/age").text or ""
        answered = self.post(
            "/tell/age",
            {"csrf_token": field(page, "csrf_token") or "", "age": "18_plus"},
            name="journey POST /tell/age",
        )
        if answered.status_code != 302:
            entry["stage"] = "age"
            return None
        page = self.get("/tell/story", name="journey GET /tell/story").text or ""
        form = {
            name: field(page, name) or ""
            for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
        }
        if not form["receipt_token"]:
            entry["stage"] = "form"
            return None
        story = STORIES[int(marker[-3], 16) % len(STORIES)]
        form.update(
            story=f"{story} ({marker})",
            what_to_change="Treat people the same and explain decisions.",
            consent_store="y",
            consent_share="y",
        )
        if wants_email:
            form.update(consent_contact="y", contact_email=f"{marker}@example.org")
        if equality:
            form["consent_equality"] = "y"
        sent = self._send_story(form, entry)
        if sent is None or sent.status_code != 302:
            entry["stage"] = f"submit {getattr(sent, 'status_code', 'no response')}"
            return None
        location = sent.headers.get("Location", "")
        if "/tell/about-you" in location:
            page = self.get("/tell/about-you", name="journey GET /tell/about-you").text or ""
            self.post(
                "/tell/about-you",
                {"csrf_token": field(page, "csrf_token") or "", "skip": "1"},
                name="journey POST /tell/about-you (skip)",
            )
        done = self.get("/tell/done", name="journey GET /tell/done").text or ""
        code = re.search(r'class="receipt-code"[^>]*>\s*([0-9A-Z-]{14})\s*<', done)
        if code is None:
            entry["stage"] = "done page"
            return None
        return code.group(1)

    def _send_story(self, form, entry):
        """POST the story; on a dropped connection or a server error, send the same form
        again once, as a person pressing "resend" would (the receipt token makes it one
        story)."""
        for attempt in range(2):
            response = self.post(
                "/tell/story",
                form,
                name="submission POST /tell/story",
                check=lambda r: r.status_code != 302 and r.failure(f"status {r.status_code}"),
            )
            if response.status_code in (0, 500, 502, 503, 504) and attempt == 0:
                entry["retried"] = True
                gevent.sleep(1)
                continue
            return response
        return None


class OfficerUser(Visitor):
    """A signed-in engagement officer reading the moderation queue. One officer signs in
    (password, then the authenticator code) and the others share that session, as tabs."""

    def on_start(self):
        self.new_visitor()
        with _officer_lock:
            if not _officer_cookies:
                # The session of the run before, if still signed in: an authenticator code
                # works once, so signing in again could mean waiting for the next one.
                self.cookies = saved_officer_session()
                if not self.cookies or not self._still_signed_in():
                    self.cookies = {}
                    self._sign_in()
                _officer_cookies.update(self.cookies)
                save_officer_session()
            self.cookies = _officer_cookies  # one session, as tabs share it

    def _still_signed_in(self) -> bool:
        return self.get("/moderation/", name="officer sign-in").status_code == 200

    def _sign_in(self):
        page = self.get("/sign-in", name="officer sign-in").text or ""
        first = self.post(
            "/sign-in",
            {
                "csrf_token": field(page, "csrf_token") or "",
                "email": OFFICER_EMAIL,
                "password": OFFICER_PASSWORD,
            },
            name="officer sign-in",
        )
        if first.headers.get("Location") != "/sign-in/code":
            raise RuntimeError(f"officer sign-in refused ({first.status_code})")
        totp = pyotp.TOTP(TOTP_KEY)
        for _ in range(4):
            # Each code works once: wait for a step no earlier sign-in has used.
            step = totp.timecode(time.time())
            if step <= _last_step[0]:
                gevent.sleep(30 - time.time() % 30 + 0.5)
                continue
            page = self.get("/sign-in/code", name="officer sign-in").text or ""
            second = self.post(
                "/sign-in/code",
                {"csrf_token": field(page, "csrf_token") or "", "code": totp.at(time.time())},
                name="officer sign-in",
            )
            _last_step[0] = step
            if second.status_code == 302:
                return
        raise RuntimeError("officer's authenticator code refused")

    @task
    def queue(self):
        def listed(response):
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

        self.get("/moderation/", name="moderation queue", check=listed)
