"""Bar charts as PNG for meeting packs (and digests), drawn with matplotlib.

Thread-safe in a web or Celery worker: it builds a `matplotlib.figure.Figure` and draws it
with the Agg canvas directly, never through pyplot (whose figure registry and backend
switching are global state), and never calls `matplotlib.use`.

The same input gives the same bytes: Agg draws deterministically and the PNG carries no
"Software" entry or timestamp (`metadata={"Software": None}`).

Readability: colours from the Okabe-Ito colour-blind-safe palette (plus two dark ones),
each with at least 3:1 contrast against the white background (WCAG 1.4.11), and a
different hatching per series so colour is never the only way to tell series apart.
Every bar carries its value; the y axis has whole-number ticks when every value is a
whole number; long category labels are wrapped, and rotated when there are many.

Empty data (no labels, no series, or no value at all) is not an error: it gives a small
chart saying "No figures for this period", so a pack for a quiet month still builds.
Malformed data (a series whose length differs from the labels', a value that is not a
number, an infinite value) raises ValueError.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from numbers import Real

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

DPI = 150
WIDTH_IN = 6.5
HEIGHT_IN = 3.6
EMPTY_MESSAGE = "No figures for this period"

# Okabe-Ito blue, vermillion, bluish green, reddish purple, then Tol's indigo and a dark
# grey: contrast against white 5.2, 3.9, 3.4, 3.1, 12.2 and 6.9 to 1.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#332288", "#5A5A5A")
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "+++")
TEXT_COLOUR = "#1A1A1A"
LABEL_LIMIT = 60  # characters of a category label drawn; the pack's table has them all


def format_value(value: float | int | None) -> str:
    """A figure as the pack shows it, on a bar and in a table: 1,234 / 12.5 / 0.33 / "–"."""
    if value is None:
        return "\u2013"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _checked_values(name: str, values: Sequence, count: int) -> list[float | int | None]:
    if len(values) != count:
        raise ValueError(f"series {name!r} has {len(values)} values for {count} labels")
    checked: list[float | int | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            checked.append(None)
        elif isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"series {name!r}: {value!r} is not a number")
        elif not math.isfinite(value):
            raise ValueError(f"series {name!r}: {value!r} is not a finite number")
        else:
            checked.append(value)
    return checked


def _short(label: str, width: int, one_line: bool) -> str:
    """A category label as drawn: wrapped at `width`, or cut to it when `one_line`."""
    label = " ".join(str(label).split())
    limit = width if one_line else LABEL_LIMIT
    if len(label) > limit:
        label = label[: limit - 1].rstrip() + "\u2026"
    if one_line:
        return label or " "
    return textwrap.fill(label, width=width, break_long_words=True) or " "


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)  # attaches itself to the figure: Agg, whatever the default
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _empty_chart(title: str) -> bytes:
    figure = Figure(figsize=(WIDTH_IN, 1.2), dpi=DPI, facecolor="white")
    figure.text(
        0.5,
        0.5,
        f"{title}\n{EMPTY_MESSAGE}" if title else EMPTY_MESSAGE,
        ha="center",
        va="center",
        fontsize=10,
        color=TEXT_COLOUR,
        parse_math=False,
    )
    return _png(figure)


def _draw_bars(ax, labels, series, values) -> bool:
    """The grouped bars with their value labels; True when every value is whole."""
    count = len(series)
    width = 0.8 / count
    bars = sum(1 for row in values for v in row if v is not None)
    size = 8 if bars <= 16 else 6.5
    whole = True
    for index, (item, row) in enumerate(zip(series, values, strict=True)):
        offsets = [i + (index - (count - 1) / 2) * width for i in range(len(labels))]
        heights = [math.nan if v is None else v for v in row]
        whole = whole and all(v is None or float(v).is_integer() for v in row)
        container = ax.bar(
            offsets,
            heights,
            width=width * 0.92,
            label=str(item.get("name") or f"Series {index + 1}"),
            color=PALETTE[index % len(PALETTE)],
            hatch=HATCHES[index % len(HATCHES)] if count > 1 else "",
            hatchcolor="white",
            edgecolor="white",
            linewidth=0.5,
        )
        ax.bar_label(
            container,
            labels=["" if v is None else format_value(v) for v in row],
            padding=2,
            fontsize=size,
            color=TEXT_COLOUR,
            rotation=90 if bars > 40 else 0,
        )
    return whole


def bar_chart_png(
    labels: Sequence[str],
    series: Sequence[dict],
    *,
    title: str = "",
    y_label: str = "",
) -> bytes:
    """A bar chart as PNG bytes: one bar per label, grouped when there are several series.

    `series` is a list of {"name": str, "values": [int | float | None, ...]}, one value
    per label; None is drawn as no bar (and no value label). See the module docstring
    for empty data (a "No figures for this period" chart) and for what raises ValueError.
    """
    labels = [str(label) for label in labels]
    values = [
        _checked_values(str(item.get("name", "")), item.get("values") or [], len(labels))
        for item in series
    ]
    if not labels or not series or all(v is None for row in values for v in row):
        return _empty_chart(title)

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white", layout="constrained")
    ax = figure.add_subplot()
    whole = _draw_bars(ax, labels, series, values)

    many = len(labels) > 8
    ax.set_xticks(
        range(len(labels)),
        [_short(label, 32 if many else max(10, 80 // len(labels)), many) for label in labels],
        rotation=35 if many else 0,
        ha="right" if many else "center",
        rotation_mode="anchor",
        fontsize=7.5 if many else 8,
        color=TEXT_COLOUR,
        parse_math=False,
    )
    if whole:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.0f}"))
    ax.tick_params(axis="y", labelsize=8, labelcolor=TEXT_COLOUR)
    ax.margins(y=0.15)
    ax.axhline(0, color=TEXT_COLOUR, linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    ax.yaxis.grid(True, color="#D0D0D0", linewidth=0.6)
    if y_label:
        ax.set_ylabel(str(y_label), fontsize=8.5, color=TEXT_COLOUR, parse_math=False)
    if title:
        figure.suptitle(str(title), fontsize=10, color=TEXT_COLOUR, parse_math=False)
    if len(series) > 1:
        legend = figure.legend(
            loc="outside lower center", ncols=min(len(series), 4), frameon=False, fontsize=8
        )
        for text in legend.get_texts():
            text.set_parse_math(False)
    return _png(figure)
