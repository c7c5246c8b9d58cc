"""Residents' forms. Labels and messages are translated; the rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from engage.equality import AGE_BAND, QUESTIONS
from engage.forms import Form, MaxChars, RadioField, SelectField
from engage.models import AgeGroup, Purpose
from engage.reference_labels import translated
from engage.story_forms import StoryForm

UNDER_13 = "under_13"


class AgeForm(Form):
    age = RadioField(
        _l("How old are you?"),
        choices=[
            SelectChoice(UNDER_13, _l("Under 13")),
            SelectChoice(AgeGroup.UNDER_18.value, _l("13 to 17")),
            SelectChoice(AgeGroup.ADULT.value, _l("18 or over")),
        ],
        validators=[InputRequired(_l("Select how old you are"))],
    )


def _equality_field(question):
    return RadioField(
        question.text,
        choices=[SelectChoice(code, label) for code, label in question.options],
        validators=[Optional()],
    )


class EqualityForm(Form):
    ethnic_group_id = SelectField(_l("What is your ethnic group?"), default="")
    ethnic_group_other = StringField(
        _l("If you chose an 'other' group, you can describe it (optional)"),
    )
    religion_other = StringField(
        _l("If you chose 'any other religion', you can say which (optional)"),
    )

    def ask_for_age_group(self, age_group: AgeGroup) -> None:
        """Offer only the age bands that agree with the age given at the start; someone
        under 13 is not asked again."""
        options = AGE_BAND.options_for(age_group)
        if options:
            self.age_band.choices = [SelectChoice(code, label) for code, label in options]
        else:
            del self.age_band

    def set_ethnic_groups(self, groups) -> None:
        self.ethnic_group_id.choices = [SelectChoice("", _l("Choose one"))] + [
            SelectChoice(str(g.id), translated(g.label), optgroup=translated(g.heading))
            for g in groups
        ]

    def answers(self) -> dict[str, str | None]:
        return {name: (field.data or None) for name, field in self._fields.items()}


for _question in QUESTIONS:
    setattr(EqualityForm, _question.field, _equality_field(_question))


class ReceiptForm(Form):
    code = StringField(
        _l("Your reference code"),
        validators=[InputRequired(_l("Enter your reference code")), MaxChars(40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class ConsentForm(Form):
    consent_quote = BooleanField(StoryForm.consent_quote.args[0])
    consent_share = BooleanField(StoryForm.consent_share.args[0])
    consent_contact = BooleanField(StoryForm.consent_contact.args[0])
    consent_equality = BooleanField(StoryForm.consent_equality.args[0])
    contact_email = StringField(
        _l("Email address"),
        validators=[Optional(), MaxChars(254)],
        render_kw={"autocomplete": "email", "type": "email"},
    )
    contact_phone = StringField(
        _l("Phone number"),
        validators=[Optional(), MaxChars(30)],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )

    def consents(self) -> dict[Purpose, bool]:
        return {
            p: bool(getattr(self, f"consent_{p.value}").data)
            for p in Purpose
            if p is not Purpose.STORE
        }


class WithdrawForm(Form):
    keep_count = BooleanField(
        _l("You can still count that I got in touch, without my story or anything about me")
    )
