"""Hostile and unusual text for the `*_fuzz.py` property tests (issue 14): markup and
script payloads, spreadsheet formulas, Markdown, SQL-looking strings, every kind of
Unicode a resident might paste, and valid UK personal data of the types the redactor
covers. Not a test module itself (pytest collects only test_*.py)."""

from __future__ import annotations

from bs4 import BeautifulSoup, CData, Comment, Declaration, ProcessingInstruction
from bs4.builder import HTMLParserTreeBuilder
from hypothesis import strategies as st

# A word no page has of its own: where it turns up in an attribute or a script, it came
# from the payload, so the page ran the resident's words as markup.
MARK = "zqxmark"

MARKUP = [
    f"<script>{MARK}()</script>",
    f'"><img src=x onerror={MARK}()>',
    f"'><svg onload={MARK}()>",
    f'<a href="javascript:{MARK}()">click</a>',
    f"javascript:{MARK}()",
    f"<iframe srcdoc='<script>{MARK}()</script>'></iframe>",
    f"</textarea><script>{MARK}()</script>",
    f"</title><style>body{{background:url({MARK})}}</style>",
    f'<div style="background:url(javascript:{MARK})">',
    f"<b onmouseover={MARK}()>bold</b>",
    f"<!-- {MARK} -->",
    f"<![CDATA[{MARK}]]>",
    f"&lt;script&gt;{MARK}()&lt;/script&gt;",
    "&#60;script&#62;",
    "&amp;",
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    # reportlab paragraph markup, for the PDFs
    f"<para>{MARK}</para>",
    "</font>",
    '<font face="x">',
    "<br/>",
    "<b>bold?</b> & <para>",
]
FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
MARKDOWN = [
    "# Heading",
    "**bold** _it_",
    f"[link](javascript:{MARK}())",
    "![image](http://evil.example/a.png)",
    "> a quote",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```\ncode\n```",
    "* item\n* item",
    "1. first",
    "---",
    "<details><summary>x</summary></details>",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE submissions; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5)",
    "%' UNION SELECT password_hash FROM users --",
    "\\'",
    "%_%",
]
UNICODE = [
    "\u202e",  # right-to-left override (removed as typed)
    "\u202d",
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner (kept)
    "\u200d",
    "\u2066\u2069",
    "\u061c",
    "\ufeff",
    "مرحبا، میں نے کہا",
    "שלום",
    "e\u0301",  # combining acute
    "Z\u0334\u0321\u031ba\u0337l\u0336g\u0335o\u0338",
    "\U0001f600",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    "\u2028",
    "\x85",
    "İ",
    "ß",
    "Zażółć gęślą jaźń",
    "a" * 300,  # a very long word
]
FRAGMENTS = MARKUP + FORMULAS + MARKDOWN + SQL + UNICODE

# Anything but lone surrogates, which no form or file can carry.
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))


def hostile_text(*, min_size: int = 0, max_pieces: int = 8) -> st.SearchStrategy[str]:
    """Random text with the fragments above mixed in."""
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=ANY_CHARACTER, max_size=30))
    return st.lists(piece, min_size=max(1, min_size), max_size=max_pieces).map("".join)


# Attributes that run or load what they hold.
_ACTIVE_ATTRIBUTES = {"href", "src", "srcdoc", "style", "action", "formaction", "xlink:href"}
_NOT_TEXT = (Comment, CData, Declaration, ProcessingInstruction)
_ACTIVE_ELEMENTS = {"script", "style", "iframe", "svg", "img", "object", "embed", "frame"}


