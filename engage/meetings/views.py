"""Meetings, for the secretariat: scheduling, agendas and papers, attendance, minutes,
decisions and actions, the forward plan and attendance rates. Views read forms and call
engage.services.meetings, which decides."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from engage import clock
from engage.forms import apply_service_errors, found_or_404, parse_id, version_sent
from engage.meetings import bp
from engage.meetings.forms import (
    ActionForm,
    ActionUpdateForm,
    AgendaItemForm,
    CancelForm,
    DecisionForm,
    EditMeetingForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    PaperForm,
    QuorumForm,
    RatesForm,
    RemoveItemForm,
    RemovePaperForm,
    SeriesForm,
    attendance_answers,
    attendance_form,
    friendlier_errors,
)
from engage.paper_download import paper_response
from engage.permissions import SECRETARIAT_ROLES, current_actor, require_role
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.meetings import actions, agenda, attendance, forward_plan, meetings, minutes
from engage.services.meetings.common import local_date

MEETING_CONFLICT = (
    "Someone else changed this meeting while you were editing it. Check the details "
    "below and make your change again."
)
ITEM_CONFLICT = (
    "Someone else changed this agenda item while you were editing it. Check it as it is "
    "now and make your change again."
)
ACTION_CONFLICT = (
    "Someone else updated this action while you were editing it. Check its status as it "
    "is now and make your change again."
)


_found = found_or_404


_version = version_sent


def describe(meeting) -> str:
    """'Race Equity Taskforce, 14 January 2027 at 14:00'."""
    return (
        f"{meeting.body.name}, {clock.format_date(meeting.starts_at)} at "
        f"{clock.format_time(meeting.starts_at)}"
    )


def _meeting_url(meeting_id: int, anchor: str | None = None) -> str:
    return url_for("meetings.meeting", meeting_id=meeting_id, _anchor=anchor)


def _checked(form, problems) -> bool:
    """Sent and acceptable: the form's checks and the service's rules run together, so
    one send shows every problem."""
    if not form.is_submitted():
        return False
    form.validate()
    apply_service_errors(form, problems())
    friendlier_errors(form)
    return not form.errors


# The list and the forward plan


@bp.get("/")
@require_role(*SECRETARIAT_ROLES)
def index():
    bodies = meetings.bodies()
    chosen = None
    if slug := request.args.get("body"):
        chosen = _found(meetings.body_by_slug, slug)
    today = clock.today()
    body_id = chosen.id if chosen else None
    return render_template(
        "meetings/index.html",
        title="Meetings",
        bodies=bodies,
        chosen=chosen,
        plan=forward_plan.forward_plan(today, body_id=body_id),
        recent=meetings.recent_meetings(datetime.now(clock.LONDON), body_id=body_id),
        today=today,
    )


# Scheduling


@bp.route("/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def schedule():
    bodies = meetings.bodies()
    form = MeetingForm()
    form.set_bodies(bodies)
    if not form.is_submitted():
        slug = request.args.get("body", "taskforce")
        chosen = next((b for b in bodies if b.slug == slug), None)
        form.body_id.data = str(chosen.id) if chosen else ""
    today = clock.today()
    if _checked(form, lambda: meetings.meeting_problems(form.to_input(), today=today)):
        try:
            meeting = meetings.schedule(form.to_input(), actor=current_actor(), today=today)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(f"Scheduled: {describe(meeting)}.", "success")
            return redirect(_meeting_url(meeting.id))
    return render_template("meetings/schedule.html", title="Schedule a meeting", form=form)


@bp.route("/year", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def schedule_year():
    """The dates are chosen and previewed by GET (nothing changes); the preview's
    button sends them by POST to make the meetings."""
    bodies = meetings.bodies()
    posted = request.method == "POST"
    form = (
        SeriesForm() if posted else SeriesForm(formdata=request.args or None, meta={"csrf": False})
    )
    form.set_bodies(bodies)
    plan = None
    if not posted and not request.args:
        chosen = next((b for b in bodies if b.slug == "taskforce"), None)
        form.body_id.data = str(chosen.id) if chosen else ""
    elif posted or request.args:
        form.validate()
        friendlier_errors(form)
        problems, plan = meetings.plan_series(form.to_input())
        apply_service_errors(form, problems)
        if form.errors:
            plan = None
        elif posted:
            try:
                done = meetings.schedule_series(form.to_input(), actor=current_actor())
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                plan = None
            else:
                message = f"Scheduled {len(done.starts)} meetings of {done.body.name}."
                if done.skipped:
                    skipped = "; ".join(
                        f"{clock.format_date(day)} ({why})" for day, why in done.skipped
                    )
                    message += f" Left out: {skipped}."
                flash(message, "success")
                return redirect(url_for("meetings.index", body=done.body.slug))
    return render_template(
        "meetings/year.html",
        title="Schedule the year's meetings",
        form=form,
        plan=plan,
    )


@bp.get("/<int:meeting_id>")
@require_role(*SECRETARIAT_ROLES)
def meeting(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    rows = attendance.expected(found)
    items = found.agenda
    return render_template(
        "meetings/meeting.html",
        title=describe(found),
        meeting=found,
        on=local_date(found.starts_at),
        items=items,
        item_versions={item.id: agenda.item_version(item) for item in items},
        item_titles={item.id: f"{item.position}. {item.title}" for item in items},
        move_form=MoveForm(),
        rows=rows,
        quorum=attendance.quorum(found, rows),
        meeting_actions=actions.for_meeting(found),
        previous=meetings.previous_meeting(found),
        today=clock.today(),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    if request.method == "GET":
        form = EditMeetingForm(
            formdata=None,
            meeting_on=local_date(found.starts_at),
            start_time=found.starts_at.astimezone(clock.LONDON).time(),
            place=found.place,
            online_link=found.online_link,
            status=found.status.value,
            version=found.version,
        )
    else:
        form = EditMeetingForm()
    today = clock.today()
    problems = lambda: meetings.meeting_problems(  # noqa: E731
        form.to_input(), editing_id=found.id, today=today
    )
    if _checked(form, problems):
        try:
            changed = meetings.update(
                found.id,
                form.to_input(),
                version=_version(form),
                actor=current_actor(),
                today=today,
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(MEETING_CONFLICT, "error")
            return redirect(url_for("meetings.edit", meeting_id=found.id))
        else:
            flash("Saved the meeting." if changed else "Nothing was changed.", "success")
            return redirect(_meeting_url(found.id))
    return render_template(
        "meetings/edit.html", title=f"Change {describe(found)}", form=form, meeting=found
    )


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def cancel(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    form = CancelForm() if request.method == "POST" else CancelForm(version=found.version)
    if form.validate_on_submit():
        try:
            meetings.cancel(found.id, version=_version(form), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(MEETING_CONFLICT, "error")
            return redirect(url_for("meetings.cancel", meeting_id=found.id))
        else:
            flash(f"Cancelled: {describe(found)}.", "success")
            return redirect(_meeting_url(found.id))
    return render_template(
        "meetings/cancel.html", title=f"Cancel {describe(found)}", form=form, meeting=found
    )


# Agenda items and papers


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add_agenda_item(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    form = AgendaItemForm()
    if _checked(form, lambda: agenda.item_problems(form.to_input())):
        try:
            item = agenda.add_item(found.id, form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(f"Added item {item.position}, {item.title}.", "success")
            return redirect(_meeting_url(found.id, "agenda"))
    return render_template(
        "meetings/agenda_item.html",
        title=f"Add an agenda item: {describe(found)}",
        form=form,
        meeting=found,
        item=None,
    )


@bp.route("/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_agenda_item(item_id: int):
    item = _found(agenda.get_item, item_id)
    if request.method == "GET":
        form = AgendaItemForm(obj=item, formdata=None, version=agenda.item_version(item))
    else:
        form = AgendaItemForm()
    if _checked(form, lambda: agenda.item_problems(form.to_input())):
        try:
            changed = agenda.update_item(
                item.id, form.to_input(), version=form.version.data or "", actor=current_actor()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(ITEM_CONFLICT, "error")
            return redirect(url_for("meetings.edit_agenda_item", item_id=item.id))
        else:
            flash("Saved the agenda item." if changed else "Nothing was changed.", "success")
            return redirect(_meeting_url(item.meeting_id, "agenda"))
    return render_template(
        "meetings/agenda_item.html",
        title=f"Change agenda item {item.position}",
        form=form,
        meeting=item.meeting,
        item=item,
    )


@bp.route("/agenda/<int:item_id>/remove", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def remove_agenda_item(item_id: int):
    item = _found(agenda.get_item, item_id)
    if request.method == "POST":
        form = RemoveItemForm()
    else:
        form = RemoveItemForm(version=agenda.item_version(item))
    if form.validate_on_submit():
        try:
            meeting_id = agenda.remove_item(
                item.id, version=form.version.data or "", actor=current_actor()
            )
        except Conflict:
            flash(ITEM_CONFLICT, "error")
            return redirect(url_for("meetings.remove_agenda_item", item_id=item.id))
        else:
            flash("Took the item off the agenda.", "success")
            return redirect(_meeting_url(meeting_id, "agenda"))
    return render_template(
        "meetings/remove_agenda_item.html",
        title=f"Take item {item.position} off the agenda",
        form=form,
        item=item,
    )


@bp.post("/agenda/<int:item_id>/move")
@require_role(*SECRETARIAT_ROLES)
def move_agenda_item(item_id: int):
    item = _found(agenda.get_item, item_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            agenda.move_item(item.id, form.direction.data or "", actor=current_actor())
        except ServiceError as error:
            flash(" ".join(error.errors.values()), "error")
    return redirect(_meeting_url(item.meeting_id, "agenda"))


@bp.route("/agenda/<int:item_id>/papers/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def upload_paper(item_id: int):
    item = _found(agenda.get_item, item_id)
    form = PaperForm()
    if form.is_submitted():
        form.validate()
        data = form.to_input()
        apply_service_errors(form, agenda.paper_problems(data))
        if not form.errors:
            try:
                paper = agenda.upload_paper(item.id, data, actor=current_actor())
            except ServiceError as error:
                apply_service_errors(form, error.errors)
            else:
                flash(f"Uploaded {paper.title}.", "success")
                return redirect(_meeting_url(item.meeting_id, "agenda"))
    return render_template(
        "meetings/paper.html",
        title=f"Upload a paper for item {item.position}",
        form=form,
        item=item,
        max_mb=agenda.PAPER_MAX_BYTES // (1024 * 1024),
    )


@bp.get("/papers/<int:paper_id>")
@require_role(*SECRETARIAT_ROLES)
def download_paper(paper_id: int):
    return paper_response(_found(agenda.get_paper, paper_id))


@bp.route("/papers/<int:paper_id>/remove", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def remove_paper(paper_id: int):
    paper = _found(agenda.get_paper, paper_id)
    form = RemovePaperForm()
    if form.validate_on_submit():
        item = agenda.remove_paper(paper.id, actor=current_actor())
        flash("Removed the paper.", "success")
        return redirect(_meeting_url(item.meeting_id, "agenda"))
    return render_template(
        "meetings/remove_paper.html", title=f"Remove {paper.title}", form=form, paper=paper
    )


# Attendance, minutes, decisions and actions


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def record_attendance(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    rows = attendance.expected(found)
    form = attendance_form(rows)
    if form.validate_on_submit():
        try:
            result = attendance.record_attendance(
                found.id,
                attendance_answers(form, rows),
                actor=current_actor(),
                today=clock.today(),
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(f"Saved attendance. {result.describe()}.", "success")
            return redirect(_meeting_url(found.id, "attendance"))
    return render_template(
        "meetings/attendance.html",
        title=f"Attendance: {describe(found)}",
        form=form,
        meeting=found,
        rows=rows,
        on=local_date(found.starts_at),
        quorum=attendance.quorum(found, rows),
    )


@bp.route("/bodies/<int:body_id>/quorum", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def set_quorum(body_id: int):
    body = next((b for b in meetings.bodies() if b.id == body_id), None)
    if body is None:
        abort(404)
    back = request.args.get("meeting", type=int)
    if request.method == "GET":
        form = QuorumForm(formdata=None, quorum=str(body.quorum or ""))
    else:
        form = QuorumForm()
    if _checked(form, lambda: attendance.quorum_problems(form.quorum.data)):
        try:
            attendance.set_quorum(body.id, form.quorum.data, actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(f"Saved the quorum for {body.name}.", "success")
            if back:
                return redirect(_meeting_url(back, "attendance"))
            return redirect(url_for("meetings.index", body=body.slug))
    return render_template(
        "meetings/quorum.html", title=f"Quorum: {body.name}", form=form, body=body, back=back
    )


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_minutes(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    if request.method == "GET":
        form = MinutesForm(formdata=None, minutes=found.minutes or "", version=found.version)
    else:
        form = MinutesForm()
    if _checked(form, lambda: minutes.minutes_problems(form.minutes.data)):
        try:
            changed = minutes.save_minutes(
                found.id, form.minutes.data, version=_version(form), actor=current_actor()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            # Keep what they typed: show it again beside the minutes as they are now.
            flash(MEETING_CONFLICT, "error")
            form.version.data = meetings.get_meeting(found.id).version
            form.form_errors.append(
                "Your version is still in the box below, not saved. The saved minutes "
                "are shown under it."
            )
        else:
            flash("Saved the minutes." if changed else "Nothing was changed.", "success")
            return redirect(_meeting_url(found.id, "minutes"))
    return render_template(
        "meetings/minutes.html", title=f"Minutes: {describe(found)}", form=form, meeting=found
    )


@bp.route("/<int:meeting_id>/decisions/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add_decision(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    form = DecisionForm()
    form.set_items(found)

    def problems():
        return minutes.decision_problems(
            found.id, form.text.data, parse_id(form.agenda_item_id.data)
        )

    if _checked(form, problems):
        try:
            minutes.record_decision(
                found.id,
                form.text.data,
                agenda_item_id=parse_id(form.agenda_item_id.data),
                actor=current_actor(),
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash("Recorded the decision.", "success")
            return redirect(_meeting_url(found.id, "decisions"))
    return render_template(
        "meetings/decision.html",
        title=f"Record a decision: {describe(found)}",
        form=form,
        meeting=found,
    )


@bp.route("/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add_action(meeting_id: int):
    found = _found(meetings.get_meeting, meeting_id)
    form = ActionForm()
    form.set_items(found)
    if _checked(form, lambda: actions.action_problems(found.id, form.to_input())):
        try:
            actions.raise_action(found.id, form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash("Recorded the action.", "success")
            return redirect(_meeting_url(found.id, "actions"))
    return render_template(
        "meetings/action.html",
        title=f"Record an action: {describe(found)}",
        form=form,
        meeting=found,
    )


@bp.route("/actions/<int:action_id>/update", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def update_action(action_id: int):
    action = _found(actions.get_action, action_id)
    back = request.args.get("from", type=int)
    today = clock.today()
    if request.method == "GET":
        form = ActionUpdateForm(formdata=None, status=action.status.value, version=action.version)
        if back:
            form.meeting_id.data = str(back)
    else:
        form = ActionUpdateForm()
    choices = actions.meetings_for_update(action)
    form.set_meetings([m for m in choices if local_date(m.starts_at) <= today], describe)
    if _checked(form, lambda: actions.update_problems(action.id, form.to_input(), today=today)):
        try:
            actions.update_action(
                action.id,
                form.to_input(),
                version=_version(form),
                actor=current_actor(),
                today=today,
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(ACTION_CONFLICT, "error")
            return redirect(url_for("meetings.update_action", action_id=action.id))
        else:
            flash("Updated the action.", "success")
            return redirect(_meeting_url(back or action.meeting_id, "actions"))
    return render_template(
        "meetings/action_update.html",
        title="Update an action",
        form=form,
        action=action,
        back=back,
        describe=describe,
    )


# Attendance rates


@bp.get("/attendance-rates")
@require_role(*SECRETARIAT_ROLES)
def attendance_rates():
    bodies = meetings.bodies()
    form = RatesForm(formdata=request.args or None)
    form.body.choices = [SelectChoice(b.slug, b.name) for b in bodies]
    today = clock.today()
    form.validate()
    friendlier_errors(form)
    # The last 12 months unless another year is chosen.
    if form.from_on.data is None and not form.from_on.errors:
        form.from_on.data = today - timedelta(days=364)
    if form.to_on.data is None and not form.to_on.errors:
        form.to_on.data = today
    start, end = form.from_on.data, form.to_on.data
    if start and end and end < start:
        form.to_on.errors = ["The end date must be on or after the start date"]
    rates = None
    if not form.errors and start and end:
        body = next((b for b in bodies if b.slug == form.body.data), None)
        if body is not None:
            rates = attendance.attendance_rates(body.id, start=start, end=end)
    return render_template(
        "meetings/rates.html",
        title="Attendance rates",
        form=form,
        rates=rates,
    )
