"""The audit log (admins only) and the one screen that shows a story's equality answers."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, StopValidation

from engage import audit_words
from engage.admin import bp
from engage.equality import QUESTIONS
from engage.forms import Form
from engage.ids import MAX_ID
from engage.permissions import ADMIN_ROLES, current_actor, require_role
from engage.security import needs_recent_confirmation
from engage.services.common import audit
from engage.services.common.keyset import Cursor
from engage.services.stories import intake


class RecordNumberField(IntegerField):
    """A whole number, with one message whatever is wrong with it (not "not a valid
    integer" and then "out of range" for the same typing)."""

    MESSAGE = "Enter a record number, like 12"

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.MESSAGE) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class AuditSearchForm(Form):
    class Meta:
        csrf = False  # a search changes nothing; its filters travel in the query string

    actor = StringField("Who", validators=[Optional()])
    action = SelectField("What they did", validators=[Optional()], validate_choice=False)
    object_type = SelectField(
        "Kind of record",
        choices=[SelectChoice("", "Any")]
        + [SelectChoice(code, words) for code, words in audit_words.RECORD_KINDS.items()],
        validators=[Optional()],
    )
    object_id = RecordNumberField(
        "Record number",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_ID, message=RecordNumberField.MESSAGE),
        ],
    )
    on_or_after = DateField("From", validators=[Optional()])
    on_or_before = DateField("To", validators=[Optional()])


SEARCH_FIELDS = ("actor", "action", "object_type", "object_id", "on_or_after", "on_or_before")
# Dates past this can't have an end of day added to them.
LATEST_DATE = date(9998, 12, 31)


def _text(value: str | None) -> str:
    return (value or "").replace("\x00", "")[:254]


@bp.get("/audit")
@require_role(*ADMIN_ROLES)
def audit_log():
    form = AuditSearchForm(request.args)
    form.action.choices = [SelectChoice("", "Anything")] + [
        SelectChoice(a, audit_words.action_words(a)) for a in audit.actions()
    ]
    filters = audit.AuditFilter()
    if request.args and form.validate():
        filters = audit.AuditFilter(
            # PostgreSQL text can't hold NUL: a search for one simply finds nothing.
            actor=_text(form.actor.data),
            action=_text(form.action.data),
            object_type=_text(form.object_type.data),
            object_id=form.object_id.data,
            on_or_after=min(form.on_or_after.data, LATEST_DATE) if form.on_or_after.data else None,
            on_or_before=min(form.on_or_before.data, LATEST_DATE)
            if form.on_or_before.data
            else None,
        )
    page = audit.search(
        filters,
        after=Cursor.decode(request.args.get("after")),
        before=Cursor.decode(request.args.get("before")),
    )
    # Only the search's own fields travel into the page links (never url_for's _anchor,
    # _external and the like).
    kept = {
        name: request.args[name]
        for name in SEARCH_FIELDS
        if request.args.get(name) and len(request.args[name]) <= 254
    }
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        kept=kept,
        words=audit_words,
        title="Audit log",
    )


@bp.get("/stories/<int:submission_id>/equality")
@require_role(*ADMIN_ROLES)
@needs_recent_confirmation
def equality_answers(submission_id: int):
    """Special category data, shown one story at a time and audited every time: for
    answering a resident's request or checking data quality, never for moderation."""
    submission = intake.get(submission_id)
    if submission is None:
        abort(404)
    audit.record_now(
        "equality.viewed",
        object_type="submission",
        object_id=submission.id,
        actor=current_actor(),
    )
    return render_template(
        "admin/equality.html",
        submission=submission,
        answers=submission.equality,
        questions=QUESTIONS,
        title=f"Equality answers for story {submission.id}",
    )
