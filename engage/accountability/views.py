"""Accountability, for staff: the six functions and their indicators with trends,
measurements per period (recorded, published, corrected), the records behind each
counted figure, the decisions log, and "you said, we did". Views read forms and call
engage.services.accountability, which decides."""

from __future__ import annotations

import base64
import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage import clock, tasks
from engage.accountability import bp
from engage.accountability.forms import (
    LANGUAGE_NAMES,
    ClosureForm,
    DecisionForm,
    DocumentForm,
    MeasurementForm,
    PublishForm,
    StoriesForm,
)
from engage.forms import (
    apply_service_errors,
    found_or_404,
    parse_id,
    sent_and_acceptable,
    version_sent,
)
from engage.models.accountability import PeriodKind, Significance
from engage.packs import charts
from engage.permissions import (
    SECRETARIAT_ROLES,
    STAFF_ROLES,
    access_rule_for,
    current_actor,
    require_role,
)
from engage.services.accountability import closing_loop, computed, decisions, measurements, periods
from engage.services.common.transaction import Conflict, ServiceError
from engage.services.digests import digests as digest_service

CONFLICT = (
    "Someone else changed this while you were editing it. What you typed is below, not "
    "saved: check it against the saved version and send it again."
)
RECENT_QUARTERS = 6
RECENT_YEARS = 3


_found = found_or_404


_version = version_sent


def _period(key: str) -> periods.Period:
    try:
        return periods.parse_key(key)
    except ValueError:
        abort(404)


_checked = sent_and_acceptable


def _refresh_public_figures() -> None:
    """What was published reaches the public figures without waiting for the nightly
    refresh (a background task; inline in the embedded default)."""
    tasks.start(tasks.refresh_figures)


def _describe_meeting(meeting) -> str:
    return f"{meeting.body.name}, {clock.format_date(meeting.starts_at)}"


def _describe_digest(digest) -> str:
    return (
        f"{digest.body.name}: {clock.format_date(digest.period_start)} to "
        f"{clock.format_date(digest.period_end)}"
    )


def _recent_periods() -> tuple[list[periods.Period], list[periods.Period]]:
    today = clock.today()
    return (
        periods.recent(today, PeriodKind.QUARTER, RECENT_QUARTERS),
        periods.recent(today, PeriodKind.YEAR, RECENT_YEARS),
    )


def _evidence_for(indicator_id: int) -> list:
    """Evidence data charts for an indicator (engage.services.evidence, when present)."""
    try:
        from engage.services.evidence import datasets
    except ImportError:
        return []
    return datasets.for_indicator(indicator_id)


def _value(measurement) -> float | None:
    return float(measurement.value) if measurement and measurement.value is not None else None


def _chart(title: str, labels: list[str], values: list) -> str:
    png = charts.bar_chart_png(
        labels, [{"name": "Published figure", "values": values}], title=title
    )
    return base64.b64encode(png).decode("ascii")


# Functions and indicators -------------------------------------------------------------


@bp.get("/")
@require_role(*STAFF_ROLES)
def index():
    quarters, years = _recent_periods()
    found = measurements.functions()
    ids = [i.id for f in found for i in f.indicators]
    latest = measurements.published_series(ids, [quarters[-1], years[-1]])
    return render_template(
        "accountability/index.html",
        title="Functions and indicators",
        functions=found,
        latest=latest,
        quarter=quarters[-1],
        year=years[-1],
        counted=computed.COUNTED,
    )


@bp.get("/functions/<slug>")
@require_role(*STAFF_ROLES)
def function(slug: str):
    found = _found(measurements.function_by_slug, slug)
    quarters, years = _recent_periods()
    ids = [i.id for i in found.indicators]
    series = measurements.published_series(ids, quarters + years)
    trends = []
    for indicator in found.indicators:
        rows = [(p, series.get((indicator.id, p))) for p in quarters + years]
        charts_drawn = []
        if measurements.is_number_indicator(indicator):
            # Quarters and years on separate charts: a year's figure is not a quarter's.
            for kind_periods, caption in ((quarters, "By quarter"), (years, "By year")):
                values = [_value(series.get((indicator.id, p))) for p in kind_periods]
                if any(v is not None for v in values):
                    labels = [p.label for p in kind_periods]
                    charts_drawn.append((caption, _chart(indicator.text, labels, values)))
        trends.append((indicator, rows, charts_drawn))
    return render_template(
        "accountability/function.html",
        title=found.title,
        function=found,
        trends=trends,
        units=computed.UNITS,
    )


