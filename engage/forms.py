"""Helpers shared by every blueprint's forms."""

from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter

from engage.ids import MAX_ID, parse_id

__all__ = ["DatabaseIdConverter", "apply_service_errors", "parse_id"]


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in routes, limited to ids the database can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def apply_service_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Show a service's refusals beside the fields they concern."""
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(message)
        else:
            # WTForms stores errors as a tuple until validation has run on the field.
            field.errors = [*field.errors, message]
