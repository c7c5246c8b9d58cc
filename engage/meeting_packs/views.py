"""Meeting packs: the secretariat builds and publishes versions; members read the
published one, as a page or a PDF."""

from __future__ import annotations

import base64
import functools
import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from engage.meeting_packs import bp
from engage.packs import charts
from engage.paper_download import paper_response
from engage.permissions import SECRETARIAT_ROLES, STAFF_ROLES, current_actor, require_role
from engage.services.common.transaction import NotFound, ServiceError
from engage.services.meetings import meetings as meeting_service
from engage.services.packs import builder


def _pack_or_404(pack_id: int):
    try:
        pack = builder.get(pack_id)
    except NotFound:
        abort(404)
    if not builder.may_read(current_user, pack):
        abort(404)
    return pack


@bp.get("/")
@require_role(*STAFF_ROLES)
def index():
    """Published packs of the bodies a member sits on."""
    return render_template(
        "packs/index.html", title="Meeting packs", packs=builder.published_for(current_user)
    )


@bp.get("/meetings/<int:meeting_id>")
@require_role(*SECRETARIAT_ROLES)
def versions(meeting_id: int):
    try:
        meeting = meeting_service.get_meeting(meeting_id)
    except NotFound:
        abort(404)
    return render_template(
        "packs/versions.html",
        title=f"Meeting packs: {meeting.body.name}",
        meeting=meeting,
        packs=builder.versions(meeting.id),
        form=FlaskForm(),
    )


@bp.post("/meetings/<int:meeting_id>/build")
@require_role(*SECRETARIAT_ROLES)
def build(meeting_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        pack = builder.build(meeting_id, actor=current_actor())
    except NotFound:
        abort(404)
    except ServiceError as error:
        flash(next(iter(error.errors.values())), "error")
        return redirect(url_for("packs.versions", meeting_id=meeting_id))
    if pack.pdf_error:
        flash(f"Version {pack.version} built. {pack.pdf_error}", "error")
    else:
        flash(
            f"Version {pack.version} built, as a page and a PDF. Publish it when it is ready.",
            "success",
        )
    return redirect(url_for("packs.versions", meeting_id=meeting_id))


@bp.post("/<int:pack_id>/publish")
@require_role(*SECRETARIAT_ROLES)
def publish(pack_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    pack = _pack_or_404(pack_id)
    builder.publish(pack.id, actor=current_actor())
    flash(
        f"Version {pack.version} published: members of {pack.meeting.body.name} can read it.",
        "success",
    )
    return redirect(url_for("packs.versions", meeting_id=pack.meeting_id))


@functools.lru_cache(maxsize=64)
def _chart_url(block_json: str) -> str:
    """A chart as a data: URL. Drawing takes a fifth of a second, and a pack's charts
    change only when it is rebuilt or a story leaves it, so each is drawn once."""
    block = json.loads(block_json)
    png = charts.bar_chart_png(block["labels"], block["series"], y_label=block.get("y_label", ""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _chart_images(content: dict) -> dict[int, str]:
    """Each chart block's image, keyed by the block's id()."""
    return {
        id(block): _chart_url(json.dumps(block, sort_keys=True))
        for section in content["sections"]
        for block in section["blocks"]
        if block["type"] == "chart"
    }


@bp.get("/<int:pack_id>")
@require_role(*STAFF_ROLES)
def show(pack_id: int):
    pack = _pack_or_404(pack_id)
    content = builder.visible_content(pack)
    return render_template(
        "packs/show.html",
        title=content["title"],
        pack=pack,
        content=content,
        images=_chart_images(content),
    )


@bp.get("/<int:pack_id>/papers/<int:paper_id>")
@require_role(*STAFF_ROLES)
def paper(pack_id: int, paper_id: int):
    """A paper from the pack's agenda, for anyone who may read the pack."""
    pack = _pack_or_404(pack_id)
    try:
        found = builder.paper_of(pack, paper_id)
    except NotFound:
        abort(404)
    return paper_response(found)


@bp.get("/<int:pack_id>/pack.pdf")
@require_role(*STAFF_ROLES)
def pdf(pack_id: int):
    pack = _pack_or_404(pack_id)
    data = builder.pdf_of(pack)
    if data is None:
        flash(pack.pdf_error or "The PDF could not be made. The page version works.", "error")
        return redirect(url_for("packs.show", pack_id=pack.id))
    filename = f"meeting-pack-{pack.meeting_id}-v{pack.version}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
