"""Routing rule and replay forms. Services own the rules; these own shape and wording."""

from __future__ import annotations

from wtforms import DateField, HiddenField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from engage.forms import (
    DATE_FORMATS,
    CheckboxesField,
    Form,
    SelectField,
    parse_id,
    sensible_date,
)
from engage.services.digests.routing import RuleInput


def _ids(values) -> list[int]:
    return [i for i in (parse_id(v) for v in values or []) if i is not None]


class RuleForm(Form):
    body_id = SelectField("Working group", choices=[], default="")
    theme_ids = CheckboxesField("Themes", choices=[])
    area_ids = CheckboxesField("Areas (leave all unticked for every area)", choices=[])
    note = TextAreaField("Note for the secretariat (optional)")
    version = HiddenField()

    def set_choices(self, bodies, themes, areas) -> None:
        self.body_id.choices = [SelectChoice("", "Choose a working group")] + [
            SelectChoice(str(b.id), b.name) for b in bodies
        ]
        self.theme_ids.choices = [SelectChoice(str(t.id), t.label) for t in themes]
        self.area_ids.choices = [SelectChoice(str(a.id), a.name) for a in areas]

    def to_input(self) -> RuleInput:
        return RuleInput(
            body_id=parse_id(self.body_id.data or ""),
            theme_ids=_ids(self.theme_ids.data),
            area_ids=_ids(self.area_ids.data),
            note=self.note.data or "",
        )


class EndRuleForm(Form):
    version = HiddenField()


class ReplayForm(Form):
    start = DateField(
        "From (approved on or after)",
        format=DATE_FORMATS,
        validators=[
            InputRequired("Enter the first day, for example 1 April 2026"),
            sensible_date,
        ],
    )
    end = DateField(
        "To (approved on or before)",
        format=DATE_FORMATS,
        validators=[
            InputRequired("Enter the last day, for example 30 June 2026"),
            sensible_date,
        ],
    )
    # What the preview showed (engage.services.digests.routing.ReplayPlan.fingerprint).
    previewed = HiddenField()

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("The last day must be on or after the first day")
