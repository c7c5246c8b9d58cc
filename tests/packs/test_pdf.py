"""Meeting packs as PDF, read back with pypdf as a reader's tools would see them."""

from __future__ import annotations

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from engage.packs.pdf import render_pdf

MARKUP = "<b>bold?</b> & <para>"
POLISH = "Zażółć gęślą jaźń"
URDU = "میں نے کئی بار درخواست دی لیکن کوئی جواب نہیں ملا"
HEADINGS = ["Agenda", "What residents told us", "Figures & tables", "Papers"]
SUBHEADINGS = ["Housing", "Jobs <and> the economy"]


@pytest.fixture(autouse=True)
def _clean_state():
    """Pure rendering: no app and no database, so nothing to restore after each test."""
    yield


def story(number: int, quote: str | None = "It took a year.", **fields) -> dict:
    block = {
        "type": "story",
        "submission_id": number,
        "meta": "Housing · Birmingham · March 2027 · web · English",
        "summary": "The resident waited a year for a repair.",
        "quote": quote,
    }
    return block | fields


def pack(sections: list[dict], title: str = "Race Equity Taskforce meeting pack") -> dict:
    return {
        "title": title,
        "subtitle": "Meeting on Tuesday 12 January 2027, 14:00, Council House, Birmingham",
        "version_label": "Version 3, built 6 January 2027 at 10:12",
        "sections": sections,
    }


CHART = {
    "type": "chart",
    "caption": "Stories by theme",
    "labels": ["Housing", "Transport", "Health"],
    "series": [
        {"name": "Last quarter", "values": [37, None, 1204]},
        {"name": "This quarter", "values": [41, 9, 868]},
    ],
    "y_label": "Stories",
}

SAMPLE = pack(
    [
        {
            "heading": "Agenda",
            "blocks": [
                {"type": "list", "items": ["Welcome and apologies", "Minutes & actions"]},
                {"type": "paragraph", "text": "Papers are sent a week before the meeting."},
            ],
        },
        {
            "heading": "What residents told us",
            "blocks": [
                {"type": "subheading", "text": SUBHEADINGS[0]},
                story(101, quote=f"{MARKUP}\n</font> end"),
                story(102, quote=f"{POLISH}\nSecond line of the quote", meta="Housing · Polski"),
                story(103, quote=URDU, summary=None, meta="Housing · Urdu"),
                {"type": "subheading", "text": SUBHEADINGS[1]},
                story(104, quote=None),
            ],
        },
        {
            "heading": "Figures & tables",
            "blocks": [
                CHART,
                {
                    "type": "table",
                    "caption": "Stories by ward",
                    "columns": ["Ward", "Stories"],
                    "rows": [["Aston", 12], ["Ladywood", None], ["Sparkbrook", "suppressed"]],
                },
            ],
        },
        {
            "heading": "Papers",
            "blocks": [{"type": "paper", "title": "Housing strategy", "filename": "housing.pdf"}],
        },
    ]
)


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_pdf(SAMPLE)


@pytest.fixture(scope="module")
def reader(sample_pdf) -> PdfReader:
    return PdfReader(io.BytesIO(sample_pdf))


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def outline(reader: PdfReader) -> list:
    """The outline as [(title, page index, [children...]), ...]."""
    items: list = []
    for entry in reader.outline:
        if isinstance(entry, list):
            items[-1][2].extend(
                (child.title, reader.get_destination_page_number(child), []) for child in entry
            )
        else:
            items.append((entry.title, reader.get_destination_page_number(entry), []))
    return items


def page_with(reader: PdfReader, needle: str) -> int:
    return next(n for n, text in enumerate(texts(reader)) if needle in text)


def test_cover_contents_and_a_page_per_section(reader):
    pages = texts(reader)
    assert len(pages) == 2 + len(HEADINGS)
    assert "Race Equity Taskforce meeting pack" in pages[0]
    assert "Meeting on Tuesday 12 January 2027, 14:00" in pages[0]
    assert "Version 3, built 6 January 2027 at 10:12" in pages[0]
    assert "Contents" in pages[1]