@bp.get("/indicators/<slug>")
@require_role(*STAFF_ROLES)
def indicator(slug: str):
    found = _found(measurements.indicator_by_slug, slug)
    quarters, years = _recent_periods()
    rows = [measurements.row(found, p) for p in reversed(quarters + years)]
    return render_template(
        "accountability/indicator.html",
        title=found.text,
        indicator=found,
        rows=rows,
        counted=computed.is_counted(found.slug),
        units=computed.UNITS,
        evidence=_evidence_for(found.id),
        yearly_only=measurements.YEARLY_ONLY,
    )


@bp.get("/indicators/<slug>/records/<key>")
@require_role(*STAFF_ROLES)
def records(slug: str, key: str):
    found = _found(measurements.indicator_by_slug, slug)
    period = _period(key)
    figure = computed.figure(found.slug, period)
    if figure is None:
        abort(404)
    return render_template(
        "accountability/records.html",
        title=f"Records behind the figure: {period.label}",
        indicator=found,
        period=period,
        figure=figure,
    )


def _record_url(record) -> str | None:
    """Where the person reading may open a record behind a figure (no link where the
    page is not theirs to open)."""
    targets = {
        "decision": ("accountability.decision", {"decision_id": record.id}),
        "commitment": ("commitments.show", {"commitment_id": record.id}),
        "engagement": ("officer.group_detail", {"group_id": record.id}),
        "register": (
            "registers.entries",
            {"kind": record.extra, "_anchor": f"entry-{record.id}"},
        ),
        "report": ("reports.public_report", {"year": record.id}),
    }
    if record.kind not in targets:
        return None
    endpoint, values = targets[record.kind]
    rule = access_rule_for(endpoint)
    if rule is None or not rule.allows(current_user):
        return None
    return url_for(endpoint, **values)


@bp.app_template_global("accountability_record_url")
def accountability_record_url(record) -> str | None:
    return _record_url(record)


# Measurements ---------------------------------------------------------------------


def _measurement_page(indicator, period, form, *, measurement=None, correcting=False):
    return render_template(
        "accountability/measurement_form.html",
        title=f"{indicator.text} {period.label}",
        indicator=indicator,
        period=period,
        form=form,
        measurement=measurement,
        correcting=correcting,
        counted=computed.is_counted(indicator.slug),
        number=indicator.slug in measurements.NUMBER_ENTERED,
        live=computed.figure(indicator.slug, period),
        units=computed.UNITS,
    )


