"""Annual report forms. They own field shape and wording; the services own the rules."""

from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from engage.forms import Form, SelectField
from engage.services.accountability.periods import year_label


class StartForm(Form):
    report_year = SelectField("Financial year", choices=[], validate_choice=False)

    def set_years(self, years: list[int]) -> None:
        self.report_year.choices = [SelectChoice(str(y), year_label(y)) for y in years]

    def year(self) -> int | None:
        text = (self.report_year.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None


class SectionForm(Form):
    heading = StringField("Heading")
    markdown = TextAreaField("Text")
    version = HiddenField()


class VersionForm(Form):
    """A confirmation (remove a section, publish): the version the page was read at."""

    version = HiddenField()


class MoveForm(Form):
    version = HiddenField()
    direction = HiddenField()


def version_of(form) -> int:
    """The version the form was read at; anything unreadable counts as out of date."""
    try:
        return int(form.version.data or 0)
    except ValueError:
        return -1
