"""Evidence data: the secretariat adds datasets of published statistics by ethnic group
and uploads them as CSV, version after version; staff read them as a chart with its
table, and download any version's file as it was sent. Views read forms and call
engage.services.evidence, which decides."""

from __future__ import annotations

import io
import json

from flask import Response, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from engage.evidence import bp
from engage.evidence.forms import DatasetForm, VersionForm
from engage.forms import apply_service_errors, found_or_404
from engage.permissions import (
    SECRETARIAT_ROLES,
    STAFF_ROLES,
    access_rule_for,
    current_actor,
    require_role,
)
from engage.services.common.transaction import ServiceError
from engage.services.evidence import datasets, validation

_found = found_or_404


def _may(endpoint: str) -> bool:
    """Whether the signed-in person may use a page: the links follow the access rules."""
    rule = access_rule_for(endpoint)
    return rule is not None and rule.allows(current_user)


def _format_help() -> dict:
    """What the upload page says about the file: from the declared schema itself."""
    return {
        "fields": validation.declared_schema()["fields"],
        "required": validation.REQUIRED_COLUMNS,
        "max_mb": validation.MAX_BYTES // (1024 * 1024),
        "max_rows": validation.MAX_ROWS,
    }


@bp.get("/")
@require_role(*STAFF_ROLES)
def index():
    return render_template(
        "evidence/index.html",
        title="Evidence data",
        datasets=datasets.all_datasets(),
        may_add=_may("evidence.new_dataset"),
    )


@bp.get("/schema.json")
@require_role(*STAFF_ROLES)
def schema():
    """The Table Schema a file must follow, with the accepted groups and areas listed."""
    text = json.dumps(datasets.published_schema(), indent=2, ensure_ascii=False)
    return Response(
        text,
        mimetype="application/json",
        headers={"Content-Disposition": 'inline; filename="evidence-table-schema.json"'},
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def new_dataset():
    form = DatasetForm()
    form.set_indicators(datasets.indicator_groups())
    if form.is_submitted():
        form.validate()
        apply_service_errors(form, datasets.dataset_problems(form.to_input()))
        if not form.errors:
            try:
                made = datasets.create_dataset(form.to_input(), actor=current_actor())
            except ServiceError as error:
                apply_service_errors(form, error.errors)
            else:
                flash(f"Added {made.title}. Now upload its figures.", "success")
                return redirect(url_for("evidence.upload", dataset_id=made.id))
    return render_template("evidence/new.html", title="Add an evidence dataset", form=form)


@bp.get("/<int:dataset_id>")
@require_role(*STAFF_ROLES)
def dataset(dataset_id: int):
    found = _found(datasets.get, dataset_id)
    versions = list(reversed(found.versions))
    return render_template(
        "evidence/dataset.html",
        title=found.title,
        dataset=found,
        versions=versions,
        view=datasets.view_of(versions[0]) if versions else None,
        may_upload=_may("evidence.upload"),
    )


@bp.route("/<int:dataset_id>/versions/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def upload(dataset_id: int):
    found = _found(datasets.get, dataset_id)
    form = VersionForm()
    problems = None
    if form.is_submitted() and form.validate():
        try:
            version = datasets.upload_version(found.id, form.to_input(), actor=current_actor())
        except validation.FileProblems as refused:
            problems = refused
            apply_service_errors(form, refused.errors)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(
                f"Uploaded version {version.version} of {found.title}: {version.row_count:,} rows.",
                "success",
            )
            return redirect(url_for("evidence.dataset", dataset_id=found.id))
    return render_template(
        "evidence/upload.html",
        title=f"Upload figures: {found.title}",
        form=form,
        dataset=found,
        problems=problems,
        licences=datasets.LICENCES,
        next_version=len(found.versions) + 1,
        **_format_help(),
    )


@bp.get("/<int:dataset_id>/versions/<int:number>")
@require_role(*STAFF_ROLES)
def version(dataset_id: int, number: int):
    found = _found(datasets.get_version, dataset_id, number)
    return render_template(
        "evidence/version.html",
        title=f"{found.dataset.title}: version {found.version}",
        version=found,
        view=datasets.view_of(found),
        latest=len(found.dataset.versions),
    )


@bp.get("/<int:dataset_id>/versions/<int:number>.csv")
@require_role(*STAFF_ROLES)
def version_csv(dataset_id: int, number: int):
    """The file exactly as it was uploaded, always as an attachment."""
    found = _found(datasets.get_version, dataset_id, number)
    return send_file(
        io.BytesIO(datasets.csv_bytes(found)),
        mimetype="text/csv",
        as_attachment=True,
        download_name=datasets.download_name(found),
        max_age=0,
    )


@bp.get("/<int:dataset_id>/versions/<int:number>/chart.png")
@require_role(*STAFF_ROLES)
def chart(dataset_id: int, number: int):
    found = _found(datasets.get_version, dataset_id, number)
    return Response(datasets.chart_png(datasets.view_of(found)), mimetype="image/png")
