"""The snapshot's tables made ready to draw, in the reader's language: headings, labels
and the charts' data. Numbers are never changed here; only words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engage import labels
from engage.reference_labels import translated
from engage.services.figures.counts import NOT_ANSWERED, NOT_GIVEN
from engage.services.figures.records import NO_THEME
from engage.services.figures.snapshots import Published

TITLES = {
    "stories-by-quarter": _l("Stories received by financial year and quarter"),
    "stories-by-area": _l("Stories received by area"),
    "stories-by-theme": _l("Stories received by theme and financial year"),
    "ethnic-group": _l("Ethnic group"),
    "ethnic-group-detailed": _l("Ethnic group, by census category"),
    "ethnic-group-by-sex": _l("Ethnic group by sex"),
    "ethnic-group-by-age": _l("Ethnic group by age"),
    "ethnic-group-by-area": _l("Ethnic group by area"),
    "decisions-by-significance": _l("Decisions influenced, by significance and financial year"),
    "decisions": _l("Decisions influenced"),
    "you-said-we-did": _l("“You said, we did” summaries published, by theme"),
    "indicators": _l("Indicators: every published measurement"),
}
HEADINGS = {
    "financial_year": _l("Financial year"),
    "quarter": _l("Quarter"),
    "area": _l("Area"),
    "theme": _l("Theme"),
    "ethnic_group": _l("Ethnic group"),
    "ethnic_group_detailed": _l("Ethnic group"),
    "sex": _l("Sex"),
    "age_band": _l("Age"),
    "significance": _l("Significance"),
}
MEASURES = {
    "stories": _l("Stories"),
    "equality": _l("Stories"),
    "decisions": _l("Decisions"),
    "summaries": _l("Summaries"),
}
SIGNIFICANCE = {
    "1": _l("1 Minor"),
    "2": _l("2 Moderate"),
    "3": _l("3 Significant"),
    "4": _l("4 Major"),
}
RAG = {"red": _l("Red"), "amber": _l("Amber"), "green": _l("Green")}
# Tables drawn as a chart, as well as given as a table.
CHARTED = (
    "stories-by-quarter",
    "stories-by-area",
    "stories-by-theme",
    "ethnic-group",
    "ethnic-group-by-sex",
    "decisions-by-significance",
)
INDICATOR_CHART = "indicator-"
# A grouped chart shows at most this many series (the latest financial years).
MOST_SERIES = 6
BLANK = ""


def item_label(dimension: str, item: dict) -> str:
    """A row's or column's words in the reader's language."""
    code = item["code"]
    if code == NOT_ANSWERED:
        return _("Not answered")
    if code == NOT_GIVEN:
        return _("Area not given")
    if code == NO_THEME:
        return _("Other")
    if dimension in ("sex", "age_band"):
        return str(labels.EQUALITY_ANSWERS[dimension].get(code, item["label"]))
    if dimension == "significance":
        return str(SIGNIFICANCE.get(code, item["label"]))
    if dimension in ("area", "theme", "ethnic_group", "ethnic_group_detailed"):
        return translated(item["label"])
    return item["label"]


@dataclass
class Shown:
    """A table as the page draws it: values are numbers, None (hidden) or BLANK."""

    id: str
    caption: str
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list]]
    controlled: bool
    chart: bool = False
    footer: tuple[str, list] | None = None
    # Columns of words before the numbers (the detailed groups' census heading).
    text_columns: int = 0


def _labels(table: dict, part: str) -> list[str]:
    dimension = table[part]["dimension"]
    return [item_label(dimension, item) for item in table[part]["items"]]


def shown(table: dict, parents: dict[str, str] | None = None) -> Shown:
    """A counted table (list or cross) ready to draw; `parents` names the headings of a
    table whose rows sit under one (the detailed ethnic groups)."""
    caption = str(TITLES.get(table["id"], table["title"]))
    row_heading = str(HEADINGS.get(table["rows"]["dimension"], ""))
    measure = str(MEASURES.get(table["population"], _("Number")))
    found = Shown(table["id"], caption, row_heading, [], [], table["controlled"])
    found.chart = table["id"] in CHARTED
    row_labels = _labels(table, "rows")
    if table["kind"] == "list":
        parent = table["rows"].get("parent_dimension")
        if parent:
            found.columns = [_("Census heading"), measure]
            found.text_columns = 1
            parents = parents or {}
            found.rows = [
                (label, [parents.get(item["parent"], label), value])
                for label, item, value in zip(
                    row_labels, table["rows"]["items"], table["values"], strict=True
                )
            ]
            if "total" in table:
                found.footer = (_("Total"), [BLANK, table["total"]])
            return found
        found.columns = [measure]
        found.rows = [
            (label, [value]) for label, value in zip(row_labels, table["values"], strict=True)
        ]
        if "total" in table:
            found.footer = (_("Total"), [table["total"]])
        return found
    found.columns = _labels(table, "columns")
    totals = table.get("row_totals")
    if totals is not None:
        found.columns.append(_("Total"))
    found.rows = [
        (label, [*cells, *([totals[n]] if totals is not None else [])])
        for n, (label, cells) in enumerate(zip(row_labels, table["cells"], strict=True))
    ]
    column_totals = table.get("column_totals")
    if column_totals is not None or "total" in table:
        if column_totals is not None:
            bottom = list(column_totals)
        else:
            bottom = [BLANK] * len(table["columns"]["items"])
        if totals is not None:
            bottom.append(table.get("total", BLANK))
        found.footer = (_("Total"), bottom)
    return found


