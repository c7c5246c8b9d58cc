import pytest

from engage.nlp.language import UNKNOWN, detect


@pytest.mark.parametrize(
    "text,code",
    [
        ("My son was stopped twice on the way to school", "en"),
        ("Mój syn został zatrzymany dwa razy w drodze do szkoły", "pl"),
        ("میرے بیٹے کو اسکول جاتے ہوئے دو بار روکا گیا", "ur"),
        ("Wiilkayga waa la joojiyay laba jeer", "so"),
    ],
)
def test_the_language_of_a_story_is_detected(text, code):
    result = detect(text)
    assert result.code == code
    assert result.is_english is (code == "en")


@pytest.mark.parametrize("text", ["", "ok", "hi"])
def test_too_little_to_tell_is_unknown(text):
    assert detect(text).code == UNKNOWN
