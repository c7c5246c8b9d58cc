"""Helpers shared by every blueprint's forms."""

from flask_wtf import FlaskForm


def apply_service_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Show a service's refusals beside the fields they concern."""
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(message)
        else:
            # WTForms stores errors as a tuple until validation has run on the field.
            field.errors = [*field.errors, message]
