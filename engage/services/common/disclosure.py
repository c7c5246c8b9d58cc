"""Disclosure control: every count about people shown outside moderation goes through
here, so that nobody can be picked out from them (docs: ../shared/security-and-privacy.md
section 3; the ONS "10-5" rule by default, DISCLOSURE_THRESHOLD and DISCLOSURE_ROUNDING).

1. Primary suppression: a count of 1 to threshold-1 (1-9) is hidden. Zero is published
   as 0: it says nobody, which picks nobody out. Every other count is rounded to the
   nearest multiple of the rounding base (5).
2. Secondary suppression: no line (a breakdown, or a row or column of a table) may have
   exactly one hidden count beside a published total, or that count could be worked out
   by subtraction. The smallest published non-zero count of the line is hidden too; if
   the line has nothing else to hide, its total is hidden instead. Tables repeat this over
   rows, columns and their totals until nothing changes.
3. Percentages come from the rounded counts, and none is given where the whole is under
   the threshold or hidden.
4. Every breakdown and table is then audited (`control` and `control_table` run through
   `control_linked`, the line rule alone having let totals give hidden counts away).
   Tables published together, whose margins are the same numbers in several tables, are
   controlled as one: a count hidden in one table is hidden in every
   table that shows it. Beyond the line-by-line rule, the set is then audited as someone
   trying to work a hidden count out would: (a) treating every published number as exact,
   no hidden count of 1-9 may follow from the tables' sums, however combined (two tables
   subtracted, margins from one table used in another); (b) knowing only what the rounding
   tells (a published 15 is 13-17; a hidden count is at least 1), no hidden count of 1-9
   may be pinned to one value. Whatever the audit finds, the smallest published count
   beside it is hidden too, and the audit runs again.

Digests use it for equality breakdowns; public figures and the annual report reuse it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10
DEFAULT_ROUNDING = 5


@dataclass(frozen=True)
class Cell:
    label: str
    # What may be shown: a rounded count (0 stays 0), or None when hidden.
    shown: int | None
    # Why it is hidden: "primary" (a small count) or "secondary" (to protect another).
    suppressed: str | None = None

    @property
    def text(self) -> str:
        return "suppressed" if self.shown is None else f"{self.shown:,}"


@dataclass(frozen=True)
class Breakdown:
    cells: tuple[Cell, ...]
    total: Cell
    threshold: int
    rounding: int

    @property
    def any_suppressed(self) -> bool:
        return any(cell.shown is None for cell in self.cells)

    @property
    def note(self) -> str:
        return (
            f"Counts from 1 to {self.threshold - 1} are suppressed and the others rounded "
            f"to the nearest {self.rounding}, so that nobody can be identified; where one "
            "suppressed count could be worked out from a total, another is suppressed too."
        )


def round_to(value: int, base: int) -> int:
    """Nearest multiple of base, halves rounded up (12 -> 10, 13 -> 15)."""
    return ((value + base // 2) // base) * base if base > 1 else value


def _check(threshold: int, rounding: int, values) -> None:
    if threshold < 1 or rounding < 1:
        raise ValueError("threshold and rounding must be at least 1")
    if any(value < 0 for value in values):
        raise ValueError("counts can't be negative")


def _small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def _protect(line: Sequence, values: Mapping, hidden: dict, total_key, threshold: int) -> bool:
    """Secondary suppression on one line whose total is `total_key`. True if it hid
    something more."""
    if total_key in hidden:
        return False
    suppressed = [key for key in line if key in hidden]
    if len(suppressed) != 1:
        return False
    candidates = [key for key in line if key not in hidden and values[key] > 0]
    if candidates:
        hidden[min(candidates, key=lambda key: values[key])] = "secondary"
    else:
        hidden[total_key] = "secondary"
    return True


def _cell(label: str, key, values: Mapping, hidden: dict, rounding: int) -> Cell:
    if key in hidden:
        return Cell(label, None, hidden[key])
    return Cell(label, round_to(values[key], rounding))


def control(
    counts: Mapping[str, int],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int = DEFAULT_ROUNDING,
) -> Breakdown:
    """Apply the rule to one breakdown (labels in the order given) and its total: the
    line rule, then the audit of point 4 (so rounding can't pin a hidden count, as in
    1 + 1 + 10 published as a total of 10)."""
    _check(threshold, rounding, counts.values())
    total_key = ("total",)
    values = {**counts, total_key: sum(counts.values())}
    shown = control_linked(
        values, [(list(counts), total_key)], threshold=threshold, rounding=rounding
    )
    cells = tuple(_relabel(shown[label], label) for label in counts)
    return Breakdown(cells, _relabel(shown[total_key], "Total"), threshold, rounding)


def _relabel(cell: Cell, label: str) -> Cell:
    return Cell(label, cell.shown, cell.suppressed)


@dataclass(frozen=True)
class Table:
    """A cross-tabulation under the rule: cells[row][column], with each row's and
    column's total and the grand total."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[str, dict[str, Cell]]
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]
    total: Cell

    def published(self) -> list[int | None]:
        """Every number the table shows (None where hidden)."""
        return (
            [c.shown for row in self.cells.values() for c in row.values()]
            + [c.shown for c in self.row_totals.values()]
            + [c.shown for c in self.column_totals.values()]
            + [self.total.shown]
        )


