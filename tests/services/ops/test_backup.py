"""Backups that restore: every row of every table comes back, the database's guards
with them, and the site starts on the restored database."""

from __future__ import annotations

import os
import stat
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from engage.config import TestConfig
from engage.extensions import db
from engage.models import AuditEvent
from engage.services.ops import backup
from tests.services.ops.databases import (
    fill_with_realistic_rows,
    fingerprints,
    schema_objects,
    scratch_database,
)


@pytest.fixture
def empty_database(database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url:
        yield url


def refused(database_url: str, statement: str) -> str:
    """The database's own words when it refuses the statement (or fail if it doesn't)."""
    engine = create_engine(database_url)
    try:
        with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
            connection.execute(text(statement))
        return str(raised.value.orig)
    finally:
        engine.dispose()


def test_a_backup_restored_into_an_empty_database_holds_every_row(
    ctx, database_url, empty_database, fresh_app, tmp_path
):
    fill_with_realistic_rows()
    made = backup.make_backup(database_url, tmp_path / "engage-test.backup")
    backup.restore_backup(made, empty_database)

    before, after = fingerprints(database_url), fingerprints(empty_database)
    assert {"alembic_version", "audit_events", "submissions", "equality_answers"} <= set(before)
    assert before["audit_events"][0] > 0 and before["submissions"][0] > 0
    assert before["equality_answers"][0] > 0 and before["submission_contacts"][0] > 0
    # Every table, its row count and the hash of its rows, the same after the restore.
    assert after == before
    assert backup.row_counts(empty_database) == {name: n for name, (n, _) in before.items()}
    assert schema_objects(empty_database) == schema_objects(database_url)

    # The audit log is still append-only in the restored database.
    assert "append-only" in refused(empty_database, "UPDATE audit_events SET action = 'edited'")
    assert "append-only" in refused(empty_database, "DELETE FROM audit_events")
    if db.engine.dialect.name == "postgresql":
        assert "append-only" in refused(empty_database, "TRUNCATE audit_events")

    site = fresh_app(TestConfig(database_url=empty_database))
    assert site.test_client().get("/").status_code == 200


def test_the_backup_file_is_readable_by_its_owner_only(ctx, database_url, tmp_path):
    made = backup.make_backup(database_url, tmp_path / "engage-test.backup")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    # Nothing half-written is left beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["engage-test.backup"]


def test_a_backup_never_overwrites_a_file(ctx, database_url, tmp_path):
    existing = tmp_path / "engage-test.backup"
    existing.write_bytes(b"an older backup")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.make_backup(database_url, existing)
    assert existing.read_bytes() == b"an older backup"


def test_a_failed_backup_leaves_no_file(tmp_path, database_url):
    if database_url.startswith("sqlite"):
        missing = f"sqlite:///{tmp_path / 'no-such.db'}"
    else:
        missing = database_url.rsplit("/", 1)[0] + "/engage_no_such_database"
    with pytest.raises(backup.BackupError):
        backup.make_backup(missing, tmp_path / "engage-test.backup")
    assert list(tmp_path.iterdir()) == []


def test_a_database_holding_engage_is_not_restored_over(ctx, database_url, tmp_path):
    made = backup.make_backup(database_url, tmp_path / "engage-test.backup")
    before = fingerprints(database_url)
    with pytest.raises(backup.BackupError, match="already holds Engage's tables"):
        backup.restore_backup(made, database_url)
    assert fingerprints(database_url) == before


def test_replace_overwrites_a_database_that_holds_engage(
    ctx, database_url, empty_database, tmp_path
):
    fill_with_realistic_rows()
    made = backup.make_backup(database_url, tmp_path / "engage-test.backup")
    backup.restore_backup(made, empty_database)
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM submission_themes"))
    engine.dispose()
    backup.restore_backup(made, empty_database, replace=True)
    assert fingerprints(empty_database) == fingerprints(database_url)


def test_something_that_is_not_a_backup_is_refused(tmp_path, empty_database):
    stray = tmp_path / "notes.backup"
    stray.write_text("not a database")
    with pytest.raises(backup.BackupError, match="not an Engage backup"):
        backup.restore_backup(stray, empty_database)
    with pytest.raises(backup.BackupError, match="no backup"):
        backup.restore_backup(tmp_path / "missing.backup", empty_database)


def test_the_password_goes_to_the_environment_never_the_command_line(monkeypatch, tmp_path):
    ran = {}

    def fake_run(command, *, env, **_):
        ran.update(command=command, env=env)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    backup.make_backup(
        "postgresql+psycopg://engage:s3cret-Pass@db.internal:5433/engage",
        tmp_path / "engage-test.backup",
    )
    assert not any("s3cret-Pass" in part for part in ran["command"])
    assert "--dbname=postgresql://engage@db.internal:5433/engage" in ran["command"]
    assert {"--format=custom", "--no-owner", "--no-privileges"} <= set(ran["command"])
    assert ran["env"]["PGPASSWORD"] == "s3cret-Pass"


def test_backups_older_than_the_retention_window_are_deleted(tmp_path):
    made = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
    names = ["engage-old.backup", "engage-recent.backup", "keep-me.backup", "engage-old.txt"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (made.timestamp(), made.timestamp()))
    recent = (made + timedelta(days=10)).timestamp()
    os.utime(tmp_path / "engage-recent.backup", (recent, recent))

    with freeze_time(made + timedelta(days=35)):
        assert backup.prune_backups(tmp_path, 35) == []  # exactly 35 days: kept
    with freeze_time(made + timedelta(days=35, seconds=1)):
        removed = backup.prune_backups(tmp_path, 35)
    assert [p.name for p in removed] == ["engage-old.backup"]
    # Only Engage's backups are ever deleted, and only once past the window.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])


def test_the_retention_window_is_a_setting(monkeypatch):
    assert TestConfig().BACKUP_RETENTION_DAYS == 35
    monkeypatch.setenv("BACKUP_RETENTION_DAYS", "14")
    monkeypatch.setenv("BACKUP_DIR", "/srv/engage-backups")
    from engage.config import DevelopmentConfig

    config = DevelopmentConfig()
    assert (config.BACKUP_RETENTION_DAYS, config.BACKUP_DIR) == (14, "/srv/engage-backups")


def test_a_backup_made_writes_one_audit_row(ctx, tmp_path):
    backup.record_backup(tmp_path / "engage-x.backup", {"users": 3, "submissions": 4})
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.made")).all()
    assert [(r.actor_id, r.detail) for r in rows] == [
        (None, "file=engage-x.backup tables=2 rows=7")
    ]
