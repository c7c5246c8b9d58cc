"""Examples that engage-sql-text-built-string must flag."""

# The old string formatting is the point of these examples.
# ruff: noqa: UP031, UP032

import sqlalchemy as sa
from sqlalchemy import text


def story(session, story_id: str):
    # ruleid: engage-sql-text-built-string
    return session.execute(text(f"SELECT * FROM submission WHERE id = {story_id}"))


def by_status(session, status: str):
    # ruleid: engage-sql-text-built-string
    return session.execute(sa.text("SELECT * FROM submission WHERE status = '%s'" % status))


def by_area(session, area: str):
    # ruleid: engage-sql-text-built-string
    return session.execute(text("SELECT * FROM submission WHERE area = '{}'".format(area)))


def by_theme(session, theme: str):
    # ruleid: engage-sql-text-built-string
    return session.execute(text("SELECT * FROM tag WHERE theme = '" + theme + "'"))


def by_code(session, code: str):
    query = f"SELECT * FROM submission WHERE code = '{code}'"
    # ruleid: engage-sql-text-built-string
    return session.execute(text(query))


def raw(connection, table: str):
    # ruleid: engage-sql-text-built-string
    return connection.exec_driver_sql(f"SELECT count(*) FROM {table}")
