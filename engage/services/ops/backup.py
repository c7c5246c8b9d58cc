"""Backups of the whole database, and restoring one into an empty database.

SQLite is copied with its online backup API (a consistent copy while the site runs);
PostgreSQL with pg_dump's custom format and pg_restore. A backup holds people's stories,
contact details and equality answers: the file is readable by its owner only, and old
ones are deleted after BACKUP_RETENTION_DAYS (docs/backups.md)."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sqlite3
import subprocess  # nosec B404 # runs pg_dump/pg_restore only, with an argument list
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url

from engage.services.common import audit
from engage.services.common.transaction import transactional

log = logging.getLogger(__name__)

BACKUP_GLOB = "engage-*.backup"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# Tables that only an Engage database holds: finding any of them means "not empty".
ENGAGE_TABLES = {"alembic_version", "audit_events", "submissions", "users"}


class BackupError(Exception):
    """A backup or restore could not be done; the message says why, in plain words."""


@dataclass(frozen=True)
class Target:
    """A database as the backup tools need it: a file for SQLite, or a libpq URL with
    the password apart (it goes to the child's environment, never its command line)."""

    dialect: str
    sqlite_path: Path | None = None
    libpq_url: str = ""
    password: str | None = None

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def target(database_url: str | URL) -> Target:
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database can't be backed up or restored.")
        return Target("sqlite", sqlite_path=Path(url.database))
    if backend == "postgresql":
        # postgresql+psycopg://... is SQLAlchemy's; pg_dump reads postgresql://...
        # (URL.set(password=None) would keep the password: None there means "unchanged".)
        plain = URL.create(
            "postgresql",
            username=url.username,
            host=url.host,
            port=url.port,
            database=url.database,
            query=url.query,
        )
        return Target(
            "postgresql",
            libpq_url=plain.render_as_string(hide_password=False),
            password=url.password,
        )
    raise BackupError(f"Backups are made for SQLite and PostgreSQL only, not {backend}.")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools (Debian: "
            "postgresql-client) in the same major version as the server."
        )
    return found


def _run(command: list[str], where: Target, doing: str) -> None:
    finished = subprocess.run(  # nosec B603 # a fixed tool with arguments we built, no shell
        command, env=where.environment(), capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        # The tools' own words (they name tables and settings, never row contents).
        said = finished.stderr.strip().splitlines()
        raise BackupError(f"{doing} failed: {said[-1] if said else 'no message'}")


@contextmanager
def _written_in_full(destination: Path) -> Iterator[Path]:
    """A private temporary file beside `destination`, renamed to it only once complete,
    so that a half-written backup never looks like a finished one."""
    partial = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    try:
        yield partial
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_copy(source: Path, destination: Path) -> None:
    """Copy a whole SQLite database page by page, consistent while others write."""
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        writing = sqlite3.connect(destination)
        try:
            reading.backup(writing)
        finally:
            writing.close()
    finally:
        reading.close()


def make_backup(database_url: str | URL, destination: Path) -> Path:
    """Write a backup of the whole database to `destination` (0600), refusing to
    overwrite a file that is already there."""
    where = target(database_url)
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose another name.")
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _written_in_full(destination) as partial:
        if where.dialect == "sqlite":
            if not where.sqlite_path.is_file():
                raise BackupError(f"There is no database at {where.sqlite_path}.")
            try:
                _sqlite_copy(where.sqlite_path, partial)
            except sqlite3.Error as error:
                raise BackupError(f"Copying the SQLite database failed: {error}") from None
        else:
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    f"--dbname={where.libpq_url}",
                ],
                where,
                "pg_dump",
            )
    log.info("backup_made", extra={"bytes": destination.stat().st_size})
    return destination


def engage_tables_in(database_url: str | URL) -> set[str]:
    """Which of Engage's own tables the database already holds (none when it is empty
    or, for SQLite, not there yet)."""
    where = target(database_url)
    if where.dialect == "sqlite" and not where.sqlite_path.exists():
        return set()
    engine = create_engine(database_url)
    try:
        return ENGAGE_TABLES & set(inspect(engine).get_table_names())
    except Exception as error:  # noqa: BLE001 - reported in words, not as a traceback
        raise BackupError(f"Could not open the database to restore into: {error}") from None
    finally:
        engine.dispose()


def _kind_of_backup(source: Path) -> str:
    with open(source, "rb") as opened:
        start = opened.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{source} is not an Engage backup (neither SQLite nor pg_dump's format).")


def restore_backup(source: Path, database_url: str | URL, *, replace: bool = False) -> None:
    """Put a backup's tables and rows into the database at `database_url`, which must
    be empty unless `replace` is given (then what the backup holds replaces it). A
    PostgreSQL database must exist first (createdb); a SQLite file is created."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    where = target(database_url)
    kind = _kind_of_backup(source)
    if kind != where.dialect:
        raise BackupError(
            f"{source} is a {kind} backup; it can only be restored into {kind}, "
            f"not {where.dialect}."
        )
    found = engage_tables_in(database_url)
    if found and not replace:
        raise BackupError(
            "The database to restore into already holds Engage's tables "
            f"({', '.join(sorted(found))}). Restore into an empty database, or give "
            "--replace to overwrite it with the backup."
        )
    if where.dialect == "sqlite":
        path = where.sqlite_path
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            # The backup API replaces every page of the target: a whole-database copy.
            _sqlite_copy(source, path)
        except sqlite3.Error as error:
            raise BackupError(f"Restoring the SQLite database failed: {error}") from None
        return
    command = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={where.libpq_url}", str(source)], where, "pg_restore")


def row_counts(database_url: str | URL) -> dict[str, int]:
    """The number of rows in every table of the database, by table name."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            return {
                name: connection.scalar(select(func.count()).select_from(table(name)))
                for name in names
            }
    finally:
        engine.dispose()


def prune_backups(folder: Path, days: int, *, now: datetime | None = None) -> list[Path]:
    """Delete the `engage-*.backup` files in `folder` last written more than `days`
    ago: backups age out, so an erased story is beyond use within a stated window."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    removed = []
    for path in sorted(folder.glob(BACKUP_GLOB)):
        written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if path.is_file() and written < cutoff:
            path.unlink()
            removed.append(path)
    if removed:
        log.info("backups_pruned", extra={"removed": len(removed)})
    return removed


@transactional
def record_backup(path: Path, counts: dict[str, int]) -> None:
    """One audit row for a backup made (by the command line or a scheduled job)."""
    audit.record(
        "backup.made",
        actor=audit.SYSTEM,
        detail=f"file={Path(path).name} tables={len(counts)} rows={sum(counts.values())}",
    )
