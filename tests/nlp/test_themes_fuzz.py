"""Properties of the shipped theme tagger (engage.nlp.themes) on hostile text: it never
crashes, every theme has a score in [0, 1], the themes suggested are known ones, and the
same text is tagged the same way every time, alone or in a batch."""

from __future__ import annotations

import functools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.nlp.themes import THEMES, ThemeTagger
from engage.typed_text import as_typed
from tests.adversarial_text_fuzz import hostile_text

# Words that move the model, so that some examples score high.
THEME_WORDS = [
    "the landlord ignored the damp and mould",
    "police stopped and searched my son",
    "the bus driver shut the doors",
    "they never called back about the job",
    "the GP said I was exaggerating",
    "excluded from school for her hair",
]
texts = st.lists(
    st.one_of(st.sampled_from(THEME_WORDS), hostile_text(max_pieces=4)), min_size=1, max_size=6
).map(" ".join)


@functools.cache
def _tagger() -> ThemeTagger:
    return ThemeTagger.load()


def _check(result) -> None:
    assert set(result.scores) == set(THEMES)
    for theme, score in result.scores.items():
        assert isinstance(score, float) and not math.isnan(score), (theme, score)
        assert 0.0 <= score <= 1.0, (theme, score)
    assert set(result.themes) <= set(THEMES)
    assert len(result.themes) == len(set(result.themes))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, other=texts)
def test_any_text_is_tagged_with_valid_scores_the_same_way_each_time(text, other):
    tagger = _tagger()
    for candidate in (text, as_typed(text)):  # raw, and as it is stored
        alone = tagger.tag([candidate])[0]
        _check(alone)
        assert tagger.tag([candidate])[0] == alone
        # In a batch, beside other stories (the retry job tags many at once).
        batched = tagger.tag([other, candidate, candidate])
        assert batched[1] == alone and batched[2] == alone
        _check(batched[0])
