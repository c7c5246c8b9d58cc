from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from engage.admin.forms import DATE_FORMATS
from engage.models import EngagementKind


class RejectGroupForm(FlaskForm):
    reason = StringField(
        "Why can't the group be verified?",
        validators=[Optional(), Length(max=500, message="Reason must be 500 characters or fewer")],
    )


class EngagementForm(FlaskForm):
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
        validators=[
            Optional(),
            Length(max=500, message="Description must be 500 characters or fewer"),
        ],
    )
