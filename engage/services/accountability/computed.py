"""Indicators the system counts from its own records, never typed in. Each figure comes
with the records behind it, so anyone can follow a number back to what it counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    AnnualReport,
    Commitment,
    CommitmentKind,
    CommunityGroup,
    GroupEngagement,
    InfluencedDecision,
    RegisterKind,
)
from engage.models.accountability import PeriodKind
from engage.services.accountability import commitments, registers
from engage.services.accountability.periods import Period, year_label


@dataclass(frozen=True)
class Record:
    """One record behind a figure: what kind it is, its id, and how to describe it."""

    kind: str  # "engagement", "decision", "commitment", "register", "report"
    id: int
    label: str
    detail: str = ""
    # For a register entry, the register's name in its address ("heia", ...).
    extra: str = ""


@dataclass(frozen=True)
class Figure:
    value: Decimal
    detail: str
    records: list[Record] = field(default_factory=list)


def _groups_engaged(period: Period) -> Figure:
    rows = db.session.execute(
        select(GroupEngagement, CommunityGroup.name)
        .join(CommunityGroup, CommunityGroup.id == GroupEngagement.group_id)
        .where(GroupEngagement.occurred_on >= period.start)
        .where(GroupEngagement.occurred_on < period.end)
        .order_by(GroupEngagement.occurred_on, GroupEngagement.id)
    ).all()
    groups = {engagement.group_id for engagement, _ in rows}
    records = [
        Record(
            "engagement",
            engagement.group_id,
            name,
            f"{engagement.occurred_on:%d %b %Y}: {engagement.kind.label}",
        )
        for engagement, name in rows
    ]
    detail = f"{len(groups)} groups took part {len(rows)} times"
    return Figure(Decimal(len(groups)), detail, records)


def _decisions(period: Period) -> Figure:
    decisions = db.session.scalars(
        select(InfluencedDecision)
        .where(InfluencedDecision.decided_on >= period.start)
        .where(InfluencedDecision.decided_on < period.end)
        .order_by(InfluencedDecision.decided_on, InfluencedDecision.id)
    ).all()
    by_significance = Counter(d.significance for d in decisions)
    parts = [
        f"{by_significance[s]} {s.label.split(' ', 1)[1].lower()}"
        for s in sorted(by_significance, key=lambda s: -s.rank)
    ]
    detail = "By significance: " + ", ".join(parts) if parts else "None in this period"
    records = [
        Record(
            "decision",
            d.id,
            d.title,
            f"{d.decided_by}, {d.decided_on:%d %b %Y}, significance {d.significance.label}",
        )
        for d in decisions
    ]
    return Figure(Decimal(len(decisions)), detail, records)


def _implemented(period: Period, kind: CommitmentKind) -> Figure:
    """Commitments of a kind that became implemented in the period (from the history)."""
    in_period = [c for c in commitments.implemented_in(period.start, period.end) if c.kind is kind]
    total = db.session.scalar(
        select(func.count()).select_from(Commitment).where(Commitment.kind == kind)
    )
    first = date(2000, 1, 1)
    to_date = [c for c in commitments.implemented_in(first, period.end) if c.kind is kind]
    detail = f"{len(to_date)} of {total} implemented by the end of {period.label}"
    records = [
        Record("commitment", c.id, c.title, f"{c.reference} {c.source}".strip()) for c in in_period
    ]
    return Figure(Decimal(len(in_period)), detail, records)


def _reports_implemented(period: Period) -> Figure:
    return _implemented(period, CommitmentKind.REPORT_RECOMMENDATION)


def _commitments_tracked(period: Period) -> Figure:
    """Strategic commitments tracked in the period: those made before it ended and not
    closed before it began."""
    start, end = period.utc_bounds()
    commitments = db.session.scalars(
        select(Commitment)
        .where(Commitment.kind == CommitmentKind.STRATEGIC)
        .where(Commitment.created_at < end)
        .order_by(Commitment.id)
    ).all()
    tracked = [c for c in commitments if c.closed_on is None or c.closed_on >= period.start]
    statuses = Counter(c.status.label.lower() for c in tracked)
    detail = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "None tracked"
    records = [
        Record("commitment", c.id, c.title, f"{c.owner}; now {c.status.label.lower()}")
        for c in tracked
    ]
    return Figure(Decimal(len(tracked)), detail, records)


def _register(kind: RegisterKind) -> Callable[[Period], Figure]:
    def count(period: Period) -> Figure:
        entries = registers.entries(kind, period.start, period.end)
        records = [
            Record(
                "register",
                e.id,
                e.title,
                f"{e.organisation}, {e.occurred_on:%d %b %Y}".strip(", "),
                registers.slug_of(kind),
            )
            for e in entries
        ]
        detail = f"{len(entries)} recorded"
        if kind is RegisterKind.INITIATIVE:
            funding = registers.funding_pence(period.start, period.end)
            detail += f"; external funding secured {registers.format_pounds(funding)}"
        return Figure(Decimal(len(entries)), detail, records)

    return count


def _annual_report(period: Period) -> Figure:
    report = db.session.scalar(select(AnnualReport).where(AnnualReport.year == period.year))
    if period.kind is not PeriodKind.YEAR:
        return Figure(Decimal(0), "Counted for a whole year only")
    if report is None or report.published_at is None:
        return Figure(Decimal(0), f"The {year_label(period.year)} report is not yet published")
    return Figure(
        Decimal(1),
        f"Published {report.published_at:%d %b %Y}",
        [Record("report", report.year, f"Annual progress report {year_label(report.year)}")],
    )


# Indicator slug -> how it is counted. The other indicators are entered by the secretariat.
COUNTED: dict[str, Callable[[Period], Figure]] = {
    "community_groups_engaged": _groups_engaged,
    "decisions_influenced": _decisions,
    "equity_reports_implemented": _reports_implemented,
    "equity_commitments_tracked": _commitments_tracked,
    "health_equity_assessments": _register(RegisterKind.HEIA),
    "best_practice_shared": _register(RegisterKind.BEST_PRACTICE),
    "community_initiatives_supported": _register(RegisterKind.INITIATIVE),
    "annual_progress_report": _annual_report,
}

# How each counted figure is described, beside its number.
UNITS = {
    "community_groups_engaged": "groups",
    "decisions_influenced": "decisions",
    "equity_reports_implemented": "recommendations implemented",
    "equity_commitments_tracked": "commitments tracked",
    "health_equity_assessments": "assessments completed",
    "best_practice_shared": "examples shared",
    "community_initiatives_supported": "initiatives supported",
    "annual_progress_report": "report published",
    "leadership_diversity": "%",
}


def is_counted(slug: str) -> bool:
    return slug in COUNTED


def figure(slug: str, period: Period) -> Figure | None:
    counter = COUNTED.get(slug)
    return counter(period) if counter else None
