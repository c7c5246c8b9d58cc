"""What people type is kept as they typed it: only line endings, Unicode normal form and
characters that are not text (controls, direction overrides, a byte-order mark) change."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.typed_text import as_typed, characters_over, is_blank, length_problem, one_line

REMOVED = set(
    [chr(c) for c in range(0x00, 0x09)]
    + ["\x0b", "\x0c"]
    + [chr(c) for c in range(0x0E, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u202d", "\u202e", "\ufeff"]
)


def expected(typed: str) -> str:
    """The rule, written out independently of the code under test."""
    text = typed.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c not in REMOVED and not 0xD800 <= ord(c) <= 0xDFFF)
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    "typed",
    [
        "my manager said <you people> are lazy",
        "rent went up >10%",
        "I <3 Wolverhampton",
        "Use <email@example.com>",
        "<nobody> listens",
        "a<b and b>c",
        "Tom &amp; Jerry &lt;3 &#60;b&#62;",
        "<script>alert(1)</script>",
        "{{ 7*7 }} {% if %}",
        "  spaces at both ends  ",
        "blank lines\n\n\n\nkept",
    ],
)
def test_markup_entities_and_spacing_are_kept_as_typed(typed):
    assert as_typed(typed) == typed


def test_line_endings_become_line_feeds():
    assert as_typed("one\r\ntwo\rthree\nfour\tfive") == "one\ntwo\nthree\nfour\tfive"


def test_unicode_is_normalised_to_composed_form():
    assert as_typed("Jo\u0065\u0301 in \u0141o\u0301dz\u0301") == "Jo\u00e9 in \u0141\u00f3d\u017a"


@pytest.mark.parametrize("control", sorted(REMOVED))
def test_characters_that_are_not_text_are_removed(control):
    assert as_typed(f"pay{control}ment") == "payment"


def test_a_lone_surrogate_is_removed_rather_than_failing():
    assert as_typed("a\ud800b") == "ab"


@pytest.mark.parametrize(
    ("name", "mark"),
    [
        ("zero-width non-joiner", "\u200c"),
        ("zero-width joiner", "\u200d"),
        ("left-to-right mark", "\u200e"),
        ("right-to-left mark", "\u200f"),
        ("Arabic letter mark", "\u061c"),
        ("left-to-right embedding", "\u202a"),
        ("right-to-left embedding", "\u202b"),
        ("pop directional formatting", "\u202c"),
        ("left-to-right isolate", "\u2066"),
        ("right-to-left isolate", "\u2067"),
        ("first strong isolate", "\u2068"),
        ("pop directional isolate", "\u2069"),
        ("zero-width space", "\u200b"),
    ],
)
def test_marks_that_writers_use_on_purpose_survive(name, mark):
    assert as_typed(f"a{mark}b") == f"a{mark}b", name


def test_urdu_persian_and_emoji_survive_exactly():
    for text in [
        "میں نے کہا کہ مجھے کام چاہیے",  # Urdu
        "می\u200cخواهم",  # Persian with a zero-width non-joiner
        "\u202bIn Urdu: سلام\u202c then English",
        "👩\u200d👩\u200d👧 family",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f England",
    ]:
        assert as_typed(text) == text


@given(st.text())
def test_any_text_is_kept_apart_from_the_written_rule(typed):
    assert as_typed(typed) == expected(typed)


@given(st.text())
def test_keeping_text_twice_changes_nothing(typed):
    once = as_typed(typed)
    assert as_typed(once) == once


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1))
def test_text_without_anything_to_remove_is_unchanged_once_composed(typed):
    typed = unicodedata.normalize("NFC", typed.replace("\u202d", "").replace("\u202e", ""))
    typed = typed.replace("\ufeff", "")
    assert as_typed(typed) == typed


def test_one_line_turns_pasted_breaks_into_spaces_and_trims_the_ends():
    assert one_line("  Any \n other\tgroup  ") == "Any   other group"
    assert one_line("<b>Kurdish</b>\x00") == "<b>Kurdish</b>"
    assert one_line(None) == ""


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\t\n"])
def test_blank_text(blank):
    assert is_blank(blank)


def test_markup_is_not_blank():
    assert not is_blank("<p></p>")


def test_a_text_over_its_limit_is_told_by_how_much(ctx):
    assert characters_over("x" * 9, 10) == 0
    assert length_problem("x" * 10, 10) is None
    assert str(length_problem("x" * 11, 10)) == (
        "Use 10 characters or fewer. You have 1 character too many."
    )
    assert str(length_problem("x" * 12_345, 10_000)) == (
        "Use 10,000 characters or fewer. You have 2,345 characters too many."
    )
