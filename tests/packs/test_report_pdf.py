"""The annual report as PDF, read back with pypdf: the pack's cover, contents, bookmarks
and page numbers, figures with their tables, and narrative Markdown drawn as headings,
lists, emphasis and safe links, with everything typed escaped."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from engage.packs.report_pdf import inline_markup, render_report_pdf
from engage.services.reports import narrative

POLISH = "Zażółć gęślą jaźń"
URDU = "ہم نے کمیونٹی سے سنا"
NARRATIVE = (
    "The Taskforce **listened** to residents in *every* borough.\n\n"
    "### What we heard\n\n"
    "- Damp and mould in rented homes\n"
    "- No interpreters at GP surgeries\n\n"
    "1. First step\n2. Second step\n\n"
    "> Residents asked us to keep going.\n\n"
    f"{POLISH} and {URDU}.\n\n"
    "Typed markup stays as typed: <b>not bold</b> & <para> </font>\n\n"
    "[Our website](https://www.wmca.org.uk/) and [a trick](javascript:alert(1)).\n\n"
    "| Area | Stories |\n|---|---|\n| Walsall | 10 |\n"
)
FIGURE = {
    "type": "figure",
    "caption": "Stories received by quarter, 2026/27 and 2025/26",
    "labels": ["Q1", "Q2"],
    "series": [{"name": "2025/26", "values": [15, 0]}, {"name": "2026/27", "values": [None, 25]}],
    "y_label": "Stories",
    "columns": ["Quarter", "2025/26", "2026/27"],
    "rows": [["Q1", 15, "suppressed"], ["Q2", 0, 25], ["Whole year", 15, 40]],
}
DOCUMENT = {
    "title": "Race Equity Taskforce annual progress report 2026/27",
    "subtitle": "1 April 2026 to 31 March 2027",
    "version_label": "Published on 12 May 2027. Figures for the whole year.",
    "sections": [
        {"heading": "Foreword", "blocks": [{"type": "markdown", "markdown": NARRATIVE}]},
        {"heading": "What residents told us", "blocks": [FIGURE]},
    ],
}


@pytest.fixture(autouse=True)
def _clean_state():
    """Pure rendering: no app and no database."""
    yield


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    return PdfReader(io.BytesIO(render_report_pdf(DOCUMENT)))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _outline(entries) -> list:
    return [_outline(e) if isinstance(e, list) else e.title for e in entries]


def test_cover_contents_sections_and_page_numbers(reader):
    text = _text(reader)
    assert DOCUMENT["title"] in reader.pages[0].extract_text()
    assert "Contents" in reader.pages[1].extract_text()
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {total}" in page.extract_text()
    assert _outline(reader.outline) == ["Foreword", ["What we heard"], "What residents told us"]
    assert reader.metadata.title == DOCUMENT["title"]
    assert "Foreword" in text


def test_narrative_text_lists_and_languages(reader):
    text = " ".join(_text(reader).split())
    for words in (
        "The Taskforce listened to residents in every borough.",
        "Damp and mould in rented homes",
        "First step",
        "Residents asked us to keep going.",
        POLISH,
        "Walsall",
    ):
        assert words in text
    assert "1." in text and "2." in text
    # Urdu letters DejaVu Sans has are kept (drawn unjoined: see engage.packs.pdf).
    assert sum(char in _text(reader) for char in "منےکیوٹس") >= 6


def test_typed_markup_appears_literally(reader):
    text = " ".join(_text(reader).split())
    assert "<b>not bold</b> & <para> </font>" in text


def test_only_safe_links_are_links(reader):
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    ]
    assert uris == ["https://www.wmca.org.uk/"]
    assert "a trick" in _text(reader)


def test_a_figure_is_a_chart_with_its_table(reader):
    text = _text(reader)
    assert "The figures in the chart: Stories received by quarter" in text
    assert re.search(r"Q1\s+15\s+suppressed", text)
    assert re.search(r"Whole year\s+15\s+40", text)
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1


def test_inline_markup_escapes_text_and_link_addresses():
    inline = narrative.tokens('[x & <y>](https://example.org/?a=1&b="2") **<i>**')[1]
    markup = inline_markup(inline.children)
    assert 'href="https://example.org/?a=1&amp;b=%22' in markup
    assert "x &amp; &lt;y&gt;" in markup
    assert "<b>&lt;i&gt;</b>" in markup


def test_awkward_markdown_still_builds():
    awkward = "\n".join(
        [
            "-",
            "1.",
            "- - - nested",
            "  - deeper\n    - deepest",
            "```\ncode <b>\n```",
            "    indented code",
            "***",
            "| a |\n|---|\n| 1 | 2 | 3 |",
            "#",
            "\x00\x07 control characters",
            "[unclosed](",
            "**unclosed",
        ]
    )
    document = DOCUMENT | {
        "sections": [{"heading": "Odd", "blocks": [{"type": "markdown", "markdown": awkward}]}]
    }
    text = _text(PdfReader(io.BytesIO(render_report_pdf(document))))
    assert "deepest" in text and "code <b>" in text


def test_the_same_document_gives_the_same_bytes():
    assert render_report_pdf(DOCUMENT) == render_report_pdf(DOCUMENT)
