"""The safe ways to do what bad/sql_text.py does: constant SQL, bound values."""

import sqlalchemy as sa
from sqlalchemy import text


def story(session, story_id: str):
    return session.execute(text("SELECT * FROM submission WHERE id = :id"), {"id": story_id})


def by_status(session, status: str):
    query = text("SELECT * FROM submission WHERE status = :status").bindparams(status=status)
    return session.execute(query)


def by_area(session, area: str):
    submission = sa.table("submission", sa.column("area"))
    return session.execute(sa.select(submission).where(submission.c.area == area))
