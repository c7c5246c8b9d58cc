"""Evidence data forms. They own field shape and wording; the services own the rules."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from engage.forms import Form, SelectField, parse_id
from engage.services.evidence.datasets import DatasetInput, VersionInput


def _text(field) -> str:
    return field.data or ""


class DatasetForm(Form):
    title = StringField("Title")
    measure = StringField("What the figures measure")
    unit = StringField("Unit (optional)")
    description = TextAreaField("Description (optional)")
    indicator_id = SelectField(
        "Indicator it is evidence for (optional)", choices=[], default="", validate_choice=False
    )

    def set_indicators(self, groups) -> None:
        """`groups`: (function title, [(indicator id, text)]), as optgroups."""
        self.indicator_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(str(indicator_id), text, optgroup=function)
            for function, indicators in groups
            for indicator_id, text in indicators
        ]

    def to_input(self) -> DatasetInput:
        return DatasetInput(
            title=_text(self.title),
            measure=_text(self.measure),
            unit=_text(self.unit),
            description=_text(self.description),
            indicator_id=parse_id(self.indicator_id.data),
        )


class VersionForm(Form):
    file = FileField("CSV file", render_kw={"accept": ".csv,text/csv"})
    source = StringField("Source")
    source_url = StringField("Web address of the source (optional)", render_kw={"type": "url"})
    licence = StringField("Licence", render_kw={"list": "licences", "autocomplete": "off"})
    note = TextAreaField("Note (optional)")

    def to_input(self) -> VersionInput:
        upload = self.file.data
        if upload is None or not hasattr(upload, "read"):
            filename, content = "", b""
        else:
            filename, content = upload.filename or "", upload.read()
        return VersionInput(
            filename=filename,
            content=content,
            source=_text(self.source),
            source_url=_text(self.source_url),
            licence=_text(self.licence),
            note=_text(self.note),
        )
