"""The theme tagger: a spaCy multi-label text classifier trained by the project.

The model (`theme_features.py`) is a linear bag of normalised words and their character
n-grams, so it reads the region's languages and their spellings, not English alone;
long texts are also scored passage by passage. It is trained by spaCy's own training
loop (`theme_training.py`, from `config.cfg`); scores become themes by the tuned rules
of `theme_rules.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy
import spacy
from spacy.language import Language

from engage.nlp import theme_features  # noqa: F401  (registers the architecture)
from engage.nlp.theme_rules import THEMES, Thresholds, reads_as_english

__all__ = ["THEMES", "Tagged", "ThemeTagger", "Thresholds", "evaluate", "read_jsonl"]

MODEL_DIR = Path(__file__).resolve().parent / "model"
CONFIG = Path(__file__).resolve().parent / "config.cfg"
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "themes"
# Bumped on every retrain of the shipped model; stored with every suggestion.
MODEL_VERSION = "2"


@dataclass(frozen=True)
class Tagged:
    themes: list[str]
    scores: dict[str, float]


class ThemeTagger:
    """A trained pipeline with its per-theme thresholds. Load once per process."""

    def __init__(self, nlp: Language, thresholds: Thresholds | dict | None = None):
        self.nlp = nlp
        self.rule = (
            thresholds if isinstance(thresholds, Thresholds) else Thresholds.from_dict(thresholds)
        )

    @property
    def thresholds(self) -> dict[str, float]:
        return self.rule.themes

    @property
    def version(self) -> str:
        """The model's version, stored with every suggestion it makes."""
        return str(self.nlp.meta.get("version") or MODEL_VERSION)

    @classmethod
    def load(cls, path: Path = MODEL_DIR) -> ThemeTagger:
        nlp = spacy.load(path)
        thresholds_file = path / "thresholds.json"
        data = json.loads(thresholds_file.read_text()) if thresholds_file.exists() else {}
        return cls(nlp, Thresholds.from_dict(data))

    def save(self, path: Path, *, meta: dict) -> None:
        self.nlp.meta.update(
            {
                "name": "engage_themes",
                "version": MODEL_VERSION,
                # Public API only (theme_features.py), so any spaCy 3 from 3.8 loads it.
                "spacy_version": ">=3.8.0,<4.0.0",
                **meta,
            }
        )
        # spaCy's loop scores the dev corpus once, at its first step: not this model's.
        self.nlp.meta.pop("performance", None)
        self.nlp.to_disk(path)
        (path / "thresholds.json").write_text(json.dumps(self.rule.as_dict(), indent=2) + "\n")

    def tag(self, texts: Iterable[str], *, batch_size: int = 256) -> list[Tagged]:
        texts = list(texts)
        # A text with no letters or digits (blank, "!!!", emoji) has nothing to go on: its
        # scores would be the model's bias alone. No theme, and zero scores.
        wordy = [i for i, text in enumerate(texts) if any(ch.isalnum() for ch in text)]
        results = [Tagged(themes=[], scores=dict.fromkeys(THEMES, 0.0)) for _ in texts]
        matrix = numpy.round(self.score_matrix([texts[i] for i in wordy], batch_size), 4)
        # Whether a text reads as English matters only where the two rules disagree.
        as_english = self.rule.apply_all(matrix, [True] * len(wordy))
        as_other = self.rule.apply_all(matrix, [False] * len(wordy))
        for n, (index, row) in enumerate(zip(wordy, matrix.tolist(), strict=True)):
            themes = as_english[n]
            if themes != as_other[n] and not reads_as_english(texts[index]):
                themes = as_other[n]
            results[index] = Tagged(themes, dict(zip(THEMES, row, strict=True)))
        return results

    def score(
        self, texts: list[str], *, batch_size: int = 256
    ) -> list[tuple[dict[str, float], bool]]:
        """Each text's scores by theme, and whether it reads as English."""
        matrix = self.score_matrix(texts, batch_size)
        return [
            (dict(zip(THEMES, row, strict=True)), reads_as_english(text))
            for row, text in zip(matrix.tolist(), texts, strict=True)
        ]

    def score_matrix(self, texts: list[str], batch_size: int = 256) -> numpy.ndarray:
        """Scores: a row per text, a column per theme in THEMES order. A long text is
        also scored passage by passage: a theme it dwells on is lifted, while one it
        mentions once in passing is not."""
        matrix = self._predict(texts, batch_size)
        words = self.rule.passage_words
        # Counting spaces first keeps short texts away from the sentence splitter.
        split = [
            (i, parts)
            for i, text in enumerate(texts)
            if words
            and text.count(" ") >= 2 * words - 1
            and len(parts := passages(text, words)) > 1
        ]
        if split:
            flat = self._predict([part for _, parts in split for part in parts], batch_size)
            at = 0
            for index, parts in split:
                matrix[index] = combine(matrix[index], flat[at : at + len(parts)])
                at += len(parts)
        return matrix

    def _predict(self, texts: list[str], batch_size: int) -> numpy.ndarray:
        """The tokenizer, then the classifier's predict() on each batch: the scores as
        one array, without writing them onto each Doc (the pipeline's slowest step)."""
        textcat = self.nlp.get_pipe("textcat_multilabel")
        columns = [list(textcat.labels).index(theme) for theme in THEMES]
        docs = list(self.nlp.tokenizer.pipe(texts, batch_size=batch_size))
        batches = [
            textcat.predict(docs[start : start + batch_size])
            for start in range(0, len(docs), batch_size)
        ]
        matrix = numpy.vstack(batches)[:, columns] if batches else numpy.zeros((0, len(THEMES)))
        return numpy.asarray(matrix, dtype="float64")


