"""The annual progress report: the secretariat starts a year's draft, writes its
narrative sections, previews it as a page and a PDF, and publishes it; the public read
every published year. Views read forms and call engage.services.reports, which decides."""

from __future__ import annotations

import base64
import functools
import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import clock, tasks
from engage.forms import apply_service_errors, sent_and_acceptable
from engage.packs import charts
from engage.permissions import SECRETARIAT_ROLES, current_actor, public, require_role
from engage.reports import bp
from engage.reports.forms import MoveForm, SectionForm, StartForm, VersionForm, version_of
from engage.services.accountability.periods import year_label
from engage.services.common import disclosure
from engage.services.common.transaction import Conflict, NotFound, ServiceError
from engage.services.reports import drafts, narrative, publishing
from engage.services.reports.drafts import Published

CONFLICT = (
    "Someone else changed this report while you were editing it. Your words are still "
    "in the boxes below, not saved: check the report as it is now and save again."
)
MOVE_CONFLICT = "Someone else changed this report just now. Check the order and try again."


def _settings() -> dict[str, int]:
    return disclosure.from_config(current_app.config)


def _found(year: int):
    try:
        return drafts.get(year)
    except NotFound:
        abort(404)


def _report_url(year: int, anchor: str | None = None) -> str:
    return url_for("reports.report", year=year, _anchor=anchor)


def _refuse_published(report):
    """A published report's edit pages send people back to it, saying why."""
    flash(drafts.PUBLISHED, "error")
    return redirect(_report_url(report.year))


_checked = sent_and_acceptable


