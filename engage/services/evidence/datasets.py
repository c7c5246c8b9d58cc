"""Evidence datasets and their versions.

A dataset is a titled measure (an employment rate, an attainment score) by ethnic group,
optionally attached to one of the terms of reference's indicators. Each upload is a new
version: the CSV kept exactly as sent (so it downloads byte for byte), its rows as
checked (JSON), and where it came from and under what licence. Earlier versions stay.

These are published aggregate statistics, not residents' answers: no disclosure control
applies, but every chart says its source and licence.

`for_indicator` and `latest_view` give an EvidenceView, the figures shaped for
engage.packs.charts.bar_chart_png (`chart_png`) and for a table, so the indicator pages
and the annual report show evidence the same way (templates/evidence/_chart.html)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.models import EthnicGroup, Indicator, LocalAuthority, TaskforceFunction
from engage.models.evidence import EvidenceDataset, EvidenceVersion
from engage.packs.charts import bar_chart_png
from engage.services.common import audit
from engage.services.common.transaction import NotFound, ServiceError, transactional
from engage.services.evidence import validation
from engage.services.meetings.common import line, paragraphs
from engage.typed_text import one_line

log = logging.getLogger(__name__)

TITLE_MAX = 300
MEASURE_MAX = 300
UNIT_MAX = 40
DESCRIPTION_MAX = 5000
SOURCE_MAX = 500
SOURCE_URL_MAX = 500
LICENCE_MAX = 200
NOTE_MAX = 2000
FILENAME_MAX = 200

# Offered as suggestions; any licence may be typed.
LICENCES = (
    "Open Government Licence v3.0",
    "Creative Commons Attribution 4.0 (CC BY 4.0)",
    "Open Data Commons Open Database Licence (ODbL)",
    "Crown copyright, re-used with permission",
)
MISSING = "\u2013"  # a cell with no figure, as the packs show it


@dataclass
class DatasetInput:
    title: str | None = ""
    measure: str | None = ""
    unit: str | None = ""
    description: str | None = ""
    indicator_id: int | None = None


@dataclass
class VersionInput:
    filename: str | None = ""
    content: bytes | None = b""
    source: str | None = ""
    source_url: str | None = ""
    licence: str | None = ""
    note: str | None = ""


@dataclass(frozen=True)
class EvidenceView:
    """One version of a dataset, ready to show: `labels` are the ethnic groups (the
    chart's categories, in the file's order); `series` the areas and/or periods (one
    series named after the measure when the file has neither); `values[i][j]` is series
    i's figure for label j (None: no figure). The table has one row per row of the file,
    its cells as text."""

    dataset_id: int
    title: str
    measure: str
    unit: str
    version: int
    source: str
    source_url: str
    licence: str
    uploaded_at: datetime
    labels: list[str]
    series: list[str]
    values: list[list[float | None]]
    table_columns: list[str]
    table_rows: list[list[str]]


# Reading


def get(dataset_id: int) -> EvidenceDataset:
    dataset = db.session.get(EvidenceDataset, dataset_id)
    if dataset is None:
        raise NotFound(dataset_id)
    return dataset


def get_version(dataset_id: int, number: int) -> EvidenceVersion:
    version = db.session.scalar(
        select(EvidenceVersion).where(
            EvidenceVersion.dataset_id == dataset_id, EvidenceVersion.version == number
        )
    )
    if version is None:
        raise NotFound(number)
    return version


def all_datasets() -> list[EvidenceDataset]:
    """Every dataset, by title, with its versions and indicator loaded."""
    return list(
        db.session.scalars(
            select(EvidenceDataset)
            .options(
                selectinload(EvidenceDataset.versions), selectinload(EvidenceDataset.indicator)
            )
            .order_by(func.lower(EvidenceDataset.title), EvidenceDataset.id)
        )
    )


def indicator_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """The indicators by function, in the terms of reference's order: for a choice."""
    functions = db.session.scalars(
        select(TaskforceFunction)
        .options(selectinload(TaskforceFunction.indicators))
        .order_by(TaskforceFunction.sort_order)
    )
    return [(f.title, [(i.id, i.text) for i in f.indicators]) for f in functions]


def reference() -> validation.Reference:
    """What the ethnic_group and area cells may say, from the reference tables."""
    groups = db.session.execute(
        select(EthnicGroup.code, EthnicGroup.heading, EthnicGroup.label).order_by(
            EthnicGroup.sort_order
        )
    )
    authorities = db.session.scalars(select(LocalAuthority.name).order_by(LocalAuthority.name))
    return validation.Reference.build(groups.all(), authorities)


def published_schema() -> dict:
    return validation.published_schema(reference())


# Checking what was typed


