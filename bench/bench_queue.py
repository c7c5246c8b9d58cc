"""Benchmark the moderation queue at volume (issue 5).

    .venv/bin/python bench/bench_queue.py [--rows 1000000] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url is given; the
PostgreSQL database there is emptied first), loads ROWS synthetic stories with
`demo.bulk_submissions`, signs an officer in through the real two-step sign-in, walks
the queue to its 100th page by following "Next page" links, then renders page 1 and
page 100 alternately, side by side, and reports the median time of each and their
ratio (the target is under 2). It also prints the query plan of the page query.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import pyotp  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from sqlalchemy import MetaData, text  # noqa: E402

from engage import create_app, demo  # noqa: E402
from engage.config import TestConfig  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import Role  # noqa: E402
from engage.services.accounts import accounts  # noqa: E402

ROUNDS = 25
PASSWORD = "queue timing passphrase"
SECRET = pyotp.random_base32()


def _fresh_database(app) -> None:
    with app.app_context():
        existing = MetaData()
        existing.reflect(bind=db.engine)
        existing.drop_all(bind=db.engine)
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))


def _officer(app) -> None:
    with app.app_context():
        user = accounts.create_user(
            email="bench@example.org",
            display_name="Bench Officer",
            password=PASSWORD,
            role=Role.ENGAGEMENT_OFFICER,
        )
        from engage import crypto
        from engage.models.base import utcnow

        user.totp_secret_encrypted = crypto.encrypt(SECRET)
        user.totp_confirmed_at = utcnow()
        db.session.commit()


def _form_token(client, url: str) -> str:
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def _sign_in(client) -> None:
    client.post(
        "/sign-in",
        data={
            "csrf_token": _form_token(client, "/sign-in"),
            "email": "bench@example.org",
            "password": PASSWORD,
        },
    )
    response = client.post(
        "/sign-in/code",
        data={"csrf_token": _form_token(client, "/sign-in/code"), "code": pyotp.TOTP(SECRET).now()},
    )
    assert response.status_code == 302, "benchmark sign-in failed"


def _page_100_url(client) -> str:
    url = "/moderation/"
    for _ in range(99):
        soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
        url = soup.find("a", rel="next")["href"]
    return url


def _time(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and b"Story " in response.data
    return elapsed


def _plan(app, url: str) -> None:
    from urllib.parse import parse_qs, urlparse

    from engage.services.common.keyset import Cursor
    from engage.services.stories import moderation_queue

    args = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    with app.app_context():
        cursor = Cursor.decode(args.get("after"))
        query = moderation_queue._query(moderation_queue.QueueFilter())
        from sqlalchemy import tuple_

        from engage.models import Submission

        query = (
            query.where(tuple_(Submission.created_at, Submission.id) < tuple_(cursor.at, cursor.id))
            .order_by(Submission.created_at.desc(), Submission.id.desc())
            .limit(26)
        )
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        with db.engine.connect() as connection:
            for row in connection.execute(text(explain + str(compiled))):
                print("   ", " | ".join(str(c) for c in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="engage-bench-")
    url = options.database_url or f"sqlite:///{Path(workdir) / 'queue.db'}"
    config = TestConfig(database_url=url)
    config.RATELIMIT_ENABLED = False
    config.LOG_LEVEL = "ERROR"
    app = create_app(config)
    _fresh_database(app)
    _officer(app)
    started = time.perf_counter()
    with app.app_context():
        demo.bulk_submissions(options.rows)
    print(f"database: {url.split(':')[0]}")
    print(f"loaded {options.rows:,} stories in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    _sign_in(client)
    page_100 = _page_100_url(client)
    first, hundredth = [], []
    for _ in range(ROUNDS):  # alternate, so both see the same machine noise
        first.append(_time(client, "/moderation/"))
        hundredth.append(_time(client, page_100))
    one, hundred = statistics.median(first), statistics.median(hundredth)
    print(f"page 1:   median {one * 1000:.1f} ms over {ROUNDS} renders")
    print(f"page 100: median {hundred * 1000:.1f} ms over {ROUNDS} renders")
    print(f"ratio page 100 / page 1: {hundred / one:.2f} (target < 2)")
    print("query plan for page 100:")
    _plan(app, page_100)


if __name__ == "__main__":
    main()
