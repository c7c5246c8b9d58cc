"""Languages for the residents' pages (Flask-Babel). Stories are stored as written.

The languages offered are found from the catalogues in engage/translations/: adding a
language is adding its messages.po (see docs/translations.md), with no code change.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale

babel = Babel()
DEFAULT = "en"


def available_languages(folder: str) -> dict[str, str]:
    """{code: the language's own name}, English first, then each catalogue found."""
    codes = sorted(
        path.parent.parent.name for path in Path(folder).glob("*/LC_MESSAGES/messages.po")
    )
    names = {code: Locale.parse(code).get_display_name(code) for code in [DEFAULT, *codes]}
    return {code: name[:1].upper() + name[1:] for code, name in names.items()}


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT  # the command line and the worker
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
        }