def test_every_page_is_numbered_n_of_m(reader):
    total = len(reader.pages)
    for number, text in enumerate(texts(reader), start=1):
        assert f"Page {number} of {total}" in text


def test_the_outline_has_the_headings_in_order_with_subheadings_nested(reader):
    items = outline(reader)
    assert [title for title, _, _ in items] == HEADINGS
    assert [title for title, _, _ in items[1][2]] == SUBHEADINGS
    assert [children for title, _, children in items if title != HEADINGS[1]] == [[], [], []]


def test_the_outline_points_at_each_sections_page(reader):
    for title, page, children in outline(reader):
        assert title in texts(reader)[page]
        for child_title, child_page, _ in children:
            assert child_title in texts(reader)[child_page]


def test_the_contents_page_lists_the_headings_with_their_page_numbers(reader):
    contents = texts(reader)[1]
    for title, page, children in outline(reader):
        assert title in contents
        assert re.search(rf"\b{page + 1}\b", contents)
        for child_title, _, _ in children:
            assert child_title in contents


def test_markup_in_a_story_appears_literally(reader):
    text = texts(reader)[page_with(reader, "Story 101")]
    assert MARKUP in text
    assert "</font> end" in text
    assert "<and>" in texts(reader)[page_with(reader, "Jobs")]


def test_polish_text_extracts_back_and_line_breaks_are_kept(reader):
    text = texts(reader)[page_with(reader, "Story 102")]
    assert POLISH in text
    assert re.search(rf"{POLISH}\s*\n\s*Second line of the quote", text)


def test_stories_are_labelled(reader):
    text = texts(reader)[page_with(reader, "Story 101")]
    assert "Officer's summary" in text
    assert "Quote" in text
    assert "Housing · Birmingham · March 2027 · web · English" in text
    assert "The resident waited a year for a repair." in text


def test_urdu_does_not_crash_and_its_letters_are_kept(reader):
    # Not shaped or reordered (see engage.packs.pdf); the letters DejaVu Sans has are kept.
    text = texts(reader)[page_with(reader, "Story 103")]
    assert "ٹ" not in URDU or "ٹ" in text
    assert sum(char in text for char in "میںنےکئیباردرخواستدیلیکنکوئیجوابملا") > 20


def test_a_chart_is_an_image_followed_by_its_numbers(reader):
    page = page_with(reader, "Stories by theme")
    assert len(reader.pages[page].images) == 1
    text = texts(reader)[page]
    for figure in ["37", "1,204", "41", "9", "868", "Last quarter", "This quarter", "Category"]:
        assert figure in text
    assert "\u2013" in text  # the missing figure


def test_a_table_shows_none_as_a_dash_and_text_as_given(reader):
    text = texts(reader)[page_with(reader, "Stories by ward")]
    assert re.search(r"Ladywood\s*\n?\s*\u2013", text)
    assert "suppressed" in text


def test_a_paper_is_listed_as_attached(reader):
    text = texts(reader)[-1]
    assert "Paper attached: Housing strategy" in text
    assert "housing.pdf" in text


def test_metadata(reader):
    assert reader.metadata.title == "Race Equity Taskforce meeting pack"
    assert reader.metadata.author == "Engage"


def test_the_same_content_gives_the_same_bytes(sample_pdf):
    assert render_pdf(SAMPLE) == sample_pdf


def test_packs_built_in_threads_match_those_built_in_turn():
    packs = [pack([{"heading": f"Section {n}", "blocks": [story(n), CHART]}]) for n in range(4)]
    in_turn = [render_pdf(content) for content in packs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render_pdf, packs)) == in_turn


def test_a_table_longer_than_a_page_repeats_its_header():
    rows = [[f"Row {n}", n, None if n % 5 else "suppressed"] for n in range(150)]
    table = {
        "type": "table",
        "caption": "",
        "columns": ["Ward name", "Count", "Note"],
        "rows": rows,
    }
    reader = PdfReader(io.BytesIO(render_pdf(pack([{"heading": "Long", "blocks": [table]}]))))
    pages = [text for text in texts(reader) if re.search(r"\bRow \d+\b", text)]
    assert len(pages) >= 3
    for text in pages:
        assert "Ward name" in text
        assert text.count("Ward name") == 1


