"""No count of 1 to 9 can be recovered from the public figures (security-and-privacy.md
section 3): Hypothesis generates microdata, the real builder makes every table, and
tests/services/figures/attack.py attacks every table together, as published.

Two layers: the builder alone on grouped counts (many examples, fast), and the whole
path through the database, the refresh and the downloads as served (fewer examples)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.services.figures import tables
from engage.services.figures.counts import EthnicCategory, Reference
from tests.services.figures import microdata
from tests.services.figures.attack import attack

NOW = datetime(2027, 1, 15, 9, tzinfo=UTC)
REFERENCE = Reference(
    years=(2025, 2026),
    areas=(
        ("E08000025", "Birmingham"),
        ("E08000028", "Sandwell"),
        ("E08000030", "Walsall"),
        ("not_given", "Area not given"),
    ),
    themes=(
        ("housing", "Housing and homelessness"),
        ("transport", "Transport and connectivity"),
        ("health_wellbeing", "Health and wellbeing"),
    ),
    ethnic=(
        EthnicCategory("white_british", "British", "white", "White"),
        EthnicCategory("white_roma", "Roma", "white", "White"),
        EthnicCategory("asian_indian", "Indian", "asian", "Asian"),
        EthnicCategory("asian_pakistani", "Pakistani", "asian", "Asian"),
        EthnicCategory("black_african", "African", "black", "Black"),
        EthnicCategory("prefer_not_to_say", "Prefer not to say", "prefer_not_to_say", "Prefer"),
        EthnicCategory("not_answered", "Not answered", "not_answered", "Not answered"),
    ),
    sexes=(
        ("female", "Female"),
        ("male", "Male"),
        ("prefer_not_to_say", "Prefer not to say"),
        ("not_answered", "Not answered"),
    ),
    ages=(
        ("18_24", "18 to 24"),
        ("25_34", "25 to 34"),
        ("65_74", "65 to 74"),
        ("not_answered", "Not answered"),
    ),
)


def _check(built: list[dict], stories) -> None:
    truth = microdata.truth(stories, microdata.all_keys(built))
    findings = attack(built, truth)
    assert findings.clean(), findings


@settings(max_examples=300, deadline=None)
@given(microdata.microdata)
def test_the_builder_never_lets_a_small_count_be_recovered(stories):
    built = tables.build(microdata.grouped(stories), REFERENCE, threshold=10, rounding=5)
    _check(built, stories)


# What the line-by-line rule alone published for the table below (before the audit was
# part of disclosure.control_table): row r2's total hidden to protect nothing, yet its own
# cells give it away, and then row r4's 8 follows from the grand total.
LINE_RULE_ONLY = {
    "cells": [[None, None], [None, None], [0, 10], [None, None], [None, None]],
    "row_totals": [15, 25, None, 15, None],
    "column_totals": [40, 35],
    "total": 75,
}


@pytest.mark.parametrize("audited", [False, True])
def test_the_attack_finds_what_the_line_rule_alone_misses(audited):
    """The attacker is not a straw man: on the table protected only line by line it
    recovers a small count by differencing; disclosure.control_table, which now audits,
    gives it nothing."""
    from engage.services.common import disclosure

    counts = {"r0": [12, 3], "r1": [20, 5], "r2": [0, 12], "r3": [1, 12], "r4": [5, 3]}
    table = disclosure.control_table(
        {row: {"a": cells[0], "b": cells[1]} for row, cells in counts.items()}, ["a", "b"]
    )
    shown = {
        "cells": [[table.cells[r][c].shown for c in "ab"] for r in counts],
        "row_totals": [table.row_totals[r].shown for r in counts],
        "column_totals": [table.column_totals[c].shown for c in "ab"],
        "total": table.total.shown,
    }
    published = {
        "id": "t",
        "kind": "cross",
        "controlled": True,
        "population": "stories",
        "rows": {"dimension": "area", "items": [{"code": r, "label": r} for r in counts]},
        "columns": {"dimension": "sex", "items": [{"code": c, "label": c} for c in "ab"]},
        **(shown if audited else LINE_RULE_ONLY),
    }
    truth = {}
    for r, cells in counts.items():
        for c, value in zip("ab", cells, strict=True):
            truth[("stories", frozenset({("area", r), ("sex", c)}))] = value
        truth[("stories", frozenset({("area", r)}))] = sum(cells)
    for n, c in enumerate("ab"):
        truth[("stories", frozenset({("sex", c)}))] = sum(v[n] for v in counts.values())
    truth[("stories", frozenset())] = sum(map(sum, counts.values()))
    findings = attack([published], truth)
    if audited:
        assert findings.clean(), findings
    else:
        assert findings.recovered_exactly  # the 8 (and more) by differencing


@pytest.mark.parametrize("audited", [False, True])
def test_the_attack_pins_a_count_from_the_rounding(audited):
    """1 + 1 beside a 10 whose total of 12 shows as 10: both must be 1. The line rule
    alone published exactly that; disclosure.control now hides the 10 too."""
    from engage.services.common import disclosure

    breakdown = disclosure.control({"a": 1, "b": 1, "c": 10})
    values = [cell.shown for cell in breakdown.cells] if audited else [None, None, 10]
    published = {
        "id": "t",
        "kind": "list",
        "controlled": True,
        "population": "stories",
        "rows": {"dimension": "area", "items": [{"code": c, "label": c} for c in "abc"]},
        "values": values,
        "total": breakdown.total.shown,
    }
    truth = {
        ("stories", frozenset({("area", c)})): v for c, v in zip("abc", (1, 1, 10), strict=True)
    }
    truth[("stories", frozenset())] = 12
    findings = attack([published], truth)
    assert findings.clean() if audited else findings.pinned


# Through the database, the refresh and the downloads ---------------------------------


def _from_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _served(client, published_tables: dict) -> list[dict]:
    """Every table as the downloads serve it, rebuilt into the snapshot's shape, and
    checked to hold exactly the snapshot's numbers."""
    for name, table in published_tables.items():
        csv_rows = _from_csv(client.get(f"/figures/{name}.csv").get_data(as_text=True))
        json_rows = json.loads(client.get(f"/figures/{name}.json").get_data(as_text=True))["rows"]
        assert len(csv_rows) == len(json_rows)
        if not table.get("controlled"):
            continue
        value_name = "stories"
        for from_csv, from_json in zip(csv_rows, json_rows, strict=True):
            shown = from_json[value_name]
            assert from_csv[value_name] == ("" if shown is None else str(shown))
            assert from_json["suppressed"] is (shown is None)
        numbers = [row[value_name] for row in json_rows]
        assert numbers == _long_numbers(table)
    return list(published_tables.values())


