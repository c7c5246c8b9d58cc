"""The fixed set of public tables about people, built from grouped counts, and how no
count of 1 to 9 can be recovered from them.

The tables (and nothing else: there are no filters, so no other table can be asked for):

    stories-by-quarter     financial year x quarter, with each year's total and the total
    stories-by-area        area (and "not given"), with the total
    stories-by-theme       theme x financial year, with each theme's total (a story can
                           have several themes, so themes have no total of their own)
    ethnic-group           census heading (5, "prefer not to say", "not answered"), total
    ethnic-group-detailed  the 19 census groups under their headings, total
    ethnic-group-by-sex    heading x sex, with both margins and the total
    ethnic-group-by-age    heading x age band, with both margins and the total
    ethnic-group-by-area   heading x area, with both margins and the total

The first three count every story received (`counts.received`); the others only those
whose tellers agreed to the use of their equality answers, a subset of the first.

Protection (engage.services.common.disclosure, rule 4):
1. Every number any table shows is one quantity under one key, however many tables show
   it: "Asian, Asian British or Asian Welsh" is the same number as the row total of the
   sex, age and area tables and the sum of its detailed groups; a year's total is the sum
   of its quarters and also the total the stories-by-area table adds to. A number is
   hidden everywhere or shown everywhere, so one table's margin can never be used to
   work out a count another table hid.
2. Every sum between the numbers is given to the rule as a line: each table's rows and
   columns, its margins, the detailed groups under their heading. Nested populations
   are given as bounds (the equality tables count a subset of the stories; a theme in a
   year is a subset of that year's stories).
3. The rule hides counts of 1-9 and rounds the rest to 5, then the audit: taking every
   published number as exact, no hidden count of 1-9 may be a combination of the lines
   (so subtracting any two tables, or a year and its quarters, gives nothing); and
   knowing only what rounding tells, none may be pinned to one value. Until then the
   smallest count beside an exposed one is hidden too.
4. The tables are counted once, by a scheduled refresh, and served as they are, so no
   request can ask for a slightly different table to subtract from this one; the page
   says when they were produced.

tests/services/figures/test_disclosure_properties.py generates microdata, builds these
tables through the database and attacks them: exact differencing of any combination,
interval narrowing from the rounding, and every download compared to the snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engage.services.common import disclosure
from engage.services.figures.counts import Grouped, Reference

STORIES = "stories"
EQUALITY = "equality"


def key(population: str, **dims) -> tuple:
    """The one key of a quantity, whichever table shows it."""
    return (population, tuple(sorted((name, str(code)) for name, code in dims.items())))


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    parent: str | None = None

    def as_json(self) -> dict:
        found = {"code": self.code, "label": self.label}
        if self.parent is not None:
            found["parent"] = self.parent
        return found


@dataclass(frozen=True)
class CrossTable:
    """rows x columns; which margins are published."""

    id: str
    title: str
    population: str
    row_dimension: str
    rows: tuple[Item, ...]
    column_dimension: str
    columns: tuple[Item, ...]
    row_totals: bool = True
    column_totals: bool = True
    total: bool = True

    def cell(self, row: Item, column: Item) -> tuple:
        return key(
            self.population, **{self.row_dimension: row.code, self.column_dimension: column.code}
        )

    def row_total(self, row: Item) -> tuple:
        return key(self.population, **{self.row_dimension: row.code})

    def column_total(self, column: Item) -> tuple:
        return key(self.population, **{self.column_dimension: column.code})

    def lines(self) -> list:
        found = []
        if self.row_totals:
            found += [
                ([self.cell(r, c) for c in self.columns], self.row_total(r)) for r in self.rows
            ]
        if self.column_totals:
            found += [
                ([self.cell(r, c) for r in self.rows], self.column_total(c)) for c in self.columns
            ]
        if self.total and self.row_totals:
            found.append(([self.row_total(r) for r in self.rows], key(self.population)))
        if self.total and self.column_totals:
            found.append(([self.column_total(c) for c in self.columns], key(self.population)))
        return found

    def as_json(self, cells: dict) -> dict:
        def shown(k):
            return cells[k].shown

        table = {
            "id": self.id,
            "title": self.title,
            "kind": "cross",
            "controlled": True,
            "population": self.population,
            "rows": {"dimension": self.row_dimension, "items": [r.as_json() for r in self.rows]},
            "columns": {
                "dimension": self.column_dimension,
                "items": [c.as_json() for c in self.columns],
            },
            "cells": [[shown(self.cell(r, c)) for c in self.columns] for r in self.rows],
        }
        if self.row_totals:
            table["row_totals"] = [shown(self.row_total(r)) for r in self.rows]
        if self.column_totals:
            table["column_totals"] = [shown(self.column_total(c)) for c in self.columns]
        if self.total:
            table["total"] = shown(key(self.population))
        return table


@dataclass(frozen=True)
class ListTable:
    """One dimension; rows with a parent also add up to the parent's count."""

    id: str
    title: str
    population: str
    dimension: str
    rows: tuple[Item, ...]
    parent_dimension: str | None = None
    total: bool = True

    def cell(self, row: Item) -> tuple:
        return key(self.population, **{self.dimension: row.code})

    def lines(self) -> list:
        found = []
        if self.total:
            found.append(([self.cell(r) for r in self.rows], key(self.population)))
        if self.parent_dimension:
            children: dict[str, list] = defaultdict(list)
            for row in self.rows:
                children[row.parent].append(self.cell(row))
            found += [
                (parts, key(self.population, **{self.parent_dimension: parent}))
                for parent, parts in children.items()
            ]
        return found

    def as_json(self, cells: dict) -> dict:
        table = {
            "id": self.id,
            "title": self.title,
            "kind": "list",
            "controlled": True,
            "population": self.population,
            "rows": {"dimension": self.dimension, "items": [r.as_json() for r in self.rows]},
            "values": [cells[self.cell(r)].shown for r in self.rows],
        }
        if self.parent_dimension:
            table["rows"]["parent_dimension"] = self.parent_dimension
        if self.total:
            table["total"] = cells[key(self.population)].shown
        return table


