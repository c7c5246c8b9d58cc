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

Digests use it for equality breakdowns; public figures and the annual report reuse it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    """Apply the rule to one breakdown (labels in the order given) and its total."""
    _check(threshold, rounding, counts.values())
    total_key = ("total",)
    values = {**counts, total_key: sum(counts.values())}
    hidden = {key: "primary" for key, value in values.items() if _small(value, threshold)}
    while _protect(list(counts), values, hidden, total_key, threshold):
        pass
    cells = tuple(_cell(label, label, values, hidden, rounding) for label in counts)
    return Breakdown(
        cells, _cell("Total", total_key, values, hidden, rounding), threshold, rounding
    )


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
    columns and the totals, until no line has one hidden count beside its total."""
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
    hidden = {key: "primary" for key, value in values.items() if _small(value, threshold)}
    lines = [([(row, c) for c in columns], (row, "*")) for row in rows]
    lines += [([(r, column) for r in rows], ("*", column)) for column in columns]
    lines.append(([(row, "*") for row in rows], ("*", "*")))
    lines.append(([("*", column) for column in columns], ("*", "*")))
    changed = True
    while changed:
        changed = False
        for line, total_key in lines:
            changed |= _protect(line, values, hidden, total_key, threshold)

    def cell(label, key):
        return _cell(label, key, values, hidden, rounding)

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