def _validate_dataset(data: DatasetInput) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    values = {
        "title": line(errors, "title", data.title, TITLE_MAX, required="Enter the title"),
        "measure": line(
            errors,
            "measure",
            data.measure,
            MEASURE_MAX,
            required="Enter what the figures measure",
        ),
        "unit": line(errors, "unit", data.unit, UNIT_MAX),
        "description": paragraphs(errors, "description", data.description, DESCRIPTION_MAX),
        "indicator_id": data.indicator_id,
    }
    if "title" not in errors and _title_taken(values["title"]):
        errors["title"] = "There is already a dataset with this title. Choose another title"
    if data.indicator_id is not None and db.session.get(Indicator, data.indicator_id) is None:
        errors["indicator_id"] = "Choose an indicator from the list, or none"
    return errors, values


def _title_taken(title: str) -> bool:
    return (
        db.session.scalar(
            select(EvidenceDataset.id).where(func.lower(EvidenceDataset.title) == title.lower())
        )
        is not None
    )


def dataset_problems(data: DatasetInput) -> dict[str, str]:
    return _validate_dataset(data)[0]


def _source_url(errors: dict[str, str], value: str | None) -> str:
    link = line(errors, "source_url", value, SOURCE_URL_MAX)
    if not link or "source_url" in errors:
        return link
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or any(c.isspace() for c in link)
        or parts.username
        or parts.password
    ):
        errors["source_url"] = (
            "Enter the web address of the source as it appears in the browser, starting "
            "with https:// or http://"
        )
    return link


def _plain_name(filename: str | None) -> str:
    """The file's name as sent, without any folders a browser put before it."""
    name = one_line(filename).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[-FILENAME_MAX:] if len(name) > FILENAME_MAX else name


def _validate_version(
    data: VersionInput, found: validation.Reference
) -> tuple[dict[str, str], dict, validation.FileProblems | None]:
    """Everything wrong with an upload: the typed fields' errors, the values as kept,
    and the file's problems (also summed up in errors["file"])."""
    errors: dict[str, str] = {}
    values = {
        "source": line(
            errors,
            "source",
            data.source,
            SOURCE_MAX,
            required="Enter the source: who published the figures, and where",
        ),
        "source_url": _source_url(errors, data.source_url),
        "licence": line(
            errors,
            "licence",
            data.licence,
            LICENCE_MAX,
            required="Enter the licence the figures are published under",
        ),
        "note": paragraphs(errors, "note", data.note, NOTE_MAX),
        "filename": _plain_name(data.filename),
    }
    problems = None
    if not data.content and not values["filename"]:
        errors["file"] = "Choose the CSV file to upload"
    else:
        try:
            values["checked"] = validation.check_csv(data.content or b"", found)
        except validation.FileProblems as refused:
            problems = refused
            errors.update(refused.errors)
    return errors, values, problems


# Changing


def _actor_user_id(actor) -> int | None:
    user = audit.as_actor(actor).user
    return user.id if user is not None else None


@transactional
def create_dataset(data: DatasetInput, *, actor) -> EvidenceDataset:
    errors, values = _validate_dataset(data)
    if errors:
        raise ServiceError(errors)
    dataset = EvidenceDataset(**values, created_by_id=_actor_user_id(actor))
    db.session.add(dataset)
    try:
        db.session.flush()
    except IntegrityError:
        # Another upload took the title in the same moment.
        raise ServiceError(
            {"title": "There is already a dataset with this title. Choose another title"}
        ) from None
    audit.record(
        "evidence_dataset.created",
        actor=actor,
        object_type="evidence_dataset",
        object_id=dataset.id,
        detail=f"indicator={dataset.indicator_id or 'none'}",
    )
    log.info("evidence_dataset_created", extra={"dataset_id": dataset.id})
    return dataset


@transactional
def upload_version(dataset_id: int, data: VersionInput, *, actor) -> EvidenceVersion:
    """Keep a checked file as the dataset's next version."""
    # Locked, so two uploads at once number their versions one after the other.
    dataset = db.session.scalar(
        select(EvidenceDataset).where(EvidenceDataset.id == dataset_id).with_for_update()
    )
    if dataset is None:
        raise NotFound(dataset_id)
    errors, values, problems = _validate_version(data, reference())
    if problems is not None:
        raise problems.with_errors(errors)
    if errors:
        raise ServiceError(errors)
    checked: validation.Checked = values.pop("checked")
    last = db.session.scalar(
        select(func.max(EvidenceVersion.version)).where(EvidenceVersion.dataset_id == dataset.id)
    )
    version = EvidenceVersion(
        dataset=dataset,
        version=(last or 0) + 1,
        filename=values.pop("filename") or "evidence.csv",
        csv_text=checked.text,
        rows_json=json.dumps({"columns": checked.columns, "rows": checked.rows}),
        row_count=len(checked.rows),
        uploaded_by_id=_actor_user_id(actor),
        **values,
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "evidence_version.uploaded",
        actor=actor,
        object_type="evidence_dataset",
        object_id=dataset.id,
        detail=(
            f"version={version.version} rows={version.row_count} bytes={len(data.content or b'')}"
        ),
    )
    log.info(
        "evidence_version_uploaded",
        extra={"dataset_id": dataset.id, "version": version.version},
    )
    return version