@dataclass
class IndicatorShown:
    slug: str
    text: str
    rows: list[dict]
    chart: bool


@dataclass
class FunctionShown:
    title: str
    indicators: list[IndicatorShown] = field(default_factory=list)


def indicators(table: dict) -> list[FunctionShown]:
    """Each function with its indicators' published measurements, in order."""
    by_function: dict[str, FunctionShown] = {
        f["code"]: FunctionShown(translated(f["label"])) for f in table.get("functions", [])
    }
    seen: dict[str, IndicatorShown] = {}
    for record in table["records"]:
        function = by_function.setdefault(
            record["function"], FunctionShown(translated(record["function_title"]))
        )
        indicator = seen.get(record["indicator"])
        if indicator is None:
            indicator = IndicatorShown(
                record["indicator"], translated(record["indicator_text"]), [], False
            )
            seen[record["indicator"]] = indicator
            function.indicators.append(indicator)
        indicator.rows.append(record | {"rag_words": str(RAG.get(record["rag"] or "", ""))})
        indicator.chart = indicator.chart or record["value"] is not None
    return [function for function in by_function.values() if function.indicators]


def _indicator_chart(published: Published, slug: str) -> dict | None:
    records = [
        r
        for r in published.tables["indicators"]["records"]
        if r["indicator"] == slug and r["value"] is not None
    ]
    if not records:
        return None
    return {
        "labels": [r["period_label"] for r in records],
        "series": [{"name": _("Value"), "values": [r["value"] for r in records]}],
        "y_label": "",
    }


def chart(published: Published, name: str) -> dict | None:
    """A chart's data, in the reader's language: the same numbers as its table (a
    hidden count is drawn as no bar)."""
    if name.startswith(INDICATOR_CHART):
        return _indicator_chart(published, name.removeprefix(INDICATOR_CHART))
    table = published.table(name)
    if table is None or name not in CHARTED:
        return None
    measure = str(MEASURES.get(table["population"], _("Number")))
    row_labels = _labels(table, "rows")
    if table["kind"] == "list":
        return {
            "labels": row_labels,
            "series": [{"name": measure, "values": table["values"]}],
            "y_label": measure,
        }
    columns = _labels(table, "columns")
    if name == "stories-by-quarter":
        return {
            "labels": [f"{year} {quarter}" for year in row_labels for quarter in columns],
            "series": [{"name": measure, "values": [v for row in table["cells"] for v in row]}],
            "y_label": measure,
        }
    if table["rows"]["dimension"] == "financial_year":  # years as groups, columns as series
        return {
            "labels": row_labels[-MOST_SERIES:],
            "series": [
                {"name": column, "values": [row[n] for row in table["cells"]][-MOST_SERIES:]}
                for n, column in enumerate(columns)
            ],
            "y_label": measure,
        }
    # Rows as groups, each column (a year, a sex) a series: the latest few years only.
    first = max(0, len(columns) - MOST_SERIES)
    return {
        "labels": row_labels,
        "series": [
            {"name": column, "values": [row[n] for row in table["cells"]]}
            for n, column in enumerate(columns)
            if n >= first
        ],
        "y_label": measure,
    }


@dataclass
class Page:
    published: Published
    stories: list[Shown]
    equality: list[Shown]
    decisions_by_year: Shown
    decisions: list[dict]
    summaries: Shown
    functions: list[FunctionShown]
    reports: list[dict]
    downloads: list[tuple[str, str]]

    @property
    def rule(self) -> dict:
        return self.published.content["rule"]

    @property
    def start(self) -> date:
        return date.fromisoformat(self.published.content["period"]["start"])

    @property
    def end(self) -> date:
        return date.fromisoformat(self.published.content["period"]["end"])

    @property
    def produced_at(self) -> datetime:
        return self.published.produced_at


STORY_TABLES = ("stories-by-quarter", "stories-by-area", "stories-by-theme")
EQUALITY_TABLES = (
    "ethnic-group",
    "ethnic-group-detailed",
    "ethnic-group-by-sex",
    "ethnic-group-by-age",
    "ethnic-group-by-area",
)


def page(published: Published) -> Page:
    tables = published.tables
    headings = {
        item["code"]: item_label("ethnic_group", item)
        for item in tables["ethnic-group"]["rows"]["items"]
    }
    return Page(
        published=published,
        stories=[shown(tables[name]) for name in STORY_TABLES],
        equality=[shown(tables[name], headings) for name in EQUALITY_TABLES],
        decisions_by_year=shown(tables["decisions-by-significance"]),
        decisions=[
            record
            | {
                "significance_words": str(SIGNIFICANCE.get(record["significance"], "")),
                "decided_on_date": date.fromisoformat(record["decided_on"]),
            }
            for record in tables["decisions"]["records"]
        ],
        summaries=shown(tables["you-said-we-did"]),
        functions=indicators(tables["indicators"]),
        reports=published.content.get("annual_reports", []),
        downloads=[(name, str(TITLES.get(name, table["title"]))) for name, table in tables.items()],
    )
