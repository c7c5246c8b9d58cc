"""Checking an evidence CSV against the declared Table Schema
(engage/data/evidence_table_schema.json), with every problem said in plain English and
the row number a spreadsheet shows (the column names are row 1).

Frictionless reads the CSV and checks each cell against the schema, completed here with
the lists of accepted ethnic groups and areas; this module says what it found in words
and adds what a Table Schema can't say: numbers written plainly (Frictionless also takes
"NaN", "1_000" and non-ASCII digits), the confidence interval around the value, and no
two rows for the same ethnic group, area and period.

Pure: no database. The lists come in as a `Reference` (engage.services.evidence.datasets
builds it from the reference tables)."""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from frictionless import Dialect, FrictionlessException, Resource, Schema, formats

from engage.services.common.transaction import ServiceError
from engage.typed_text import one_line

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "data" / "evidence_table_schema.json"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Problems listed on the page; the rest are counted.
SHOWN_PROBLEMS = 50
PERIOD_MAX_LENGTH = 60
ALL = "All"
WHOLE_REGION = "West Midlands"
# Not a census category: no published statistic is broken down by it.
NOT_A_CATEGORY = "prefer_not_to_say"

# A number as a CSV from a spreadsheet writes it: ASCII digits, a full stop, an exponent.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_PLAIN_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_CONSTRAINT = re.compile(r'constraint "(\w+)"')
# Control characters other than tab and line endings: a file with them is not a table.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CHOOSE_AGAIN = "Correct the file and choose it again."


@dataclass(frozen=True)
class Group:
    """How an accepted ethnic_group cell is kept: `key` tells rows apart (a census
    code, "heading:<heading>" or "all"); `label` is what the chart and table show."""

    key: str
    label: str


@dataclass(frozen=True)
class Reference:
    """What the ethnic_group and area cells may say: every accepted spelling."""

    groups: dict[str, Group]
    areas: tuple[str, ...]

    @classmethod
    def build(
        cls, categories: Iterable[tuple[str, str, str]], authorities: Iterable[str]
    ) -> Reference:
        """From (code, heading, label) census categories, in census order, and local
        authority names."""
        groups: dict[str, Group] = {}
        headings: list[str] = []
        for code, heading, label in categories:
            if code == NOT_A_CATEGORY:
                continue
            group = Group(code, label)
            groups[code] = group
            groups.setdefault(label, group)
            if heading not in headings:
                headings.append(heading)
        for heading in headings:
            groups.setdefault(heading, Group(f"heading:{heading}", heading))
        groups[ALL] = Group("all", "All ethnic groups")
        areas = [WHOLE_REGION] + sorted(set(authorities) - {WHOLE_REGION})
        return cls(groups=groups, areas=tuple(areas))


@dataclass(frozen=True)
class Checked:
    """A file that passed: its text exactly as sent (a byte-order mark kept, so it
    encodes back to the same bytes), its columns in order, and its rows as kept."""

    text: str
    columns: list[str]
    rows: list[dict]


class FileProblems(ServiceError):
    """The file was refused. `errors["file"]` sums it up for beside the field; the
    problems, row by row, are listed under it (the first SHOWN_PROBLEMS; `more` counts
    the rest)."""

    def __init__(
        self,
        summary: str,
        problems: Iterable[str] = (),
        more: int = 0,
        *,
        errors: dict[str, str] | None = None,
    ):
        super().__init__({**(errors or {}), "file": summary})
        self.summary = summary
        self.problems = list(problems)
        self.more = more

    def with_errors(self, errors: dict[str, str]) -> FileProblems:
        """The same problems, with the other fields' errors beside them."""
        return FileProblems(self.summary, self.problems, self.more, errors=errors)


_DECLARED = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
COLUMNS = tuple(item["name"] for item in _DECLARED["fields"])
REQUIRED_COLUMNS = tuple(
    item["name"] for item in _DECLARED["fields"] if item.get("constraints", {}).get("required")
)