def control_table(
    counts: Mapping[str, Mapping[str, int]],
    columns: Sequence[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int = DEFAULT_ROUNDING,
) -> Table:
    """Apply the rule to a table of rows by columns (a missing count is 0), over rows,
    columns and the totals, and audit the result as point 4 says."""
    rows = list(counts)
    values: dict = {}
    for row in rows:
        for column in columns:
            values[(row, column)] = counts[row].get(column, 0)
    _check(threshold, rounding, values.values())
    for row in rows:
        values[(row, "*")] = sum(values[(row, column)] for column in columns)
    for column in columns:
        values[("*", column)] = sum(values[(row, column)] for row in rows)
    values[("*", "*")] = sum(values[(row, "*")] for row in rows)
    lines = [([(row, c) for c in columns], (row, "*")) for row in rows]
    lines += [([(r, column) for r in rows], ("*", column)) for column in columns]
    lines.append(([(row, "*") for row in rows], ("*", "*")))
    lines.append(([("*", column) for column in columns], ("*", "*")))
    # The line rule over rows, columns and totals, then the audit of point 4: a hidden
    # total that its published cells give away is found and protected.
    shown = control_linked(values, lines, threshold=threshold, rounding=rounding)

    def cell(label, key):
        return _relabel(shown[key], label)

    return Table(
        rows=tuple(rows),
        columns=tuple(columns),
        cells={row: {c: cell(c, (row, c)) for c in columns} for row in rows},
        row_totals={row: cell("Total", (row, "*")) for row in rows},
        column_totals={c: cell(c, ("*", c)) for c in columns},
        total=cell("Total", ("*", "*")),
    )


def percent(part: Cell, whole: Cell, *, threshold: int = DEFAULT_THRESHOLD) -> float | None:
    """A percentage from the published (rounded) counts; none where either is hidden
    or the whole is under the threshold."""
    if part.shown is None or whole.shown is None or whole.shown < threshold:
        return None
    return round(100 * part.shown / whole.shown, 1)


def from_config(config: Mapping) -> dict[str, int]:
    """The rule's settings from the app's configuration."""
    return {
        "threshold": int(config.get("DISCLOSURE_THRESHOLD", DEFAULT_THRESHOLD)),
        "rounding": int(config.get("DISCLOSURE_ROUNDING", DEFAULT_ROUNDING)),
    }


# Tables published together ------------------------------------------------------------

# Arithmetic for the audit's elimination is modulo this prime: exact, with no fractions
# growing. (A sum could vanish modulo the prime by chance; with 0/1 coefficients and a
# prime of 2**61 - 1 the odds are negligible.)
_PRIME = 2**61 - 1
# An upper bound that says "no bound": larger than any count.
_UNBOUNDED = 10**18
_PROPAGATION_ROUNDS = 100

Key = Hashable
Line = tuple[Sequence[Key], Key]


def control_linked(
    counts: Mapping[Key, int],
    lines: Sequence[Line],
    *,
    at_most: Sequence[tuple[Key, Key]] = (),
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int = DEFAULT_ROUNDING,
) -> dict[Key, Cell]:
    """Apply the rule (point 4 of the module docstring) to every count of a set of tables
    published together. `counts` holds every number any of the tables shows, each once
    under its key however many tables show it; `lines` say which counts add up to which
    (parts, total); `at_most` pairs (a, b) say a can't exceed b (a count of a subgroup).
    Gives each key's cell, labelled with str(key)."""
    _check(threshold, rounding, counts.values())
    lines = [(list(parts), total) for parts, total in lines]
    for parts, total in lines:
        if sum(counts[part] for part in parts) != counts[total]:
            raise ValueError(f"the parts of {total!r} don't add up to it")
    for small, large in at_most:
        if counts[small] > counts[large]:
            raise ValueError(f"{small!r} is larger than {large!r}")
    values = dict(counts)
    order = {key: position for position, key in enumerate(values)}
    hidden = {key: "primary" for key, value in values.items() if _small(value, threshold)}
    while True:
        changed = True
        while changed:
            changed = False
            for parts, total in lines:
                changed |= _protect(parts, values, hidden, total, threshold)
        found = exposed(values, hidden, lines, at_most, threshold=threshold, rounding=rounding)
        if not found:
            break
        extra = _next_to_hide(min(found, key=order.get), values, hidden, lines, order)
        if extra is None:  # everything that could be hidden is: nothing is exposed then
            break
        hidden[extra] = "secondary"
    return {key: _cell(str(key), key, values, hidden, rounding) for key in values}


def _next_to_hide(key: Key, values: Mapping, hidden: dict, lines, order) -> Key | None:
    """The smallest published non-zero count on a line through `key`; failing that, on
    any line with something hidden."""

    def published(line_keys):
        return [k for k in line_keys if k not in hidden and values[k] > 0]

    near = [k for parts, total in lines if key == total or key in parts for k in published(parts)]
    near += [
        total
        for parts, total in lines
        if (key == total or key in parts) and total not in hidden and values[total] > 0
    ]
    if not near:
        near = [
            k
            for parts, total in lines
            if total in hidden or any(part in hidden for part in parts)
            for k in published([*parts, total])
        ]
    return min(near, key=lambda k: (values[k], order[k])) if near else None


def exposed(
    values: Mapping[Key, int],
    hidden: Mapping[Key, str],
    lines: Sequence[Line],
    at_most: Sequence[tuple[Key, Key]] = (),
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int = DEFAULT_ROUNDING,
) -> set[Key]:
    """The small counts hidden (primarily) that can still be worked out: by the tables'
    sums with published numbers taken as exact, or pinned to one value by what the
    rounding and the sums tell."""
    small = {key for key, why in hidden.items() if why == "primary"}
    if not small:
        return set()
    found = _determined(list(hidden), lines) & small
    low, high = bounds(values, hidden, lines, at_most, threshold=threshold, rounding=rounding)
    return found | {key for key in small if low[key] == high[key]}


def _determined(unknown: list[Key], lines: Sequence[Line]) -> set[Key]:
    """Which unknowns the lines fix, whatever the published numbers are: those whose row
    in the reduced row echelon form of the lines (over the unknowns) has no free term."""
    column = {key: n for n, key in enumerate(unknown)}
    pivots: dict[int, dict[int, int]] = {}
    for parts, total in lines:
        row: dict[int, int] = {}
        for key, sign in [*((part, 1) for part in parts), (total, -1)]:
            if key in column:
                row[column[key]] = (row.get(column[key], 0) + sign) % _PRIME
        row = _reduce({k: v for k, v in row.items() if v}, pivots)
        if not row:
            continue
        lead = min(row)
        inverse = pow(row[lead], _PRIME - 2, _PRIME)
        row = {k: v * inverse % _PRIME for k, v in row.items()}
        for other in pivots.values():
            if lead in other:
                _subtract(other, row, other[lead])
        pivots[lead] = row
    return {unknown[lead] for lead, row in pivots.items() if len(row) == 1}


def _reduce(row: dict[int, int], pivots: dict[int, dict[int, int]]) -> dict[int, int]:
    for key in [k for k in row if k in pivots]:
        if key in row:
            _subtract(row, pivots[key], row[key])
    return row


def _subtract(row: dict[int, int], other: dict[int, int], factor: int) -> None:
    """row -= factor * other, in place."""
    for key, value in other.items():
        left = (row.get(key, 0) - factor * value) % _PRIME
        if left:
            row[key] = left
        else:
            row.pop(key, None)


def bounds(
    values: Mapping[Key, int],
    hidden: Mapping[Key, str],
    lines: Sequence[Line],
    at_most: Sequence[tuple[Key, Key]] = (),
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int = DEFAULT_ROUNDING,
) -> tuple[dict[Key, int], dict[Key, int]]:
    """What someone reading the published numbers can know of each count: the lowest and
    highest it can be. A published count c stands for any count that rounds to c (and is
    at least the threshold); a hidden one for at least 1 (zeros are always published).
    The lines' sums and `at_most` then narrow each range until nothing changes."""
    low: dict[Key, int] = {}
    high: dict[Key, int] = {}
    below, above = rounding // 2, rounding - 1 - rounding // 2
    for key, value in values.items():
        if key in hidden:
            low[key], high[key] = 1, _UNBOUNDED
        elif value == 0:
            low[key] = high[key] = 0
        else:
            shown = round_to(value, rounding)
            low[key], high[key] = max(threshold, shown - below), shown + above
    for _ in range(_PROPAGATION_ROUNDS):
        if not _narrow(lines, at_most, low, high):
            break
    return low, high


def _narrow(lines: Sequence[Line], at_most, low: dict, high: dict) -> bool:
    changed = False

    def tighten(key, lowest, highest):
        nonlocal changed
        if lowest > low[key]:
            low[key], changed = lowest, True
        if highest < high[key]:
            high[key], changed = highest, True

    for parts, total in lines:
        least = sum(low[part] for part in parts)
        most = sum(high[part] for part in parts)
        tighten(total, least, most)
        for part in parts:
            tighten(
                part,
                low[total] - (most - high[part]),
                high[total] - (least - low[part]),
            )
    for small, large in at_most:
        tighten(small, low[small], high[large])
        tighten(large, low[small], high[large])
    return changed
