"""Membership register forms. They own field shape and wording; services own the rules."""

from __future__ import annotations

from wtforms import DateField, EmailField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Optional,
    ValidationError,
)

from engage.forms import DATE_FORMATS, Form, MaxChars, parse_id
from engage.models import MembershipRole
from engage.services.register.memberships import MembershipInput


# A date can be typed where the browser has no date picker: any of these is understood.
def _date(label: str, *validators) -> DateField:
    return DateField(label, validators=list(validators), format=DATE_FORMATS)


def _select(label: str, message: str) -> SelectField:
    return ListSelectField(label, choices=[], default="", invalid_message=message)


class ListSelectField(SelectField):
    """A select whose 'not in the list' error is in plain words."""

    def __init__(self, *args, invalid_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


def _optional_int(value: str | None) -> int | None:
    return parse_id(value)


def _role(value: str | None) -> MembershipRole | None:
    try:
        return MembershipRole(value)
    except ValueError:
        return None


class MembershipForm(Form):
    person_id = _select("Existing person", "Select a person from the list")
    new_person_name = StringField(
        "Or a new person's full name",
        validators=[Optional(), MaxChars(160)],
    )
    new_person_email = EmailField(
        "New person's email address (optional)",
        validators=[
            Optional(),
            MaxChars(254),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
    new_person_organisation = StringField(
        "New person's organisation (optional)", validators=[Optional(), MaxChars(160)]
    )
    role = RadioField(
        "Role",
        choices=[SelectChoice(r.value, r.label) for r in MembershipRole],
        validators=[InputRequired("Select a role")],
    )
    local_authority_id = _select(
        "Local authority they represent", "Select a local authority from the list"
    )
    substitute_for_id = _select("Substitute for", "Select the representative from the list")
    term_start = _date("Term start", InputRequired("Enter the date the term starts"))
    term_end = _date("Term end (optional)", Optional())
    volunteers_agreement_signed_on = _date("Volunteers agreement signed on (optional)", Optional())
    version = HiddenField()

    def set_choices(self, *, people, authorities, representatives) -> None:
        if self.person_id is not None:
            self.person_id.choices = [SelectChoice("", "Choose a person")] + [
                SelectChoice(
                    str(p.id), p.full_name + (f" ({p.organisation})" if p.organisation else "")
                )
                for p in people
            ]
        self.local_authority_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(str(a.id), a.name + ("" if a.constituent else " (non-constituent)"))
            for a in authorities
        ]
        self.substitute_for_id.choices = [SelectChoice("", "Nobody")] + [
            SelectChoice(str(m.id), f"{m.person.full_name}, {m.local_authority.name}")
            for m in representatives
        ]

    def _text(self, name: str) -> str:
        field = getattr(self, name, None)
        return (field.data or "") if field is not None else ""

    def to_input(self, body_id: int) -> MembershipInput:
        return MembershipInput(
            body_id=body_id,
            role=_role(self.role.data),
            term_start=self.term_start.data,
            term_end=self.term_end.data,
            volunteers_agreement_signed_on=self.volunteers_agreement_signed_on.data,
            person_id=_optional_int(self._text("person_id")),
            new_person_name=self._text("new_person_name"),
            new_person_email=self._text("new_person_email"),
            new_person_organisation=self._text("new_person_organisation"),
            local_authority_id=_optional_int(self.local_authority_id.data),
            substitute_for_id=_optional_int(self.substitute_for_id.data),
        )


class EditMembershipForm(MembershipForm):
    """Editing keeps the person; the rest of the membership can change."""

    person_id = None
    new_person_name = None
    new_person_email = None
    new_person_organisation = None


class EndMembershipForm(Form):
    ended_on = _date("Last day of membership", InputRequired("Enter the date"))
    reason = StringField(
        "Reason",
        validators=[
            DataRequired("Enter why the membership is ending"),
            MaxChars(300),
        ],
    )
    version = HiddenField()


DATE_MESSAGES = {
    "term_start": "Enter the term start as a real date, for example 1 April 2026",
    "term_end": "Enter the term end as a real date, for example 31 March 2027",
    "volunteers_agreement_signed_on": (
        "Enter the date signed as a real date, for example 1 April 2026"
    ),
    "ended_on": "Enter the last day as a real date, for example 31 March 2027",
}


def friendlier_date_errors(form: Form) -> None:
    """WTForms says 'Not a valid date value.'; say what to type instead."""
    for name, message in DATE_MESSAGES.items():
        field = getattr(form, name, None)
        if field is not None and field.errors:
            field.errors[:] = [message if "Not a valid date" in e else e for e in field.errors]
