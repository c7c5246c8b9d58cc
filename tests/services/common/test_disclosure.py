"""Disclosure control: the ONS 10-5 rule with secondary suppression."""

import pytest

from engage.services.common import disclosure


def shown(breakdown):
    return {cell.label: cell.shown for cell in breakdown.cells}


def test_small_counts_are_suppressed_and_the_rest_rounded_to_five():
    result = disclosure.control({"A": 12, "B": 3, "C": 27, "D": 40})
    # B is under 10; as the only one, the next smallest (A) goes too.
    assert shown(result) == {"A": None, "B": None, "C": 25, "D": 40}
    assert [c.suppressed for c in result.cells] == ["secondary", "primary", None, None]
    assert result.total.shown == 80  # 82 rounded


def test_two_small_counts_need_no_secondary_suppression():
    result = disclosure.control({"A": 4, "B": 6, "C": 13})
    assert shown(result) == {"A": None, "B": None, "C": 15}
    assert all(c.suppressed != "secondary" for c in result.cells)


def test_a_total_under_the_threshold_hides_everything():
    result = disclosure.control({"A": 5, "B": 3})
    assert shown(result) == {"A": None, "B": None}
    assert result.total.shown is None and result.total.text == "suppressed"


def test_zero_is_small_too():
    # "Nobody from group X" can itself disclose something about the others.
    assert shown(disclosure.control({"A": 0, "B": 20, "C": 30}))["A"] is None


def test_rounding_halves_go_up():
    assert [disclosure.round_to(v, 5) for v in (10, 12, 13, 17, 18)] == [10, 10, 15, 15, 20]


def test_the_rule_is_configurable():
    result = disclosure.control({"A": 4, "B": 6}, threshold=3, rounding=1)
    assert shown(result) == {"A": 4, "B": 6}


def test_no_single_suppressed_cell_can_be_worked_out_from_the_total():
    """Property over many breakdowns: never exactly one hidden cell with a shown total."""
    import itertools

    for values in itertools.product([0, 3, 9, 10, 14, 30], repeat=3):
        result = disclosure.control(dict(zip("ABC", values, strict=True)))
        hidden = [v for c, v in zip(result.cells, values, strict=True) if c.shown is None]
        # Never exactly one hidden count of people beside a shown total.
        assert len([v for v in hidden if v]) != 1 or len(hidden) > 1 or result.total.shown is None
        assert (
            len([v for v in hidden if v]) != 1
            or any(c.suppressed == "secondary" for c in result.cells)
            or result.total.shown is None
        )
        for cell, value in zip(result.cells, values, strict=True):
            if cell.shown is not None:
                assert value >= 10 and cell.shown % 5 == 0 and abs(cell.shown - value) <= 2


def test_bad_settings_and_counts_are_refused():
    with pytest.raises(ValueError):
        disclosure.control({"A": 1}, threshold=0)
    with pytest.raises(ValueError):
        disclosure.control({"A": -1})


def test_hidden_zeros_do_not_protect_a_single_small_count():
    """{40, 3, 0, 0}: without rounding the 3 would be total minus 40."""
    result = disclosure.control({"A": 40, "B": 3, "C": 0, "D": 0}, rounding=1)
    assert shown(result) == {"A": None, "B": None, "C": None, "D": None}
    assert [c.suppressed for c in result.cells] == ["secondary", "primary", "primary", "primary"]
