"""The safe ways to do what bad/markup.py does: engage-markup stays quiet."""

import bleach
from markupsafe import Markup, escape

_cleaner = bleach.Cleaner(tags={"p", "em"}, strip=True)


def story_html(text: str) -> Markup:
    # Escaped value inside constant markup.
    return Markup("<p>{}</p>").format(text)


def escaped(text: str) -> Markup:
    return escape(text)


def cleaned(html: str) -> Markup:
    # nosemgrep: engage-markup - bleach kept nothing off its allow-list just above
    return Markup(_cleaner.clean(html))
