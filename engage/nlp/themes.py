"""The theme tagger: a spaCy multi-label text classifier trained by the project.

A bag-of-words linear model over normalised words (spaCy's BOW classifier, reading the
NORM attribute so "Bus", "BUS" and "bus" are one feature); unigrams generalised better
than bigrams to the separately written development set. Thresholds per theme are tuned
by cross-validation on the training texts.
It is the only architecture fast enough for the speed target (a third of the
tokenizer's speed); its accuracy comes from the training data in data/themes/.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.ml.models.textcat import NEG_VALUE, resize_and_set_ref, resize_linear_weighted
from spacy.training import Example
from spacy.util import minibatch
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, with_cpu

log = logging.getLogger(__name__)

THEMES = (
    "jobs_economy",
    "education_skills",
    "transport",
    "housing",
    "health_wellbeing",
    "criminal_justice",
)
DEFAULT_THRESHOLD = 0.5
MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_VERSION = "1"


@spacy.registry.architectures("engage.TextCatBOWNorm.v1")
def bow_on_norms(ngram_size: int, length: int = 262144, nO: int | None = None) -> Model:
    """spaCy's TextCatBOW.v3 (multi-label), reading NORM instead of ORTH."""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer = resizable(
        sparse_linear,
        resize_layer=partial(resize_linear_weighted, fill_defaults={"b": NEG_VALUE, "W": 0}),
    )
    features = chain(extract_ngrams(ngram_size, attr=NORM), resizable_layer)
    model = with_cpu(features, features.ops)
    output = Logistic()
    model = chain(model, with_cpu(output, output.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = True
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


@dataclass(frozen=True)
class Tagged:
    themes: list[str]
    scores: dict[str, float]


THRESHOLD_GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
GATE_GRID = (0.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
# The share of texts with no theme that should be left untagged.
NO_THEME_TARGET = 0.85


def blank_pipeline(ngram_size: int = 1) -> Language:
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "engage.TextCatBOWNorm.v1",
                "ngram_size": ngram_size,
                "length": 262144,
            },
            "threshold": DEFAULT_THRESHOLD,
        },
    )
    for theme in THEMES:
        textcat.add_label(theme)
    return nlp


def _example(nlp: Language, item: dict) -> Example:
    cats = {theme: float(theme in item["themes"]) for theme in THEMES}
    return Example.from_dict(nlp.make_doc(item["text"]), {"cats": cats})


def train(items: list[dict], *, seed: int = 0, epochs: int = 20, dropout: float = 0.1) -> Language:
    """Train from {"text", "themes"} items. The same items and seed give the same model."""
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    nlp = blank_pipeline()
    examples = [_example(nlp, item) for item in items]
    optimizer = nlp.initialize(lambda: examples)
    for epoch in range(epochs):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
        log.info(
            "themes_epoch", extra={"epoch": epoch, "loss": round(losses["textcat_multilabel"], 4)}
        )
    return nlp


@dataclass(frozen=True)
class Thresholds:
    """Per-theme thresholds, and a gate: a text whose best score is below the gate gets
    no theme at all (it keeps thanks, questions and chat from being tagged)."""

    themes: dict[str, float]
    min_top_score: float = 0.0

    def apply(self, scores: dict[str, float]) -> list[str]:
        if max(scores.values(), default=0.0) < self.min_top_score:
            return []
        return [t for t in THEMES if scores[t] >= self.themes.get(t, DEFAULT_THRESHOLD)]

    def as_dict(self) -> dict:
        return {"themes": self.themes, "min_top_score": self.min_top_score}

    @classmethod
    def from_dict(cls, data: dict | None) -> Thresholds:
        data = data or {}
        if "themes" not in data:  # the first format: just the per-theme thresholds
            return cls({t: data.get(t, DEFAULT_THRESHOLD) for t in THEMES})
        return cls(dict(data["themes"]), float(data.get("min_top_score", 0.0)))


