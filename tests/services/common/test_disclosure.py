"""Disclosure control (security-and-privacy.md section 3): 1-9 suppressed, others
rounded to 5, and no line with one suppressed count beside a published total. Property
tests generate counts and tables and check that no count of 1-9 is shown or can be
worked out by subtraction."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.services.common import disclosure


def shown(breakdown):
    return {cell.label: cell.shown for cell in breakdown.cells}


def test_small_counts_are_suppressed_and_the_rest_rounded_to_five():
    result = disclosure.control({"A": 12, "B": 3, "C": 27, "D": 40})
    # B is 1-9; as the only one, the next smallest (A) goes too.
    assert shown(result) == {"A": None, "B": None, "C": 25, "D": 40}
    assert [c.suppressed for c in result.cells] == ["secondary", "primary", None, None]
    assert result.total.shown == 80  # 82 rounded


def test_two_small_counts_need_no_secondary_suppression():
    result = disclosure.control({"A": 4, "B": 6, "C": 13})
    assert shown(result) == {"A": None, "B": None, "C": 15}
    assert all(c.suppressed != "secondary" for c in result.cells)


def test_zero_is_published_and_protects_nothing():
    """'Nobody' picks nobody out; but a single hidden 3 beside zeros and a total is
    still protected by hiding another count."""
    result = disclosure.control({"A": 40, "B": 3, "C": 0, "D": 0}, rounding=1)
    assert shown(result) == {"A": None, "B": None, "C": 0, "D": 0}
    assert [c.suppressed for c in result.cells] == ["secondary", "primary", None, None]


def test_a_small_total_is_hidden_with_its_counts():
    result = disclosure.control({"A": 5, "B": 3, "C": 0})
    assert shown(result) == {"A": None, "B": None, "C": 0}
    assert result.total.shown is None and result.total.text == "suppressed"


def test_secondary_suppression_hides_counts_of_people_never_zeros():
    result = disclosure.control({"A": 4, "B": 0, "C": 0, "D": 0}, threshold=3, rounding=1)
    assert shown(result) == {"A": 4, "B": 0, "C": 0, "D": 0}  # 4 is not small at 3
    result = disclosure.control({"A": 12, "B": 0}, threshold=10, rounding=1)
    assert shown(result) == {"A": 12, "B": 0} and result.total.shown == 12
    result = disclosure.control({"A": 2, "B": 0, "C": 11}, threshold=3, rounding=1)
    # A is hidden; C is the only other non-zero count, so it goes too.
    assert shown(result) == {"A": None, "B": 0, "C": None} and result.total.shown == 13


def test_rounding_halves_go_up():
    assert [disclosure.round_to(v, 5) for v in (10, 12, 13, 17, 18)] == [10, 10, 15, 15, 20]


def test_the_rule_is_configurable():
    result = disclosure.control({"A": 4, "B": 6}, threshold=3, rounding=1)
    assert shown(result) == {"A": 4, "B": 6}


def test_percentages_come_from_rounded_counts_and_need_a_whole_of_ten():
    result = disclosure.control({"A": 13, "B": 24})
    a, _ = result.cells
    assert disclosure.percent(a, result.total) == round(100 * 15 / 35, 1)
    small = disclosure.Cell("Total", 5)
    assert disclosure.percent(a, small) is None
    assert disclosure.percent(disclosure.Cell("A", None, "primary"), result.total) is None


def test_bad_settings_and_counts_are_refused():
    with pytest.raises(ValueError):
        disclosure.control({"A": 1}, threshold=0)
    with pytest.raises(ValueError):
        disclosure.control({"A": -1})


# Properties ---------------------------------------------------------------------

COUNTS = st.integers(min_value=0, max_value=60)


def _published_ok(value) -> bool:
    return value is None or value == 0 or (value >= 10 and value % 5 == 0)


def _line_ok(cells, total) -> bool:
    """Not exactly one hidden count beside a published total."""
    hidden = [c for c in cells if c is None]
    return total is None or len(hidden) != 1


@settings(max_examples=400, deadline=None)
@given(st.lists(COUNTS, min_size=1, max_size=8))
def test_a_breakdown_never_shows_or_gives_away_a_small_count(values):
    labels = [f"L{n}" for n in range(len(values))]
    result = disclosure.control(dict(zip(labels, values, strict=True)))
    published = [c.shown for c in result.cells] + [result.total.shown]
    assert all(_published_ok(v) for v in published)
    assert _line_ok([c.shown for c in result.cells], result.total.shown)
    for cell, value in zip(result.cells, values, strict=True):
        if 0 < value < 10:
            assert cell.shown is None
        if cell.shown is not None:
            assert abs(cell.shown - value) <= 2


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(COUNTS, min_size=1, max_size=5), min_size=1, max_size=5).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_a_table_never_shows_or_gives_away_a_small_count(matrix):
    columns = [f"C{n}" for n in range(len(matrix[0]))]
    counts = {f"R{r}": dict(zip(columns, row, strict=True)) for r, row in enumerate(matrix)}
    table = disclosure.control_table(counts, columns)
    assert all(_published_ok(v) for v in table.published())
    for row in table.rows:
        cells = [table.cells[row][c].shown for c in columns]
        assert _line_ok(cells, table.row_totals[row].shown)
    for column in columns:
        cells = [table.cells[row][column].shown for row in table.rows]
        assert _line_ok(cells, table.column_totals[column].shown)
    assert _line_ok([t.shown for t in table.row_totals.values()], table.total.shown)
    assert _line_ok([t.shown for t in table.column_totals.values()], table.total.shown)
    # Every true count of 1-9 is hidden, wherever it sits.
    for (r, row), c in itertools.product(enumerate(table.rows), range(len(columns))):
        if 0 < matrix[r][c] < 10:
            assert table.cells[row][columns[c]].shown is None
