"""Training the theme model: spaCy's own training loop on `config.cfg` (what `spacy
train` runs, so the committed config and data rebuild the shipped model byte for byte),
then thresholds tuned by cross-validation on the training texts alone, so the
development and test sets play no part.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as spacy_train_loop
from spacy.util import load_config

from engage.nlp.theme_rules import THEMES, Rule, Thresholds
from engage.nlp.themes import CONFIG, DATA_DIR, MODEL_DIR, MODEL_VERSION, ThemeTagger, prf

THRESHOLD_GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
GATE_GRID = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
# The share of texts with no theme that should be left untagged.
NO_THEME_TARGET = 0.85
# Passage lengths tried for long texts (0: the whole text only); the best is kept.
PASSAGE_CHOICES = (0, 40)
# Fewer out-of-fold texts than this in a group: the group shares the English rule.
MIN_GROUP = 150


def write_corpus(items: list[dict], path: Path, *, lang: str = "xx") -> Path:
    """Labelled texts as spaCy's binary corpus (what `spacy train` reads)."""
    nlp = spacy.blank(lang)
    corpus = DocBin(store_user_data=False)
    for item in items:
        doc = nlp.make_doc(item["text"])
        doc.cats = {theme: float(theme in item["themes"]) for theme in THEMES}
        corpus.add(doc)
    corpus.to_disk(path)
    return path


def dev_sample(items: list[dict]) -> list[dict]:
    """What the training loop scores as it goes (logged only; it never moves a weight)."""
    return items[:200]


def training_files(root: Path = DATA_DIR) -> list[Path]:
    return sorted((root / "raw").glob("*.jsonl"))


def corpus_digest(items: list[dict]) -> str:
    """SHA-256 of the training texts and labels, in order: the model's provenance."""
    digest = hashlib.sha256()
    for item in items:
        line = json.dumps([item["text"], sorted(item["themes"])], ensure_ascii=False)
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def next_version(path: Path = MODEL_DIR) -> str:
    """One more than the newest version known (the model at `path`, or the shipped
    MODEL_VERSION): every retrain gets a new one, never a number already used."""
    known = [int(MODEL_VERSION)]
    try:
        current = str(json.loads((path / "meta.json").read_text())["version"])
        if current.isdigit():
            known.append(int(current))
    except (OSError, KeyError, ValueError):
        pass
    return str(max(known) + 1)


def train(items: list[dict], *, seed: int = 0, overrides: dict | None = None) -> Language:
    """Train from {"text", "themes"} items with spaCy's training loop and config.cfg.
    The same items, config and seed give the same model, byte for byte."""
    with tempfile.TemporaryDirectory() as folder:
        train_path = write_corpus(items, Path(folder) / "train.spacy")
        dev_path = write_corpus(dev_sample(items), Path(folder) / "dev.spacy")
        config = load_config(
            CONFIG,
            overrides={
                "paths.train": str(train_path),
                "paths.dev": str(dev_path),
                "system.seed": seed,
                **(overrides or {}),
            },
            interpolate=False,
        )
        nlp = init_nlp(config)
        nlp, _ = spacy_train_loop(nlp, None, stdout=io.StringIO(), stderr=io.StringIO())
    return nlp


@dataclass(frozen=True)
class _Scored:
    gold: set[str]
    scores: dict[int, dict[str, float]]  # by passage length
    english: bool


def tune_thresholds(
    items: list[dict], *, seed: int = 0, folds: int = 5, overrides: dict | None = None
) -> Thresholds:
    """Per-theme thresholds that maximise F1, then the gate that keeps micro-F1 highest
    while leaving NO_THEME_TARGET of no-theme texts untagged; separately for texts that
    read as English and those that don't; and the passage length that scores best. All
    on out-of-fold predictions of the training texts."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)  # nosec B311 # repeatable folds, not a secret
    scored: list[_Scored] = []
    for fold in range(folds):
        held = [items[i] for i in order[fold::folds]]
        rest = [items[i] for k, i in enumerate(order) if k % folds != fold]
        model = train(rest, seed=seed, overrides=overrides)
        by_length = {
            words: ThemeTagger(model, Thresholds({}, 0.0, words)).score([i["text"] for i in held])
            for words in PASSAGE_CHOICES
        }
        for n, item in enumerate(held):
            scores = {words: by_length[words][n][0] for words in PASSAGE_CHOICES}
            english = by_length[PASSAGE_CHOICES[0]][n][1]
            scored.append(_Scored(set(item["themes"]), scores, english))
    candidates = [_thresholds_for(scored, words) for words in PASSAGE_CHOICES]
    return max(candidates, key=lambda rule: _micro_f1(scored, rule))


def _thresholds_for(scored: list[_Scored], words: int) -> Thresholds:
    english = [(s.gold, s.scores[words]) for s in scored if s.english]
    other = [(s.gold, s.scores[words]) for s in scored if not s.english]
    main = _tune_rule(english if len(other) >= MIN_GROUP else english + other)
    return Thresholds(
        main.themes,
        main.min_top_score,
        words,
        _tune_rule(other) if len(other) >= MIN_GROUP else None,
    )


def _micro_f1(scored: list[_Scored], rule: Thresholds) -> float:
    pairs = [
        (s.gold, set(rule.apply(s.scores[rule.passage_words], english=s.english))) for s in scored
    ]
    return _figures(pairs)[0]


def _tune_rule(scored: list[tuple[set[str], dict[str, float]]]) -> Rule:
    thresholds = {}
    for theme in THEMES:
        thresholds[theme] = max(
            THRESHOLD_GRID,
            key=lambda t: prf(
                tp=sum(theme in gold and s[theme] >= t for gold, s in scored),
                fp=sum(theme not in gold and s[theme] >= t for gold, s in scored),
                fn=sum(theme in gold and s[theme] < t for gold, s in scored),
            )["f1"],
        )
    return Rule(thresholds, _tune_gate(scored, thresholds))


def _figures(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float]:
    """Micro-F1, and the share of no-theme texts left untagged."""
    tp = fp = fn = untagged = none = 0
    for gold, got in pairs:
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
        if not gold:
            none += 1
            untagged += not got
    return prf(tp, fp, fn)["f1"], (untagged / none if none else 1.0)


def _tune_gate(scored: list[tuple[set[str], dict[str, float]]], per_theme: dict) -> float:
    def figures(gate: float) -> tuple[float, float]:
        rule = Rule(per_theme, gate)
        return _figures([(gold, set(rule.apply(scores))) for gold, scores in scored])

    results = {gate: figures(gate) for gate in GATE_GRID}
    meeting = [g for g, (_, rate) in results.items() if rate >= NO_THEME_TARGET]
    if meeting:
        return max(meeting, key=lambda g: results[g][0])
    return max(GATE_GRID, key=lambda g: results[g][0] + results[g][1])
