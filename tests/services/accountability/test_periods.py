"""Reporting periods follow the financial year (April to March) and its quarters."""

from datetime import date

import pytest

from engage.models.accountability import PeriodKind
from engage.services.accountability import periods


def test_quarters_of_a_financial_year_run_april_to_march():
    found = periods.quarters(2026)
    assert [p.label for p in found] == ["2026/27 Q1", "2026/27 Q2", "2026/27 Q3", "2026/27 Q4"]
    assert [p.start for p in found] == [
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
        date(2027, 1, 1),
    ]
    assert found[-1].end == date(2027, 4, 1)
    assert periods.year(2026).end == date(2027, 4, 1)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2027, 3, 31), "2026/27 Q4"),
        (date(2027, 4, 1), "2027/28 Q1"),
        (date(2026, 12, 6), "2026/27 Q3"),
        (date(2099, 6, 30), "2099/00 Q1"),
    ],
)
def test_the_quarter_a_day_falls_in(day, label):
    assert periods.containing(day, PeriodKind.QUARTER).label == label


def test_keys_go_both_ways_and_nonsense_is_refused():
    for period in periods.quarters(2025) + [periods.year(2025)]:
        assert periods.parse_key(period.key) == period
    for bad in ("", "2026-Q5", "26", "2026-Qx", "abcd", "2026-Q"):
        with pytest.raises(ValueError):
            periods.parse_key(bad)


def test_recent_periods_end_with_the_current_one():
    found = periods.recent(date(2026, 12, 6), PeriodKind.QUARTER, 5)
    assert [p.label for p in found] == [
        "2025/26 Q3",
        "2025/26 Q4",
        "2026/27 Q1",
        "2026/27 Q2",
        "2026/27 Q3",
    ]
    assert [p.label for p in periods.recent(date(2026, 2, 1), PeriodKind.YEAR, 2)] == [
        "2024/25",
        "2025/26",
    ]


def test_utc_bounds_follow_the_uk_clock():
    start, end = periods.year(2026).utc_bounds()
    # 1 April is in British Summer Time: midnight in London is 23:00 UTC the day before.
    assert (start.day, start.hour) == (31, 23)
    assert (end.month, end.day, end.hour) == (3, 31, 23)
