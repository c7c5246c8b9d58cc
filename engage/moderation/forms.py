"""Forms on the review screen. Each carries the version of the story the officer saw."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from engage.forms import CheckboxesField, Form, parse_id
from engage.models import SafeguardingCategory

PII_TYPE_LABELS = [
    ("NAME", "Name"),
    ("ADDRESS", "Address"),
    ("POSTCODE", "Postcode"),
    ("PHONE", "Phone number"),
    ("EMAIL", "Email address"),
    ("DOB", "Date of birth"),
    ("NI_NUMBER", "National Insurance number"),
    ("NHS_NUMBER", "NHS number"),
    ("REFERENCE_NUMBER", "Hospital or crime reference number"),
]


class VersionedForm(Form):
    version = HiddenField()

    def version_number(self) -> int | None:
        """The version the officer saw, or None if the form didn't carry one."""
        return parse_id(self.version.data)


class RedactionForm(VersionedForm):
    """The accept/reject choice for each proposal arrives as proposal-<id> fields."""

    most_of_story_confirmed = BooleanField(
        "Yes, almost all of this story is personal data and should be removed"
    )

    def decisions(self, formdata) -> dict[int, bool]:
        chosen = {}
        for key, value in formdata.items():
            number = (
                parse_id(key.removeprefix("proposal-")) if key.startswith("proposal-") else None
            )
            if number is not None and value in ("remove", "keep"):
                chosen[number] = value == "remove"
        return chosen


class AddRedactionForm(VersionedForm):
    phrase = StringField(
        "Words to remove",
        render_kw={"spellcheck": "false"},
    )
    kind = SelectField(
        "What kind of personal data is it?",
        choices=[SelectChoice(value, label) for value, label in PII_TYPE_LABELS],
    )


class ThemesForm(VersionedForm):
    themes = CheckboxesField("Themes this story is about", choices=[])


class SummaryForm(VersionedForm):
    summary = TextAreaField("Summary for working groups")


class SafeguardingForm(Form):
    category = RadioField(
        "What kind of concern is it?",
        choices=[SelectChoice(c.value, c.label) for c in SafeguardingCategory],
        validate_choice=False,
    )
    concern = TextAreaField("What worries you")


class CloseSafeguardingForm(Form):
    action_taken = TextAreaField("What was done")


class ApproveForm(VersionedForm):
    pass


class RejectForm(VersionedForm):
    reason = TextAreaField("Reason for rejecting")


class DuplicateForm(VersionedForm):
    original = StringField(
        "Number of the story it repeats",
        render_kw={"inputmode": "numeric"},
    )


class ReopenForm(VersionedForm):
    pass


class ClaimForm(VersionedForm):
    pass


class RemoveAddedForm(VersionedForm):
    proposal_id = HiddenField()


__all__ = [
    "AddRedactionForm",
    "ApproveForm",
    "ClaimForm",
    "CloseSafeguardingForm",
    "DuplicateForm",
    "RedactionForm",
    "RejectForm",
    "RemoveAddedForm",
    "ReopenForm",
    "SafeguardingForm",
    "SummaryForm",
    "ThemesForm",
]
