"""Column types shared by the models."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, TypeDecorator


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum as its string value with a CHECK constraint, the same on every database."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite as well as PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


__all__ = ["UTCDateTime", "enum_column", "datetime"]
