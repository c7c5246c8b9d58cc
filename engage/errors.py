"""Error pages in the site's own layout; never a stack trace (ASVS 7.4.1)."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from engage.rate_limits import keep_typed, when_to_try_again
from engage.security import words_kept_after_refusal

log = logging.getLogger(__name__)

PAGES = {
    400: ("errors/400.html", _l("There is a problem with your request")),
    403: ("errors/403.html", _l("You do not have permission to see this page")),
    404: ("errors/404.html", _l("Page not found")),
    405: ("errors/405.html", _l("That action is not available here")),
    413: ("errors/413.html", _l("What you sent is too large")),
    415: ("errors/400.html", _l("There is a problem with your request")),
    429: ("errors/429.html", _l("Too many attempts")),
    500: ("errors/500.html", _l("Sorry, there is a problem with the service")),
}


def _render(code: int, **context):
    template, title = PAGES.get(code, PAGES[500] if code >= 500 else PAGES[400])
    return (
        render_template(template, title=title, code=code, reference=g.get("request_id"), **context),
        code,
    )


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code == 429:
        kept = keep_typed(error)
        if kept is not None:
            return kept
        return _render(429, description=None, try_again=when_to_try_again())
    response_body, status = _render(code, description=None)
    if code == 405 and error.valid_methods:
        return response_body, status, {"Allow": ", ".join(error.valid_methods)}
    return response_body, status


def handle_csrf_error(error: CSRFError):
    # A residents' or groups' page sent after it expired never gets here: engage.redraw
    # draws it again with what was typed. This is a post from elsewhere, or a staff page
    # sent after its session ended or its token expired: the words are shown to copy.
    log.info("csrf_rejected", extra={"reason": error.description})
    kept = words_kept_after_refusal()
    if kept is not None:
        return kept, 400
    return _render(400, csrf=True)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("unhandled_error", extra={"error_type": type(error).__name__})
    return _render(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
