"""The open data: every table as CSV and JSON, each valid against its published
Frictionless Table Schema, the same numbers as the page, and safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest

from engage.services.figures import downloads, snapshots
from tests.services.figures import fixtures

FORMAT_PATTERNS = {
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "datetime": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
}
TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def as_json_schema(table_schema: dict) -> dict:
    """A Table Schema as the JSON Schema a row (a dict) must meet; a field that isn't
    required may be missing (null)."""
    properties = {}
    for field in table_schema["fields"]:
        kind = field["type"]
        rule = {"type": TYPES.get(kind, "string")}
        if kind in FORMAT_PATTERNS:
            rule["pattern"] = FORMAT_PATTERNS[kind]
        constraints = field.get("constraints", {})
        if "enum" in constraints:
            rule["enum"] = constraints["enum"]
        if "minimum" in constraints:
            rule["minimum"] = constraints["minimum"]
        if "pattern" in constraints:
            rule["pattern"] = f"^{constraints['pattern']}$"
        properties[field["name"]] = (
            rule if constraints.get("required") else {"anyOf": [rule, {"type": "null"}]}
        )
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def typed(row: dict, table_schema: dict) -> dict:
    """A CSV row read as the Table Schema says ("" is missing)."""
    out = {}
    for field in table_schema["fields"]:
        text = row[field["name"]]
        if text in table_schema.get("missingValues", [""]):
            out[field["name"]] = None
        elif field["type"] == "integer":
            out[field["name"]] = int(text)
        elif field["type"] == "number":
            out[field["name"]] = float(text)
        elif field["type"] == "boolean":
            assert text in ("true", "false")
            out[field["name"]] = text == "true"
        else:
            out[field["name"]] = text
    return out


@pytest.fixture
def published(ctx):
    fixtures.everything()
    snapshots.refresh(fixtures.NOW)
    return snapshots.latest()


def test_every_download_meets_its_table_schema(published):
    for name in downloads.names(published):
        table_schema = downloads.schema(published, name)
        validator = jsonschema.Draft202012Validator(as_json_schema(table_schema))
        text = downloads.as_csv(published, name)
        reader = csv.DictReader(io.StringIO(text))
        assert reader.fieldnames == [f["name"] for f in table_schema["fields"]], name
        csv_rows = [typed(row, table_schema) for row in reader]
        document = json.loads(downloads.as_json(published, name))
        assert document["period"] == "2025-04-01/2027-01-15"
        assert document["produced_at"] == "2027-01-15T09:00:00Z"
        for row in document["rows"]:
            validator.validate(row)
        for row in csv_rows:
            validator.validate(row)
        assert csv_rows == [
            {k: (None if v == "" else v) for k, v in row.items()} for row in document["rows"]
        ], name


def test_each_number_has_one_row_and_keys_are_unique(published):
    for name in downloads.names(published):
        table_schema = downloads.schema(published, name)
        keys = table_schema.get("primaryKey")
        if not keys:
            continue
        found = [tuple(row[k] for k in keys) for row in downloads.rows(published, name)]
        assert len(found) == len(set(found)), name


def test_hidden_counts_are_empty_and_flagged(published):
    rows = downloads.rows(published, "ethnic-group")
    other = next(row for row in rows if row["ethnic_group"] == "other")
    assert other["stories"] is None and other["suppressed"] is True  # 3 planted stories
    text = downloads.as_csv(published, "ethnic-group")
    assert ",other,Other ethnic group,,true\r\n" in text


def test_the_data_package_lists_every_table(published):
    package = downloads.data_package(published)
    assert package["profile"] == "tabular-data-package"
    assert [r["name"] for r in package["resources"]] == downloads.names(published)
    first = package["resources"][0]
    assert first["path"] == "stories-by-quarter.csv"
    assert first["schema"] == "stories-by-quarter.schema.json"


def test_the_frictionless_validator_accepts_the_package(published, tmp_path):
    """Checked by the reference implementation too, where it is installed."""
    frictionless = pytest.importorskip("frictionless")
    for name in downloads.names(published):
        (tmp_path / f"{name}.csv").write_text(downloads.as_csv(published, name), newline="")
        (tmp_path / f"{name}.schema.json").write_text(json.dumps(downloads.schema(published, name)))
    (tmp_path / "datapackage.json").write_text(json.dumps(downloads.data_package(published)))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])


def test_cells_a_spreadsheet_would_run_are_defused(ctx):
    for title in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab"):
        fixtures.decision(title, decided_by="=cmd|' /C calc'!A0")
    snapshots.refresh(fixtures.NOW)
    published = snapshots.latest()
    text = downloads.as_csv(published, "decisions")
    for row in csv.DictReader(io.StringIO(text)):
        assert row["title"][0] == "'" and row["decided_by"].startswith("'=cmd")
    # JSON keeps the words exactly as typed: it is not read by spreadsheets.
    document = json.loads(downloads.as_json(published, "decisions"))
    assert {r["title"] for r in document["rows"]} >= {"@SUM(A1)", "-2+3"}


def test_numbers_are_never_defused():
    assert downloads.safe_cell(-3) == "-3" and downloads.safe_cell(2.5) == "2.5"
    assert downloads.safe_cell(None) == "" and downloads.safe_cell(True) == "true"
    assert downloads.safe_cell("plain") == "plain"


def test_an_unknown_table_is_refused(published):
    with pytest.raises(downloads.UnknownTable):
        downloads.as_csv(published, "stories-by-postcode")
