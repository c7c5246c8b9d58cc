"""Examples that engage-markup must flag."""

import flask
from markupsafe import Markup


def story_html(text: str) -> Markup:
    # ruleid: engage-markup
    return Markup(text)


def story_html_flask(text: str):
    # ruleid: engage-markup
    return flask.Markup("<p>" + text + "</p>")
