"""Training the theme model: spaCy's public training loop on the committed config,
reproducible byte for byte, and thresholds tuned per group of texts."""

import json
import subprocess
import sys
from pathlib import Path

import spacy
from click.testing import CliRunner

from engage.nlp import theme_features, theme_training, themes
from engage.nlp.theme_rules import THEMES
from tests.nlp.test_themes import TINY


def _weights(nlp) -> bytes:
    return nlp.get_pipe("textcat_multilabel").model.to_bytes()


def test_training_with_the_same_seed_gives_the_same_model_byte_for_byte():
    assert _weights(theme_training.train(TINY, seed=3)) == _weights(
        theme_training.train(TINY, seed=3)
    )
    assert _weights(theme_training.train(TINY, seed=3)) != _weights(
        theme_training.train(TINY, seed=4)
    )


def test_spacy_train_on_the_committed_config_builds_the_same_model(tmp_path):
    """`spacy train engage/nlp/config.cfg` (the public command line) and `engage themes
    train` are the same training: same texts and seed, same weights."""
    from engage.cli import main

    corpus = tmp_path / "corpus"
    texts = tmp_path / "tiny.jsonl"
    texts.write_text("\n".join(json.dumps(item) for item in TINY))
    result = CliRunner().invoke(
        main, ["themes", "corpus", "--train", str(texts), "--output", str(corpus)]
    )
    assert result.exit_code == 0, result.output
    subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "train",
            str(themes.CONFIG),
            "--code",
            str(Path(theme_features.__file__)),
            "--paths.train",
            str(corpus / "train.spacy"),
            "--paths.dev",
            str(corpus / "dev.spacy"),
            "--output",
            str(tmp_path / "out"),
        ],
        check=True,
        capture_output=True,
    )
    built = spacy.load(tmp_path / "out" / "model-last")
    assert _weights(built) == _weights(theme_training.train(TINY, seed=0))


def _within(committed: dict, shipped: dict, path: str = "") -> list[str]:
    """Where the shipped config differs from what the committed one sets (spaCy fills in
    defaults for what it leaves out, which is the same training)."""
    differences = []
    for key, value in committed.items():
        if isinstance(value, dict):
            differences += _within(value, shipped.get(key, {}), f"{path}{key}.")
        elif shipped.get(key) != value:
            differences.append(f"{path}{key}")
    return differences


def test_the_shipped_model_was_trained_by_the_committed_config():
    shipped = spacy.util.load_config(themes.MODEL_DIR / "config.cfg", interpolate=False)
    committed = spacy.util.load_config(themes.CONFIG, interpolate=False)
    sections = {key: committed[key] for key in ("nlp", "components", "training")}
    assert _within(sections, shipped) == []
    assert themes.ThemeTagger.load().version == themes.MODEL_VERSION


def test_every_retrain_gets_a_new_version(tmp_path):
    (tmp_path / "meta.json").write_text(json.dumps({"version": "7"}))
    assert theme_training.next_version(tmp_path) == "8"
    shipped = int(themes.MODEL_VERSION)
    assert theme_training.next_version(tmp_path / "missing") == str(shipped + 1)
    # A number already used is never given again, nor a spaCy default like "0.0.0".
    (tmp_path / "meta.json").write_text(json.dumps({"version": "0.0.0"}))
    assert theme_training.next_version(tmp_path) == str(shipped + 1)


def _scored(gold, score, english=True, words=0):
    return theme_training._Scored(set(gold), {words: score, 40: score}, english)


def test_texts_not_in_english_get_thresholds_of_their_own():
    low, high = dict.fromkeys(THEMES, 0.05), dict.fromkeys(THEMES, 0.05)
    high["housing"], low["housing"] = 0.9, 0.22
    scored = [_scored(["housing"], high) for _ in range(200)]
    # In English, a housing score of 0.3 is a text about something else.
    scored += [_scored([], dict.fromkeys(THEMES, 0.05) | {"housing": 0.3}) for _ in range(100)]
    scored += [_scored(["housing"], low, english=False) for _ in range(160)]
    scored += [_scored([], dict.fromkeys(THEMES, 0.05), english=False) for _ in range(40)]
    rule = theme_training._thresholds_for(scored, 0)
    assert rule.other is not None
    assert rule.apply(low, english=False) == ["housing"]
    assert rule.apply(low, english=True) == []
    assert rule.themes["housing"] > rule.other.themes["housing"]


def test_a_small_group_of_texts_not_in_english_shares_the_english_rule():
    scored = [_scored(["housing"], dict.fromkeys(THEMES, 0.05) | {"housing": 0.9})] * 50
    scored += [_scored([], dict.fromkeys(THEMES, 0.05), english=False)] * 10
    assert theme_training._thresholds_for(scored, 0).other is None
