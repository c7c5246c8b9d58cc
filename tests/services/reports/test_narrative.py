"""Narrative sections are Markdown shown through an allow-list: whatever is typed, only
paragraphs, lists, emphasis, safe links, two heading levels, quotes and tables come out."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.services.reports import narrative

ALLOWED_ATTRIBUTES = {"a": {"href", "rel"}}


def _soup(markdown: str) -> BeautifulSoup:
    return BeautifulSoup(str(narrative.to_html(markdown)), "html.parser")


def _assert_allowed(soup: BeautifulSoup) -> None:
    for element in soup.find_all(True):
        assert element.name in narrative.ALLOWED_TAGS, element.name
        assert set(element.attrs) <= ALLOWED_ATTRIBUTES.get(element.name, set()), element
        if element.name == "a" and element.get("href"):
            assert element["href"].split(":")[0] in {"http", "https", "mailto"}
            assert element["rel"] == ["noopener"]


def test_the_basics_are_kept():
    soup = _soup(
        "# Our year\n\nWe **heard** from *many* residents. [Read more](https://www.wmca.org.uk/)"
        "\n\n- one\n- two\n\n1. first\n\n> A quote\n\n#### Smaller\n\n| Area | Stories |\n"
        "|---|--:|\n| Walsall | 10 |\n\n[Email us](mailto:taskforce@wmca.org.uk)"
    )
    _assert_allowed(soup)
    assert soup.find("h3").get_text() == "Our year"  # the section's heading is level 2
    assert soup.find("h4").get_text() == "Smaller"
    assert soup.find("strong").get_text() == "heard"
    assert soup.find("em").get_text() == "many"
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links == {
        "Read more": "https://www.wmca.org.uk/",
        "Email us": "mailto:taskforce@wmca.org.uk",
    }
    assert [li.get_text() for li in soup.find("ul").find_all("li")] == ["one", "two"]
    assert soup.find("ol") and soup.find("blockquote")
    assert [td.get_text() for td in soup.find_all("td")] == ["Walsall", "10"]
    assert soup.find("td").get("style") is None


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert('x')</script>",
        '<p onclick="alert(1)">hi</p>',
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "<style>body{display:none}</style>",
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_raw_html_is_never_markup(typed):
    soup = _soup(typed)
    _assert_allowed(soup)
    assert soup.find_all(["script", "img", "style", "iframe"]) == []
    assert not any(element.attrs.get("onclick") for element in soup.find_all(True))
    # It shows as the words that were typed.
    assert soup.get_text().strip() == typed


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](/relative/path)",
        "[x](ftp://files.example.org)",
        "<javascript:alert(1)>",
    ],
)
def test_only_web_and_email_links(link):
    soup = _soup(link)
    _assert_allowed(soup)
    assert all(not a.get("href") for a in soup.find_all("a"))
    assert "javascript:alert" not in str(soup.find_all("a"))


def test_images_become_their_description():
    soup = _soup("![A chart of stories](https://example.org/chart.png)")
    assert soup.find("img") is None
    assert soup.get_text().strip() == "A chart of stories"


def test_section_checks_keep_the_text_as_typed():
    section, errors = narrative.checked("  Foreword \n", "Keep <this> & that\r\n")
    assert errors == {}
    assert section == narrative.Section("Foreword", "Keep <this> & that\n")
    _, errors = narrative.checked("x" * 201, "Text")
    assert "heading" in errors


def test_stored_sections_round_trip():
    sections = [narrative.Section("Urdu", "ہماری کہانی"), narrative.Section("Polish", "Zażółć")]
    assert narrative.load(narrative.dump(sections)) == sections
    assert "ہماری" in narrative.dump(sections)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_anything_typed_comes_out_within_the_allow_list(typed):
    _assert_allowed(_soup(typed))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<",
                ">",
                "&",
                '"',
                "'",
                "[",
                "]",
                "(",
                ")",
                "javascript:",
                "on",
                "=",
                "*",
                "#",
                "\n",
                " ",
                "a",
                "script",
                "href",
                "!",
                "`",
                "|",
                "-",
                ">",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_markup_like_input_comes_out_within_the_allow_list(typed):
    _assert_allowed(_soup(typed))
