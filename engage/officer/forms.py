from wtforms import DateField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from engage.forms import DATE_FORMATS, Form
from engage.models import EngagementKind


class RejectGroupForm(Form):
    reason = StringField(
        "Why can't the group be verified?",
    )


class EngagementForm(Form):
    kind = RadioField(
        "What did the group take part in?",
        choices=[SelectChoice(k.value, k.label) for k in EngagementKind],
        validators=[InputRequired("Select what the group took part in")],
    )
    occurred_on = DateField(
        "When?", validators=[InputRequired("Enter the date")], format=DATE_FORMATS
    )
    description = StringField(
        "Description",
    )