def test_an_empty_chart_says_so_and_still_builds():
    chart = {"type": "chart", "caption": "Nothing yet", "labels": [], "series": [], "y_label": ""}
    reader = PdfReader(io.BytesIO(render_pdf(pack([{"heading": "Figures", "blocks": [chart]}]))))
    text = texts(reader)[2]
    assert "No figures for this period." in text
    assert len(reader.pages[2].images) == 1


def test_awkward_text_does_not_crash():
    cells = [["<td>&nbsp;</td>"], [None], [2.5]]
    awkward = "nul\x00 bell\x07 cr\r\nlf 中文 😀 \u200d\ud800 <br/> &amp; ]]> <font name='x'>"
    content = pack(
        [
            {
                "heading": awkward,
                "blocks": [
                    {"type": "subheading", "text": awkward},
                    {"type": "paragraph", "text": awkward},
                    {"type": "list", "items": [awkward]},
                    story(1, quote=awkward, summary=awkward, meta=awkward),
                    {
                        "type": "table",
                        "caption": awkward,
                        "columns": [awkward],
                        "rows": [[awkward], *cells],
                    },
                    {"type": "paper", "title": awkward, "filename": awkward},
                ],
            }
        ],
        title=awkward,
    )
    reader = PdfReader(io.BytesIO(render_pdf(content)))
    text = texts(reader)[2]
    assert "<br/> &amp; ]]> <font name='x'>" in text
    assert "\x00" not in text
    assert "<td>&nbsp;</td>" in text


def test_a_section_with_no_blocks_and_a_pack_with_no_sections():
    assert len(PdfReader(io.BytesIO(render_pdf(pack([])))).pages) == 2
    content = pack([{"heading": "Any other business", "blocks": []}])
    assert len(PdfReader(io.BytesIO(render_pdf(content))).pages) == 3


@pytest.mark.parametrize(
    "block",
    [
        {"type": "video", "url": "x"},
        {"type": "table", "caption": "", "columns": ["A", "B"], "rows": [["only one"]]},
        {"type": "table", "caption": "", "columns": [], "rows": []},
        {"type": "chart", "caption": "", "labels": ["A"], "series": [{"name": "", "values": []}]},
    ],
)
def test_malformed_blocks_raise_value_error(block):
    with pytest.raises(ValueError):
        render_pdf(pack([{"heading": "Bad", "blocks": [block]}]))


def big_pack(stories: int = 120) -> dict:
    words = "the letters never arrive in a language my mother reads so I translate".split()
    blocks: list[dict] = []
    for number in range(stories):
        if number % 30 == 0:
            blocks.append({"type": "subheading", "text": f"Theme {number // 30 + 1}"})
        quote = " ".join(words[(number + k) % len(words)] for k in range(40))
        blocks.append(story(number, quote=f"{POLISH}. {quote}", summary=" ".join(words * 2)))
    charts = [CHART | {"caption": f"Chart {n}"} for n in range(6)]
    return pack(
        [
            {"heading": "Agenda", "blocks": [{"type": "list", "items": ["One", "Two"]}]},
            {"heading": "Stories", "blocks": blocks},
            {"heading": "Figures", "blocks": charts},
        ]
    )


def test_a_thirty_page_pack_builds():
    start = time.perf_counter()
    pdf = render_pdf(big_pack())
    seconds = time.perf_counter() - start
    reader = PdfReader(io.BytesIO(pdf))
    # Shown with -s; the timing target is checked in bench/bench_pack_pdf.py, not here.
    print(f"{len(reader.pages)} pages in {seconds:.2f} s")  # noqa: T201
    assert len(reader.pages) >= 30
    assert len([entry for entry in reader.outline if not isinstance(entry, list)]) == 3
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in reader.pages[-1].extract_text()
