"""Reporting periods: the combined authority's financial year (1 April to 31 March,
named by the year it starts, shown as "2026/27") and its quarters (Q1 is April to
June). Every report, measurement and public table counts by these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from engage.clock import LONDON
from engage.models.accountability import PeriodKind


@dataclass(frozen=True, order=True)
class Period:
    start: date
    kind: PeriodKind

    @property
    def end(self) -> date:
        """The first day after the period."""
        months = 3 if self.kind is PeriodKind.QUARTER else 12
        month = self.start.month - 1 + months
        return date(self.start.year + month // 12, month % 12 + 1, 1)

    @property
    def year(self) -> int:
        """The financial year it falls in, named by the year it starts."""
        return financial_year_of(self.start)

    @property
    def quarter(self) -> int | None:
        if self.kind is PeriodKind.YEAR:
            return None
        return (self.start.month - 4) % 12 // 3 + 1

    @property
    def label(self) -> str:
        year = year_label(self.year)
        return year if self.kind is PeriodKind.YEAR else f"{year} Q{self.quarter}"

    @property
    def key(self) -> str:
        """A stable form for URLs and downloads: "2026" or "2026-Q1"."""
        return str(self.year) if self.kind is PeriodKind.YEAR else f"{self.year}-Q{self.quarter}"

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The UTC moments at which the period starts and ends, by the UK's clock."""
        return _utc(self.start), _utc(self.end)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def year(of_year: int) -> Period:
    return Period(date(of_year, 4, 1), PeriodKind.YEAR)


def quarter(of_year: int, number: int) -> Period:
    if number not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    month = 4 + (number - 1) * 3
    return Period(date(of_year + month // 13, (month - 1) % 12 + 1, 1), PeriodKind.QUARTER)


def quarters(of_year: int) -> list[Period]:
    return [quarter(of_year, n) for n in (1, 2, 3, 4)]


def containing(day: date, kind: PeriodKind) -> Period:
    fy = financial_year_of(day)
    if kind is PeriodKind.YEAR:
        return year(fy)
    return quarter(fy, (day.month - 4) % 12 // 3 + 1)


def of(kind: PeriodKind, start: date) -> Period:
    """The period of that kind starting on `start`, or ValueError if none does."""
    period = containing(start, kind)
    if period.start != start:
        raise ValueError("not the first day of a reporting period")
    return period


def parse_key(key: str) -> Period:
    """ "2026" or "2026-Q3" back into a period; ValueError for anything else."""
    head, marker, tail = key.partition("-Q")
    if not head.isascii() or not head.isdigit() or len(head) != 4:
        raise ValueError("not a period")
    if not marker:
        return year(int(head))
    if not tail.isascii() or not tail.isdigit():
        raise ValueError("not a period")
    return quarter(int(head), int(tail))


def recent(today: date, kind: PeriodKind, count: int) -> list[Period]:
    """The `count` periods up to and including the one `today` falls in, oldest first."""
    found = [containing(today, kind)]
    while len(found) < count:
        previous = found[-1].start.replace(day=1)
        before = date(previous.year - (previous.month == 1), (previous.month - 2) % 12 + 1, 1)
        found.append(containing(before, kind))
    return list(reversed(found))
