"""Helpers shared by every blueprint's forms."""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto as _AUTO  # "read the request", FlaskForm's default
from werkzeug.routing import IntegerConverter
from wtforms.validators import StopValidation

from engage.i18n import keep_typed_answers, switching_language
from engage.ids import MAX_ID, parse_id
from engage.typed_text import as_typed, length_problem

__all__ = ["DatabaseIdConverter", "Form", "MaxChars", "apply_service_errors", "parse_id"]


class Form(FlaskForm):
    """Every form in Engage. After a language switch the page is drawn again from what
    was typed (see engage.i18n), and the form does not count as sent."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _AUTO and switching_language():
                return request.form if keep_typed_answers() else None
            return super().wrap_formdata(form, formdata)

    def is_submitted(self) -> bool:
        return super().is_submitted() and not switching_language()


def opened_afresh() -> bool:
    """The page is being opened, not drawn again with what someone typed."""
    return request.method == "GET" and not switching_language()


class MaxChars:
    """Like WTForms' Length(max=...), but without the HTML maxlength attribute: a browser
    cuts a longer paste at maxlength without a word, so nobody would know their words
    were lost. Instead the page keeps everything and says how much is over."""

    field_flags: dict = {}

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field) -> None:
        problem = length_problem(as_typed(field.data or ""), self.limit)
        if problem is not None:
            raise StopValidation(problem)


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in routes, limited to ids the database can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def apply_service_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Show a service's refusals beside the fields they concern: one message a field,
    the form's own first, so a field never says two things at once."""
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is None:
            if message not in form.form_errors:
                form.form_errors.append(message)
        elif not field.errors:
            # WTForms stores errors as a tuple until validation has run on the field.
            field.errors = [message]
