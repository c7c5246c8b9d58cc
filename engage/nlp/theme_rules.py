"""How the model's scores become suggested themes.

Per-theme thresholds and a gate (a text whose best score is below it gets no theme, which
keeps thanks, questions and chat untagged). Texts not in English score lower, because
fewer of their words were seen in training, so they get thresholds of their own, tuned
the same way. Whether a text reads as English is decided by the share of its words that
are everyday English function words: cheap, offline, and it needs no language model.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import compress

import numpy

THEMES = (
    "jobs_economy",
    "education_skills",
    "transport",
    "housing",
    "health_wellbeing",
    "criminal_justice",
)
DEFAULT_THRESHOLD = 0.5
# At least this share of a text's words are English function words: it reads as English.
ENGLISH_SHARE = 0.08
MIN_WORDS_TO_TELL = 4
# Punctuation around words ("the,", "(my") is not part of them; the apostrophe is.
_PUNCTUATION = re.compile(r"[.,;:!?()\[\]{}\"“”‘«»…\-–—/\\|*~_<>]")


@functools.cache
def english_words() -> frozenset[str]:
    text = resources.files("engage.nlp").joinpath("data/english_words.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def reads_as_english(text: str) -> bool:
    """Whether at least ENGLISH_SHARE of the text's words are on the list. Texts of a
    few words can't tell, and get the English (default) rule. Plain string work in C:
    a few microseconds for a story."""
    words = _PUNCTUATION.sub(" ", text.casefold()).split()
    if len(words) < MIN_WORDS_TO_TELL:
        return True
    return sum(map(english_words().__contains__, words)) >= ENGLISH_SHARE * len(words)


@dataclass(frozen=True)
class Rule:
    themes: dict[str, float]
    min_top_score: float = 0.0

    def apply(self, scores: dict[str, float]) -> list[str]:
        if max(scores.values(), default=0.0) < self.min_top_score:
            return []
        return [t for t in THEMES if scores[t] >= self.themes.get(t, DEFAULT_THRESHOLD)]

    def as_dict(self) -> dict:
        return {"themes": self.themes, "min_top_score": self.min_top_score}


@dataclass(frozen=True)
class Thresholds:
    """The rule for texts in English (and the default), the rule for texts in other
    languages if tuned, and the passage length for long texts (0: whole text only)."""

    themes: dict[str, float]
    min_top_score: float = 0.0
    passage_words: int = 0
    other: Rule | None = None

    def apply(self, scores: dict[str, float], *, english: bool = True) -> list[str]:
        return self.rule_for(english).apply(scores)

    def rule_for(self, english: bool) -> Rule:
        if not english and self.other is not None:
            return self.other
        return Rule(self.themes, self.min_top_score)

    def apply_all(self, matrix: numpy.ndarray, english: Sequence[bool]) -> list[list[str]]:
        """apply() for many texts at once: a row of scores per text, THEMES order."""
        limits = numpy.empty_like(matrix)
        gates = numpy.empty(len(matrix))
        for flag in (True, False):
            rows = numpy.asarray(english, dtype=bool) == flag
            rule = self.rule_for(flag)
            limits[rows] = [rule.themes.get(t, DEFAULT_THRESHOLD) for t in THEMES]
            gates[rows] = rule.min_top_score
        chosen = (matrix >= limits) & (matrix.max(axis=1, initial=0.0) >= gates)[:, None]
        return [list(compress(THEMES, row)) for row in chosen.tolist()]

    def as_dict(self) -> dict:
        return {
            "themes": self.themes,
            "min_top_score": self.min_top_score,
            "passage_words": self.passage_words,
            "not_english": self.other.as_dict() if self.other else None,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Thresholds:
        data = data or {}
        if "themes" not in data:  # the first format: just the per-theme thresholds
            return cls({t: data.get(t, DEFAULT_THRESHOLD) for t in THEMES})
        other = data.get("not_english")
        return cls(
            dict(data["themes"]),
            float(data.get("min_top_score", 0.0)),
            int(data.get("passage_words", 0)),
            Rule(dict(other["themes"]), float(other["min_top_score"])) if other else None,
        )
