"""Disclosure control: counts about people that are shown outside moderation go through
here, so that nobody can be picked out from them.

The rule (the ONS "10-5" rule by default, configurable as DISCLOSURE_THRESHOLD and
DISCLOSURE_ROUNDING): a count under the threshold is suppressed; every other count is
rounded to the nearest multiple of the rounding base; and if a breakdown would have
exactly one suppressed count above zero, the next smallest is suppressed too (secondary
suppression), so the hidden one can't be worked out from the total. The total is
rounded too, and suppressed if it is itself under the threshold (then every cell is).

Digests use it for equality breakdowns; public figures and the annual report reuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10
DEFAULT_ROUNDING = 5


@dataclass(frozen=True)
class Cell:
    label: str
    # What may be shown: a rounded count, or None when suppressed.
    shown: int | None
    # Why it is hidden: "primary" (small) or "secondary" (to protect another).
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
            f"Counts under {self.threshold} are suppressed and the others rounded to the "
            f"nearest {self.rounding}, so that nobody can be identified; where only one "
            "count would be suppressed, another is too."
        )


def round_to(value: int, base: int) -> int:
    """Nearest multiple of base, halves rounded up (12 -> 10, 13 -> 15)."""
    return ((value + base // 2) // base) * base if base > 1 else value


def control(
    counts: Mapping[str, int],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int = DEFAULT_ROUNDING,
) -> Breakdown:
    """Apply the rule to one breakdown (labels in the order given)."""
    if threshold < 1 or rounding < 1:
        raise ValueError("threshold and rounding must be at least 1")
    if any(value < 0 for value in counts.values()):
        raise ValueError("counts can't be negative")
    total = sum(counts.values())
    if total < threshold:
        cells = tuple(Cell(label, None, "primary") for label in counts)
        return Breakdown(cells, Cell("Total", None, "primary"), threshold, rounding)
    hidden = {label: "primary" for label, value in counts.items() if value < threshold}
    # Hidden zeros hide nothing: a single hidden count above zero could be worked out
    # from the total (exactly, with no rounding), so another is hidden with it.
    hidden_people = [label for label in hidden if counts[label] > 0]
    if len(hidden_people) == 1 and len(hidden) < len(counts):
        # The smallest count still shown goes too (ties: the first in order).
        candidates = [label for label in counts if label not in hidden]
        smallest = min(candidates, key=lambda label: counts[label])
        hidden[smallest] = "secondary"
    cells = tuple(
        Cell(label, None, hidden[label])
        if label in hidden
        else Cell(label, round_to(value, rounding))
        for label, value in counts.items()
    )
    return Breakdown(cells, Cell("Total", round_to(total, rounding)), threshold, rounding)


def from_config(config: Mapping) -> dict[str, int]:
    """The rule's settings from the app's configuration."""
    return {
        "threshold": int(config.get("DISCLOSURE_THRESHOLD", DEFAULT_THRESHOLD)),
        "rounding": int(config.get("DISCLOSURE_ROUNDING", DEFAULT_ROUNDING)),
    }