def declared_schema() -> dict:
    """The Table Schema as written in the repository (a copy: change it freely)."""
    return copy.deepcopy(_DECLARED)


def published_schema(reference: Reference) -> dict:
    """The declared schema with the accepted ethnic groups and areas as `enum`
    constraints: what the secretariat can check a file against before uploading it."""
    schema = declared_schema()
    for item in schema["fields"]:
        if item["name"] == "ethnic_group":
            item.setdefault("constraints", {})["enum"] = list(reference.groups)
        elif item["name"] == "area":
            item.setdefault("constraints", {})["enum"] = list(reference.areas)
    return schema


# The file as a whole


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _decoded(content: bytes) -> str:
    if not content:
        raise FileProblems("The file is empty. Choose the CSV file with the figures in it.")
    if len(content) > MAX_BYTES:
        raise FileProblems(
            f"The file is {_megabytes(len(content))}. Upload a CSV file of "
            f"{MAX_BYTES // (1024 * 1024)} MB or less."
        )
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblems(
            "This is a spreadsheet workbook, not a CSV file. In your spreadsheet program, "
            "save the sheet as \u2018CSV UTF-8\u2019 and choose that file."
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise FileProblems(
            "The file is not saved as UTF-8 text. In Excel, use Save As and choose "
            "\u2018CSV UTF-8 (Comma delimited)\u2019; in LibreOffice, choose \u2018Text "
            "CSV\u2019 with the character set \u2018Unicode (UTF-8)\u2019."
        ) from None
    if _NOT_TEXT.search(text):
        raise FileProblems(
            "The file has characters in it that are not text, so it is not a CSV file. "
            "Choose the CSV file saved from your spreadsheet."
        )
    return text


# The first row: the column names


def _letter(index: int) -> str:
    """The spreadsheet's name for a column: A, B, ..., Z, AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _near(name: str, options: Iterable[str]) -> str | None:
    """An option the name matches but for capitals, spaces or hyphens."""

    def squash(text: str) -> str:
        return re.sub(r"[\s_\-]+", "", text).casefold()

    wanted = squash(name)
    return next((option for option in options if squash(option) == wanted), None)


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"\u201c{name}\u201d" for name in names)


def _header_problems(header: list[str]) -> list[str]:
    columns, required = COLUMNS, REQUIRED_COLUMNS
    if not any(name.strip() for name in header):
        return [
            "The first row must name the columns. Put the column names in row 1: "
            + ", ".join(columns)
            + "."
        ]
    if len(header) == 1 and any(mark in header[0] for mark in (";", "\t")):
        return [
            "The columns seem to be separated by semicolons or tabs. Save the file as CSV, "
            "with commas between the columns."
        ]
    problems = []
    blank = [_letter(i) for i, name in enumerate(header) if not name.strip()]
    if blank:
        problems.append(
            f"Column {', '.join(blank)} has no name in row 1. Delete "
            f"{'that column' if len(blank) == 1 else 'those columns'}, or name "
            f"{'it' if len(blank) == 1 else 'them'}."
        )
    unknown = [name for name in header if name.strip() and name not in columns]
    for name in unknown:
        near = _near(name, columns)
        if near:
            problems.append(
                f"Column \u201c{name}\u201d should be named exactly \u201c{near}\u201d."
            )
    strange = [name for name in unknown if not _near(name, columns)]
    if strange:
        problems.append(
            f"Row 1 names {'a column' if len(strange) == 1 else 'columns'} this table "
            f"does not have: {_quoted(strange)}. Delete "
            f"{'it' if len(strange) == 1 else 'them'}. The columns are: " + ", ".join(columns) + "."
        )
    twice = sorted({name for name in header if name.strip() and header.count(name) > 1})
    if twice:
        problems.append(f"Row 1 names {_quoted(twice)} more than once.")
    missing = [name for name in required if name not in header and not _near_in(name, unknown)]
    if missing:
        problems.append(
            f"Row 1 does not name the {'column' if len(missing) == 1 else 'columns'} every "
            f"file must have: {_quoted(missing)}."
        )
    return problems


def _near_in(name: str, unknown: list[str]) -> bool:
    """A required column is already spoken for by a misspelt name ("Value")."""
    return any(_near(other, [name]) for other in unknown)


def _header(text: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))), [])
    except csv.Error:
        raise FileProblems(_unreadable()) from None


def _unreadable() -> str:
    return (
        "The file could not be read as CSV. Save it from your spreadsheet as "
        "\u2018CSV UTF-8\u2019 and choose it again."
    )


# The rows


def _cell(text: str | None) -> str:
    """A cell as quoted in a message: on one line, long ones cut."""
    shown = one_line(text or "")
    return shown if len(shown) <= 60 else shown[:59] + "\u2026"


def _group_problem(row: int, cell: str, reference: Reference) -> str:
    message = (
        f"Row {row}: ethnic_group \u201c{_cell(cell)}\u201d is not a 2021 census ethnic "
        f"group, a census heading or \u201c{ALL}\u201d"
    )
    near = _near(cell, reference.groups)
    return message + (f". Did you mean \u201c{near}\u201d?" if near else ".")


def _area_problem(row: int, cell: str, reference: Reference) -> str:
    message = (
        f"Row {row}: area \u201c{_cell(cell)}\u201d is not a local authority name or "
        f"\u201c{WHOLE_REGION}\u201d"
    )
    near = _near(cell, reference.areas)
    return message + (f". Did you mean \u201c{near}\u201d?" if near else ".")


def _cell_problem(row: int, error, reference: Reference) -> str:
    name, cell = error.field_name, error.cell or ""
    if error.type == "type-error":
        kind = "a whole number" if name == "sample_size" else "a number"
        return f"Row {row}: {name} \u201c{_cell(cell)}\u201d is not {kind}."
    match = _CONSTRAINT.search(error.note or "")
    constraint = match.group(1) if match else ""
    if constraint == "required":
        return f"Row {row}: {name} is empty. Every row needs one."
    if constraint == "enum" and name == "ethnic_group":
        return _group_problem(row, cell, reference)
    if constraint == "enum" and name == "area":
        return _area_problem(row, cell, reference)
    if constraint == "minimum":
        return f"Row {row}: {name} \u201c{_cell(cell)}\u201d is below 0."
    return f"Row {row}: {name} \u201c{_cell(cell)}\u201d does not fit the schema."


def _count_problem(row: int, cells: int, columns: int) -> str:
    if cells < columns:
        return (
            f"Row {row} has {cells} {'cell' if cells == 1 else 'cells'}, but row 1 names "
            f"{columns} columns."
        )
    return (
        f"Row {row} has {cells} cells, but row 1 names {columns} columns. If a value has a "
        "comma in it, put that value in double quotes."
    )


def _number(name: str, raw: str, parsed, row: int, problems: list[str]):
    """The number as kept (float or int), or None; a problem is added when the cell is
    not written plainly or is too large to keep."""
    if parsed is None:
        return None
    text = raw.strip()
    pattern = _PLAIN_INTEGER if name == "sample_size" else _PLAIN_NUMBER
    kind = "a whole number" if name == "sample_size" else "a number"
    if not pattern.fullmatch(text):
        problems.append(f"Row {row}: {name} \u201c{_cell(raw)}\u201d is not {kind}.")
        return None
    if name == "sample_size":
        return int(parsed)
    number = float(Decimal(parsed))
    if not math.isfinite(number):
        problems.append(f"Row {row}: {name} \u201c{_cell(raw)}\u201d is too large.")
        return None
    return number


def _interval_problems(row: int, kept: dict) -> list[str]:
    value, lower, upper = kept["value"], kept.get("lower"), kept.get("upper")
    problems = []
    if value is not None and lower is not None and lower > value:
        problems.append(f"Row {row}: lower ({_plain(lower)}) is above value ({_plain(value)}).")
    if value is not None and upper is not None and upper < value:
        problems.append(f"Row {row}: upper ({_plain(upper)}) is below value ({_plain(value)}).")
    return problems


def _plain(number: float | int) -> str:
    if isinstance(number, int) or float(number).is_integer():
        return str(int(number))
    return repr(float(number))


@dataclass
class _Rows:
    """The rows kept so far, what was wrong, and where each key was first seen."""

    reference: Reference
    columns: list[str]
    kept: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seen: dict[tuple, int] = field(default_factory=dict)

    def take(self, row) -> None:
        number, kinds = row.row_number, {e.type for e in row.errors}
        if "blank-row" in kinds:
            return  # an empty line: nothing to keep, nothing wrong
        if kinds & {"missing-cell", "extra-cell"}:
            self.problems.append(_count_problem(number, len(row.cells), len(self.columns)))
            return
        if row.errors:
            self.problems += [_cell_problem(number, e, self.reference) for e in row.errors]
            return
        self._keep(number, row)

    def _keep(self, number: int, row) -> None:
        raw = dict(zip(self.columns, row.cells, strict=True))
        parsed = row.to_dict()
        problems: list[str] = []
        group = self.reference.groups[parsed["ethnic_group"]]
        kept = {
            "row": number,
            "group": group.key,
            "ethnic_group": group.label,
            "area": parsed.get("area") or "",
            "period": one_line(parsed.get("period") or ""),
        }
        for name in ("value", "lower", "upper", "sample_size"):
            kept[name] = _number(name, raw.get(name, ""), parsed.get(name), number, problems)
        if len(kept["period"]) > PERIOD_MAX_LENGTH:
            problems.append(
                f"Row {number}: period is {len(kept['period'])} characters long. Use "
                f"{PERIOD_MAX_LENGTH} or fewer."
            )
        problems += _interval_problems(number, kept)
        key = (group.key, kept["area"], kept["period"])
        if key in self.seen:
            problems.append(
                f"Row {number} repeats row {self.seen[key]}: the same ethnic group, area "
                "and period."
            )
        else:
            self.seen[key] = number
        self.problems += problems
        if not problems:
            self.kept.append(kept)


def _rows(text: str, columns: list[str], reference: Reference) -> _Rows:
    schema = published_schema(reference)
    fields = {item["name"]: item for item in schema["fields"]}
    schema["fields"] = [fields[name] for name in columns]
    resource = Resource(
        data=text.removeprefix("\ufeff").encode("utf-8"),
        format="csv",
        encoding="utf-8",
        schema=Schema.from_descriptor(schema),
        # Commas only: no guessing the delimiter from the first lines.
        dialect=Dialect(controls=[formats.CsvControl(delimiter=",")]),
    )
    found = _Rows(reference, columns)
    try:
        with resource:
            for row in resource.row_stream:
                if row.row_number - 1 > MAX_ROWS:
                    raise FileProblems(
                        f"The file has more than {MAX_ROWS:,} rows of figures. Upload "
                        "the figures in smaller tables, as separate datasets."
                    )
                found.take(row)
    except (FrictionlessException, csv.Error):
        raise FileProblems(_unreadable()) from None
    return found


def check_csv(content: bytes, reference: Reference) -> Checked:
    """The file's rows, checked; FileProblems says everything wrong with it."""
    text = _decoded(content)
    header = _header(text)
    problems = _header_problems(header)
    if problems:
        raise FileProblems(
            "Row 1 of the file does not name the columns as the schema does. " + CHOOSE_AGAIN,
            problems,
        )
    found = _rows(text, header, reference)
    if found.problems:
        count = len(found.problems)
        raise FileProblems(
            f"The file has {count:,} {'problem' if count == 1 else 'problems'}, listed "
            f"under the file box. {CHOOSE_AGAIN}",
            found.problems[:SHOWN_PROBLEMS],
            max(0, count - SHOWN_PROBLEMS),
        )
    if not found.kept:
        raise FileProblems(
            "The file has column names but no rows of figures. Choose the file with the "
            "figures in it."
        )
    return Checked(text=text, columns=header, rows=found.kept)
