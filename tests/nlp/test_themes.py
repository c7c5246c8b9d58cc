"""The theme tagger: training is reproducible, the figures are computed correctly, and
the shipped model honours the command-line contract."""

import json

import numpy
import pytest

from engage.nlp import theme_features, theme_training, themes
from engage.nlp.theme_rules import reads_as_english

TINY = [
    {"text": "They saw my name on the CV and never called back", "themes": ["jobs_economy"]},
    {"text": "The bus driver closed the doors when he saw my headscarf", "themes": ["transport"]},
    {"text": "Damp and mould in the flat and the landlord ignores us", "themes": ["housing"]},
    {"text": "The GP said I was exaggerating my pain", "themes": ["health_wellbeing"]},
    {"text": "Police stopped and searched my son again", "themes": ["criminal_justice"]},
    {"text": "My daughter was excluded from school for her hair", "themes": ["education_skills"]},
    {"text": "Thank you for listening to us", "themes": []},
] * 6


def test_a_trained_model_learns_its_examples_and_round_trips(tmp_path):
    tagger = themes.ThemeTagger(theme_training.train(TINY))
    assert tagger.tag(["Police stopped and searched my son again"])[0].themes == [
        "criminal_justice"
    ]
    tagger.thresholds["housing"] = 0.42
    tagger.save(tmp_path / "model", meta={"trained_on": len(TINY)})
    loaded = themes.ThemeTagger.load(tmp_path / "model")
    assert loaded.thresholds["housing"] == 0.42
    assert loaded.tag(["the bus"]) == tagger.tag(["the bus"])


class FixedTagger:
    """Stands in for a model: returns given predictions, to check the arithmetic."""

    def __init__(self, predictions):
        self.predictions = predictions

    def tag(self, texts):
        return [
            themes.Tagged(themes=p, scores={})
            for p, _ in zip(self.predictions, list(texts), strict=True)
        ]


