"""The public figures as open data: each table as CSV and as JSON, in long form (one row
per number, totals included as rows whose code is "total"), every row carrying the
period the figures cover and when they were produced; each described by a Frictionless
Table Schema, and all of them by a Data Package (https://specs.frictionlessdata.io/).

The numbers are exactly those of the snapshot the page shows: a hidden count is an
empty cell with `suppressed` true. CSV cells that a spreadsheet would run as a formula
(starting = + - @, a tab or a carriage return) are prefixed with an apostrophe (OWASP
"CSV injection"): labels come from reference data and staff text."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC

from engage.services.figures.snapshots import Published

TOTAL = "total"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROFILE = "tabular-data-resource"

# What each population's numbers count, as the value column's name and description.
MEASURES = {
    "stories": ("stories", "Stories received"),
    "equality": (
        "stories",
        "Stories whose tellers answered the equality questions and agreed to their use",
    ),
    "decisions": ("decisions", "Decisions influenced"),
    "summaries": ("summaries", '"You said, we did" summaries published'),
}
DIMENSIONS = {
    "financial_year": "Financial year (April to March), by the year it starts",
    "quarter": "Quarter of the financial year (Q1 is April to June)",
    "area": "Local authority, by its ONS GSS code (not_given: no area given)",
    "theme": "Theme an officer confirmed for the story",
    "ethnic_group": "Ethnic group, by 2021 census heading",
    "ethnic_group_detailed": "Ethnic group, by 2021 census category",
    "sex": "Sex",
    "age_band": "Age band",
    "significance": "Significance of the decision, from 1 (minor) to 4 (major)",
}
RECORD_TYPES = {
    "decided_on": "date",
    "published_on": "date",
    "value": "number",
    "version": "integer",
}


class UnknownTable(KeyError):
    """No such table in the snapshot."""


def names(published: Published) -> list[str]:
    return list(published.tables)


def _table(published: Published, name: str) -> dict:
    table = published.table(name)
    if table is None:
        raise UnknownTable(name)
    return table


def _moment(published: Published) -> str:
    return published.produced_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _place(dimension: str, item: dict | None, parent: str | None = None) -> dict:
    """A number's coordinates on one dimension: its code and label, or the total."""
    if item is None:
        found = {dimension: TOTAL, f"{dimension}_label": "Total"}
        return found | {parent: TOTAL} if parent else found
    found = {dimension: item["code"], f"{dimension}_label": item["label"]}
    return found | {parent: item["parent"]} if parent else found


def _numbers(table: dict) -> list[tuple[dict, int | None]]:
    """Every number of a counted table with its coordinates: cells, then margins."""
    dimension = table["rows"]["dimension"]
    parent = table["rows"].get("parent_dimension")
    items = table["rows"]["items"]
    if table["kind"] == "list":
        found = [
            (_place(dimension, item, parent), value)
            for item, value in zip(items, table["values"], strict=True)
        ]
        if "total" in table:
            found.append((_place(dimension, None, parent), table["total"]))
        return found
    column = table["columns"]["dimension"]
    columns = table["columns"]["items"]

    def at(item, column_item) -> dict:
        return _place(dimension, item) | _place(column, column_item)

    found = [
        (at(item, column_item), value)
        for item, values in zip(items, table["cells"], strict=True)
        for column_item, value in zip(columns, values, strict=True)
    ]
    if "row_totals" in table:
        found += [(at(i, None), v) for i, v in zip(items, table["row_totals"], strict=True)]
    if "column_totals" in table:
        found += [(at(None, c), v) for c, v in zip(columns, table["column_totals"], strict=True)]
    if "total" in table:
        found.append((at(None, None), table["total"]))
    return found


def rows(published: Published, name: str) -> list[dict]:
    """The table in long form, every row with its period and produced_at."""
    table = _table(published, name)
    common = {
        "period": published.content["period"]["interval"],
        "produced_at": _moment(published),
    }
    if table["kind"] == "records":
        return [{**common, **record} for record in table["records"]]
    value_name = MEASURES[table["population"]][0]
    found = []
    for place, value in _numbers(table):
        row = {**common, **place, value_name: value}
        if table["controlled"]:
            row["suppressed"] = value is None
        found.append(row)
    return found


