"""Helpers for the backup tests: a scratch database to restore into, a realistic set of
rows to back up, and a fingerprint of every table to compare the two by."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from engage import demo
from engage.extensions import db
from tests import factories


@contextmanager
def scratch_database(database_url: str, folder) -> Iterator[str]:
    """An empty database of the same kind as the test database, removed afterwards: a
    file for SQLite, a database created on the same server for PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / f'scratch-{secrets.token_hex(4)}.db'}"
        return
    name = f"engage_backup_test_{secrets.token_hex(4)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill_with_realistic_rows() -> None:
    """The demo data (accounts, the register, stories approved, routed, digests, meetings
    and packs) and the kinds of rows the demo leaves out."""
    demo.load_demo_data()
    story = factories.submission(
        "I was followed round the shop by the guard. Ring me on 07700 900456.",
        equality=True,
        contact=True,
        contact_email="resident@example.org",
    )
    factories.safeguarding_flag(story)
    meeting = factories.meeting()
    item = factories.agenda_item(meeting.id)
    factories.paper(item.id)
    factories.meeting_action(meeting.id)
    db.session.commit()


def fingerprints(database_url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows in primary-key order."""
    engine = create_engine(database_url)
    try:
        metadata = MetaData()
        metadata.reflect(bind=engine)
        found = {}
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                digest = hashlib.sha256()
                rows = 0
                for row in connection.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode("utf-8"))
                    rows += 1
                found[table.name] = (rows, digest.hexdigest())
        return found
    finally:
        engine.dispose()


def schema_objects(database_url: str) -> dict[str, set[str]]:
    """The names of triggers and indexes, to check that a restore brings back the
    database's own guards as well as the rows."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                triggers = connection.scalars(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                )
            else:
                triggers = connection.scalars(
                    text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
                )
            inspector = inspect(connection)
            indexes = {
                f"{name}.{index['name']}"
                for name in inspector.get_table_names()
                for index in inspector.get_indexes(name)
            }
            return {"triggers": set(triggers), "indexes": indexes}
    finally:
        engine.dispose()
