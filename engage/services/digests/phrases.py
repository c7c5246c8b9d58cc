"""Distinctive recurring phrases per theme, from the stories' own words.

For each theme, word n-grams (one to three words) are scored by the weighted log-odds
ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008): how much
more often a phrase comes up in that theme's stories than in the others', allowing for
how often it comes up at all. Only phrases found in at least MIN_STORIES different
stories are kept, so a phrase is something several people said, never one person's
turn of words. Placeholders left by redaction ([NAME], [PHONE] ...) and phrases made
only of common words are skipped."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MIN_STORIES = 3
MAX_PHRASES = 8
# A phrase must be used more in its theme than in the others (z above this); the
# strongest come first. Kept low: a digest may hold only a few dozen stories.
MIN_Z = 0.0

_PLACEHOLDER = re.compile(r"\[[A-Z_ ]+\]")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*", re.UNICODE)

STOP_WORDS = frozenset(
    """a about after again all also am an and any are as at be because been before being
    but by can could did do does doing don't down during each even every for from get got
    had has have having he her here hers him his how i i'm i've if in into is it it's its
    just let me more most my no nor not now of off on once one only or other our out over
    own really said same say says she should so some still such than that that's the their
    them then there these they this those through to too under until up us very was we
    went were what when where which while who why will with would you your yours""".split()
)


@dataclass(frozen=True)
class Phrase:
    text: str
    stories: int  # how many stories in the theme use it
    z: float


def ngrams(text: str, longest: int = 3) -> set[str]:
    """The distinct phrases of one text (lower-cased words, 1 to `longest` long)."""
    words = []
    for part in _PLACEHOLDER.split(text):
        words.append([w.lower().replace("’", "'") for w in _WORD.findall(part)])
    found: set[str] = set()
    for run in words:
        for size in range(1, longest + 1):
            for start in range(len(run) - size + 1):
                gram = run[start : start + size]
                if all(word in STOP_WORDS for word in gram):
                    continue
                if gram[0] in STOP_WORDS or gram[-1] in STOP_WORDS:
                    continue  # "the bus" adds nothing to "bus"
                if size == 1 and len(gram[0]) < 3:
                    continue
                found.add(" ".join(gram))
    return found


def distinctive(
    texts_by_theme: dict[str, list[str]],
    *,
    min_stories: int = MIN_STORIES,
    limit: int = MAX_PHRASES,
) -> dict[str, list[Phrase]]:
    """Each theme's most distinctive recurring phrases, against the other themes."""
    story_counts: dict[str, Counter] = {}
    for theme, texts in texts_by_theme.items():
        counts: Counter = Counter()
        for text in texts:
            counts.update(ngrams(text))
        story_counts[theme] = counts
    prior: Counter = Counter()
    for counts in story_counts.values():
        prior.update(counts)
    # The prior is a tenth of the phrase's count over all themes: it smooths rare phrases
    # without swamping a digest of a few dozen stories.
    alpha_scale = 0.1
    out: dict[str, list[Phrase]] = {}
    for theme, counts in story_counts.items():
        others: Counter = Counter()
        for other, other_counts in story_counts.items():
            if other != theme:
                others.update(other_counts)
        out[theme] = _top(counts, others, prior, alpha_scale, min_stories, limit)
    return out


def _top(
    counts: Counter,
    others: Counter,
    prior: Counter,
    alpha_scale: float,
    min_stories: int,
    limit: int,
) -> list[Phrase]:
    n_i = sum(counts.values())
    n_j = sum(others.values())
    alpha_0 = sum(prior.values()) * alpha_scale
    scored = []
    for phrase, y_i in counts.items():
        if y_i < min_stories:
            continue
        alpha_w = max(prior[phrase] * alpha_scale, 0.01)
        y_j = others.get(phrase, 0)
        log_odds_i = math.log((y_i + alpha_w) / max(n_i + alpha_0 - y_i - alpha_w, 1e-9))
        log_odds_j = math.log((y_j + alpha_w) / max(n_j + alpha_0 - y_j - alpha_w, 1e-9))
        variance = 1 / (y_i + alpha_w) + 1 / (y_j + alpha_w)
        z = (log_odds_i - log_odds_j) / math.sqrt(variance)
        if z > MIN_Z:
            scored.append(Phrase(phrase, y_i, round(z, 2)))
    scored.sort(key=lambda p: (-p.z, -p.stories, p.text))
    return _without_overlaps(scored, limit)


def _without_overlaps(scored: Iterable[Phrase], limit: int) -> list[Phrase]:
    """Keep "stop and search" rather than also "stop" and "search" with the same
    stories."""
    kept: list[Phrase] = []
    for phrase in scored:
        if any(
            (phrase.text in longer.text.split(" ") or f" {phrase.text} " in f" {longer.text} ")
            and longer.stories >= phrase.stories - 1
            for longer in kept
        ):
            continue
        kept = [
            k
            for k in kept
            if not (f" {k.text} " in f" {phrase.text} " and phrase.stories >= k.stories - 1)
        ]
        kept.append(phrase)
        if len(kept) == limit:
            break
    return kept
