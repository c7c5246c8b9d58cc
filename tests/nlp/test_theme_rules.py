"""Which rule a text gets: English, or the thresholds tuned for other languages."""

import pytest

from engage.nlp.theme_rules import THEMES, Rule, Thresholds, reads_as_english


@pytest.mark.parametrize(
    "text",
    [
        "The bus driver shut the doors when he saw my headscarf",
        "they never called me back after the interview",
        "my son got stopped by police again, why is it always us",
        "",
    ],
)
def test_english_reads_as_english(text):
    assert reads_as_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mieszkanie jest zimne i wilgotne, a właściciel nic nie robi",
        "mere bete ko school se nikal diya, teacher ne kaha wo badtameez hai",
        "Proprietarul nu vrea sa repare nimic in apartament",
        "میرے بیٹے کو اسکول سے نکال دیا گیا",
        "Gurigayga waa qoyan yahay, guddiga ma ii jawaabaan",
        "বাসের ড্রাইভার আমাকে নামিয়ে দিল",
    ],
)
def test_other_languages_do_not(text):
    assert not reads_as_english(text)


def test_each_group_gets_its_own_rule_and_both_round_trip():
    scores = dict.fromkeys(THEMES, 0.1) | {"housing": 0.3}
    rule = Thresholds(dict.fromkeys(THEMES, 0.4), 0.0, 40, Rule(dict.fromkeys(THEMES, 0.25)))
    assert rule.apply(scores) == []
    assert rule.apply(scores, english=False) == ["housing"]
    assert Thresholds.from_dict(rule.as_dict()) == rule
    # Without a rule of their own, other languages get the English one.
    assert Thresholds(dict.fromkeys(THEMES, 0.4)).apply(scores, english=False) == []
