"""The equality monitoring questions and their answers.

Each question is optional and offers "prefer not to say". Wording follows the 2021
census where there is a census question. Labels are marked for translation.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PREFER_NOT = "prefer_not_to_say"


@dataclass(frozen=True)
class Question:
    field: str
    text: object  # a lazy string
    options: tuple[tuple[str, object], ...]
    other_field: str | None = None

    def codes(self) -> set[str]:
        return {code for code, _ in self.options}

    def options_for(self, age_group) -> tuple[tuple[str, object], ...]:
        """The answers that agree with the age the person gave at the start."""
        if self is not AGE_BAND:
            return self.options
        allowed = AGE_BANDS_BY_GROUP.get(getattr(age_group, "value", age_group), ())
        return tuple(option for option in self.options if option[0] in allowed)


AGE_BAND = Question(
    "age_band",
    _l("What is your age?"),
    (
        ("13_15", _l("13 to 15")),
        ("16_17", _l("16 or 17")),
        ("18_24", _l("18 to 24")),
        ("25_34", _l("25 to 34")),
        ("35_44", _l("35 to 44")),
        ("45_54", _l("45 to 54")),
        ("55_64", _l("55 to 64")),
        ("65_74", _l("65 to 74")),
        ("75_plus", _l("75 or over")),
        (PREFER_NOT, _l("Prefer not to say")),
    ),
)
SEX = Question(
    "sex",
    _l("What is your sex?"),
    (("female", _l("Female")), ("male", _l("Male")), (PREFER_NOT, _l("Prefer not to say"))),
)
GENDER_SAME = Question(
    "gender_same_as_birth",
    _l("Is the gender you identify with the same as your sex registered at birth?"),
    (("yes", _l("Yes")), ("no", _l("No")), (PREFER_NOT, _l("Prefer not to say"))),
)
DISABILITY = Question(
    "disability",
    _l(
        "Do you have any physical or mental health conditions or illnesses lasting or "
        "expected to last 12 months or more?"
    ),
    (("yes", _l("Yes")), ("no", _l("No")), (PREFER_NOT, _l("Prefer not to say"))),
)
RELIGION = Question(
    "religion",
    _l("What is your religion?"),
    (
        ("none", _l("No religion")),
        ("christian", _l("Christian")),
        ("buddhist", _l("Buddhist")),
        ("hindu", _l("Hindu")),
        ("jewish", _l("Jewish")),
        ("muslim", _l("Muslim")),
        ("sikh", _l("Sikh")),
        ("other", _l("Any other religion")),
        (PREFER_NOT, _l("Prefer not to say")),
    ),
    other_field="religion_other",
)
SEXUAL_ORIENTATION = Question(
    "sexual_orientation",
    _l("Which of the following best describes your sexual orientation?"),
    (
        ("straight", _l("Straight or heterosexual")),
        ("gay_lesbian", _l("Gay or lesbian")),
        ("bisexual", _l("Bisexual")),
        ("other", _l("Another sexual orientation")),
        (PREFER_NOT, _l("Prefer not to say")),
    ),
)

# Which age bands agree with the age group asked first (AgeGroup values). Under-13s are
# not asked their age again: the age group already says it.
AGE_BANDS_BY_GROUP = {
    "13_17": frozenset({"13_15", "16_17", PREFER_NOT}),
    "18_plus": frozenset(
        {"18_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus", PREFER_NOT}
    ),
    "under_13": frozenset(),
}

QUESTIONS = (AGE_BAND, SEX, GENDER_SAME, DISABILITY, RELIGION, SEXUAL_ORIENTATION)