def assert_no_markup_from_payload(html: str) -> None:
    """No element, attribute or comment in the page came from the payloads above: the
    marker appears only as text, or escaped inside a harmless attribute (a form value)."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        if element.name in _ACTIVE_ELEMENTS:
            assert MARK not in element.decode(), f"payload ran as <{element.name}>"
        for name, value in element.attrs.items():
            held = " ".join(value) if isinstance(value, list) else str(value)
            if MARK in held:
                assert not name.lower().startswith("on"), f"payload became {name}="
                assert name.lower() not in _ACTIVE_ATTRIBUTES, f"payload became {name}="
        assert not any(name.lower().startswith("on") and MARK in name for name in element.attrs)
    for node in soup.find_all(string=lambda text: isinstance(text, _NOT_TEXT)):
        assert MARK not in node, f"payload became a {type(node).__name__}"


# BeautifulSoup collapses a run of spaces between two tags ("</mark>  <mark>") to one
# unless the tag holding it keeps whitespace; a browser with `white-space: pre-wrap`
# (the story's style) shows them all, so every tag that can hold words keeps them here.
_KEEPS_WHITESPACE = HTMLParserTreeBuilder.DEFAULT_PRESERVE_WHITESPACE_TAGS | {
    "div",
    "p",
    "mark",
    "span",
    "li",
    "td",
    "th",
    "blockquote",
    "a",
    "strong",
    "em",
    "section",
}


def shown_text(html: str, selector: str) -> str:
    """The words inside an element as a reader sees them, without screen-reader-only
    labels."""
    builder = HTMLParserTreeBuilder(preserve_whitespace_tags=_KEEPS_WHITESPACE)
    element = BeautifulSoup(html, builder=builder).select_one(selector)
    assert element is not None, f"nothing matches {selector}"
    for hidden in element.select(".visually-hidden"):
        hidden.decompose()
    return element.get_text()


# --- personal data of the types engage.nlp.pii covers, valid by their own rules --------


def _nhs_check_digit(digits: str) -> int:
    total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else check


@st.composite
def nhs_numbers(draw) -> str:
    first = draw(st.sampled_from("123456789"))
    rest = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    nine = first + rest
    check = _nhs_check_digit(nine)
    if check == 10:
        # No NHS number has this start: take the next one that has a check digit.
        nine = nine[:8] + str((int(nine[8]) + 1) % 10)
        check = _nhs_check_digit(nine)
        if check == 10:
            nine = nine[:8] + str((int(nine[8]) + 1) % 10)
            check = _nhs_check_digit(nine)
    number = nine + str(check)
    layout = draw(st.sampled_from(["plain", "spaces", "hyphens"]))
    if layout == "spaces":
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if layout == "hyphens":
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    return number


# HMRC NIM39110, as engage/nlp/data/ni_prefix_rules.txt states it.
_NI_FIRST = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "DFIQUV"]
_NI_SECOND = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "DFIOQUV"]
_NI_NOT = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


@st.composite
def ni_numbers(draw) -> str:
    prefix = draw(
        st.tuples(st.sampled_from(_NI_FIRST), st.sampled_from(_NI_SECOND))
        .map("".join)
        .filter(lambda p: p not in _NI_NOT)
    )
    digits = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    suffix = draw(st.sampled_from("ABCD"))
    spaced = draw(st.booleans())
    number = (
        f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        if spaced
        else f"{prefix}{digits}{suffix}"
    )
    return number.lower() if draw(st.booleans()) else number


_LOCAL = "abcdefghijklmnopqrstuvwxyz0123456789"


@st.composite
def emails(draw) -> str:
    words = draw(st.lists(st.text(alphabet=_LOCAL, min_size=1, max_size=8), min_size=1, max_size=3))
    local = draw(st.sampled_from([".", "_", "+", "-"])).join(words)
    labels = draw(
        st.lists(st.text(alphabet=_LOCAL, min_size=1, max_size=8), min_size=1, max_size=2)
    )
    tld = draw(st.sampled_from(["com", "org", "co.uk", "gov.uk", "example", "net", "io"]))
    address = f"{local}@{'.'.join(labels)}.{tld}"
    return address.upper() if draw(st.booleans()) else address


@st.composite
def uk_phones(draw) -> str:
    kind = draw(st.sampled_from(["mobile", "birmingham", "london", "geographic"]))
    digits = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    if kind == "mobile":
        national = f"07{draw(st.sampled_from('12345789'))}{digits}"
        grouped = f"{national[:5]} {national[5:]}"
    elif kind == "birmingham":
        national = f"0121{digits[:7]}"
        grouped = f"{national[:4]} {national[4:7]} {national[7:]}"
    elif kind == "london":
        national = f"020{digits}"
        grouped = f"{national[:3]} {national[3:7]} {national[7:]}"
    else:
        national = f"01{draw(st.sampled_from('23456789'))}{digits}"
        grouped = f"{national[:5]} {national[5:]}"
    layout = draw(st.sampled_from(["plain", "grouped", "international", "brackets"]))
    if layout == "plain":
        return national
    if layout == "international":
        return "+44 " + grouped[1:]
    if layout == "brackets":
        area, _, rest = grouped.partition(" ")
        return f"({area}) {rest}"
    return grouped


_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@st.composite
def postcodes(draw) -> str:
    letters = "ABCDEFGHIJKLMNOPRSTUWYZ"
    digit = st.sampled_from("0123456789")
    shape = draw(st.sampled_from(["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]))
    outward = "".join(
        draw(st.sampled_from(letters)) if c == "A" else draw(digit) for c in shape[:-1]
    )
    outward += draw(digit) if shape[-1] == "9" else draw(st.sampled_from("ABCDEFGHJKPSTUW"))
    inward = draw(digit) + "".join(draw(st.sampled_from(_INWARD_LETTERS)) for _ in range(2))
    written = draw(st.sampled_from([f"{outward} {inward}", f"{outward}{inward}"]))
    return written.lower() if draw(st.booleans()) else written


PERSONAL_DATA = {
    "NHS_NUMBER": nhs_numbers(),
    "NI_NUMBER": ni_numbers(),
    "EMAIL": emails(),
    "PHONE": uk_phones(),
    "POSTCODE": postcodes(),
}
