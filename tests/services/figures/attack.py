"""An attacker's view of the public figures, written apart from the code it checks.

From the published tables alone (as served), it rebuilds what anyone can know: which
numbers are the same quantity in several tables, which add up to which (each table's
rows, columns, margins and nested categories), which count a subset of another. Then it
tries to recover every count of 1 to 9:

- exactly, by any linear combination of the tables' sums, taking every published number
  as exact (so differencing two tables, a year and its quarters, a margin from another
  table): a hidden count is recovered if every solution of the sums gives it the same
  value, found with numpy's singular value decomposition;
- by narrowing, knowing what the rounding tells (a published 15 is 13 to 17, a hidden
  count is 1 or more, zeros are exact): a hidden count is recovered if it is pinned to a
  single value.

`truth` maps each key to its real count, computed by the test from the microdata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy

BIG = 10**12
POPULATION_WITHIN = {"equality": {"equality", "stories"}, "stories": {"stories"}}


def key(population: str, dims: Mapping[str, str]) -> tuple:
    return (population, frozenset((name, str(code)) for name, code in dims.items()))


@dataclass
class Published:
    values: dict[tuple, int | None] = field(default_factory=dict)
    lines: list[tuple[list[tuple], tuple]] = field(default_factory=list)
    inconsistent: list[tuple] = field(default_factory=list)

    def put(self, k: tuple, value: int | None) -> None:
        if k in self.values and self.values[k] != value:
            self.inconsistent.append(k)
        self.values[k] = value

    def at_most(self) -> list[tuple[tuple, tuple]]:
        """(a, b) where a counts a subset of b: a subpopulation, more conditions."""
        pairs = []
        for a in self.values:
            for b in self.values:
                if a == b or b[0] not in POPULATION_WITHIN[a[0]]:
                    continue
                if b[1] <= a[1]:
                    pairs.append((a, b))
        return pairs


def _read_list(out: Published, table: dict) -> None:
    population, rows = table["population"], table["rows"]
    cells = [key(population, {rows["dimension"]: item["code"]}) for item in rows["items"]]
    for k, value in zip(cells, table["values"], strict=True):
        out.put(k, value)
    if "total" in table:
        out.put(key(population, {}), table["total"])
        out.lines.append((cells, key(population, {})))
    parent = rows.get("parent_dimension")
    if parent:
        by_parent: dict[str, list] = {}
        for k, item in zip(cells, rows["items"], strict=True):
            by_parent.setdefault(item["parent"], []).append(k)
        for code, parts in by_parent.items():
            out.lines.append((parts, key(population, {parent: code})))


def _read_cross(out: Published, table: dict) -> None:
    population = table["population"]
    row_dim, column_dim = table["rows"]["dimension"], table["columns"]["dimension"]
    row_items, column_items = table["rows"]["items"], table["columns"]["items"]
    grid = [
        [key(population, {row_dim: r["code"], column_dim: c["code"]}) for c in column_items]
        for r in row_items
    ]
    for keys, values in zip(grid, table["cells"], strict=True):
        for k, value in zip(keys, values, strict=True):
            out.put(k, value)
    margins = {
        "row_totals": ([key(population, {row_dim: r["code"]}) for r in row_items], grid),
        "column_totals": (
            [key(population, {column_dim: c["code"]}) for c in column_items],
            [list(column) for column in zip(*grid, strict=True)],
        ),
    }
    for name, (totals, lines) in margins.items():
        if name not in table:
            continue
        for k, value in zip(totals, table[name], strict=True):
            out.put(k, value)
        out.lines += list(zip(lines, totals, strict=True))
        if "total" in table:
            out.lines.append((totals, key(population, {})))
    if "total" in table:
        out.put(key(population, {}), table["total"])


def read(tables: list[dict]) -> Published:
    """The controlled tables as published, as one system of quantities and sums."""
    out = Published()
    for table in tables:
        if table.get("controlled"):
            (_read_list if table["kind"] == "list" else _read_cross)(out, table)
    return out


def published_ok(value, threshold: int = 10, rounding: int = 5) -> bool:
    return value is None or value == 0 or (value >= threshold and value % rounding == 0)


def exactly_recovered(published: Published) -> set[tuple]:
    """Hidden quantities fixed by the sums, published numbers taken as exact."""
    hidden = [k for k, v in published.values.items() if v is None]
    if not hidden:
        return set()
    column = {k: n for n, k in enumerate(hidden)}
    rows = []
    for parts, total in published.lines:
        row = numpy.zeros(len(hidden))
        for part in parts:
            if part in column:
                row[column[part]] += 1
        if total in column:
            row[column[total]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = numpy.array(rows)
    _, singular, vt = numpy.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
    null = vt[rank:]  # a basis of every way the hidden counts can move together
    free = numpy.abs(null).max(axis=0) if len(null) else numpy.zeros(len(hidden))
    return {k for k, n in column.items() if free[n] < 1e-9}


def _start(value, threshold: int, rounding: int) -> tuple[int, int]:
    """What one published number says of the count behind it."""
    if value is None:
        return 1, BIG
    if value == 0:
        return 0, 0
    return max(threshold, value - rounding // 2), value + rounding - 1 - rounding // 2


def _tighter(low: dict, high: dict, k, lo, hi) -> bool:
    changed = False
    if lo > low[k]:
        low[k], changed = lo, True
    if hi < high[k]:
        high[k], changed = hi, True
    return changed


def _one_pass(published: Published, at_most, low: dict, high: dict) -> bool:
    changed = False
    for parts, total in published.lines:
        changed |= _tighter(
            low, high, total, sum(low[p] for p in parts), sum(high[p] for p in parts)
        )
        for p in parts:
            others = [q for q in parts if q != p]
            changed |= _tighter(
                low,
                high,
                p,
                low[total] - sum(high[q] for q in others),
                high[total] - sum(low[q] for q in others),
            )
    for a, b in at_most:
        changed |= _tighter(low, high, a, low[a], high[b])
        changed |= _tighter(low, high, b, low[a], high[b])
    return changed


def intervals(published: Published, threshold: int = 10, rounding: int = 5) -> tuple[dict, dict]:
    """The lowest and highest each count can be, from everything published."""
    low, high = {}, {}
    for k, value in published.values.items():
        low[k], high[k] = _start(value, threshold, rounding)
    at_most = published.at_most()
    for _ in range(1000):
        if not _one_pass(published, at_most, low, high):
            break
    return low, high


@dataclass
class Findings:
    shown_small: list = field(default_factory=list)
    badly_published: list = field(default_factory=list)
    inconsistent: list = field(default_factory=list)
    recovered_exactly: list = field(default_factory=list)
    pinned: list = field(default_factory=list)
    outside_bounds: list = field(default_factory=list)
    lone_hidden: list = field(default_factory=list)

    def clean(self) -> bool:
        return not any(vars(self).values())


def attack(tables: list[dict], truth: Mapping[tuple, int]) -> Findings:
    """Everything wrong with the tables, from the attacker's side."""
    published = read(tables)
    found = Findings(inconsistent=published.inconsistent)
    small = {k for k in published.values if 0 < truth.get(k, 0) < 10}
    for k, value in published.values.items():
        if not published_ok(value):
            found.badly_published.append((k, value))
        if k in small and value is not None:
            found.shown_small.append((k, truth[k], value))
    for parts, total in published.lines:
        hidden = [p for p in parts if published.values[p] is None]
        if published.values[total] is not None and len(hidden) == 1:
            found.lone_hidden.append(hidden[0])
    found.recovered_exactly = sorted(exactly_recovered(published) & small, key=str)
    low, high = intervals(published)
    for k in published.values:
        if not low[k] <= truth.get(k, 0) <= high[k]:
            found.outside_bounds.append((k, truth.get(k, 0), low[k], high[k]))
        if k in small and low[k] == high[k]:
            found.pinned.append((k, truth[k]))
    return found
