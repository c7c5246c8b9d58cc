"""Disclosure control over tables published together (rule 4): shared numbers hidden
everywhere or nowhere, and the audit's two attacks, exact differencing and narrowing
from the rounding, leave no count of 1-9 recoverable."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.services.common import disclosure


def shown(cells):
    return {key: cell.shown for key, cell in cells.items()}


def test_a_count_hidden_for_one_table_is_hidden_in_every_table_showing_it():
    # Two breakdowns of the same 4 people in group g: by sex and by age. Hiding g's
    # total in one and publishing it in the other would undo the first's protection.
    counts = {
        "g": 4,
        "h": 30,
        "all": 34,
        ("g", "f"): 4,
        ("g", "m"): 0,
        ("h", "f"): 15,
        ("h", "m"): 15,
        ("g", "young"): 2,
        ("g", "old"): 2,
        ("h", "young"): 20,
        ("h", "old"): 10,
    }
    lines = [
        ([("g", "f"), ("g", "m")], "g"),
        ([("h", "f"), ("h", "m")], "h"),
        ([("g", "young"), ("g", "old")], "g"),
        ([("h", "young"), ("h", "old")], "h"),
        (["g", "h"], "all"),
    ]
    result = shown(disclosure.control_linked(counts, lines))
    assert result["g"] is None and result[("g", "f")] is None
    assert result["h"] is None  # else g = all - h
    assert result[("g", "m")] == 0


def test_two_small_counts_beside_a_total_the_rounding_gives_away_are_protected():
    """1 + 1 + 10 = 12, shown as 10: a reader knows the hidden two add to at most 2, so
    both are 1. The audit hides the 10 as well."""
    result = shown(
        disclosure.control_linked({"a": 1, "b": 1, "c": 10, "t": 12}, [(["a", "b", "c"], "t")])
    )
    assert result == {"a": None, "b": None, "c": None, "t": 10}


def test_a_total_hidden_beside_its_own_published_row_protects_nothing():
    """control_table hides row r2's total (12) though 0 + 12 shows it, so the 8 of row
    r4 follows from the grand total; the audit sees it and hides more."""
    rows = {"r0": (12, 3), "r1": (20, 5), "r2": (0, 12), "r3": (1, 12), "r4": (5, 3)}
    counts, lines = {}, []
    for row, cells in rows.items():
        counts |= {(row, "a"): cells[0], (row, "b"): cells[1], (row, "*"): sum(cells)}
        lines.append(([(row, "a"), (row, "b")], (row, "*")))
    for column, n in (("a", 0), ("b", 1)):
        counts[("*", column)] = sum(cells[n] for cells in rows.values())
        lines.append(([(row, column) for row in rows], ("*", column)))
    counts[("*", "*")] = sum(map(sum, rows.values()))
    lines.append(([(row, "*") for row in rows], ("*", "*")))
    lines.append(([("*", "a"), ("*", "b")], ("*", "*")))
    cells = disclosure.control_linked(counts, lines)
    hidden = {key: cell.suppressed for key, cell in cells.items() if cell.shown is None}
    assert disclosure.exposed(counts, hidden, lines) == set()
    assert cells[("r4", "*")].shown is None


def test_subsets_bound_what_a_reader_can_work_out():
    low, high = disclosure.bounds(
        {"part": 3, "whole": 15}, {"part": "primary"}, [], at_most=[("part", "whole")]
    )
    assert (low["part"], high["part"]) == (1, 17)
    assert (low["whole"], high["whole"]) == (13, 17)


def test_published_counts_stand_for_what_rounds_to_them():
    low, high = disclosure.bounds({"a": 12, "b": 0, "c": 47}, {}, [])
    assert (low["a"], high["a"]) == (10, 12)  # 8 and 9 would be hidden, not shown as 10
    assert (low["b"], high["b"]) == (0, 0)
    assert (low["c"], high["c"]) == (43, 47)


def test_lines_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError):
        disclosure.control_linked({"a": 1, "t": 2}, [(["a"], "t")])
    with pytest.raises(ValueError):
        disclosure.control_linked({"a": 11, "b": 10}, [], at_most=[("a", "b")])


def test_big_counts_are_rounded_and_zeros_shown():
    result = shown(
        disclosure.control_linked({"a": 12, "b": 0, "c": 33, "t": 45}, [(["a", "b", "c"], "t")])
    )
    assert result == {"a": 10, "b": 0, "c": 35, "t": 45}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from([0, 0, 1, 2, 4, 9, 10, 11, 12, 14, 25, 40]), min_size=2, max_size=4
        ),
        min_size=2,
        max_size=4,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1)
)
def test_after_control_no_small_count_is_exposed(matrix):
    counts, lines = {}, []
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            counts[(r, c)] = value
        counts[(r, "*")] = sum(row)
        lines.append(([(r, c) for c in range(len(row))], (r, "*")))
    for c in range(len(matrix[0])):
        counts[("*", c)] = sum(row[c] for row in matrix)
        lines.append(([(r, c) for r in range(len(matrix))], ("*", c)))
    counts[("*", "*")] = sum(map(sum, matrix))
    lines.append(([(r, "*") for r in range(len(matrix))], ("*", "*")))
    lines.append(([("*", c) for c in range(len(matrix[0]))], ("*", "*")))
    cells = disclosure.control_linked(counts, lines)
    hidden = {key: cell.suppressed for key, cell in cells.items() if cell.shown is None}
    assert disclosure.exposed(counts, hidden, lines) == set()
    for key, value in counts.items():
        if 0 < value < 10:
            assert cells[key].shown is None
        elif cells[key].shown is not None:
            assert cells[key].shown % 5 == 0 and abs(cells[key].shown - value) <= 2