@bp.route("/indicators/<slug>/periods/<key>/record", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def record_measurement(slug: str, key: str):
    found = _found(measurements.indicator_by_slug, slug)
    period = _period(key)
    if problem := measurements.period_problem(found, period, clock.today()):
        flash(f"{problem}.", "error")
        return redirect(url_for("accountability.indicator", slug=found.slug))
    form = MeasurementForm()
    if _checked(form, lambda: measurements.problems(found, form.to_input())):
        try:
            created = measurements.record(found.id, period, form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash("Recorded as a draft. Check it, then publish it.", "success")
            return redirect(url_for("accountability.measurement", measurement_id=created.id))
    return _measurement_page(found, period, form)


@bp.get("/measurements/<int:measurement_id>")
@require_role(*STAFF_ROLES)
def measurement(measurement_id: int):
    found = _found(measurements.get, measurement_id)
    period = measurements.period_of(found)
    publish_form = PublishForm()
    publish_form.version.data = found.row_version
    return render_template(
        "accountability/measurement.html",
        title=f"{found.indicator.text} {period.label}",
        measurement=found,
        period=period,
        history=measurements.versions(found.indicator_id, period),
        publish_form=publish_form,
        document_form=DocumentForm(),
        units=computed.UNITS,
    )


@bp.route("/measurements/<int:measurement_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_measurement(measurement_id: int):
    found = _found(measurements.get, measurement_id)
    if found.published_at is not None:
        flash("This version is published and cannot be changed. Correct it instead.", "info")
        return redirect(url_for("accountability.measurement", measurement_id=found.id))
    form = MeasurementForm()
    if not form.is_submitted():
        form.fill(measurements.input_from(found))
        form.correction_reason.data = found.correction_reason
        form.version.data = found.row_version
    correcting = found.version > 1

    def problems():
        return measurements.problems(found.indicator, form.to_input(), correcting=correcting)

    if _checked(form, problems):
        try:
            measurements.update_draft(
                found.id, form.to_input(), version=_version(form), actor=current_actor()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            form.form_errors.append(CONFLICT)
            form.version.data = measurements.get(found.id).row_version
        else:
            flash("Saved the draft.", "success")
            return redirect(url_for("accountability.measurement", measurement_id=found.id))
    return _measurement_page(
        found.indicator,
        measurements.period_of(found),
        form,
        measurement=found,
        correcting=correcting,
    )


@bp.post("/measurements/<int:measurement_id>/publish")
@require_role(*SECRETARIAT_ROLES)
def publish_measurement(measurement_id: int):
    found = _found(measurements.get, measurement_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            measurements.publish(found.id, version=_version(form), actor=current_actor())
        except ServiceError as error:
            for message in error.errors.values():
                flash(message, "error")
        except Conflict:
            flash("It was changed since you opened it. Check it and publish again.", "error")
        else:
            _refresh_public_figures()
            flash(
                "Published. It can no longer be changed; a correction is a new version.", "success"
            )
    return redirect(url_for("accountability.measurement", measurement_id=found.id))


@bp.route("/measurements/<int:measurement_id>/correct", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def correct_measurement(measurement_id: int):
    found = _found(measurements.get, measurement_id)
    form = MeasurementForm()
    if not form.is_submitted():
        form.fill(measurements.input_from(found))

    def problems():
        return measurements.problems(found.indicator, form.to_input(), correcting=True)

    if _checked(form, problems):
        try:
            created = measurements.correct(found.id, form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash("Recorded the correction as a draft. Publish it when it is right.", "success")
            return redirect(url_for("accountability.measurement", measurement_id=created.id))
    return _measurement_page(
        found.indicator,
        measurements.period_of(found),
        form,
        measurement=found,
        correcting=True,
    )


@bp.post("/measurements/<int:measurement_id>/documents")
@require_role(*SECRETARIAT_ROLES)
def add_document(measurement_id: int):
    found = _found(measurements.get, measurement_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read() if upload else b""
        try:
            measurements.add_document(
                found.id, upload.filename if upload else "", content, actor=current_actor()
            )
        except ServiceError as error:
            for message in error.errors.values():
                flash(message, "error")
        else:
            flash("Added the document.", "success")
    return redirect(url_for("accountability.measurement", measurement_id=found.id))


@bp.get("/documents/<int:document_id>")
@require_role(*STAFF_ROLES)
def document(document_id: int):
    found = _found(measurements.get_document, document_id)
    return send_file(
        io.BytesIO(found.data),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )


# The decisions log ------------------------------------------------------------------


@bp.get("/decisions")
@require_role(*STAFF_ROLES)
def decisions_log():
    return render_template(
        "accountability/decisions.html",
        title="Decisions influenced",
        entries=decisions.log_entries(),
        scale=list(Significance),
    )


def _decision_form(form: DecisionForm, decision=None):
    """The choices: recent held meetings and digests, and whatever the decision already
    links to however old, so saving never drops a link nobody unticked."""
    held = decisions.held_meetings(12)
    linked_meetings = [m for m in (decision.meetings if decision else []) if m not in held]
    meeting_list = held + linked_meetings
    recent = decisions.recent_digests()
    linked_digests = [d for d in (decision.digests if decision else []) if d not in recent]
    ids = [m.id for m in meeting_list]
    form.set_choices(
        meeting_list,
        decisions.agenda_items_of(ids),
        decisions.meeting_decisions(ids),
        recent + linked_digests,
        _describe_meeting,
        _describe_digest,
    )


def _decision_page(form, decision=None):
    return render_template(
        "accountability/decision_form.html",
        title="Change a logged decision" if decision else "Log a decision influenced",
        form=form,
        decision=decision,
        scale=list(Significance),
    )


@bp.route("/decisions/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def new_decision():
    form = DecisionForm()
    _decision_form(form)
    if _checked(form, lambda: decisions.problems(form.to_input())):
        try:
            created = decisions.add(form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            _refresh_public_figures()
            flash("Logged the decision. Now link the stories behind it.", "success")
            return redirect(url_for("accountability.decision_stories", decision_id=created.id))
    return _decision_page(form)


@bp.get("/decisions/<int:decision_id>")
@require_role(*STAFF_ROLES)
def decision(decision_id: int):
    found = _found(decisions.get, decision_id)
    publish_form = PublishForm()
    return render_template(
        "accountability/decision.html",
        title=found.title,
        decision=found,
        stories=decisions.visible_stories(found),
        to_email=closing_loop.residents_to_email(found),
        publish_form=publish_form,
        describe_meeting=_describe_meeting,
        describe_digest=_describe_digest,
        language_names=LANGUAGE_NAMES,
    )


@bp.route("/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_decision(decision_id: int):
    found = _found(decisions.get, decision_id)
    form = DecisionForm()
    if not form.is_submitted():
        form.fill(decisions.input_from(found))
        form.version.data = found.version
    _decision_form(form, found)
    if _checked(form, lambda: decisions.problems(form.to_input())):
        try:
            decisions.change(
                found.id, form.to_input(), version=_version(form), actor=current_actor()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            form.form_errors.append(CONFLICT)
            form.version.data = decisions.get(found.id).version
        else:
            _refresh_public_figures()
            flash("Saved the decision.", "success")
            return redirect(url_for("accountability.decision", decision_id=found.id))
    return _decision_page(form, found)


def _offered_ids(offered) -> list[int]:
    """Story numbers in the linked digests, each once, in the order shown."""
    seen: dict[int, None] = {}
    for _digest, items in offered:
        for item in items:
            seen.setdefault(item.submission_id)
    return list(seen)


@bp.route("/decisions/<int:decision_id>/stories", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def decision_stories(decision_id: int):
    found = _found(decisions.get, decision_id)
    offered = [(digest, digest_service.stories_of(digest)) for digest in found.digests]
    linked = {s.id for s in found.stories}
    form = StoriesForm()
    seen = _offered_ids(offered)
    choices = [(str(n), f"#{n}") for n in seen]
    form.story_ids.choices = [SelectChoice(value, label) for value, label in choices]
    if not form.is_submitted():
        form.story_ids.data = [str(n) for n in linked if n in seen]
        form.other_numbers.data = ", ".join(f"#{n}" for n in sorted(linked - set(seen)))
        form.version.data = found.version
    elif form.validate():
        typed, problem = decisions.parse_story_numbers(form.other_numbers.data or "")
        if problem:
            form.other_numbers.errors = [problem]
        else:
            ticked = [n for n in (parse_id(v) for v in form.story_ids.data or []) if n]
            try:
                decisions.set_stories(
                    found.id, ticked + typed, version=_version(form), actor=current_actor()
                )
            except ServiceError as error:
                form.other_numbers.errors = [error.errors["stories"]]
            except Conflict:
                form.form_errors.append(CONFLICT)
                form.version.data = decisions.get(found.id).version
            else:
                flash("Saved the stories behind this decision.", "success")
                return redirect(url_for("accountability.decision", decision_id=found.id))
    return render_template(
        "accountability/decision_stories.html",
        title=f"Stories behind: {found.title}",
        decision=found,
        form=form,
        offered=offered,
        describe_digest=_describe_digest,
    )


# You said, we did --------------------------------------------------------------------


def _closure_page(form, decision, closure=None):
    return render_template(
        "accountability/closure_form.html",
        title="You said, we did",
        form=form,
        decision=decision,
        closure=closure,
        to_email=closing_loop.residents_to_email(decision),
    )


@bp.route("/decisions/<int:decision_id>/you-said-we-did", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def write_closure(decision_id: int):
    found = _found(decisions.get, decision_id)
    form = ClosureForm()
    form.set_themes(closing_loop.themes())
    if _checked(form, lambda: closing_loop.problems(form.to_input())):
        try:
            closing_loop.write(found.id, form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash("Saved as a draft. Publish it to tell residents.", "success")
            return redirect(url_for("accountability.decision", decision_id=found.id))
    return _closure_page(form, found)


@bp.route("/you-said-we-did/<int:closure_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_closure(closure_id: int):
    found = _found(closing_loop.get, closure_id)
    if found.published_at is not None:
        flash("It is published and cannot be changed.", "info")
        return redirect(url_for("accountability.decision", decision_id=found.decision_id))
    form = ClosureForm()
    form.set_themes(closing_loop.themes())
    if not form.is_submitted():
        form.fill(closing_loop.input_from(found))
        form.version.data = found.version
    if _checked(form, lambda: closing_loop.problems(form.to_input())):
        try:
            closing_loop.rewrite(
                found.id, form.to_input(), version=_version(form), actor=current_actor()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            form.form_errors.append(CONFLICT)
            form.version.data = closing_loop.get(found.id).version
        else:
            flash("Saved the draft.", "success")
            return redirect(url_for("accountability.decision", decision_id=found.decision_id))
    return _closure_page(form, found.decision, found)


@bp.post("/you-said-we-did/<int:closure_id>/publish")
@require_role(*SECRETARIAT_ROLES)
def publish_closure(closure_id: int):
    found = _found(closing_loop.get, closure_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            told = closing_loop.publish(found.id, version=_version(form), actor=current_actor())
        except ServiceError as error:
            for message in error.errors.values():
                flash(message, "error")
        except Conflict:
            flash("It was changed since you opened it. Check it and publish again.", "error")
        else:
            _refresh_public_figures()
            flash(
                f"Published. {told} resident{'s' if told != 1 else ''} who agreed to be "
                "contacted will be emailed.",
                "success",
            )
    return redirect(url_for("accountability.decision", decision_id=found.decision_id))