@functools.lru_cache(maxsize=128)
def _chart_url(block_json: str) -> str:
    """A chart as a data: URL, drawn once per set of figures (a published report's
    never change)."""
    block = json.loads(block_json)
    png = charts.bar_chart_png(block["labels"], block["series"], y_label=block.get("y_label", ""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _chart_images(document: dict) -> dict[int, str]:
    return {
        id(block): _chart_url(json.dumps(block, sort_keys=True))
        for section in document["sections"]
        for block in section["blocks"]
        if block["type"] == "figure"
    }


def _document(report) -> dict:
    return publishing.document(report, today=clock.today(), settings=_settings())


def _pdf_response(data: bytes, year: int, *, draft: bool) -> Response:
    name = f"annual-progress-report-{year_label(year).replace('/', '-')}"
    filename = f"{'draft-' if draft else ''}{name}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# The secretariat's pages


def _index_page(form: StartForm) -> str:
    rows = [(r, year_label(r.year), len(drafts.sections(r))) for r in drafts.all_reports()]
    return render_template("reports/index.html", title="Annual reports", rows=rows, form=form)


@bp.get("/reports/")
@require_role(*SECRETARIAT_ROLES)
def index():
    years = drafts.years_offered(clock.today())
    form = StartForm(formdata=None, report_year=str(years[0]))
    form.set_years(years)
    return _index_page(form)


@bp.post("/reports/new")
@require_role(*SECRETARIAT_ROLES)
def start():
    form = StartForm()
    today = clock.today()
    form.set_years(drafts.years_offered(today))
    if _checked(form, lambda: drafts.year_problems(form.year(), today)):
        try:
            report, created = drafts.start(form.year(), actor=current_actor(), today=today)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            if created:
                flash(f"Started the {year_label(report.year)} report as a draft.", "success")
            else:
                flash(f"{year_label(report.year)} already has a report: here it is.", "success")
            return redirect(_report_url(report.year))
    return _index_page(form)


@bp.get("/reports/<int:year>")
@require_role(*SECRETARIAT_ROLES)
def report(year: int):
    found = _found(year)
    return render_template(
        "reports/report.html",
        title=f"Annual report {year_label(year)}",
        report=found,
        sections=drafts.sections(found),
        move_form=MoveForm(formdata=None, version=found.version),
    )


def _section_page(found, form, *, index: int | None):
    adding = index is None
    return render_template(
        "reports/section.html",
        title=("Add a section" if adding else "Change a section")
        + f": annual report {year_label(found.year)}",
        form=form,
        report=found,
        index=index,
        current=None if adding or not form.form_errors else _current_section(found, index),
        body_limit=narrative.BODY_MAX_LENGTH,
    )


def _current_section(found, index: int):
    try:
        return drafts.sections(drafts.get(found.year))[index]
    except (IndexError, NotFound):
        return None


@bp.route("/reports/<int:year>/sections/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add_section(year: int):
    found = _found(year)
    if found.published_at is not None:
        return _refuse_published(found)
    form = (
        SectionForm(formdata=None, version=found.version)
        if request.method == "GET"
        else (SectionForm())
    )
    if _checked(form, lambda: drafts.section_problems(form.heading.data, form.markdown.data)):
        try:
            drafts.add_section(
                year,
                form.heading.data,
                form.markdown.data,
                version=version_of(form),
                actor=current_actor(),
            )
        except Published:
            return _refuse_published(found)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(CONFLICT, "error")
            form.version.data = drafts.get(year).version
            form.form_errors.append(CONFLICT)
        else:
            flash(f"Added the section \u201c{form.heading.data.strip()}\u201d.", "success")
            return redirect(_report_url(year, "sections"))
    return _section_page(found, form, index=None)


@bp.route("/reports/<int:year>/sections/<int:index>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_section(year: int, index: int):
    found = _found(year)
    if found.published_at is not None:
        return _refuse_published(found)
    present = drafts.sections(found)
    if index >= len(present):
        abort(404)
    if request.method == "GET":
        section = present[index]
        form = SectionForm(
            formdata=None,
            heading=section.heading,
            markdown=section.markdown,
            version=found.version,
        )
    else:
        form = SectionForm()
    if _checked(form, lambda: drafts.section_problems(form.heading.data, form.markdown.data)):
        try:
            changed = drafts.change_section(
                year,
                index,
                form.heading.data,
                form.markdown.data,
                version=version_of(form),
                actor=current_actor(),
            )
        except Published:
            return _refuse_published(found)
        except NotFound:
            abort(404)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            flash(CONFLICT, "error")
            form.version.data = drafts.get(year).version
            form.form_errors.append(CONFLICT)
        else:
            flash("Saved the section." if changed else "Nothing was changed.", "success")
            return redirect(_report_url(year, "sections"))
    return _section_page(found, form, index=index)


@bp.post("/reports/<int:year>/sections/<int:index>/move")
@require_role(*SECRETARIAT_ROLES)
def move_section(year: int, index: int):
    found = _found(year)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            drafts.move_section(
                year,
                index,
                form.direction.data or "",
                version=version_of(form),
                actor=current_actor(),
            )
        except NotFound:
            abort(404)
        except Conflict:
            flash(MOVE_CONFLICT, "error")
        except ServiceError as error:
            flash(" ".join(error.errors.values()), "error")
    return redirect(_report_url(found.year, "sections"))


@bp.route("/reports/<int:year>/sections/<int:index>/remove", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def remove_section(year: int, index: int):
    found = _found(year)
    if found.published_at is not None:
        return _refuse_published(found)
    present = drafts.sections(found)
    if index >= len(present):
        abort(404)
    form = (
        VersionForm(formdata=None, version=found.version)
        if request.method == "GET"
        else (VersionForm())
    )
    if form.validate_on_submit():
        try:
            removed = drafts.remove_section(
                year, index, version=version_of(form), actor=current_actor()
            )
        except Published:
            return _refuse_published(found)
        except NotFound:
            abort(404)
        except Conflict:
            flash(MOVE_CONFLICT, "error")
            return redirect(_report_url(year, "sections"))
        flash(f"Removed the section \u201c{removed.heading}\u201d.", "success")
        return redirect(_report_url(year, "sections"))
    return render_template(
        "reports/remove_section.html",
        title=f"Remove a section: annual report {year_label(year)}",
        form=form,
        report=found,
        section=present[index],
    )


@bp.get("/reports/<int:year>/preview")
@require_role(*SECRETARIAT_ROLES)
def preview(year: int):
    found = _found(year)
    document = _document(found)
    return render_template(
        "reports/preview.html",
        title=document["title"],
        report=found,
        document=document,
        images=_chart_images(document),
        markdown_html=publishing.narrative_html,
    )


@bp.get("/reports/<int:year>/report.pdf")
@require_role(*SECRETARIAT_ROLES)
def pdf(year: int):
    found = _found(year)
    data = publishing.pdf_of(found, today=clock.today(), settings=_settings())
    return _pdf_response(data, year, draft=found.published_at is None)


@bp.route("/reports/<int:year>/publish", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def publish(year: int):
    found = _found(year)
    if found.published_at is not None:
        return _refuse_published(found)
    form = (
        VersionForm(formdata=None, version=found.version)
        if request.method == "GET"
        else (VersionForm())
    )
    if form.validate_on_submit():
        try:
            publishing.publish(
                year,
                version=version_of(form),
                actor=current_actor(),
                today=clock.today(),
                settings=_settings(),
            )
        except Published:
            return _refuse_published(found)
        except Conflict:
            flash(
                "Someone changed this report since you opened this page. Check it and "
                "publish again.",
                "error",
            )
            return redirect(_report_url(year))
        # The public figures list every published report: refresh them now.
        tasks.start(tasks.refresh_figures)
        flash(
            f"Published the {year_label(year)} report. It can no longer be changed, and "
            "anyone can read it on the site.",
            "success",
        )
        return redirect(_report_url(year))
    return render_template(
        "reports/publish.html",
        title=f"Publish the annual report {year_label(year)}",
        form=form,
        report=found,
        sections=drafts.sections(found),
    )


# The public's pages


def _published_or_404(year: int):
    try:
        return publishing.get_published(year)
    except NotFound:
        abort(404)


@bp.get("/progress-reports/")
@public
def public_index():
    reports = publishing.published_reports()
    return render_template(
        "reports/public/index.html",
        title=_("Annual progress reports"),
        reports=reports,
        labels_by_year={r.year: year_label(r.year) for r in reports},
    )


@bp.get("/progress-reports/<int:year>")
@public
def public_report(year: int):
    found = _published_or_404(year)
    document = _document(found)
    return render_template(
        "reports/public/report.html",
        title=_("Annual progress report %(year)s", year=year_label(year)),
        year_label=year_label(year),
        report=found,
        document=document,
        images=_chart_images(document),
        markdown_html=publishing.narrative_html,
    )


@bp.get("/progress-reports/<int:year>.pdf")
@public
def public_pdf(year: int):
    found = _published_or_404(year)
    data = publishing.pdf_of(found, today=clock.today(), settings=_settings())
    return _pdf_response(data, year, draft=False)
