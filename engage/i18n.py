"""Languages for the pages residents and community groups see (Flask-Babel).

The languages offered are found from the catalogues in engage/translations/: adding a
language is adding its messages.po (see docs/translations.md), with no code change.
Staff pages are in English only, so staff always get English, and a page a resident
never sees can say so with @english_only.

Switching language never loses what someone has typed: on a page with a form, the
language buttons submit that form (HTML's form= attribute, no JavaScript needed) and
the page is drawn again in the new language from what was typed (engage.redraw).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

babel = Babel()
DEFAULT = "en"

F = TypeVar("F", bound=Callable[..., Any])


def N_(message: str) -> str:
    """Marks a message for the catalogues where it must stay a plain string until it is
    shown (gettext's usual name for this; `make extract-messages` knows it)."""
    return message


def available_languages(folder: str) -> dict[str, str]:
    """{code: the language's own name}, English first, then each catalogue found."""
    codes = sorted(
        path.parent.parent.name for path in Path(folder).glob("*/LC_MESSAGES/messages.po")
    )
    names = {code: Locale.parse(code).get_display_name(code) for code in [DEFAULT, *codes]}
    return {code: name[:1].upper() + name[1:] for code, name in names.items()}


def english_only(view: F) -> F:
    """A page only staff see, though it is open before sign-in (the second step)."""
    view.english_only = True  # type: ignore[attr-defined]
    return view


def _english_only_page() -> bool:
    from engage.permissions import STAFF_ROLES

    if current_user and current_user.is_authenticated and current_user.role in STAFF_ROLES:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "english_only", False))


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT  # the command line and the worker
    if _english_only_page():
        return DEFAULT
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(list(languages)) or DEFAULT


def current_language() -> str:
    return str(get_locale() or DEFAULT)


def clear_session_keeping_language() -> None:
    """A fresh session (signing in or out) that still speaks the person's language."""
    chosen = session.get("lang")
    session.clear()
    if chosen:
        session["lang"] = chosen


def init_i18n(app: Flask) -> None:
    app.config["LANGUAGES"] = available_languages(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context():
        language = current_language()
        return {
            "current_language": language,
            "text_direction": Locale.parse(language).text_direction,
            "languages": app.config["LANGUAGES"],
            "offer_languages": not _english_only_page(),
        }
