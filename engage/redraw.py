"""Drawing a page again from what was sent, without acting on it.

Two things do this: a language button pressed on a form (engage.i18n), and a form sent
after its page expired (engage.errors). Either way the request becomes a GET, so no view
can store or change anything, and forms based on engage.forms.Form fill themselves from
what was sent, so nobody loses what they typed.

What was sent is shown again only if it came from a page of this site: its CSRF token
must carry this session's signature, however old it is. An expired token still proves
that; a forged post from another site cannot, and then the page is drawn empty.
"""

from __future__ import annotations

from flask import g, request
from flask_wtf.csrf import ValidationError, validate_csrf

# A token any age is accepted as proof of origin: only its signature matters here.
_ANY_AGE = 10 * 365 * 24 * 60 * 60


def from_this_site() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"), time_limit=_ANY_AGE)
    except ValidationError:
        return False
    return True


def redraw(*, reason: str) -> None:
    """Turn this POST into a request to show the page again."""
    g.redraw = "keep" if from_this_site() else "drop"
    g.redraw_reason = reason
    request.method = "GET"


def redrawing() -> bool:
    """This request shows a page again with what was sent, instead of acting on it."""
    return bool(g.get("redraw"))


def keep_typed_answers() -> bool:
    """What was sent may be shown again (it came from this site)."""
    return g.get("redraw") == "keep"


def redraw_reason() -> str | None:
    return g.get("redraw_reason")