_SENTENCE_END = re.compile(r"(?<=[.!?।۔؟])\s+|\n+")


def passages(text: str, words: int) -> list[str]:
    """Consecutive sentences grouped into passages of at least `words` words (the last
    one may be shorter and is joined to the one before). A text shorter than two
    passages is one passage."""
    if len(text.split()) < 2 * words:
        return [text]
    found: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if not sentence.strip():
            continue
        current.append(sentence)
        if sum(len(part.split()) for part in current) >= words:
            found.append(" ".join(current))
            current = []
    if current:
        if found and sum(len(part.split()) for part in current) < words // 2:
            found[-1] = " ".join([found[-1], *current])
        else:
            found.append(" ".join(current))
    return found


def combine(whole: numpy.ndarray, parts: numpy.ndarray) -> numpy.ndarray:
    """A theme's score for a long text (columns are themes): the mean of the whole
    text's score and the average of its two best passages, so one passing mention is
    not enough."""
    best = numpy.sort(parts, axis=0)[-2:]
    return (whole + best.mean(axis=0)) / 2


def evaluate(tagger: ThemeTagger, items: list[dict], predicted: list | None = None) -> dict:
    """Per-theme precision, recall and F1, micro and macro averages, and how many of the
    texts with no theme were left untagged."""
    if predicted is None:
        predicted = tagger.tag(item["text"] for item in items)
    counts = {t: {"tp": 0, "fp": 0, "fn": 0} for t in THEMES}
    untagged = none_total = 0
    for item, result in zip(items, predicted, strict=True):
        gold, got = set(item["themes"]), set(result.themes)
        if not gold:
            none_total += 1
            untagged += not got
        for theme in THEMES:
            if theme in got and theme in gold:
                counts[theme]["tp"] += 1
            elif theme in got:
                counts[theme]["fp"] += 1
            elif theme in gold:
                counts[theme]["fn"] += 1
    per_theme = {theme: prf(**c) | {"support": c["tp"] + c["fn"]} for theme, c in counts.items()}
    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    return {
        "texts": len(items),
        "per_theme": per_theme,
        "micro": prf(**total),
        "macro": {
            k: round(sum(p[k] for p in per_theme.values()) / len(THEMES), 4)
            for k in ("precision", "recall", "f1")
        },
        "no_theme_texts": none_total,
        "no_theme_left_untagged": round(untagged / none_total, 4) if none_total else None,
    }


ENGLISH = ("en", "mixed-en")


def evaluate_by_language(tagger: ThemeTagger, items: list[dict]) -> dict:
    """evaluate() per "language" of the items, and for all those not in English
    (English mixed with another language counts as English; lines with no language are
    "unknown" and in neither). The texts are tagged once."""
    predicted = tagger.tag(item["text"] for item in items)
    groups: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        groups.setdefault(str(item.get("language") or "unknown"), []).append(n)
    not_english = [
        n for lang, ns in groups.items() if lang not in (*ENGLISH, "unknown") for n in ns
    ]
    if not_english and len(groups) > 1:
        groups["not English"] = sorted(not_english)
    return {
        language: evaluate(tagger, [items[n] for n in ns], [predicted[n] for n in ns])
        for language, ns in sorted(groups.items())
    }


def prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
