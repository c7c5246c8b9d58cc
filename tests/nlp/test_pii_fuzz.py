"""Properties of the personal-data finder (engage.nlp.pii) on hostile text: it never
crashes, its spans are valid offsets, redaction changes nothing outside them, and every
piece of personal data of a covered type (email, UK phone, postcode, NHS number with a
valid check digit, NI number with a valid prefix) is inside a span and gone from the
redacted text, whatever surrounds it."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engage.nlp import pii
from engage.typed_text import as_typed
from tests.adversarial_text_fuzz import ANY_CHARACTER, PERSONAL_DATA, hostile_text

# Words the finder reacts to, so that the text around an item can tempt it into a name,
# an address or a date that overlaps the item.
CUES = [
    "Mrs",
    "my son",
    "my name is",
    "Amina Yusuf",
    "12 Acacia",
    "High Street",
    "road",
    "Lane",
    "born",
    "DOB",
    "my NHS number is",
    "NI no",
    "crime ref",
    "call me on",
    "email",
    " at ",
    " dot ",
    "0121",
    "07700",
    "+44",
    "(0)",
    "1990",
    "21/06/1993",
]
around = st.lists(
    st.one_of(
        st.sampled_from(CUES),
        hostile_text(max_pieces=3),
        st.text(alphabet=ANY_CHARACTER, max_size=15),
    ),
    max_size=4,
).map(" ".join)
# Between an item and the words round it: what a writer puts there. A bare space after
# digits would make a longer number of the two, which is not the item any more.
SEPARATORS = [", ", ". ", "; ", ": ", " is ", " on ", "\n\n", " (", ") ", " - "]


def _check_spans(text: str, spans: list[pii.Span]) -> None:
    position = 0
    for span in spans:
        assert span.type in pii.TYPES
        assert 0 <= span.start < span.end <= len(text), span
        assert span.start >= position, f"overlapping spans {spans}"
        position = span.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text(max_pieces=10))
def test_any_text_gives_valid_spans_and_a_faithful_redaction(text):
    for candidate in (text, as_typed(text)):  # what a tool might pass, and what is stored
        spans = pii.find(candidate)
        _check_spans(candidate, spans)
        redacted = pii.redact(candidate, spans)
        # Outside the spans, the text is exactly as it was.
        position, rebuilt = 0, []
        for span in spans:
            rebuilt.append(candidate[position : span.start])
            rebuilt.append(f"[{span.type}]")
            position = span.end
        rebuilt.append(candidate[position:])
        assert redacted == "".join(rebuilt)
        assert pii.scan(candidate)["redacted"] == redacted


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    kind=st.sampled_from(sorted(PERSONAL_DATA)),
    before=around,
    after=around,
    opening=st.sampled_from(SEPARATORS),
    closing=st.sampled_from(SEPARATORS),
)
def test_covered_personal_data_is_always_found_and_removed(
    data, kind, before, after, opening, closing
):
    item = data.draw(PERSONAL_DATA[kind], label="item")
    before, after = as_typed(before), as_typed(after)
    # The words round it must not hold the item themselves (then it would be "left").
    assume(item.lower() not in (before + after).lower())
    text = f"{before}{opening}{item}{closing}{after}"
    start = len(before) + len(opening)
    end = start + len(item)
    spans = pii.find(text)
    _check_spans(text, spans)
    uncovered = [i for i in range(start, end) if not any(s.start <= i < s.end for s in spans)]
    assert not uncovered, f"{kind} {item!r} not fully inside a span: {spans}"
    redacted = pii.redact(text, spans)
    assert item.lower() not in redacted.lower()


def test_a_number_is_not_half_removed_when_an_address_overlaps_it():
    """Found by the property above: the address finder read the number's last digits as
    a house number and, being the longer finding, won, leaving "943 476 [ADDRESS]"."""
    for text, number in (
        ("My NHS number is 943 476 5919, Soho Road surgery has it.", "943 476 5919"),
        ("Ring the GP on 0121 496 0655, Stratford Road practice.", "0121 496 0655"),
    ):
        redacted = pii.scan(text)["redacted"]
        assert not any(part in redacted for part in number.split()), redacted