def _field(name: str, kind: str, description: str, **constraints) -> dict:
    found = {"name": name, "type": kind, "description": description}
    if constraints:
        found["constraints"] = constraints
    return found


def _dimension_fields(name: str, codes: list[str], with_total: bool) -> list[dict]:
    allowed = [*codes, TOTAL] if with_total else codes
    return [
        _field(name, "string", DIMENSIONS.get(name, name), required=True, enum=allowed),
        _field(f"{name}_label", "string", f"{DIMENSIONS.get(name, name)}, in words"),
    ]


def schema(published: Published, name: str) -> dict:
    """The table's Frictionless Table Schema."""
    table = _table(published, name)
    fields = [
        _field(
            "period",
            "string",
            "The period the figures cover, as an ISO 8601 interval (start/end dates)",
            required=True,
            pattern=r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}",
        ),
        _field("produced_at", "datetime", "When the figures were produced (UTC)", required=True),
    ]
    if table["kind"] == "records":
        fields += [
            _field(field, RECORD_TYPES.get(field, "string"), field.replace("_", " ").capitalize())
            for field in table["fields"]
        ]
        return {"fields": fields, "missingValues": [""]}
    dimension = table["rows"]["dimension"]
    codes = [item["code"] for item in table["rows"]["items"]]
    parent = table["rows"].get("parent_dimension")
    keys = [dimension]
    if table["kind"] == "list":
        fields += _dimension_fields(dimension, codes, "total" in table)
        if parent:
            parents = sorted({item["parent"] for item in table["rows"]["items"]})
            fields.append(
                _field(
                    parent,
                    "string",
                    DIMENSIONS.get(parent, parent),
                    required=True,
                    enum=[*parents, TOTAL],
                )
            )
    else:
        column = table["columns"]["dimension"]
        column_codes = [item["code"] for item in table["columns"]["items"]]
        has_totals = "column_totals" in table or "total" in table
        fields += _dimension_fields(dimension, codes, has_totals)
        fields += _dimension_fields(column, column_codes, "row_totals" in table or "total" in table)
        keys.append(column)
    value_name, value_description = MEASURES[table["population"]]
    if table["controlled"]:
        rule = published.content["rule"]
        value_description += (
            f". Counts from 1 to {rule['threshold'] - 1} are not shown (empty), others are"
            f" rounded to the nearest {rule['rounding']}; some counts of {rule['threshold']}"
            " or more are also not shown, so that a smaller one can't be worked out."
        )
    fields.append(_field(value_name, "integer", value_description, minimum=0))
    if table["controlled"]:
        fields.append(
            _field("suppressed", "boolean", "True where the count is not shown", required=True)
        )
    return {"fields": fields, "primaryKey": keys, "missingValues": [""]}


def data_package(published: Published, base_url: str = "") -> dict:
    """The Data Package listing every table, with relative paths beside it."""
    return {
        "profile": "tabular-data-package",
        "name": "engage-public-figures",
        "title": "Race Equity Taskforce: public figures",
        "description": published.content["period"]["label"]
        + ". Counts about people are protected by disclosure control.",
        "created": _moment(published),
        "resources": [
            {
                "name": name,
                "title": table["title"],
                "profile": PROFILE,
                "path": f"{base_url}{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": f"{base_url}{name}.schema.json",
            }
            for name, table in published.tables.items()
        ],
    }


def safe_cell(value) -> str:
    """A value as a CSV cell, never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(published: Published, name: str) -> str:
    fields = [field["name"] for field in schema(published, name)["fields"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows(published, name):
        writer.writerow([safe_cell(row.get(field)) for field in fields])
    return buffer.getvalue()


def as_json(published: Published, name: str, schema_url: str = "") -> str:
    table = _table(published, name)
    document = {
        "id": name,
        "title": table["title"],
        "period": published.content["period"]["interval"],
        "period_label": published.content["period"]["label"],
        "produced_at": _moment(published),
        "schema": schema_url or f"{name}.schema.json",
        "rows": rows(published, name),
    }
    if table["controlled"]:
        document["disclosure_control"] = published.content["rule"]
    return json.dumps(document, ensure_ascii=False, indent=1)
