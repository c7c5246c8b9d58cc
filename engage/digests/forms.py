"""Digest forms: issuing one now, a group's cadence, a member's email choice."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField
from wtforms.fields.choices import SelectChoice

from engage.forms import Form, RadioField, SelectField
from engage.models import DigestCadence


class IssueForm(Form):
    body_id = SelectField("Issue a digest now for", choices=[], default="")


class CadenceForm(Form):
    cadence = RadioField(
        "How often the digest is issued and emailed",
        choices=[SelectChoice(c.value, c.label) for c in DigestCadence],
    )
    send_empty = BooleanField("Email members even when the digest has nothing in it")


class EmailChoiceForm(Form):
    by_email = RadioField(
        "How do you want to receive your group's digests?",
        choices=[
            SelectChoice("yes", "By email, and in the site"),
            SelectChoice("no", "In the site only"),
        ],
    )
    next = HiddenField()