def test_evaluation_figures_are_computed_per_theme_micro_and_macro():
    items = [
        {"text": "a", "themes": ["housing"]},
        {"text": "b", "themes": ["housing", "transport"]},
        {"text": "c", "themes": []},
        {"text": "d", "themes": []},
    ]
    predictions = [["housing"], ["housing"], ["transport"], []]
    figures = themes.evaluate(FixedTagger(predictions), items)
    assert figures["per_theme"]["housing"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 2,
    }
    assert figures["per_theme"]["transport"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 1,
    }
    # micro: tp 2, fp 1, fn 1
    assert figures["micro"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert figures["no_theme_texts"] == 2
    assert figures["no_theme_left_untagged"] == 0.5


def test_the_shipped_model_loads_and_scores_every_theme():
    tagger = themes.ThemeTagger.load()
    result = tagger.tag(["The bus driver shut the doors when he saw my headscarf"])[0]
    assert set(result.scores) == set(themes.THEMES)
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert result.themes == tagger.rule.apply(result.scores)
    assert "transport" in result.themes


def test_the_gate_leaves_low_scoring_texts_untagged():
    rule = themes.Thresholds({t: 0.3 for t in themes.THEMES}, min_top_score=0.6)
    low = dict.fromkeys(themes.THEMES, 0.2) | {"housing": 0.55}
    high = dict.fromkeys(themes.THEMES, 0.2) | {"housing": 0.65, "transport": 0.4}
    assert rule.apply(low) == []
    assert rule.apply(high) == ["transport", "housing"]


def test_thresholds_in_the_first_file_format_still_load():
    rule = themes.Thresholds.from_dict({"housing": 0.42})
    assert rule.themes["housing"] == 0.42 and rule.min_top_score == 0.0
    assert themes.Thresholds.from_dict(rule.as_dict()) == rule


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_themes_tag_follows_the_contract(runner):
    from engage.cli import main

    lines = "\n".join(
        json.dumps(item)
        for item in [{"id": 7, "text": "The landlord won't fix the damp"}, {"id": "x", "text": ""}]
    )
    result = runner.invoke(main, ["themes", "tag"], input=lines)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == [7, "x"]
    for row in out:
        assert set(row) == {"id", "themes", "scores"}
        assert set(row["scores"]) == set(themes.THEMES)
        assert set(row["themes"]) <= set(themes.THEMES)


def test_themes_evaluate_prints_per_theme_and_micro(runner, tmp_path):
    from engage.cli import main

    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("\n".join(json.dumps(i) for i in TINY[:7]))
    result = runner.invoke(main, ["themes", "evaluate", str(labelled)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["theme", "precision", "recall", "f1", "support"]
    assert [line.split()[0] for line in lines[1:9]] == [*themes.THEMES, "micro", "macro"]


def test_bad_input_lines_are_refused_clearly(runner):
    from engage.cli import main

    result = runner.invoke(main, ["themes", "tag"], input='{"id": 1}\n')
    assert result.exit_code != 0
    assert 'line 1 needs a "text" string' in result.output


def test_pii_scan_follows_the_contract(runner):
    from engage.cli import main

    result = runner.invoke(
        main, ["pii", "scan"], input=json.dumps({"id": 3, "text": "Mrs Patel, 07700 900123"})
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "id": 3,
        "redacted": "[NAME], [PHONE]",
        "spans": [
            {"start": 0, "end": 9, "type": "NAME"},
            {"start": 11, "end": 23, "type": "PHONE"},
        ],
    }


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for listening to us",
        "hello",
        "How do I volunteer for the Taskforce?",
        "The form is too long and I lost what I typed",
        "test",
    ],
)
def test_the_shipped_model_leaves_texts_with_no_theme_untagged(text):
    assert themes.ThemeTagger.load().tag([text])[0].themes == []


def test_the_shipped_model_carries_its_version_and_figures():
    meta = json.loads((themes.MODEL_DIR / "meta.json").read_text())
    assert meta["name"] == "engage_themes" and meta["version"] == themes.MODEL_VERSION
    assert meta["trained_on"] >= 5000
    assert set(meta["evaluation"]["per_theme"]) == set(themes.THEMES)


def test_features_read_words_typed_with_or_without_marks_alike():
    assert theme_features.normalise("Zażółć") == theme_features.normalise("zazolc")
    assert theme_features.normalise("ŞOFERUL") == theme_features.normalise("soferul")
    # Arabic and Urdu forms of the same letters, and short vowels, are one feature.
    assert theme_features.normalise("كتابُ") == theme_features.normalise("کتاب")
    assert theme_features.word_features("...", 3, 5) == []
    assert len(theme_features.word_features("flat", 3, 5)) == 1 + 4 + 3 + 2
    assert len(theme_features.word_features("flat", 4, 4)) == 1 + 3
    # Words of three letters or fewer are their own n-grams.
    assert len(theme_features.word_features("bus", 3, 5)) == 1


def test_a_text_scores_the_same_alone_and_in_a_batch():
    tagger = themes.ThemeTagger.load()
    texts = [
        "The bus driver shut the doors on me",
        "Mieszkanie jest zimne i wilgotne, właściciel nic nie robi",
        "",
        "میرے بیٹے کو اسکول سے نکال دیا گیا",
    ]
    together = tagger.tag(texts)
    assert [tagger.tag([text])[0] for text in texts] == together


def test_long_texts_are_cut_into_passages_of_whole_sentences():
    text = " ".join(f"Sentence {n} has five words." for n in range(12))
    parts = themes.passages(text, 20)
    assert " ".join(parts) == text
    assert all(len(part.split()) >= 20 for part in parts)
    assert themes.passages("Short text. Two sentences.", 20) == ["Short text. Two sentences."]


def test_one_passing_mention_in_a_long_text_counts_less_than_a_theme_it_dwells_on():
    housing, transport = themes.THEMES.index("housing"), themes.THEMES.index("transport")
    whole = numpy.full(len(themes.THEMES), 0.5)
    parts = numpy.full((4, len(themes.THEMES)), 0.1)
    parts[:, housing] = 0.9  # every passage is about housing
    parts[0, transport] = 0.9  # one mentions the bus
    combined = themes.combine(whole, parts)
    assert combined[housing] == pytest.approx(0.7)
    assert combined[transport] == pytest.approx(0.5)


def test_figures_per_language_and_for_all_not_in_english():
    items = [
        {"text": "a", "themes": ["housing"], "language": "pl"},
        {"text": "b", "themes": ["housing"], "language": "ur"},
        {"text": "c", "themes": ["transport"], "language": "mixed-en"},
    ]
    answers = {"a": ["housing"], "b": [], "c": ["transport"]}

    class ByText:
        def tag(self, texts):
            return [themes.Tagged(themes=answers[text], scores={}) for text in texts]

    figures = themes.evaluate_by_language(ByText(), items)
    assert list(figures) == ["mixed-en", "not English", "pl", "ur"]
    assert figures["pl"]["micro"]["f1"] == 1.0 and figures["ur"]["micro"]["f1"] == 0.0
    assert figures["not English"]["texts"] == 2
    assert figures["not English"]["micro"]["recall"] == 0.5


def test_each_text_gets_the_rule_of_its_language_even_when_only_checked_lazily():
    """tag() asks whether a text reads as English only where the two rules disagree;
    the result must be what applying each text's own rule gives."""
    tagger = themes.ThemeTagger.load()
    texts = [
        "The bus driver shut the doors when he saw my headscarf",
        "Mieszkanie jest zimne i wilgotne, a właściciel nic nie robi od miesięcy",
        "mere bete ko school se nikal diya, teacher kehti hai wo badtameez hai",
        "میرے بیٹے کو اسکول سے نکال دیا گیا اور کوئی وجہ نہیں بتائی",
        "Gurigayga waa qoyan yahay, guddiga ma ii jawaabaan",
        "landlord wont fix the damp",
    ]
    scores = numpy.round(tagger.score_matrix(texts), 4).tolist()
    expected = [
        tagger.rule.apply(
            dict(zip(themes.THEMES, row, strict=True)), english=reads_as_english(text)
        )
        for row, text in zip(scores, texts, strict=True)
    ]
    assert [result.themes for result in tagger.tag(texts)] == expected
    assert any(expected)


@pytest.mark.parametrize("text", ["!!!", "😀😀", "\u200b", "   "])
def test_a_text_with_no_letters_or_digits_gets_no_theme_and_zero_scores(text):
    result = themes.ThemeTagger.load().tag([text])[0]
    assert result.themes == [] and set(result.scores.values()) == {0.0}
