"""`engage backup` and `engage restore`: the commands an operator runs, their words and
their exit codes."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engage.cli import main
from engage.extensions import db
from engage.models import AuditEvent
from engage.services.ops import backup
from tests.services.ops.databases import fill_with_realistic_rows, fingerprints, scratch_database


@pytest.fixture
def empty_database(database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url:
        yield url


@pytest.fixture
def backup_dir(app, tmp_path):
    folder = tmp_path / "backups"
    before = app.config["BACKUP_DIR"]
    app.config["BACKUP_DIR"] = str(folder)
    yield folder
    app.config["BACKUP_DIR"] = before


def run(app, *arguments):
    return app.test_cli_runner().invoke(main, list(arguments))


def test_backup_writes_a_dated_file_counts_it_and_deletes_old_ones(app, backup_dir):
    backup_dir.mkdir()
    old = backup_dir / "engage-20250101T000000Z.backup"
    old.write_bytes(b"an old backup")
    long_ago = (datetime.now(UTC) - timedelta(days=36)).timestamp()
    os.utime(old, (long_ago, long_ago))

    result = run(app, "backup")

    assert result.exit_code == 0, result.output
    written = Path(re.search(r"Backup written to (\S+)", result.output).group(1))
    assert written.parent == backup_dir
    assert re.fullmatch(r"engage-\d{8}T\d{6}Z\.backup", written.name)
    assert written.is_file() and not old.exists()
    assert re.search(r"audit_events\s+\d", result.output)
    assert re.search(r"\d+ tables, [\d,]+ rows\.", result.output)
    assert "Deleted 1 backup(s) older than 35 days" in result.output
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.made"))
        assert [r.detail.split()[0] for r in rows] == [f"file={written.name}"]


def test_backup_to_a_path_then_restore_into_an_empty_database(
    app, database_url, empty_database, tmp_path
):
    with app.app_context():
        fill_with_realistic_rows()
    path = tmp_path / "chosen-name.backup"
    made = run(app, "backup", str(path))
    assert made.exit_code == 0, made.output
    assert path.is_file()

    restored = run(app, "restore", str(path), "--database-url", empty_database)

    assert restored.exit_code == 0, restored.output
    assert f"Restored {path}. Rows in each table now:" in restored.output
    # The backup's own audit row was written after the copy, so compare without it.
    source = fingerprints(database_url)
    copy = fingerprints(empty_database)
    assert source.keys() == copy.keys()
    assert {n: v for n, v in source.items() if n != "audit_events"} == {
        n: v for n, v in copy.items() if n != "audit_events"
    }
    assert copy["audit_events"][0] == source["audit_events"][0] - 1
    submissions = copy["submissions"][0]
    assert re.search(rf"submissions\s+{submissions:,}\n", restored.output)


def test_restore_refuses_the_sites_own_database_without_replace(app, database_url, tmp_path):
    path = tmp_path / "engage-test.backup"
    backup.make_backup(database_url, path)
    before = fingerprints(database_url)

    result = run(app, "restore", str(path))

    assert result.exit_code == 1
    assert "Nothing restored: The database to restore into already holds" in result.output
    assert "--replace" in result.output
    assert "Traceback" not in result.output
    assert fingerprints(database_url) == before


def test_restore_with_replace_overwrites_a_restored_database(app, empty_database, tmp_path):
    path = tmp_path / "engage-test.backup"
    assert run(app, "backup", str(path)).exit_code == 0
    assert run(app, "restore", str(path), "--database-url", empty_database).exit_code == 0
    again = run(app, "restore", str(path), "--database-url", empty_database)
    assert again.exit_code == 1
    replaced = run(app, "restore", str(path), "--database-url", empty_database, "--replace")
    assert replaced.exit_code == 0, replaced.output


def test_failures_are_explained_without_a_traceback(app, backup_dir, tmp_path):
    missing = run(app, "restore", str(tmp_path / "nothing-here.backup"))
    assert missing.exit_code == 1
    assert "Nothing restored: There is no backup at" in missing.output

    existing = tmp_path / "engage-taken.backup"
    existing.write_bytes(b"")
    taken = run(app, "backup", str(existing))
    assert taken.exit_code == 1
    assert "No backup made:" in taken.output and "already exists" in taken.output
    assert "Traceback" not in missing.output + taken.output
