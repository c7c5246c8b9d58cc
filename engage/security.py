"""Security headers on every response (ASVS 14.4) and session time limits (ASVS 3.3.2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from engage.i18n import clear_session_keeping_language
from engage.redirects import safe_next
from engage.redraw import came_from_this_site, redrawing

# No inline scripts or styles anywhere: everything comes from static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS_VALUE = "max-age=31536000; includeSubDomains"


def set_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    if current_app.config["HSTS"]:
        response.headers["Strict-Transport-Security"] = HSTS_VALUE
    if request.endpoint != "static":
        # Pages may show personal data: never cache them anywhere (ASVS 8.2.1).
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if response.mimetype == "text/html":
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


def now_ts() -> float:
    return datetime.now(UTC).timestamp()


def start_session_clock() -> None:
    """Called at sign-in: both the idle and the absolute limit count from now."""
    now = now_ts()
    session["signed_in_at"] = now
    session["seen_at"] = now
    # When the person last proved who they are; sensitive screens ask again after a while.
    session["confirmed_at"] = now
    session.permanent = True


RECONFIRM_AFTER_SECONDS = 15 * 60


def recently_confirmed() -> bool:
    return now_ts() - session.get("confirmed_at", 0) <= RECONFIRM_AFTER_SECONDS


def mark_confirmed() -> None:
    session["confirmed_at"] = now_ts()


def needs_recent_confirmation(view):
    """Sensitive screens (equality answers, exports) ask staff for a fresh code when
    they last gave one more than 15 minutes ago (ASVS 3.7.1)."""
    import functools

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated and current_user.needs_two_factor:
            if not recently_confirmed():
                return redirect(url_for("auth.confirm_identity", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def enforce_session_limits():
    """End a signed-in session after 30 minutes idle or 12 hours in all."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = now_ts()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    signed_in_at = session.get("signed_in_at", 0)
    seen_at = session.get("seen_at", 0)
    too_long = now - signed_in_at > absolute
    if now - seen_at > idle or too_long:
        sent_form = (request.method == "POST" or redrawing()) and came_from_this_site()
        typed = _typed_words() if sent_form else []
        logout_user()
        clear_session_keeping_language()
        message = (
            _("You were signed out because you had been signed in for 12 hours. Sign in again.")
            if too_long
            else _("You were signed out because you had not done anything for 30 minutes.")
        )
        if typed:
            # A form can't be carried through signing in again, but its words are not
            # thrown away: they are shown, to copy, with the way back to the page.
            return _unsent_page(message, typed)
        flash(message, "info")
        # Only a page can be returned to; a form's POST target can't.
        target = request.path if request.method == "GET" else None
        return redirect(url_for("auth.sign_in", next=target))
    session["seen_at"] = now
    return None


def _back_url() -> str:
    """The page the form was on: the referring page of this site, or the staff home
    (a form's POST address may not open as a page)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""), "/")
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return url_for(request.endpoint, **(request.view_args or {}))
    return url_for("staff.home")


def _unsent_page(message: str, typed: list[str]) -> str:
    return render_template(
        "auth/signed_out_unsent.html",
        message=message,
        typed=typed,
        back=_back_url(),
        signed_in=current_user.is_authenticated,
        title=_("Nothing has been sent yet"),
    )


def _posted_from_this_site() -> bool:
    """The browser says the form was sent from a page of this site (every browser in use
    sends Origin with a POST, or Sec-Fetch-Site), and its CSRF token was issued here,
    however old and for whichever session. Only then are its words shown back: no other
    site can make this one display words of its choosing."""
    same_origin = request.headers.get("Sec-Fetch-Site") == "same-origin" or (
        request.headers.get("Origin") == request.host_url.rstrip("/")
    )
    if not same_origin:
        return False
    # Flask-WTF signs its tokens this way (flask_wtf.csrf.generate_csrf); its own check
    # also needs the session the token belonged to, which is gone after signing out.
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    try:
        URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(_sent_token())
    except BadData:
        return False
    return True


def words_kept_after_refusal():
    """For a form refused by the CSRF check because the person was signed out in another
    tab, or the page was open too long: the words typed, to copy, and the way back. None
    when there is nothing to keep or the post may not have come from this site."""
    if request.method != "POST" or not _posted_from_this_site():
        return None
    typed = _typed_words()
    if not typed:
        return None
    if current_user.is_authenticated:
        message = _("This page was open for too long to be sent, so nothing was saved.")
    else:
        message = _(
            "You are signed out (perhaps you signed out in another tab or window), so "
            "nothing was saved."
        )
    return _unsent_page(message, typed)


# Form fields that are not somebody's words: tokens, versions, choices and ticks.
_NOT_WORDS = {"csrf_token", "receipt_token", "notice_version", "age_group", "version"}
_CODE = re.compile(r"[a-z0-9_]*")


def _field(name: str) -> str:
    """A field's own name, without the form's prefix ("summary-version" is "version")."""
    return name.rpartition("-")[2]


def _sent_token() -> str:
    return next((value for name, value in request.form.items() if _field(name) == "csrf_token"), "")


def _typed_words() -> list[str]:
    """What someone wrote in the form they sent, in the order of the form."""
    return [
        value
        for name, value in request.form.items(multi=True)
        if _field(name) not in _NOT_WORDS and value.strip() and not _CODE.fullmatch(value)
    ]


# Every form here is sent as one of these (or with no body at all).
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", ""})


def refuse_unreadable_requests():
    """before_request, first: a clear 4xx for what no page of this site sends, rather
    than a 500 further in. JSON or anything else where a form is expected is refused
    (415), and so are a query that is not UTF-8 and a NUL character anywhere, which
    PostgreSQL can't store (400)."""
    try:
        request.query_string.decode("utf-8")  # raw bytes, as a client may send them
    except UnicodeDecodeError:
        request.query_string = b""  # so that the error page itself can read the request
        abort(400)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and (
        request.mimetype not in FORM_TYPES
    ):
        abort(415)
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value
        for values in (request.args, request.form)
        for key, value in values.items(multi=True)
    ):
        abort(400)


def register_security(app: Flask) -> None:
    app.before_request(enforce_session_limits)
    app.after_request(set_security_headers)
