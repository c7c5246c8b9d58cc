"""Bar charts for meeting packs: PNG bytes, deterministic, and forgiving of gaps."""

from __future__ import annotations

import ast
import io
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from engage.packs import charts
from engage.packs.charts import bar_chart_png, format_value

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LABELS = ["Housing", "Jobs and the economy in the West Midlands", "Transport"]


@pytest.fixture(autouse=True)
def _clean_state():
    """Pure rendering: no app and no database, so nothing to restore after each test."""
    yield


def size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_a_single_series_is_a_png():
    png = bar_chart_png(LABELS, [{"name": "Stories", "values": [12, 30, 4]}], y_label="Stories")
    assert png.startswith(PNG_MAGIC)
    width, height = size(png)
    assert (width, height) == (975, 540)  # 6.5 x 3.6 inches at 150 dpi


def test_the_same_input_gives_the_same_bytes():
    series = [{"name": "2026", "values": [1, 2, 3]}, {"name": "2027", "values": [3, None, 1.5]}]
    first = bar_chart_png(LABELS, series, title="By theme", y_label="Stories")
    second = bar_chart_png(LABELS, series, title="By theme", y_label="Stories")
    assert first == second
    assert b"Software" not in first and b"matplotlib" not in first


def test_none_values_are_no_bar():
    png = bar_chart_png(LABELS, [{"name": "Stories", "values": [None, 3, None]}])
    assert png.startswith(PNG_MAGIC)
    assert png != bar_chart_png(LABELS, [{"name": "Stories", "values": [0, 3, 0]}])


def test_several_series_more_than_the_palette():
    series = [{"name": f"Series {n}", "values": [n, n + 1, None]} for n in range(8)]
    png = bar_chart_png(LABELS, series, y_label="Stories")
    assert png.startswith(PNG_MAGIC)
    assert len(charts.PALETTE) < 8


def test_many_long_labels_and_dollar_signs_are_plain_text():
    labels = [f"Ward {n}: $5 & <b>{'long name ' * 5}" for n in range(14)]
    png = bar_chart_png(labels, [{"name": "$x$", "values": list(range(14))}], y_label="$ spent")
    assert png.startswith(PNG_MAGIC)


def test_floats_and_negative_values():
    png = bar_chart_png(LABELS, [{"name": "Change", "values": [-2.5, 0.333, math.nan]}])
    assert png.startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    "labels, series",
    [
        ([], []),
        (LABELS, []),
        ([], [{"name": "Stories", "values": []}]),
        (LABELS, [{"name": "Stories", "values": [None, None, None]}]),
    ],
)
def test_no_figures_gives_a_small_chart_saying_so(labels, series):
    png = bar_chart_png(labels, series)
    assert png.startswith(PNG_MAGIC)
    assert size(png) == (975, 180)


@pytest.mark.parametrize(
    "values",
    [[1, 2], [1, 2, 3, 4], [1, "2", 3], [1, True, 3], [1, math.inf, 3]],
)
def test_malformed_values_raise(values):
    with pytest.raises(ValueError):
        bar_chart_png(LABELS, [{"name": "Stories", "values": values}])


def test_charts_drawn_in_threads_match_those_drawn_in_turn():
    inputs = [[{"name": "Stories", "values": [n, n * 2, n * 3]}] for n in range(6)]
    in_turn = [bar_chart_png(LABELS, series) for series in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        in_threads = list(pool.map(lambda series: bar_chart_png(LABELS, series), inputs))
    assert in_threads == in_turn


def test_pyplot_is_never_used():
    """pyplot's figure registry and backend switch are process-wide state."""
    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any("pyplot" in (name or "") for name in imported)


@pytest.mark.parametrize(
    "value, shown",
    [(None, "\u2013"), (0, "0"), (1204, "1,204"), (12.5, "12.5"), (3.0, "3"), (0.333, "0.33")],
)
def test_format_value(value, shown):
    assert format_value(value) == shown
