"""Drawing a page again from what was sent, without acting on it.

Two things do this, on the forms residents and community groups use:
- a language button pressed on a form: the buttons submit the page's form (HTML's
  form= attribute) with a `switch_language` field, so nothing typed is lost;
- a form sent after its page expired (a CSRF token older than its two hours): nothing
  is sent, and nothing typed is lost either.

`redraw_hook` runs before every other hook. For a form page that opts in with
@redrawable (and can be opened with GET), it turns the POST into a GET: everything that
follows (the CSRF check, rate limits, session expiry, the access rules, the view) sees
a request to open the page, so nothing can be stored or changed, and forms based on
engage.forms.Form fill themselves from what was sent. Any other POST is left alone, to
be checked as usual.

What was sent is shown again only if it came from a page of this site: its CSRF token
must carry this session's signature, however old. A post from another site cannot
produce one: it is either refused by the CSRF check (a plain send) or, for a language
button, the page is drawn empty in the chosen language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request, session
from flask_wtf.csrf import ValidationError, validate_csrf

F = TypeVar("F", bound=Callable[..., Any])

SWITCH_FIELD = "switch_language"
# A token any age is accepted as proof of origin: only its signature matters here.
_ANY_AGE = 10 * 365 * 24 * 60 * 60


def redrawable(view: F) -> F:
    """A form page that may be drawn again from what was sent (its GET must be safe)."""
    view.redrawable = True  # type: ignore[attr-defined]
    return view


def _token_state() -> str:
    """'valid', 'expired' (signed by this session, too old) or 'foreign'."""
    token = request.form.get("csrf_token")
    try:
        validate_csrf(token)
        return "valid"
    except ValidationError:
        pass
    try:
        validate_csrf(token, time_limit=_ANY_AGE)
    except ValidationError:
        return "foreign"
    return "expired"


def came_from_this_site() -> bool:
    """What was sent carries this session's signature (however old its token)."""
    return bool(request.form) and _token_state() != "foreign"


def _opted_in() -> bool:
    rule = request.url_rule
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(
        rule is not None and "GET" in (rule.methods or ()) and getattr(view, "redrawable", False)
    )


def redraw_hook() -> None:
    """before_request, first of all (see the module's description)."""
    if request.method != "POST" or not _opted_in():
        return
    switching = SWITCH_FIELD in request.form
    if switching and request.form.get(SWITCH_FIELD) in current_app.config["LANGUAGES"]:
        session["lang"] = request.form[SWITCH_FIELD]
    state = _token_state()
    if switching:
        _redraw("keep" if state != "foreign" else "drop", reason="language")
    elif state == "expired":
        _redraw("keep", reason="expired")


def _redraw(keep: str, *, reason: str) -> None:
    g.redraw = keep
    g.redraw_reason = reason
    # From here on this is a request to open the page: nothing is stored or changed.
    request.method = "GET"


def redrawing() -> bool:
    """This request shows a page again with what was sent, instead of acting on it."""
    return bool(g.get("redraw"))


def keep_typed_answers() -> bool:
    """What was sent may be shown again (it came from this site)."""
    return g.get("redraw") == "keep"


def redraw_reason() -> str | None:
    return g.get("redraw_reason")
