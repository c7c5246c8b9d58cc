from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from engage.forms import CheckboxesField, Form, MaxChars, RadioField, parse_id
from engage.models import GroupType
from engage.reference_labels import translated
from engage.services.community.groups import GroupInput


def _ids(values) -> list[int]:
    return [number for v in values or [] if (number := parse_id(v)) is not None]


class GroupRegistrationForm(Form):
    name = StringField(_l("Name of your group"))
    group_type = RadioField(
        _l("What kind of group is it?"),
        choices=[SelectChoice(t.value, t.label) for t in GroupType],
        validators=[Optional()],
    )
    charity_number = StringField(_l("Registered charity number (optional)"))
    company_number = StringField(_l("Company number (optional)"))
    area_ids = CheckboxesField(_l("Which areas does your group work in?"), choices=[])
    communities_served = TextAreaField(
        _l("Which communities does your group work with?"),
    )
    theme_ids = CheckboxesField(
        _l("Which topics matter most to your group? (optional)"), choices=[]
    )
    contact_name = StringField(_l("Contact's full name"))
    contact_email = StringField(
        _l("Contact's email address"),
        validators=[Optional(), MaxChars(254)],
        render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"},
    )
    contact_phone = StringField(
        _l("Contact's phone number (optional)"),
        validators=[Optional(), MaxChars(30)],
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    contact_consent = BooleanField(
        _l("The contact agrees that the Taskforce may contact them about the group")
    )

    def set_choices(self, authorities, themes) -> None:
        self.area_ids.choices = [SelectChoice(str(a.id), translated(a.name)) for a in authorities]
        self.theme_ids.choices = [SelectChoice(str(t.id), translated(t.label)) for t in themes]

    def to_input(self) -> GroupInput:
        return GroupInput(
            name=self.name.data or "",
            group_type=self.group_type.data or "",
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            contact_consent=bool(self.contact_consent.data),
            area_ids=_ids(self.area_ids.data),
            theme_ids=_ids(self.theme_ids.data),
            communities_served=self.communities_served.data or "",
            charity_number=self.charity_number.data or "",
            company_number=self.company_number.data or "",
            contact_phone=self.contact_phone.data or "",
        )
