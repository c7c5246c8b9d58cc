"""Accountability forms. They own field shape and wording; the services own the rules."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from engage.forms import (
    DATE_FORMATS,
    CheckboxesField,
    Form,
    RadioField,
    SelectField,
    parse_id,
    sensible_date,
)
from engage.models.accountability import Rag, Significance
from engage.services.accountability.closing_loop import OTHER_LOCALES, ClosureInput
from engage.services.accountability.decisions import DecisionInput
from engage.services.accountability.measurements import MeasurementInput

LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "ur": "Urdu"}
DATE_HELP = "Enter the date it was decided, for example 14 January 2027"


def _ids(values) -> list[int]:
    return [n for n in (parse_id(v) for v in values or []) if n is not None]


class MeasurementForm(Form):
    value = StringField("Figure")
    narrative = TextAreaField("What happened in this period")
    rag = RadioField(
        "Status",
        choices=[SelectChoice(r.value, r.label) for r in Rag],
        default="",
        validate_choice=False,
    )
    rag_reason = TextAreaField("Why this status")
    source = TextAreaField("Where the figure comes from")
    evidence_links = TextAreaField("Links to evidence (optional)")
    correction_reason = TextAreaField("What was wrong with the published version")
    version = HiddenField()

    def to_input(self) -> MeasurementInput:
        return MeasurementInput(
            value=self.value.data or "",
            narrative=self.narrative.data or "",
            rag=self.rag.data or "",
            rag_reason=self.rag_reason.data or "",
            evidence_links=self.evidence_links.data or "",
            source=self.source.data or "",
            correction_reason=self.correction_reason.data or "",
        )

    def fill(self, data: MeasurementInput) -> None:
        for name in ("value", "narrative", "rag", "rag_reason", "evidence_links", "source"):
            getattr(self, name).data = getattr(data, name)


class PublishForm(Form):
    version = HiddenField()


class DocumentForm(Form):
    file = FileField("Evidence document")


class DecisionForm(Form):
    title = StringField("Title")
    decided_by = StringField("Body that decided")
    decided_on = DateField(
        "Date decided", validators=[Optional(), sensible_date], format=DATE_FORMATS
    )
    what_changed = TextAreaField("What changed")
    significance = RadioField(
        "Significance",
        choices=[SelectChoice(s.value, s.label) for s in Significance],
        default="",
        validate_choice=False,
    )
    evidence_links = TextAreaField("Links to evidence (optional)")
    meeting_ids = CheckboxesField("Meetings that informed it", choices=[], validate_choice=False)
    agenda_item_ids = CheckboxesField(
        "Agenda items that informed it", choices=[], validate_choice=False
    )
    meeting_decision_id = SelectField(
        "The Taskforce's own minuted decision (optional)",
        choices=[],
        default="",
        validate_choice=False,
    )
    digest_ids = CheckboxesField("Digests that informed it", choices=[], validate_choice=False)
    version = HiddenField()

    def friendlier_errors(self) -> None:
        """WTForms says 'Not a valid date value.'; say what to type instead."""
        self.decided_on.errors = [
            DATE_HELP if "Not a valid" in str(e) else e for e in self.decided_on.errors
        ]

    def set_choices(self, meetings, items, minuted, digests, describe_meeting, describe_digest):
        self.meeting_ids.choices = [SelectChoice(str(m.id), describe_meeting(m)) for m in meetings]
        self.agenda_item_ids.choices = [
            SelectChoice(str(i.id), f"{describe_meeting(i.meeting)}: {i.position}. {i.title}")
            for i in items
        ]
        self.meeting_decision_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(str(d.id), f"{describe_meeting(d.meeting)}: {d.text[:120]}")
            for d in minuted
        ]
        self.digest_ids.choices = [SelectChoice(str(d.id), describe_digest(d)) for d in digests]

    def to_input(self) -> DecisionInput:
        return DecisionInput(
            title=self.title.data or "",
            decided_by=self.decided_by.data or "",
            decided_on=self.decided_on.data,
            what_changed=self.what_changed.data or "",
            significance=self.significance.data or "",
            evidence_links=self.evidence_links.data or "",
            meeting_ids=_ids(self.meeting_ids.data),
            agenda_item_ids=_ids(self.agenda_item_ids.data),
            digest_ids=_ids(self.digest_ids.data),
            meeting_decision_id=parse_id(self.meeting_decision_id.data),
        )

    def fill(self, data: DecisionInput) -> None:
        self.title.data = data.title
        self.decided_by.data = data.decided_by
        self.decided_on.data = data.decided_on
        self.what_changed.data = data.what_changed
        self.significance.data = data.significance
        self.evidence_links.data = data.evidence_links
        self.meeting_ids.data = [str(n) for n in data.meeting_ids]
        self.agenda_item_ids.data = [str(n) for n in data.agenda_item_ids]
        self.digest_ids.data = [str(n) for n in data.digest_ids]
        self.meeting_decision_id.data = str(data.meeting_decision_id or "")


class StoriesForm(Form):
    story_ids = CheckboxesField(
        "Stories from the linked digests", choices=[], validate_choice=False
    )
    other_numbers = StringField("Other story numbers (optional)")
    version = HiddenField()


class ClosureForm(Form):
    theme_id = SelectField("Theme", choices=[], default="", validate_choice=False)
    you_said_en = TextAreaField("You said (English)")
    we_did_en = TextAreaField("We did (English)")
    you_said_pl = TextAreaField("You said (Polish, optional)")
    we_did_pl = TextAreaField("We did (Polish, optional)")
    you_said_ur = TextAreaField("You said (Urdu, optional)")
    we_did_ur = TextAreaField("We did (Urdu, optional)")
    version = HiddenField()

    def set_themes(self, themes) -> None:
        self.theme_id.choices = [SelectChoice("", "No single theme")] + [
            SelectChoice(str(t.id), t.label) for t in themes
        ]

    def to_input(self) -> ClosureInput:
        texts = {}
        for locale in ("en", *OTHER_LOCALES):
            said = getattr(self, f"you_said_{locale}").data or ""
            did = getattr(self, f"we_did_{locale}").data or ""
            texts[locale] = (said, did)
        return ClosureInput(theme_id=parse_id(self.theme_id.data), texts=texts)

    def fill(self, data: ClosureInput) -> None:
        self.theme_id.data = str(data.theme_id or "")
        for locale, (said, did) in data.texts.items():
            getattr(self, f"you_said_{locale}").data = said
            getattr(self, f"we_did_{locale}").data = did