def tune_thresholds(
    items: list[dict], *, seed: int = 0, epochs: int = 20, folds: int = 5
) -> Thresholds:
    """Per-theme thresholds that maximise F1, then the gate that keeps micro-F1 highest
    while leaving NO_THEME_TARGET of no-theme texts untagged, all on out-of-fold
    predictions of the training texts, so the development set plays no part."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    scored: list[tuple[set[str], dict[str, float]]] = []
    for fold in range(folds):
        held = [items[i] for i in order[fold::folds]]
        rest = [items[i] for k, i in enumerate(order) if k % folds != fold]
        tagger = ThemeTagger(train(rest, seed=seed, epochs=epochs))
        for item, result in zip(held, tagger.tag(i["text"] for i in held), strict=True):
            scored.append((set(item["themes"]), result.scores))
    thresholds = {}
    for theme in THEMES:
        best = max(
            THRESHOLD_GRID,
            key=lambda t: _prf(
                tp=sum(theme in gold and s[theme] >= t for gold, s in scored),
                fp=sum(theme not in gold and s[theme] >= t for gold, s in scored),
                fn=sum(theme in gold and s[theme] < t for gold, s in scored),
            )["f1"],
        )
        thresholds[theme] = best
    return Thresholds(thresholds, _tune_gate(scored, thresholds))


def _tune_gate(scored: list[tuple[set[str], dict[str, float]]], per_theme: dict) -> float:
    def figures(gate: float) -> tuple[float, float]:
        rule = Thresholds(per_theme, gate)
        tp = fp = fn = untagged = none = 0
        for gold, scores in scored:
            got = set(rule.apply(scores))
            tp += len(got & gold)
            fp += len(got - gold)
            fn += len(gold - got)
            if not gold:
                none += 1
                untagged += not got
        return _prf(tp, fp, fn)["f1"], (untagged / none if none else 1.0)

    results = {gate: figures(gate) for gate in GATE_GRID}
    meeting = [g for g, (_, rate) in results.items() if rate >= NO_THEME_TARGET]
    if meeting:
        return max(meeting, key=lambda g: results[g][0])
    return max(GATE_GRID, key=lambda g: results[g][0] + results[g][1])


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

    @classmethod
    def load(cls, path: Path = MODEL_DIR) -> ThemeTagger:
        nlp = spacy.load(path)
        thresholds_file = path / "thresholds.json"
        data = json.loads(thresholds_file.read_text()) if thresholds_file.exists() else {}
        return cls(nlp, Thresholds.from_dict(data))

    def save(self, path: Path, *, meta: dict) -> None:
        self.nlp.meta.update({"name": "engage_themes", "version": MODEL_VERSION, **meta})
        self.nlp.to_disk(path)
        (path / "thresholds.json").write_text(json.dumps(self.rule.as_dict(), indent=2) + "\n")

    def tag(self, texts: Iterable[str], *, batch_size: int = 256) -> list[Tagged]:
        texts = list(texts)
        # A text with no words has no features (the linear model can't score it): no theme.
        wordy = [i for i, text in enumerate(texts) if text and text.strip()]
        results = [Tagged(themes=[], scores=dict.fromkeys(THEMES, 0.0)) for _ in texts]
        docs = self.nlp.pipe((texts[i] for i in wordy), batch_size=batch_size)
        for index, doc in zip(wordy, docs, strict=True):
            scores = {theme: round(float(doc.cats[theme]), 4) for theme in THEMES}
            results[index] = Tagged(themes=self.rule.apply(scores), scores=scores)
        return results


def evaluate(tagger: ThemeTagger, items: list[dict]) -> dict:
    """Per-theme precision, recall and F1, micro and macro averages, and how many of the
    texts with no theme were left untagged."""
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
    per_theme = {theme: _prf(**c) | {"support": c["tp"] + c["fn"]} for theme, c in counts.items()}
    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    return {
        "texts": len(items),
        "per_theme": per_theme,
        "micro": _prf(**total),
        "macro": {
            k: round(sum(p[k] for p in per_theme.values()) / len(THEMES), 4)
            for k in ("precision", "recall", "f1")
        },
        "no_theme_texts": none_total,
        "no_theme_left_untagged": round(untagged / none_total, 4) if none_total else None,
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
