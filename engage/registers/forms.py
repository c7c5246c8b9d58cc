"""Registers and housekeeping forms. They own field shape and wording; the services own
the rules."""

from __future__ import annotations

from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import Optional

from engage.forms import DATE_FORMATS, Form, sensible_date
from engage.models import RegisterKind
from engage.services.accountability.housekeeping import ReviewInput
from engage.services.accountability.registers import EntryInput

DATE_MESSAGE = "Enter the date as a real date, for example 14 January 2027"

# Each register's words for the same fields: (title, organisation, date).
WORDS = {
    RegisterKind.HEIA: (
        "What was assessed",
        "Who carried out the assessment (optional)",
        "Date completed",
    ),
    RegisterKind.BEST_PRACTICE: (
        "What was shared",
        "Who shared it, or with whom (optional)",
        "Date shared",
    ),
    RegisterKind.INITIATIVE: (
        "The initiative",
        "The community group or partnership leading it (optional)",
        "Date the Taskforce's support began",
    ),
}


def _date(label: str) -> DateField:
    return DateField(label, validators=[Optional(), sensible_date], format=DATE_FORMATS)


def _friendlier(field) -> None:
    """WTForms says 'Not a valid date value.'; say what to type instead."""
    if field.errors:
        field.errors[:] = [DATE_MESSAGE if "Not a valid" in str(e) else e for e in field.errors]


class EntryForm(Form):
    title = StringField("Title")
    organisation = StringField("Organisation (optional)")
    occurred_on = _date("Date")
    description = TextAreaField("Description (optional)")
    evidence_links = TextAreaField("Links to evidence (optional)")
    version = HiddenField()

    def word_for(self, kind: RegisterKind) -> None:
        title, organisation, day = WORDS[kind]
        self.title.label.text = title
        self.organisation.label.text = organisation
        self.occurred_on.label.text = day

    def friendlier_errors(self) -> None:
        _friendlier(self.occurred_on)

    def to_input(self) -> EntryInput:
        funding = getattr(self, "funding", None)
        return EntryInput(
            title=self.title.data or "",
            organisation=self.organisation.data or "",
            occurred_on=self.occurred_on.data,
            description=self.description.data or "",
            evidence_links=self.evidence_links.data or "",
            funding=(funding.data or "") if funding is not None else "",
        )


class InitiativeForm(EntryForm):
    funding = StringField("External funding secured, in pounds (optional)")


def entry_form(kind: RegisterKind, **kwargs) -> EntryForm:
    form = (InitiativeForm if kind is RegisterKind.INITIATIVE else EntryForm)(**kwargs)
    form.word_for(kind)
    return form


class ReviewForm(Form):
    reviewed_on = _date("Date of the review")
    note = TextAreaField("What the review found or changed (optional)")

    def friendlier_errors(self) -> None:
        _friendlier(self.reviewed_on)

    def to_input(self) -> ReviewInput:
        return ReviewInput(reviewed_on=self.reviewed_on.data, note=self.note.data or "")