def _items(pairs) -> tuple[Item, ...]:
    return tuple(Item(str(code), label) for code, label in pairs)


def definitions(ref: Reference) -> list[CrossTable | ListTable]:
    """The fixed set of tables, in the order the page shows them."""
    from engage.services.accountability.periods import year_label

    years = tuple(Item(str(year), year_label(year)) for year in ref.years)
    quarters = tuple(Item(f"Q{n}", f"Q{n}") for n in (1, 2, 3, 4))
    areas, themes = _items(ref.areas), _items(ref.themes)
    headings = _items(ref.headings)
    detailed = tuple(Item(c.code, c.label, c.heading_code) for c in ref.ethnic)
    return [
        CrossTable(
            "stories-by-quarter",
            "Stories received by financial year and quarter",
            STORIES,
            "financial_year",
            years,
            "quarter",
            quarters,
            column_totals=False,
        ),
        ListTable("stories-by-area", "Stories received by area", STORIES, "area", areas),
        CrossTable(
            "stories-by-theme",
            "Stories received by theme and financial year",
            STORIES,
            "theme",
            themes,
            "financial_year",
            years,
            column_totals=False,
            total=False,
        ),
        ListTable("ethnic-group", "Ethnic group", EQUALITY, "ethnic_group", headings),
        ListTable(
            "ethnic-group-detailed",
            "Ethnic group, detailed",
            EQUALITY,
            "ethnic_group_detailed",
            detailed,
            parent_dimension="ethnic_group",
        ),
        CrossTable(
            "ethnic-group-by-sex",
            "Ethnic group by sex",
            EQUALITY,
            "ethnic_group",
            headings,
            "sex",
            _items(ref.sexes),
        ),
        CrossTable(
            "ethnic-group-by-age",
            "Ethnic group by age",
            EQUALITY,
            "ethnic_group",
            headings,
            "age_band",
            _items(ref.ages),
        ),
        CrossTable(
            "ethnic-group-by-area",
            "Ethnic group by area",
            EQUALITY,
            "ethnic_group",
            headings,
            "area",
            areas,
        ),
    ]


def _shown_keys(tables: list[CrossTable | ListTable]):
    """Every key a table shows."""
    for table in tables:
        for parts, total in table.lines():
            yield from (*parts, total)
        if isinstance(table, CrossTable):
            yield from (table.cell(r, c) for r in table.rows for c in table.columns)


def _contributions(grouped: Grouped, ref: Reference):
    """(keys, count): each group of stories with every quantity it counts towards."""
    for (area, year, quarter), count in grouped.stories.items():
        yield (
            (
                key(STORIES),
                key(STORIES, area=area),
                key(STORIES, financial_year=year),
                key(STORIES, financial_year=year, quarter=f"Q{quarter}"),
            ),
            count,
        )
    for (theme, year), count in grouped.themes.items():
        yield (key(STORIES, theme=theme), key(STORIES, theme=theme, financial_year=year)), count
    heading_of = {c.code: c.heading_code for c in ref.ethnic}
    for (ethnic, sex, age, area), count in grouped.equality.items():
        heading = heading_of[ethnic]
        yield (
            (
                key(EQUALITY),
                key(EQUALITY, ethnic_group=heading),
                key(EQUALITY, ethnic_group_detailed=ethnic),
                key(EQUALITY, sex=sex),
                key(EQUALITY, age_band=age),
                key(EQUALITY, area=area),
                key(EQUALITY, ethnic_group=heading, sex=sex),
                key(EQUALITY, ethnic_group=heading, age_band=age),
                key(EQUALITY, ethnic_group=heading, area=area),
            ),
            count,
        )


def true_counts(grouped: Grouped, ref: Reference) -> dict[tuple, int]:
    """Every quantity any table shows, unrounded, each under its one key (zeros too)."""
    values: dict[tuple, int] = dict.fromkeys(_shown_keys(definitions(ref)), 0)
    for keys, count in _contributions(grouped, ref):
        for k in keys:
            values[k] = values.get(k, 0) + count
    return values


def nesting(ref: Reference) -> list[tuple[tuple, tuple]]:
    """(a, b): a counts a subset of what b counts."""
    pairs = [(key(EQUALITY), key(STORIES))]
    pairs += [(key(EQUALITY, area=code), key(STORIES, area=code)) for code, _ in ref.areas]
    for theme, _ in ref.themes:
        pairs.append((key(STORIES, theme=theme), key(STORIES)))
        pairs += [
            (key(STORIES, theme=theme, financial_year=y), key(STORIES, financial_year=y))
            for y in ref.years
        ]
    return pairs


def all_lines(tables: list[CrossTable | ListTable]) -> list:
    """Every sum between published numbers, each once."""
    seen, lines = set(), []
    for table in tables:
        for parts, total in table.lines():
            signature = (frozenset(parts), total)
            if signature not in seen:
                seen.add(signature)
                lines.append((parts, total))
    return lines


def build(grouped: Grouped, ref: Reference, *, threshold: int, rounding: int) -> list[dict]:
    """The tables as published: every count through the rule, as JSON-ready dicts."""
    tables = definitions(ref)
    values = true_counts(grouped, ref)
    cells = disclosure.control_linked(
        values,
        all_lines(tables),
        at_most=nesting(ref),
        threshold=threshold,
        rounding=rounding,
    )
    return [table.as_json(cells) for table in tables]
