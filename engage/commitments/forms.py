"""Commitments forms. They own field shape and wording; the service owns the rules."""

from __future__ import annotations

from wtforms import BooleanField, DateField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from engage.forms import DATE_FORMATS, Form, RadioField, SelectField, sensible_date
from engage.models import CommitmentKind, CommitmentStatus
from engage.services.accountability.commitments import OPEN, CommitmentInput, UpdateInput

DATE_MESSAGE = "Enter the due date as a real date, for example 31 March 2027"


def _enum(kind, value):
    try:
        return kind(value)
    except ValueError:
        return None


class CommitmentForm(Form):
    kind = RadioField(
        "What kind of commitment is it?",
        choices=[SelectChoice(k.value, k.label) for k in CommitmentKind],
        validate_choice=False,
    )
    source = StringField("Where it comes from")
    reference = StringField("Reference (optional)")
    title = StringField("What was committed to")
    description = TextAreaField("Description (optional)")
    owner = StringField("Owner")
    due_on = DateField(
        "Due date (optional)", validators=[Optional(), sensible_date], format=DATE_FORMATS
    )
    version = HiddenField()

    def to_input(self) -> CommitmentInput:
        return CommitmentInput(
            kind=_enum(CommitmentKind, self.kind.data),
            source=self.source.data or "",
            reference=self.reference.data or "",
            title=self.title.data or "",
            description=self.description.data or "",
            owner=self.owner.data or "",
            due_on=self.due_on.data,
        )

    def friendlier_errors(self) -> None:
        """WTForms says 'Not a valid date value.'; say what to type instead."""
        errors = self.due_on.errors
        if errors:
            errors[:] = [DATE_MESSAGE if "Not a valid" in str(e) else e for e in errors]


class UpdateForm(Form):
    status = RadioField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in CommitmentStatus],
        validate_choice=False,
    )
    note = TextAreaField("Note (optional when the status changes)")
    evidence_links = TextAreaField("Links to evidence (optional)")
    version = HiddenField()

    def to_input(self) -> UpdateInput:
        return UpdateInput(
            status=_enum(CommitmentStatus, self.status.data),
            note=self.note.data or "",
            evidence_links=self.evidence_links.data or "",
        )


class FilterForm(Form):
    """The list's filters, read by GET (nothing changes, so no CSRF token)."""

    class Meta(Form.Meta):
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status"), SelectChoice(OPEN, "Open (not closed)")]
        + [SelectChoice(s.value, s.label) for s in CommitmentStatus],
        default="",
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice("", "Any kind")]
        + [SelectChoice(k.value, k.label) for k in CommitmentKind],
        default="",
    )
    overdue = BooleanField("Overdue only")

    def chosen(self) -> dict:
        """The filters as the service takes them (anything unreadable is ignored)."""
        status = self.status.data
        if status != OPEN:
            status = _enum(CommitmentStatus, status) if status else None
        kind = _enum(CommitmentKind, self.kind.data) if self.kind.data else None
        return {"status": status, "kind": kind, "overdue_only": bool(self.overdue.data)}
