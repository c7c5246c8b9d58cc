"""Meetings forms. They own field shape and wording; the services own the rules."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from engage.forms import DATE_FORMATS, Form, RadioField, SelectField, parse_id, sensible_date
from engage.models import ActionStatus, AttendanceStatus, MeetingStatus
from engage.services.meetings.actions import ActionInput, UpdateInput
from engage.services.meetings.agenda import AgendaItemInput, PaperInput
from engage.services.meetings.meetings import MeetingInput, SeriesInput

# Times as people type them: 14:00 (what a browser's time box sends), 14.00, 2:00pm, 2pm.
TIME_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p", "%I:%M %p", "%I %p"]


def _date(label: str) -> DateField:
    return DateField(label, validators=[Optional(), sensible_date], format=DATE_FORMATS)


def _time(label: str) -> TimeField:
    return TimeField(label, validators=[Optional()], format=TIME_FORMATS)


def _number(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else None


def _enum(kind, value):
    try:
        return kind(value)
    except ValueError:
        return None


def _text(field) -> str:
    return field.data or ""


class _Where:
    place = StringField("Place (optional if there is an online link)")
    online_link = StringField("Online link (optional if there is a place)")


class MeetingForm(_Where, Form):
    body_id = SelectField("Body", choices=[], default="", validate_choice=False)
    meeting_on = _date("Date")
    start_time = _time("Start time")
    status = RadioField(
        "Status",
        choices=[
            SelectChoice(MeetingStatus.SCHEDULED.value, "Scheduled"),
            SelectChoice(MeetingStatus.HELD.value, "Already held"),
        ],
        default=MeetingStatus.SCHEDULED.value,
        validate_choice=False,
    )
    version = HiddenField()

    def set_bodies(self, bodies) -> None:
        if self.body_id is not None:
            self.body_id.choices = [SelectChoice("", "Choose a body")] + [
                SelectChoice(str(b.id), b.name) for b in bodies
            ]

    def to_input(self) -> MeetingInput:
        return MeetingInput(
            body_id=parse_id(self.body_id.data) if self.body_id is not None else None,
            on=self.meeting_on.data,
            at=self.start_time.data,
            place=_text(self.place),
            online_link=_text(self.online_link),
            status=_enum(MeetingStatus, self.status.data),
        )


class EditMeetingForm(MeetingForm):
    body_id = None
    status = RadioField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in MeetingStatus],
        validate_choice=False,
    )


class SeriesForm(_Where, Form):
    """Sent twice: by GET to preview the dates, then by POST to make the meetings."""

    body_id = SelectField("Body", choices=[], default="", validate_choice=False)
    first_on = _date("Date of the first meeting")
    start_time = _time("Start time")
    count = StringField("How many meetings", default="6")
    every = StringField("How far apart", default="2")
    unit = RadioField(
        "Every",
        choices=[SelectChoice("months", "Months"), SelectChoice("weeks", "Weeks")],
        default="months",
        validate_choice=False,
    )

    set_bodies = MeetingForm.set_bodies

    def to_input(self) -> SeriesInput:
        return SeriesInput(
            body_id=parse_id(self.body_id.data),
            first_on=self.first_on.data,
            at=self.start_time.data,
            count=_number(self.count.data),
            every=_number(self.every.data),
            unit=self.unit.data if self.unit.data in ("weeks", "months") else None,
            place=_text(self.place),
            online_link=_text(self.online_link),
        )


class CancelForm(Form):
    version = HiddenField()


class AgendaItemForm(Form):
    title = StringField("Title")
    description = TextAreaField("Description (optional)")
    lead = StringField("Introduced by (optional)")
    version = HiddenField()

    def to_input(self) -> AgendaItemInput:
        return AgendaItemInput(
            title=_text(self.title), description=_text(self.description), lead=_text(self.lead)
        )


class RemoveItemForm(Form):
    version = HiddenField()


class MoveForm(Form):
    direction = HiddenField()


class PaperForm(Form):
    file = FileField("File")
    title = StringField("Title (optional)")

    def to_input(self) -> PaperInput:
        upload = self.file.data
        if upload is None or not hasattr(upload, "read"):
            return PaperInput(filename="", content=b"", title=_text(self.title))
        return PaperInput(
            filename=upload.filename or "", content=upload.read(), title=_text(self.title)
        )


class RemovePaperForm(Form):
    pass


def attendance_form(rows):
    """A form with one question per expected member: `seat-<membership id>`."""

    class AttendanceForm(Form):
        pass

    for row in rows:
        choices = []
        for status in row.choices:
            label = status.label
            if status is AttendanceStatus.SUBSTITUTE:
                label = f"Substitute attended ({row.substitute.person.full_name})"
            choices.append(SelectChoice(status.value, label))
        setattr(
            AttendanceForm,
            f"seat-{row.membership.id}",
            RadioField(row.membership.person.full_name, choices=choices, validate_choice=False),
        )
    form = AttendanceForm()
    if not form.is_submitted():
        for row in rows:
            if row.record is not None:
                form[f"seat-{row.membership.id}"].data = row.record.status.value
    return form


def attendance_answers(form, rows) -> dict[int, AttendanceStatus | None]:
    return {
        row.membership.id: _enum(AttendanceStatus, form[f"seat-{row.membership.id}"].data)
        for row in rows
    }


class QuorumForm(Form):
    quorum = StringField("Seats needed for a quorum (optional)")


class MinutesForm(Form):
    minutes = TextAreaField("Minutes")
    version = HiddenField()


def _item_choices(field, meeting) -> None:
    field.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(item.id), f"{item.position}. {item.title}") for item in meeting.agenda
    ]


class DecisionForm(Form):
    text = TextAreaField("What was decided")
    agenda_item_id = SelectField(
        "Agenda item (optional)", choices=[], default="", validate_choice=False
    )

    def set_items(self, meeting) -> None:
        _item_choices(self.agenda_item_id, meeting)


class ActionForm(Form):
    description = TextAreaField("What is to be done")
    owner = StringField("Who will do it")
    due_on = _date("Due date (optional)")
    agenda_item_id = SelectField(
        "Agenda item (optional)", choices=[], default="", validate_choice=False
    )

    def set_items(self, meeting) -> None:
        _item_choices(self.agenda_item_id, meeting)

    def to_input(self) -> ActionInput:
        return ActionInput(
            description=_text(self.description),
            owner=_text(self.owner),
            due_on=self.due_on.data,
            agenda_item_id=parse_id(self.agenda_item_id.data),
        )


class ActionUpdateForm(Form):
    status = RadioField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in ActionStatus],
        validate_choice=False,
    )
    note = TextAreaField("Note (optional when the status changes)")
    meeting_id = SelectField(
        "Reported at a meeting (optional)", choices=[], default="", validate_choice=False
    )
    version = HiddenField()

    def set_meetings(self, meetings, describe) -> None:
        self.meeting_id.choices = [SelectChoice("", "Not at a meeting")] + [
            SelectChoice(str(m.id), describe(m)) for m in meetings
        ]

    def to_input(self) -> UpdateInput:
        return UpdateInput(
            status=_enum(ActionStatus, self.status.data),
            note=_text(self.note),
            meeting_id=parse_id(self.meeting_id.data),
        )


class RatesForm(Form):
    """Read by GET: which body and which year."""

    class Meta(Form.Meta):
        csrf = False

    body = SelectField("Body", choices=[], default="taskforce")
    from_on = _date("From")
    to_on = _date("To")


DATE_MESSAGES = {
    "meeting_on": "Enter the date as a real date, for example 14 January 2027",
    "first_on": "Enter the date as a real date, for example 14 January 2027",
    "due_on": "Enter the due date as a real date, for example 31 March 2027",
    "from_on": "Enter the date as a real date, for example 1 December 2025",
    "to_on": "Enter the date as a real date, for example 30 November 2026",
    "start_time": "Enter the time as hours and minutes, for example 14:00 or 2pm",
}


def friendlier_errors(form: Form) -> None:
    """WTForms says 'Not a valid date value.'; say what to type instead."""
    for name, message in DATE_MESSAGES.items():
        field = getattr(form, name, None)
        if field is not None and field.errors:
            field.errors[:] = [message if "Not a valid" in str(e) else e for e in field.errors]
