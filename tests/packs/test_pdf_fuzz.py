"""Hostile words in the PDFs (issue 14): a meeting pack or an annual report whose every
string is random Unicode mixed with HTML, reportlab's own paragraph markup, formulas and
Markdown renders without failing, reads back with pypdf, and shows the typed markup as
text (so none of it was taken as markup) with each field's words present.

Charts are drawn with fixed labels: theirs come from reference data, never from what
anyone types, and matplotlib only warns (a box) for a character its font lacks."""

from __future__ import annotations

import io
import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from engage.packs.pdf import render_pdf
from engage.packs.report_pdf import render_report_pdf
from engage.typed_text import as_typed
from tests.adversarial_text_fuzz import FRAGMENTS, MARKDOWN, hostile_text

# Plain-ASCII fragments that are markup somewhere: if one is missing from the text read
# back, the renderer took it as markup (or lost it).
VISIBLE_MARKUP = [f for f in FRAGMENTS if f.isascii() and f.isprintable() and "<" in f]


_RIGHT_TO_LEFT = {"R", "AL", "AN", "RLE", "RLO", "RLI"}


@pytest.fixture(autouse=True)
def _clean_state():
    """Pure rendering: no app and no database."""
    yield


@st.composite
def fields(draw) -> str:
    """Hostile text with a numbered label in it, to find the field in the PDF."""
    label = f"Fld{draw(st.integers(0, 10**6))}x"
    return f"{draw(hostile_text(max_pieces=4))} {label} {draw(hostile_text(max_pieces=3))}"


def _flat(text: str) -> str:
    """Without whitespace: lines wrap wherever the page needs."""
    return re.sub(r"\s+", "", text)


def _read_back(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return _flat("".join(page.extract_text() for page in reader.pages))


def _typed(value: dict) -> dict:
    """Every string in a dict as typed_text would store it."""
    return {k: as_typed(v) if isinstance(v, str) else v for k, v in value.items()}


def _check_words(extracted: str, strings: list[str]) -> None:
    for string in strings:
        for label in re.findall(r"Fld\d+x", string):
            assert label in extracted, label
        if any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in string):
            continue  # pypdf reorders such lines as it reads them, punctuation and all
        for fragment in VISIBLE_MARKUP:
            if fragment in string:
                assert _flat(fragment) in extracted, fragment


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(fields(), min_size=12, max_size=12), quote=st.one_of(st.none(), fields()))
def test_a_meeting_pack_of_any_words_renders_and_reads_back(texts, quote):
    # Any text at all renders; the words are checked as they are stored (typed_text):
    # pypdf misreads the order of some punctuation after a drawn U+FEFF, which the
    # stored text never has.
    _read_back(render_pdf(_pack(texts, quote)))
    texts, quote = [as_typed(t) for t in texts], quote and as_typed(quote)
    extracted = _read_back(render_pdf(_pack(texts, quote)))
    _check_words(extracted, [*texts, *([quote] if quote else [])])


def _pack(texts: list[str], quote: str | None) -> dict:
    title, subtitle, heading, paragraph, item, subheading, caption, column = texts[:8]
    cell, story_meta, summary, paper = texts[8:]
    return {
        "title": title,
        "subtitle": subtitle,
        "version_label": "Version 1",
        "sections": [
            {
                "heading": heading,
                "blocks": [
                    {"type": "paragraph", "text": paragraph},
                    {"type": "list", "items": [item, "second"]},
                    {"type": "subheading", "text": subheading},
                    # One column: pypdf reads a row's wrapped cells line by line
                    # across columns, which would break up the words of each.
                    {
                        "type": "table",
                        "caption": caption,
                        "columns": [column],
                        "rows": [[cell], ["=SUM(A1)"], [None], [12]],
                    },
                    {
                        "type": "story",
                        "submission_id": 7,
                        "meta": story_meta,
                        "summary": summary,
                        "quote": quote,
                    },
                    {"type": "paper", "title": paper, "filename": "paper.pdf"},
                ],
            }
        ],
    }


# Each label a paragraph of its own: within a line it might be a code fence's language
# name, which Markdown rightly does not show.
markdown = st.lists(
    st.one_of(
        st.sampled_from(MARKDOWN),
        hostile_text(max_pieces=4),
        st.integers(0, 10**6).map(lambda n: f"\n\nFld{n}x\n\n"),
    ),
    min_size=1,
    max_size=8,
).map("\n".join)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=markdown, heading=fields(), caption=fields())
def test_an_annual_report_of_any_markdown_renders_and_reads_back(body, heading, caption):
    document = {
        "title": "Annual progress report",
        "subtitle": "2026/27",
        "version_label": "Draft",
        "sections": [
            {
                "heading": heading,
                "blocks": [
                    {"type": "markdown", "markdown": body},
                    {
                        "type": "figure",
                        "caption": caption,
                        "labels": ["Q1"],
                        "series": [{"name": "2026/27", "values": [15]}],
                        "y_label": "Stories",
                        "columns": ["Quarter", "2026/27"],
                        "rows": [["Q1", 15]],
                    },
                ],
            }
        ],
    }
    _read_back(render_report_pdf(document))
    document = json.loads(json.dumps(document), object_hook=_typed)
    extracted = _read_back(render_report_pdf(document))
    body, heading, caption = as_typed(body), as_typed(heading), as_typed(caption)
    # Markdown may turn some of the words into formatting (that is its job); the labels,
    # which are plain words, must all be there.
    for label in re.findall(r"Fld\d+x", body + heading + caption):
        assert label in extracted, label
