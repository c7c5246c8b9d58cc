"""Keyset pagination: pages follow from the last row shown, never OFFSET, so the hundredth
page costs what the first does however many rows there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, tuple_

from engage.ids import MAX_ID


@dataclass(frozen=True)
class Cursor:
    """A position in a list ordered by (time, id)."""

    at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}~{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        """The cursor in a link, or None if it is missing or has been tampered with."""
        if not value or len(value) > 80:
            return None
        at, _, ident = value.rpartition("~")
        try:
            moment = datetime.fromisoformat(at)
            number = int(ident)
        except ValueError:
            return None
        if moment.tzinfo is None or not 0 < number <= MAX_ID:
            return None
        return cls(moment, number)


@dataclass(frozen=True)
class Page:
    rows: list
    next: Cursor | None
    previous: Cursor | None


def paginate(
    session,
    query: Select,
    time_column,
    id_column,
    *,
    newest_first: bool,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = 25,
) -> Page:
    """One page of `query` ordered by (time, id), after or before a cursor.

    The row comparison `(time, id) < (t, i)` lets PostgreSQL and SQLite walk the index
    from the cursor instead of counting past every earlier row."""
    key = tuple_(time_column, id_column)
    backwards = before is not None
    descending = newest_first != backwards
    if after is not None and not backwards:
        point = tuple_(after.at, after.id)
        query = query.where(key < point if newest_first else key > point)
    if backwards:
        point = tuple_(before.at, before.id)
        query = query.where(key > point if newest_first else key < point)
    order = (time_column.desc(), id_column.desc()) if descending else (time_column, id_column)
    rows = list(session.scalars(query.order_by(*order).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page([], None, None)

    def cursor(row) -> Cursor:
        return Cursor(getattr(row, time_column.key), getattr(row, id_column.key))

    has_next = more if not backwards else True
    has_previous = (after is not None) if not backwards else more
    return Page(
        rows,
        cursor(rows[-1]) if has_next else None,
        cursor(rows[0]) if has_previous else None,
    )
