"""The annual report's narrative sections: a heading and a Markdown body each, written by
the secretariat, stored exactly as typed and only ever shown through an allow-list.

Markdown is parsed by markdown-it-py (CommonMark, with tables) with raw HTML switched
off, so anything that looks like a tag is text. The HTML it makes is then cleaned by
bleach against an explicit allow-list: paragraphs, lists, bold, italic, links (http,
https and mailto only, with rel="noopener"), two heading levels, quotes and tables. No
images (their description is kept as text), scripts, styles or event attributes ever
survive. The PDF is drawn from the same parsed tokens (engage.packs.report_pdf)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import bleach
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from engage.services.meetings.common import line, paragraphs

HEADING_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000
MAX_SECTIONS = 20

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "h3",
        "h4",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@dataclass(frozen=True)
class Section:
    heading: str
    markdown: str


def load(stored: str | None) -> list[Section]:
    """The sections as stored (JSON list of {"heading", "markdown"})."""
    return [Section(item["heading"], item["markdown"]) for item in json.loads(stored or "[]")]


def dump(sections: list[Section]) -> str:
    return json.dumps(
        [{"heading": s.heading, "markdown": s.markdown} for s in sections], ensure_ascii=False
    )


def checked(heading: str | None, markdown: str | None) -> tuple[Section, dict[str, str]]:
    """A section as typed, and what is wrong with it (field name -> message)."""
    errors: dict[str, str] = {}
    title = line(errors, "heading", heading, HEADING_MAX_LENGTH, required="Enter a heading")
    body = paragraphs(
        errors, "markdown", markdown, BODY_MAX_LENGTH, required="Enter the section's text"
    )
    return Section(title, body), errors


def is_safe_link(href: str | None) -> bool:
    """Only web and email links: no javascript:, data:, relative or other schemes."""
    if not href:
        return False
    try:
        scheme = urlsplit(href.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in LINK_SCHEMES


def tokens(markdown: str) -> list[Token]:
    """The parsed Markdown, adjusted for the report: headings become level 3 or 4 (the
    section's own heading is level 2), images become their description as text, and
    links are marked rel="noopener"."""
    found = _parser.parse(markdown or "")
    for token in found:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2", "h3") else "h4"
        for child in token.children or []:
            if child.type == "image":
                child.type, child.tag, child.attrs, child.children = "text", "", {}, None
            elif child.type == "link_open":
                child.attrSet("rel", "noopener")
    return found


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag != "a":
        return False
    if name == "href":
        return is_safe_link(value)
    return name == "rel" and value == "noopener"


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=LINK_SCHEMES,
    strip=True,
    strip_comments=True,
)


def to_html(markdown: str) -> Markup:
    """The section's body as HTML that is safe to put in a page."""
    rendered = _parser.renderer.render(tokens(markdown), _parser.options, {})
    # nosemgrep: engage-markup - safe: the cleaner kept nothing off the allow-list.
    return Markup(_cleaner.clean(rendered))  # nosec B704 # cleaned by bleach just above
