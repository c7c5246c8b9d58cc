"""The public figures page, its charts and downloads, and "you said, we did". The figures
are read from the newest snapshot (one query): nothing is counted per request. "You said,
we did" lists the published summaries as they are, so each shows once published."""

from __future__ import annotations

import functools
import json

from flask import Response, abort, current_app, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from engage.figures import bp, present
from engage.i18n import current_language
from engage.packs import charts
from engage.permissions import public
from engage.services.figures import downloads, snapshots
from engage.services.figures import you_said_we_did as summaries

PREFIX = "/figures"
REPORT_ENDPOINT = "reports.public_report"
# Downloads may be read by other sites' scripts: they are public open data.
OPEN = {"Access-Control-Allow-Origin": "*"}


def _latest_or_404() -> snapshots.Published:
    published = snapshots.latest()
    if published is None:
        abort(404)
    return published


def _report_url(year: int) -> str | None:
    """The published report's page, once the reports pages exist."""
    if REPORT_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(REPORT_ENDPOINT, year=year)


@bp.get(f"{PREFIX}/")
@public
def index():
    published = snapshots.latest()
    if published is None:
        return render_template("figures/preparing.html", title=_("Public figures"))
    return render_template(
        "figures/index.html",
        title=_("Public figures"),
        page=present.page(published),
        report_url=_report_url,
        chart_url=functools.partial(_chart_url, published.id),
    )


def _chart_url(snapshot_id: int, name: str) -> str:
    # The snapshot and the language in the address: a new snapshot or another language
    # is a new image, so browsers may keep each one.
    return url_for("figures.chart", name=name, v=snapshot_id, lang=current_language())


@functools.lru_cache(maxsize=128)
def _png(spec_json: str) -> bytes:
    """Drawing takes a fifth of a second and a snapshot's charts never change, so each
    is drawn once per process and language."""
    spec = json.loads(spec_json)
    return charts.bar_chart_png(spec["labels"], spec["series"], y_label=spec["y_label"])


@bp.get(f"{PREFIX}/charts/<name>.png")
@public
def chart(name: str):
    spec = present.chart(_latest_or_404(), name)
    if spec is None:
        abort(404)
    png = _png(json.dumps(spec, sort_keys=True, ensure_ascii=False))
    return Response(png, mimetype="image/png")


def _download(name: str, make, mimetype: str, filename: str) -> Response:
    published = _latest_or_404()
    try:
        body = make(published, name)
    except downloads.UnknownTable:
        abort(404)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **OPEN},
    )


@bp.get(f"{PREFIX}/<name>.csv")
@public
def download_csv(name: str):
    return _download(name, downloads.as_csv, "text/csv", f"{name}.csv")


@bp.get(f"{PREFIX}/<name>.json")
@public
def download_json(name: str):
    if name.endswith(".schema"):  # /figures/x.schema.json, whichever rule matched
        return schema(name.removesuffix(".schema"))
    return _download(
        name,
        lambda published, table: downloads.as_json(
            published, table, url_for("figures.schema", name=table, _external=True)
        ),
        "application/json",
        f"{name}.json",
    )


@bp.get(f"{PREFIX}/<name>.schema.json")
@public
def schema(name: str):
    published = _latest_or_404()
    try:
        described = downloads.schema(published, name)
    except downloads.UnknownTable:
        abort(404)
    return Response(
        json.dumps(described, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers=OPEN,
    )


@bp.get(f"{PREFIX}/datapackage.json")
@public
def datapackage():
    package = downloads.data_package(_latest_or_404())
    return Response(
        json.dumps(package, ensure_ascii=False, indent=1), mimetype="application/json", headers=OPEN
    )


@bp.get("/you-said-we-did")
@public
def you_said_we_did():
    return render_template(
        "figures/you_said_we_did.html",
        title=_("You said, we did"),
        groups=summaries.by_theme(str(get_locale() or "en")),
    )
