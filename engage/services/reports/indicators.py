"""The annual report's sections on the six functions of the terms of reference: each
indicator's latest published measurement for each quarter of the year, for the year and
for the years before, with its RAG status and reason, a chart of the numbers where there
are any, and the evidence data the indicator uses. Measurements still in draft are never
shown; a corrected one shows its newest published version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.models import Indicator, Measurement, PeriodKind, TaskforceFunction
from engage.services.accountability import periods
from engage.services.reports import blocks

YEARS_BACK = 3
NOT_MEASURED = "Not measured"
COLUMNS = ["Period", "Value", "RAG status", "Reason for the status", "Narrative"]

Key = tuple[int, PeriodKind, date]


def published(first: date, end: date) -> dict[Key, Measurement]:
    """The newest published version of every measurement of a period starting from
    `first` up to (not including) `end`."""
    newest = (
        select(
            Measurement.indicator_id,
            Measurement.period_kind,
            Measurement.period_start,
            func.max(Measurement.version).label("version"),
        )
        .where(
            Measurement.published_at.is_not(None),
            Measurement.period_start >= first,
            Measurement.period_start < end,
        )
        .group_by(Measurement.indicator_id, Measurement.period_kind, Measurement.period_start)
        .subquery()
    )
    found = db.session.scalars(
        select(Measurement).join(
            newest,
            and_(
                Measurement.indicator_id == newest.c.indicator_id,
                Measurement.period_kind == newest.c.period_kind,
                Measurement.period_start == newest.c.period_start,
                Measurement.version == newest.c.version,
            ),
        )
    )
    return {(m.indicator_id, m.period_kind, m.period_start): m for m in found}


def _row(label: str, found: Measurement | None) -> list:
    if found is None:
        return [label, NOT_MEASURED, None, None, None]
    return [
        label,
        blocks.number(found.value),
        found.rag.label if found.rag else "Not set",
        found.rag_reason or None,
        found.narrative or None,
    ]


def _values(indicator: Indicator, found: dict[Key, Measurement], chosen) -> list:
    values = []
    for period in chosen:
        measured = found.get((indicator.id, period.kind, period.start))
        values.append(blocks.number(measured.value) if measured else None)
    return values


def _short(indicator: Indicator) -> str:
    return indicator.text.rstrip(". ")


def _chart(indicator: Indicator, year: int, found: dict[Key, Measurement]) -> dict | None:
    """Quarters beside the same quarters a year before, or else the yearly figures."""
    this, before = periods.quarters(year), periods.quarters(year - 1)
    now, then = _values(indicator, found, this), _values(indicator, found, before)
    if any(v is not None for v in now + then):
        labels = [f"Q{q.quarter}" for q in this]
        series = [
            {"name": periods.year_label(year - 1), "values": then},
            {"name": periods.year_label(year), "values": now},
        ]
        rows = [[label, a, b] for label, a, b in zip(labels, then, now, strict=True)]
        return blocks.figure(
            f"{_short(indicator)}: by quarter",
            labels=labels,
            series=series,
            columns=["Quarter", periods.year_label(year - 1), periods.year_label(year)],
            rows=rows,
            y_label="Value",
        )
    years = [periods.year(y) for y in range(year - YEARS_BACK, year + 1)]
    values = _values(indicator, found, years)
    if all(v is None for v in values):
        return None
    labels = [p.label for p in years]
    return blocks.figure(
        f"{_short(indicator)}: by year",
        labels=labels,
        series=[{"name": "Whole year", "values": values}],
        columns=["Year", "Whole year"],
        rows=[[label, value] for label, value in zip(labels, values, strict=True)],
        y_label="Value",
    )


def _indicator_blocks(indicator: Indicator, year: int, found: dict[Key, Measurement]) -> list:
    def get(period: periods.Period) -> Measurement | None:
        return found.get((indicator.id, period.kind, period.start))

    rows = [_row(q.label, get(q)) for q in periods.quarters(year)]
    rows.append(_row(f"{periods.year_label(year)} (whole year)", get(periods.year(year))))
    for earlier in range(year - 1, year - YEARS_BACK - 1, -1):
        measured = get(periods.year(earlier))
        if measured is not None:
            rows.append(_row(f"{periods.year_label(earlier)} (whole year)", measured))
    result: list[dict] = [blocks.subheading(indicator.text)]
    if all(row[1] == NOT_MEASURED for row in rows):
        result.append(blocks.paragraph("No measurement of this indicator has been published."))
    else:
        result.append(blocks.table(f"Measurements: {indicator.text}", COLUMNS, rows))
        chart = _chart(indicator, year, found)
        if chart is not None:
            result.append(chart)
    return result + evidence_blocks(indicator.id)


def evidence_blocks(indicator_id: int) -> list[dict]:
    """Charts of the evidence data an indicator uses, where the evidence service (a
    separate part of the product) is present and has any."""
    try:
        from engage.services.evidence.datasets import for_indicator
    except ImportError:
        return []
    result = []
    for view in for_indicator(indicator_id):
        result += _evidence(view)
    return result


def _plain(value):
    """A value from evidence data as JSON holds it (numbers as numbers)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return blocks.number(value)
    return str(value)


def _evidence(view) -> list[dict]:
    """An evidence view (engage.services.evidence.datasets.EvidenceView): `series` are
    the names and `values[i]` series i's figures, one per label."""
    series = [
        {"name": str(name), "values": [_plain(v) for v in values]}
        for name, values in zip(view.series, view.values, strict=True)
    ]
    unit = f" ({view.unit})" if view.unit else ""
    return [
        blocks.figure(
            f"Evidence: {view.title}",
            labels=[str(label) for label in view.labels],
            series=series,
            columns=[str(c) for c in view.table_columns],
            rows=[[_plain(v) for v in row] for row in view.table_rows],
            y_label=f"{view.measure}{unit}",
        ),
        blocks.paragraph(f"Source: {view.source}. Licence: {view.licence}."),
    ]


def sections(year: int) -> list[dict]:
    """One section per function, in the terms of reference's order."""
    first = periods.year(year - YEARS_BACK).start
    found = published(first, periods.year(year).end)
    functions = db.session.scalars(
        select(TaskforceFunction)
        .options(selectinload(TaskforceFunction.indicators))
        .order_by(TaskforceFunction.sort_order)
    ).all()
    result = []
    for function in functions:
        content: list[dict] = [blocks.paragraph(function.description)]
        for indicator in function.indicators:
            content += _indicator_blocks(indicator, year, found)
        result.append({"heading": f"Indicators: {function.title}", "blocks": content})
    return result
