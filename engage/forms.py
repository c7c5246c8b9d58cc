"""Helpers shared by every blueprint's forms."""

import functools

import wtforms
from babel import support
from flask import current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto as _AUTO  # "read the request", FlaskForm's default
from werkzeug.routing import IntegerConverter
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation, ValidationError

from engage.ids import MAX_ID, parse_id
from engage.redraw import keep_typed_answers, redrawing
from engage.typed_text import as_typed, length_problem

__all__ = [
    "DATE_FORMATS",
    "CheckboxesField",
    "DatabaseIdConverter",
    "Form",
    "MaxChars",
    "RadioField",
    "SelectField",
    "SelectMultipleField",
    "apply_service_errors",
    "sensible_date",
    "parse_id",
]


class _ChoiceSaidPlainly:
    """WTForms refuses an answer that is not one of the options in its own English
    ("Not a valid choice."); this says it in the reader's language."""

    invalid_choice = _l("Select one of the options shown")

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_choice) from None


class RadioField(_ChoiceSaidPlainly, wtforms.RadioField):
    pass


class SelectField(_ChoiceSaidPlainly, wtforms.SelectField):
    pass


class SelectMultipleField(_ChoiceSaidPlainly, wtforms.SelectMultipleField):
    pass


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = wtforms.widgets.ListWidget(prefix_label=False)
    option_widget = wtforms.widgets.CheckboxInput()


# Dates as staff type them: 2026-04-01, 1 April 2026, 1 Apr 2026 or 01/04/2026.
DATE_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y"]
# Dates of meetings, periods and actions: anything outside is a typing slip (and a date
# near year 9999 can't have days added to it).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def sensible_date(form, field) -> None:
    """A WTForms validator: the date, if given, falls between 2000 and 2100."""
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise StopValidation(
            f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}, for example 14 January 2027"
        )


@functools.lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """Every form in Engage. When a page is drawn again (a language switch, an expired
    page: engage.redraw) it fills itself from what was sent and does not count as sent."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _AUTO and redrawing():
                return request.form if keep_typed_answers() else None
            return super().wrap_formdata(form, formdata)

        def get_translations(self, form):
            # Flask-WTF reads WTForms' own catalogue from disk for every request that
            # draws a form; it can't change while the site runs, so read it once.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_catalogue(str(get_locale()))

    def is_submitted(self) -> bool:
        return super().is_submitted() and not redrawing()


def opened_afresh() -> bool:
    """The page is being opened, not drawn again with what someone typed."""
    return request.method == "GET" and not redrawing()


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


# What every staff page does with its forms ----------------------------------------------


def found_or_404(lookup, *args):
    """lookup(*args), or a 404 page when the service says there is no such thing."""
    from flask import abort

    from engage.services.common.transaction import NotFound

    try:
        return lookup(*args)
    except NotFound:
        abort(404)


def version_sent(form) -> int:
    """The version the form was read at; anything unreadable counts as out of date."""
    try:
        return int(form.version.data or 0)
    except ValueError:
        return -1


def sent_and_acceptable(form, problems) -> bool:
    """Sent and acceptable: the form's checks and the service's rules run together, so
    one send shows every problem."""
    if not form.is_submitted():
        return False
    form.validate()
    if hasattr(form, "friendlier_errors"):
        form.friendlier_errors()
    apply_service_errors(form, problems())
    return not form.errors
