"""The annual report's content is a plain, JSON-able dict in the meeting pack's shape
(engage.packs.pdf: sections of blocks), so that it can be frozen when published and
drawn as a page or a PDF. Two block types are the report's own:

- {"type": "figure", "caption", "labels", "series", "y_label", "label_heading",
   "columns", "rows"}: a bar chart with its figures in the table given ("columns" and
   "rows"), where a suppressed count reads "suppressed" rather than a blank;
- {"type": "markdown", "markdown": str}: a narrative section's body as typed.

Every count of residents' stories goes through engage.services.common.disclosure before
it is put in a block: a block never holds an unprotected count of stories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from engage.services.common import disclosure

SUPPRESSED = "suppressed"


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def subheading(text: str) -> dict:
    return {"type": "subheading", "text": text}


def bullets(items: Sequence[str]) -> dict:
    return {"type": "list", "items": list(items)}


def table(caption: str, columns: Sequence[str], rows: Sequence[Sequence]) -> dict:
    return {
        "type": "table",
        "caption": caption,
        "columns": list(columns),
        "rows": [list(row) for row in rows],
    }


def figure(
    caption: str,
    *,
    labels: Sequence[str],
    series: Sequence[dict],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    y_label: str,
) -> dict:
    return {
        "type": "figure",
        "caption": caption,
        "labels": list(labels),
        "series": [{"name": s["name"], "values": list(s["values"])} for s in series],
        "y_label": y_label,
        "columns": list(columns),
        "rows": [list(row) for row in rows],
    }


def number(value: Decimal | float | int | None) -> int | float | None:
    """A stored figure as JSON can hold it: whole numbers as int."""
    if value is None:
        return None
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else round(as_float, 2)


def shown(cell: disclosure.Cell) -> int | str:
    """A protected count as the table shows it."""
    return SUPPRESSED if cell.shown is None else cell.shown


def controlled_figure(
    caption: str,
    counts: Mapping[str, Mapping[str, int]],
    columns: Sequence[str],
    *,
    label_heading: str,
    total_label: str,
    y_label: str = "Stories",
    settings: Mapping[str, int],
) -> tuple[dict, dict[str, disclosure.Breakdown]]:
    """A chart and table of counts of stories (rows by columns, e.g. themes by year)
    under disclosure control. Each column (a year) is one breakdown with its total, as
    published: no total across columns is shown, so none is protected. The totals are
    the protected breakdowns' own, never counted apart, so no hidden count can be worked
    out from them."""
    labels = list(counts)
    protected = {
        column: disclosure.control(
            {label: counts[label].get(column, 0) for label in labels}, **settings
        )
        for column in columns
    }
    cells = {column: dict(zip(labels, protected[column].cells, strict=True)) for column in columns}
    rows = [[label, *[shown(cells[column][label]) for column in columns]] for label in labels]
    rows.append([total_label, *[shown(protected[column].total) for column in columns]])
    series = [
        {"name": column, "values": [cells[column][label].shown for label in labels]}
        for column in columns
    ]
    block = figure(
        caption,
        labels=labels,
        series=series,
        columns=[label_heading, *columns],
        rows=rows,
        y_label=y_label,
    )
    return block, protected
