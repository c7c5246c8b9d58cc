"""The public figures that are not counts of people: decisions the Taskforce influenced,
"you said, we did" by theme, the indicators' published measurements and the published
annual reports. They name no resident, so no disclosure control applies; they are
still read at refresh time only, so the page stays one query."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, func, select

from engage.extensions import db
from engage.models import (
    AnnualReport,
    Indicator,
    InfluencedDecision,
    LoopClosure,
    Measurement,
    TaskforceFunction,
    Theme,
)
from engage.models.accountability import Significance
from engage.services.accountability import periods

NO_THEME = "no_theme"


def decisions(years: tuple[int, ...]) -> list[dict]:
    """Decisions influenced by significance per financial year, and the decisions
    themselves, newest first."""
    found = list(
        db.session.execute(
            select(
                InfluencedDecision.id,
                InfluencedDecision.title,
                InfluencedDecision.decided_by,
                InfluencedDecision.decided_on,
                InfluencedDecision.significance,
            ).order_by(InfluencedDecision.decided_on.desc(), InfluencedDecision.id.desc())
        ).all()
    )
    decided_years = [periods.financial_year_of(row.decided_on) for row in found]
    span = range(min([*decided_years, *years]), max([*decided_years, *years]) + 1)
    counts: dict[tuple[int, Significance], int] = defaultdict(int)
    for year, row in zip(decided_years, found, strict=True):
        counts[(year, row.significance)] += 1
    levels = list(Significance)
    by_year = {
        "id": "decisions-by-significance",
        "title": "Decisions influenced by significance and financial year",
        "kind": "cross",
        "controlled": False,
        "population": "decisions",
        "rows": {
            "dimension": "financial_year",
            "items": [{"code": str(y), "label": periods.year_label(y)} for y in span],
        },
        "columns": {
            "dimension": "significance",
            "items": [{"code": s.value, "label": s.label} for s in levels],
        },
        "cells": [[counts[(y, s)] for s in levels] for y in span],
        "row_totals": [sum(counts[(y, s)] for s in levels) for y in span],
        "column_totals": [sum(counts[(y, s)] for y in span) for s in levels],
        "total": len(found),
    }
    listed = {
        "id": "decisions",
        "title": "Decisions influenced",
        "kind": "records",
        "controlled": False,
        "population": "decisions",
        "fields": ["title", "decided_by", "decided_on", "significance", "significance_label"],
        "records": [
            {
                "title": row.title,
                "decided_by": row.decided_by,
                "decided_on": row.decided_on.isoformat(),
                "significance": row.significance.value,
                "significance_label": row.significance.label,
            }
            for row in found
        ],
    }
    return [by_year, listed]


def you_said_we_did() -> dict:
    """How many "you said, we did" summaries are published, by theme."""
    rows = db.session.execute(
        select(Theme.slug, Theme.label, func.count(LoopClosure.id))
        .select_from(LoopClosure)
        .outerjoin(Theme, Theme.id == LoopClosure.theme_id)
        .where(LoopClosure.published_at.is_not(None))
        .group_by(Theme.slug, Theme.label, Theme.sort_order)
        .order_by(Theme.sort_order.is_(None), Theme.sort_order)  # no theme last
    ).all()
    items = [{"code": slug or NO_THEME, "label": label or "Other"} for slug, label, _ in rows]
    return {
        "id": "you-said-we-did",
        "title": '"You said, we did" summaries published, by theme',
        "kind": "list",
        "controlled": False,
        "population": "summaries",
        "rows": {"dimension": "theme", "items": items},
        "values": [count for *_, count in rows],
        "total": sum(count for *_, count in rows),
    }


def indicators() -> dict:
    """The latest published version of each indicator's measurement for each period,
    grouped by function in the terms of reference's order."""
    latest = (
        select(
            Measurement.indicator_id,
            Measurement.period_kind,
            Measurement.period_start,
            func.max(Measurement.version).label("version"),
        )
        .where(Measurement.published_at.is_not(None))
        .group_by(Measurement.indicator_id, Measurement.period_kind, Measurement.period_start)
        .subquery()
    )
    rows = db.session.execute(
        select(Measurement, Indicator, TaskforceFunction)
        .join(
            latest,
            and_(
                latest.c.indicator_id == Measurement.indicator_id,
                latest.c.period_kind == Measurement.period_kind,
                latest.c.period_start == Measurement.period_start,
                latest.c.version == Measurement.version,
            ),
        )
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(TaskforceFunction, TaskforceFunction.id == Indicator.function_id)
        .order_by(
            TaskforceFunction.sort_order,
            Indicator.sort_order,
            Measurement.period_kind,
            Measurement.period_start,
        )
    ).all()
    records = []
    for measurement, indicator, function in rows:
        period = periods.of(measurement.period_kind, measurement.period_start)
        records.append(
            {
                "function": function.slug,
                "function_title": function.title,
                "indicator": indicator.slug,
                "indicator_text": indicator.text,
                "reporting_period": period.key,
                "period_label": period.label,
                "period_kind": measurement.period_kind.value,
                "value": float(measurement.value) if measurement.value is not None else None,
                "rag": measurement.rag.value if measurement.rag else None,
                "rag_label": measurement.rag.label if measurement.rag else None,
                "rag_reason": measurement.rag_reason,
                "narrative": measurement.narrative,
                "source": measurement.source,
                "version": measurement.version,
                "published_on": measurement.published_at.date().isoformat(),
            }
        )
    return {
        "id": "indicators",
        "title": "Indicators: published measurements",
        "kind": "records",
        "controlled": False,
        "population": "measurements",
        "fields": list(INDICATOR_FIELDS),
        "records": records,
        "functions": [
            {"code": f.slug, "label": f.title}
            for f in db.session.scalars(
                select(TaskforceFunction).order_by(TaskforceFunction.sort_order)
            )
        ],
    }


INDICATOR_FIELDS = (
    "function",
    "function_title",
    "indicator",
    "indicator_text",
    "reporting_period",
    "period_label",
    "period_kind",
    "value",
    "rag",
    "rag_label",
    "rag_reason",
    "narrative",
    "source",
    "version",
    "published_on",
)


def annual_reports() -> list[dict]:
    rows = db.session.execute(
        select(AnnualReport.year, AnnualReport.published_at)
        .where(AnnualReport.published_at.is_not(None))
        .order_by(AnnualReport.year.desc())
    ).all()
    return [
        {"year": year, "label": periods.year_label(year), "published_at": _iso(published_at)}
        for year, published_at in rows
    ]


def _iso(moment: datetime) -> str:
    return moment.isoformat()