# Showing


def csv_bytes(version: EvidenceVersion) -> bytes:
    """The file exactly as it was sent (it was UTF-8, so it encodes back the same)."""
    return version.csv_text.encode("utf-8")


_UNSAFE_IN_NAME = re.compile(r"[^\w\-() ]+")


def download_name(version: EvidenceVersion) -> str:
    """A name to save the file under: its own name's letters, digits, spaces, hyphens
    and brackets, then the version."""
    stem = version.filename.rpartition(".")[0] or version.filename
    stem = re.sub(r"[ _]{2,}", " ", _UNSAFE_IN_NAME.sub("_", stem)).strip(" _-")[:100]
    return f"{stem or 'evidence'} (version {version.version}).csv"


def _figure(value) -> str:
    """A number as the table shows it: whole numbers with thousands separators, others
    as the file wrote them (72.5, 0.125)."""
    if value is None:
        return MISSING
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def _first_seen(values) -> list[str]:
    return list(dict.fromkeys(values))


def _series_name(row: dict, by_area: bool, by_period: bool) -> str:
    parts = []
    if by_area:
        parts.append(row["area"] or "No area given")
    if by_period:
        parts.append(row["period"] or "No period given")
    return ", ".join(parts)


def _table(rows: list[dict], unit: str) -> tuple[list[str], list[list[str]]]:
    present = {name for row in rows for name, value in row.items() if value not in ("", None)}
    columns = [("ethnic_group", "Ethnic group")]
    columns += [(n, t) for n, t in (("area", "Area"), ("period", "Period")) if n in present]
    columns.append(("value", f"Value ({unit})" if unit else "Value"))
    optional = (("lower", "Lower limit"), ("upper", "Upper limit"), ("sample_size", "Sample size"))
    columns += [(n, t) for n, t in optional if n in present]
    body = []
    for row in rows:
        cells = []
        for name, _title in columns:
            value = row.get(name)
            if name in ("value", "lower", "upper", "sample_size"):
                cells.append(_figure(value))
            else:
                cells.append(value or MISSING)
        body.append(cells)
    return [title for _name, title in columns], body


def view_of(version: EvidenceVersion) -> EvidenceView:
    dataset = version.dataset
    rows = json.loads(version.rows_json)["rows"]
    labels = _first_seen(row["ethnic_group"] for row in rows)
    by_area = len({row["area"] for row in rows}) > 1
    by_period = len({row["period"] for row in rows}) > 1
    if by_area or by_period:
        series = _first_seen(_series_name(row, by_area, by_period) for row in rows)
    else:
        only = rows[0] if rows else {"area": "", "period": ""}
        series = [", ".join(p for p in (only["area"], only["period"]) if p) or dataset.measure]
    values: list[list[float | None]] = [[None] * len(labels) for _ in series]
    for row in rows:
        name = _series_name(row, by_area, by_period) if (by_area or by_period) else series[0]
        values[series.index(name)][labels.index(row["ethnic_group"])] = row["value"]
    columns, table_rows = _table(rows, dataset.unit)
    return EvidenceView(
        dataset_id=dataset.id,
        title=dataset.title,
        measure=dataset.measure,
        unit=dataset.unit,
        version=version.version,
        source=version.source,
        source_url=version.source_url,
        licence=version.licence,
        uploaded_at=version.uploaded_at,
        labels=labels,
        series=series,
        values=values,
        table_columns=columns,
        table_rows=table_rows,
    )


def _latest(dataset_id: int) -> EvidenceVersion | None:
    return db.session.scalar(
        select(EvidenceVersion)
        .where(EvidenceVersion.dataset_id == dataset_id)
        .order_by(EvidenceVersion.version.desc())
        .limit(1)
    )


def latest_view(dataset_id: int) -> EvidenceView | None:
    """The dataset's latest version, ready to show; None if it has none (or no dataset)."""
    version = _latest(dataset_id)
    return view_of(version) if version is not None else None


def for_indicator(indicator_id: int) -> list[EvidenceView]:
    """The latest version of each dataset attached to the indicator, by title."""
    dataset_ids = db.session.scalars(
        select(EvidenceDataset.id)
        .where(EvidenceDataset.indicator_id == indicator_id)
        .order_by(func.lower(EvidenceDataset.title), EvidenceDataset.id)
    ).all()
    views = [latest_view(dataset_id) for dataset_id in dataset_ids]
    return [view for view in views if view is not None]


def chart_png(view: EvidenceView) -> bytes:
    """The view as a grouped bar chart (PNG): one group per ethnic group, one bar per
    area or period. Its figures are in the view's table, to show beside it."""
    return bar_chart_png(
        view.labels,
        [
            {"name": name, "values": values}
            for name, values in zip(view.series, view.values, strict=True)
        ],
        y_label=view.unit,
    )