def _long_numbers(table: dict) -> list:
    if table["kind"] == "list":
        return [*table["values"], *([table["total"]] if "total" in table else [])]
    found = [v for row in table["cells"] for v in row]
    found += table.get("row_totals", []) + table.get("column_totals", [])
    return found + ([table["total"]] if "total" in table else [])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stories=microdata.microdata)
def test_nothing_small_can_be_recovered_from_what_is_served(app, stories):
    from engage.services.figures import snapshots

    try:
        with app.app_context():
            microdata.insert(stories)
            snapshots.refresh(NOW)
            published = snapshots.latest().tables
        served = _served(app.test_client(), published)
    finally:
        with app.app_context():
            microdata.remove_all()
    _check(served, stories)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)),
        min_size=1,
        max_size=6,
    )
)
def test_control_table_itself_never_lets_a_small_count_be_recovered(rows):
    """The shared function digests and reports use, attacked like the public tables."""
    from engage.services.common import disclosure

    names = [f"r{n}" for n in range(len(rows))]
    counts = dict(zip(names, rows, strict=True))
    table = disclosure.control_table(
        {r: dict(zip("abc", cells, strict=True)) for r, cells in counts.items()}, list("abc")
    )
    published = {
        "id": "t",
        "kind": "cross",
        "controlled": True,
        "population": "stories",
        "rows": {"dimension": "area", "items": [{"code": r, "label": r} for r in names]},
        "columns": {"dimension": "sex", "items": [{"code": c, "label": c} for c in "abc"]},
        "cells": [[table.cells[r][c].shown for c in "abc"] for r in names],
        "row_totals": [table.row_totals[r].shown for r in names],
        "column_totals": [table.column_totals[c].shown for c in "abc"],
        "total": table.total.shown,
    }
    truth = {}
    for r, cells in counts.items():
        for c, value in zip("abc", cells, strict=True):
            truth[("stories", frozenset({("area", r), ("sex", c)}))] = value
        truth[("stories", frozenset({("area", r)}))] = sum(cells)
    for n, c in enumerate("abc"):
        truth[("stories", frozenset({("sex", c)}))] = sum(v[n] for v in counts.values())
    truth[("stories", frozenset())] = sum(map(sum, counts.values()))
    findings = attack([published], truth)
    assert findings.clean(), findings
