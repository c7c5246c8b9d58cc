"""Whatever is typed at the second sign-in step, the answer is a page, never a crash; only
the right code signs anyone in (ASVS 2.8.1, 4.3.1); and wherever `next` points, a correct
code never sends the browser to another site (ASVS 5.1.5).

Each example uses a new account and a new browser, so lockout, rate limits and the
one-use rule of codes carry nothing over from one example to the next."""

from __future__ import annotations

import itertools
import re
import time
from urllib.parse import urlencode, urljoin, urlsplit

import pyotp
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engage import crypto
from engage.extensions import db, limiter
from engage.models import Role, User
from engage.services.accounts import two_factor
from tests import factories
from tests.helpers import field_error, heading, page, submit_form

STEP_SECONDS = 30
CODE_FIELD_MAX_LENGTH = 20  # engage.auth.forms.CodeForm
STAFF_HOME = "/staff/"
_accounts = itertools.count(1)

# Placeholders for real codes, made once the account exists: the authenticator's code for
# this step, the steps either side (allowed for clock drift), two steps away (refused),
# and a recovery code.
NOW, PREVIOUS, NEXT, TWO_AGO, TWO_AHEAD, RECOVERY = (
    "@now",
    "@previous",
    "@next",
    "@two-ago",
    "@two-ahead",
    "@recovery",
)
STEPS = {NOW: 0, PREVIOUS: -1, NEXT: 1, TWO_AGO: -2, TWO_AHEAD: 2}
FULLWIDTH = {n: n + 0xFEE0 for n in range(ord("!"), ord("~") + 1)}  # "1" -> "１"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _decorate(code: str, style: str) -> str:
    """A real code as someone might type it (or mistype it)."""
    return {
        "plain": code,
        "spaced": f"{code[:3]} {code[3:]}",
        "dashed": "-".join(code),
        "lower": code.lower(),
        "padded": f"  {code}\t",
        "in markup": f"<b>{code}</b>",
        "fullwidth": code.translate(FULLWIDTH),
        "arabic-indic digits": code.translate(ARABIC_INDIC),
        "one more digit": f"{code}0",
        "one short": code[:-1],
    }[style]


# Ways of typing a code that should still work, and ways that shouldn't.
TYPED_WELL = ["plain", "spaced", "dashed", "lower", "padded"]
MISTYPED = ["in markup", "fullwidth", "arabic-indic digits", "one more digit", "one short"]
real_codes = st.one_of(
    st.tuples(st.sampled_from([NOW, PREVIOUS, NEXT, RECOVERY]), st.sampled_from(TYPED_WELL)),
    st.tuples(
        st.sampled_from([NOW, PREVIOUS, NEXT, TWO_AGO, TWO_AHEAD, RECOVERY]),
        st.sampled_from(TYPED_WELL + MISTYPED),
    ),
)
random_codes = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.from_regex(r"[0-9 \-]{4,10}", fullmatch=True),
    st.from_regex(r"[0-9A-Za-z]{10}", fullmatch=True),
    st.sampled_from(
        [
            "",
            " ",
            "000000",
            "123456",
            "999999",
            "00000",
            "0000000",
            "²²²²²²",
            "١٢٣٤٥٦",
            "１２３４５６",
            "\x00",
            "\x00123456",
            "ABCDE-FGHJK",
            "O0O0O-I1I1L",
            "éééééééééé",
            "ßßßßß",
            "A" * 20,
            "A" * 21,
            "1" * 5000,
        ]
    ),
)
# Half real codes, half random ones (.map keeps one_of from flattening the branches,
# which would give the random codes' five branches five votes to the real codes' two).
codes = st.lists(st.one_of(real_codes.map(tuple), random_codes.map(str)), min_size=1, max_size=3)


# --- what "right" means ------------------------------------------------------------------


def _as_typed(code: str) -> str:
    """The letters and digits of a code, ignoring spaces, dashes and case. Only ASCII:
    other scripts' digits are not a code (see engage.services.accounts.two_factor._clean)."""
    return "".join(ch for ch in code if ch.isascii() and ch.isalnum()).upper()


def _recovery_form(code: str) -> str:
    """Recovery codes forgive the letters people confuse with digits."""
    return code.translate(str.maketrans("OIL", "011"))


