"""Whatever a resident types becomes safe plain text, once, at input."""

import unicodedata

import pytest
from bs4 import BeautifulSoup

from engage.services.sanitise import one_line, plain_text


def has_markup(text: str) -> bool:
    """Whether an HTML parser would find any element in the text."""
    return BeautifulSoup(text, "html.parser").find() is not None


def test_tags_are_removed_and_their_words_kept():
    assert plain_text("I was <b>shouted</b> at <em>twice</em>") == "I was shouted at twice"


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>Hello",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>Hello",
        '<img src=x onerror="alert(1)">Hello',
        "<a href='javascript:alert(1)'>Hello</a>",
        "<svg/onload=alert(1)>Hello",
        "<iframe src=//evil.example></iframe>Hello",
        "<style>body{display:none}</style>Hello",
        '<div style="x:expression(alert(1))">Hello</div>',
        "<!-- a comment -->Hello",
    ],
)
def test_markup_of_every_kind_is_stripped(typed):
    cleaned = plain_text(typed)
    assert "Hello" in cleaned
    assert not has_markup(cleaned)
    assert "<" not in cleaned


@pytest.mark.parametrize(
    "typed",
    [
        "<<script>script>alert(1)<</script>/script>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
    ],
)
def test_nested_tags_do_not_reassemble_into_a_script_tag(typed):
    cleaned = plain_text(typed)
    assert not has_markup(cleaned), cleaned
    assert "<script" not in cleaned.lower()


def test_escaped_markup_is_not_turned_back_into_markup():
    typed = [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;b&#62;bold&#60;/b&#62;",
        "&lt;img src=x onerror=alert(1)&gt;",
    ]
    assert [text for text in typed if has_markup(plain_text(text))] == []


def test_cleaning_twice_gives_the_same_text():
    for typed in [
        "Hello <b>world</b> & friends",
        "5 < 6 and 7 > 3",
        "<<script>script>alert(1)<</script>/script>",
        "&lt;b&gt;x&lt;/b&gt;",
    ]:
        once = plain_text(typed)
        assert plain_text(once) == once, typed


def test_ordinary_symbols_are_kept_as_written():
    assert plain_text("Pay went from <£9 to >£12 & I was 5 < 6") == (
        "Pay went from <£9 to >£12 & I was 5 < 6"
    )
    assert plain_text("Tom &amp; Jerry") == "Tom & Jerry"
    assert plain_text("She said \"no\" and 'never'") == "She said \"no\" and 'never'"


def test_c0_control_characters_are_removed_not_replaced():
    controls = [chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)]]
    survivors = {
        f"U+{ord(control):04X}": plain_text(f"a{control}b")
        for control in controls
        if plain_text(f"a{control}b") != "ab"
    }
    assert survivors == {}


@pytest.mark.parametrize("control", [chr(c) for c in range(0x7F, 0xA0)])
def test_delete_and_c1_control_characters_are_removed(control):
    assert plain_text(f"a{control}b") == "ab"


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
)
def test_zero_width_and_direction_override_marks_are_removed(invisible):
    assert plain_text(f"pay{invisible}ment") == "payment"


def test_a_byte_order_mark_is_removed():
    assert plain_text("\ufeffHello") == "Hello"


def test_tabs_and_line_breaks_are_kept_and_line_endings_unified():
    assert plain_text("one\r\ntwo\rthree\nfour\tfive") == "one\ntwo\nthree\nfour\tfive"


def test_runs_of_blank_lines_collapse_and_ends_are_trimmed():
    assert plain_text("  first  \n\n\n\n\nsecond   \n\n") == "first\n\nsecond"


def test_unicode_is_normalised_to_composed_form():
    decomposed = "Zo\u0308e and Jos\u0065\u0301 in \u0141o\u0301dz\u0301"
    cleaned = plain_text(decomposed)
    assert cleaned == unicodedata.normalize("NFC", decomposed)
    assert "\u0308" not in cleaned and "\u0301" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert plain_text("e\u0301") == "\u00e9"


def test_writing_in_any_language_is_kept_as_written():
    urdu = "مجھے کام پر نظر انداز کیا گیا"
    polish = "Zażółć gęślą jaźń"
    punjabi = "ਮੈਨੂੰ ਨੌਕਰੀ ਨਹੀਂ ਮਿਲੀ"
    for text in (urdu, polish, punjabi, "😀 emoji too"):
        assert plain_text(text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("empty", [None, "", "   ", "\n\n", "<b></b>", "<script></script>"])
def test_nothing_but_space_or_markup_is_empty(empty):
    assert plain_text(empty) == ""


def test_one_line_collapses_all_whitespace():
    assert one_line("  Any \n other\t\tgroup  ") == "Any other group"
    assert one_line(None) == ""


def test_one_line_strips_markup_and_controls_too():
    assert one_line("<b>Kurdish</b>\x00 <script>x</script>") == "Kurdish x"
