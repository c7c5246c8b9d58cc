"""The story form, shared by residents (the stories blueprint), community groups and
officers entering a story for a resident (engage.assisted_story). Labels and messages
are translated; the rules live in the intake service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from engage.forms import Form, MaxChars, RadioField, SelectField, parse_id
from engage.models import AgeGroup, Channel, Purpose
from engage.reference_labels import translated
from engage.services.stories.intake import HEARD_ABOUT, StoryInput


class StoryForm(Form):
    story = TextAreaField(
        _l("What happened?"),
        # No length check here: the service says by how much a story is over, and
        # the page keeps every word.
    )
    what_to_change = TextAreaField(
        _l("What would you like to change? (optional)"),
    )
    local_authority_id = SelectField(_l("Which area is this about? (optional)"), default="")
    postcode = StringField(_l("First part of your postcode (optional)"))
    heard_about = SelectField(
        _l("How did you hear about this? (optional)"),
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(code, label) for code, label in HEARD_ABOUT],
        default="",
    )
    consent_store = BooleanField(_l("Store and analyse my story (you must agree to this)"))
    consent_quote = BooleanField(
        _l("Quote my words in reports and meeting papers, without my name")
    )
    consent_share = BooleanField(
        _l("Share my story, with personal details removed, with the Taskforce's working groups")
    )
    consent_contact = BooleanField(_l("Contact me about my story"))
    consent_equality = BooleanField(
        _l("Ask me some equality questions, such as my ethnic group, and use my answers")
    )
    contact_email = StringField(
        _l("Email address"),
        validators=[Optional(), MaxChars(254)],
        render_kw={"autocomplete": "email", "spellcheck": "false", "type": "email"},
    )
    contact_phone = StringField(
        _l("Phone number"),
        validators=[Optional(), MaxChars(30)],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    age_group = HiddenField()
    receipt_token = HiddenField()
    # A number the site wrote, or "" (a tampered page): intake then uses the current notice.
    notice_version = HiddenField(filters=[lambda v: str(parse_id(v) or "")])

    def set_areas(self, areas: list[tuple[int, str]]) -> None:
        """`areas`: (id, name) pairs, as engage.services.common.reference.area_names()."""
        self.local_authority_id.choices = [SelectChoice("", _l("Choose an area"))] + [
            SelectChoice(str(area_id), translated(name)) for area_id, name in areas
        ]

    def consents(self) -> dict[Purpose, bool]:
        return {p: bool(getattr(self, f"consent_{p.value}").data) for p in Purpose}

    def to_input(self, age_group: AgeGroup) -> StoryInput:
        area = self.local_authority_id.data or ""
        return StoryInput(
            story=self.story.data or "",
            age_group=age_group,
            consents=self.consents(),
            what_to_change=self.what_to_change.data or "",
            local_authority_id=parse_id(area),
            postcode=self.postcode.data or "",
            heard_about=self.heard_about.data or "",
            contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
        )


class AssistedStoryForm(StoryForm):
    """A story entered for a resident by a community group or an officer."""

    age = RadioField(
        _l("How old is the resident?"),
        choices=[
            SelectChoice(AgeGroup.UNDER_13.value, _l("Under 13 (a parent or carer agreed)")),
            SelectChoice(AgeGroup.UNDER_18.value, _l("13 to 17")),
            SelectChoice(AgeGroup.ADULT.value, _l("18 or over")),
        ],
        validators=[InputRequired(_l("Select how old the resident is"))],
    )
    channel = RadioField(
        _l("How did the story reach you?"),
        choices=[
            SelectChoice(Channel.OFFICER_EVENT.value, _l("At an event or meeting")),
            SelectChoice(Channel.OFFICER_PHONE.value, _l("On the phone")),
        ],
        default=Channel.OFFICER_EVENT.value,
        validators=[InputRequired(_l("Select how the story reached you"))],
    )
    attested = BooleanField(
        _l(
            "The resident (or, for a child under 13, their parent or carer) agreed to each "
            "choice ticked above, after the privacy notice was explained to them"
        )
    )
    age_group = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page asks these first, so the error summary lists them first too.
        for name in ("channel", "age"):
            if name in self._fields:
                self._fields.move_to_end(name, last=False)

    def age_group_choice(self) -> AgeGroup | None:
        try:
            return AgeGroup(self.age.data)
        except ValueError:
            return None