def _totp_at(secret: str, steps_ahead: int, at: float | None = None) -> str:
    at = time.time() if at is None else at
    return pyotp.TOTP(secret, interval=STEP_SECONDS).generate_otp(
        int(at // STEP_SECONDS) + steps_ahead
    )


def _is_right(code: str, secret: str, recovery: list[str]) -> bool:
    """Right now: an authenticator code for this step or one either side, or an unused
    recovery code, whatever spaces, dashes or case it was typed with, within the 20
    characters the field takes."""
    if len(code) > CODE_FIELD_MAX_LENGTH:
        return False
    typed = _as_typed(code)
    if typed in {_totp_at(secret, ahead) for ahead in (-1, 0, 1)}:
        return True
    return len(typed) == 10 and _recovery_form(typed) in {_as_typed(c) for c in recovery}


def _make_code(drawn, secret: str, recovery: list[str]) -> str:
    if isinstance(drawn, str):
        return drawn
    placeholder, style = drawn
    if placeholder == RECOVERY:
        real = recovery[0] if recovery else "ABCDE-FGHJK"
    else:
        real = _totp_at(secret, STEPS[placeholder])
    return _decorate(real, style)


# --- signing in --------------------------------------------------------------------------


def _new_account(app, *, enrolled: bool) -> tuple[str, str | None, list[str]]:
    """A new engagement officer: email, authenticator secret and recovery codes."""
    with app.app_context():
        user = factories.user(
            role=Role.ENGAGEMENT_OFFICER,
            email=f"fuzz-{next(_accounts)}-{time.monotonic_ns()}@test.example",
            two_factor=enrolled,
        )
        recovery = two_factor._replace_recovery_codes(user) if enrolled else []
        db.session.commit()
        secret = crypto.decrypt(user.totp_secret_encrypted) if enrolled else None
        return user.email, secret, recovery


def _password_step(app, email: str, next_value: str | None = None):
    """A new browser that has given the right password (and, maybe, a `next`)."""
    limiter.reset()  # every example signs in from the same address
    browser = app.test_client()
    query = "" if next_value is None else "?" + urlencode({"next": next_value})
    response = submit_form(
        browser,
        f"/sign-in{query}",
        {"email": email, "password": factories.PASSWORD},
        form_url="/sign-in",
    )
    assert response.status_code == 302, response.status_code
    return browser, response.headers["Location"]


def _signed_in(browser) -> bool:
    response = browser.get(STAFF_HOME)
    if response.status_code == 200:
        return True
    assert response.headers["Location"].startswith("/sign-in"), response.headers["Location"]
    return False


def _secret_on_set_up_page(browser) -> str:
    response = browser.get("/sign-in/set-up")
    assert heading(response) == "Set up two-step sign-in"
    return page(response).find(id="secret-key").get_text("", strip=True).replace(" ", "")


# --- properties --------------------------------------------------------------------------

SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(attempts=codes)
def test_random_codes_never_crash_and_only_the_right_code_signs_in(app, attempts):
    email, secret, recovery = _new_account(app, enrolled=True)
    browser, location = _password_step(app, email)
    assert location == "/sign-in/code"
    for drawn in attempts:
        code = _make_code(drawn, secret, recovery)
        right_before = _is_right(code, secret, recovery)
        response = submit_form(browser, "/sign-in/code", {"code": code})
        right_after = _is_right(code, secret, recovery)

        if "\x00" in code:  # refused at the edge, before any check (engage.security)
            assert response.status_code == 400 and not _signed_in(browser)
            continue
        assert response.status_code in (200, 302), response.status_code
        signed_in = _signed_in(browser)
        if right_before != right_after:
            event("code crossed a 30-second step: not judged")
            break
        event(f"right code: {right_before}")
        if right_before:
            assert response.status_code == 302
            assert response.headers["Location"] == STAFF_HOME
            assert signed_in
            break
        assert response.status_code == 200
        assert field_error(response, "code"), "a refused code must say why"
        assert not signed_in, f"signed in with a wrong code: {code!r}"


@SETTINGS
@given(attempts=codes)
def test_random_codes_when_setting_up_never_crash_and_only_the_right_code_signs_in(app, attempts):
    email, _, _ = _new_account(app, enrolled=False)
    browser, location = _password_step(app, email)
    assert location == "/sign-in/set-up"
    secret = _secret_on_set_up_page(browser)
    signed_in = False
    for drawn in attempts:
        # No recovery codes exist yet: a "recovery code" is just another wrong code.
        code = _make_code(drawn, secret, [])
        right_before = _is_right(code, secret, [])
        response = submit_form(browser, "/sign-in/set-up", {"code": code})
        right_after = _is_right(code, secret, [])

        if "\x00" in code:  # refused at the edge, before any check (engage.security)
            assert response.status_code == 400 and not _signed_in(browser)
            continue
        assert response.status_code == 200, response.status_code
        signed_in = _signed_in(browser)
        if right_before != right_after:
            event("code crossed a 30-second step: not judged")
            break
        event(f"right code: {right_before}")
        if right_before:
            assert heading(response) == "Save your recovery codes"
            assert signed_in
            break
        assert field_error(response, "code"), "a refused code must say why"
        assert not signed_in, f"set up and signed in with a wrong code: {code!r}"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.two_factor_enrolled == signed_in


# --- where a correct code leads ----------------------------------------------------------

TRICKY_PIECES = [
    "/",
    "//",
    "\\",
    "/\\",
    "\\\\",
    "evil.example",
    "evil.example:443",
    "@evil.example",
    "user@evil.example",
    ":",
    "http:",
    "https://",
    "HTTPS://",
    "javascript:",
    "data:text/html,",
    "%2F",
    "%2f",
    "%5C",
    "%09",
    "%00",
    "\t",
    "\n",
    "\r",
    " ",
    "\x00",
    "\x0b",
    "\x7f",
    "\u3000",
    "\uff0f",
    "\u2215",
    "\u2044",
    "\u200b",
    ".",
    "..",
    "?",
    "#",
    "staff",
    "officer/groups",
]
next_values = st.one_of(
    st.lists(st.sampled_from(TRICKY_PIECES), max_size=6).map("".join),
    st.text(max_size=40),
    st.sampled_from(
        [
            "/officer/groups",
            "/moderation/",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            " //evil.example",
            "https://evil.example/",
            "https:evil.example",
            "//evil.example@localhost/",
            "/%2F/evil.example",
            "/.//evil.example",
            "javascript:alert(1)",
            "\x00//evil.example",
        ]
    ),
)
PLAIN_PATH = re.compile(r"/[a-z][a-z/\-]*")
C0_AND_SPACE = "".join(chr(n) for n in range(0x21))


def _where_a_browser_goes(location: str, base: str = "http://localhost/") -> tuple[str, str]:
    """Scheme and host a browser would follow a Location header to, per the URL standard's
    lenient parsing: outer spaces and controls dropped, tabs and newlines removed
    anywhere, and backslashes read as slashes in http(s) URLs."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip(C0_AND_SPACE)).replace("\\", "/")
    target = urlsplit(urljoin(base, cleaned))
    return target.scheme.lower(), target.netloc.lower()


@SETTINGS
@given(next_value=next_values, enrolled=st.booleans())
def test_a_correct_code_never_leads_off_site(app, next_value, enrolled):
    # A NUL anywhere in a request is refused at the edge (engage.security), before this.
    assume("\x00" not in next_value)
    email, secret, _ = _new_account(app, enrolled=enrolled)
    browser, _ = _password_step(app, email, next_value)
    if enrolled:
        response = submit_form(browser, "/sign-in/code", {"code": _totp_at(secret, 0)})
        assert response.status_code == 302, response.status_code
        location = response.headers["Location"]
    else:
        secret = _secret_on_set_up_page(browser)
        response = submit_form(browser, "/sign-in/set-up", {"code": _totp_at(secret, 0)})
        assert heading(response) == "Save your recovery codes"
        location = page(response).find("a", class_="button")["href"]
    assert _signed_in(browser)

    assert _where_a_browser_goes(location) == ("http", "localhost"), (next_value, location)
    # Not only ever the fallback: a plain path on this site is kept.
    if PLAIN_PATH.fullmatch(next_value):
        assert location == next_value


# --- explicit examples ---------------------------------------------------------------------

# Codes the properties above generate that reach secrets.compare_digest or the ASCII
# recovery-code hash with characters outside ASCII. When these tests were written,
# two_factor._clean kept any str.isalnum() character, and compare_digest raises TypeError
# for non-ASCII str, so these would have been 500s; _clean now keeps ASCII only. Kept so
# that they stay refused cleanly.
NON_ASCII_CODES = ["²²²²²²", "١٢٣٤٥٦", "１２３４５６", "éééééééééé", "ABCDEFGHJé"]


@pytest.mark.parametrize("enrolled", [True, False], ids=["code", "set-up"])
@pytest.mark.parametrize("code", NON_ASCII_CODES)
def test_codes_outside_ascii_are_refused_not_a_crash(app, code, enrolled):
    email, _, _ = _new_account(app, enrolled=enrolled)
    browser, step = _password_step(app, email)
    if not enrolled:
        browser.get(step)  # the set-up page makes the secret
    response = submit_form(browser, step, {"code": code})
    assert response.status_code == 200, response.status_code
    assert field_error(response, "code")
    assert not _signed_in(browser)
