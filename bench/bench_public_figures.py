"""Benchmark the public figures at volume (issue 12, "Performance").

    .venv/bin/python bench/bench_public_figures.py [--small 100000] [--large 1000000]
        [--small-url URL --large-url URL]

Builds two fresh databases (temporary SQLite files unless URLs are given; a PostgreSQL
database there is emptied first), loads SMALL and LARGE synthetic stories into them with
`demo.bulk_submissions`, then gives the approved ones confirmed themes (one or two) and
a quarter of all of them equality answers, in SQL. It times the refresh at each size
(the counting, disclosure control and storing of a snapshot), then requests the public
page and two downloads from each site alternately, side by side, and reports the median
of each and the LARGE/SMALL ratio (aim: under 1.5, which needs the page to read the
precomputed snapshot rather than count).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import MetaData, case, func, insert, literal, select, update  # noqa: E402

from engage import create_app, demo  # noqa: E402
from engage.config import TestConfig  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import (  # noqa: E402
    ConfirmedTheme,
    EqualityAnswers,
    EthnicGroup,
    Submission,
    SubmissionStatus,
    Theme,
)

ROUNDS = 25
REFRESHES = 3
URLS = ("/figures/", "/figures/ethnic-group-by-area.csv", "/figures/stories-by-quarter.json")
SEXES = ("female", "male", "prefer_not_to_say", None)
AGES = ("18_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus", None)


def _fresh_database(app) -> None:
    with app.app_context():
        existing = MetaData()
        existing.reflect(bind=db.engine)
        existing.drop_all(bind=db.engine)
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))


def _pick(column, choices):
    """choices[column % len(choices)], in SQL."""
    return case(
        *((column % len(choices) == n, literal(choice)) for n, choice in enumerate(choices)),
        else_=literal(None),
    )


def _load(count: int) -> None:
    demo.bulk_submissions(count)
    themes = list(db.session.scalars(select(Theme.id).order_by(Theme.sort_order)))
    ethnic = list(db.session.scalars(select(EthnicGroup.id).order_by(EthnicGroup.sort_order)))
    approved = Submission.status == SubmissionStatus.APPROVED
    for shift in (0, 3):  # a second theme for a fifth of them
        chosen = select(Submission.id, _pick(Submission.id + shift, themes)).where(approved)
        if shift:
            chosen = chosen.where(Submission.id % 5 == 0)
        db.session.execute(
            insert(ConfirmedTheme).from_select(["submission_id", "theme_id"], chosen)
        )
    quarter = Submission.id % 4 == 0
    db.session.execute(update(Submission).where(quarter).values(consent_equality=True))
    db.session.execute(
        insert(EqualityAnswers).from_select(
            ["submission_id", "ethnic_group_id", "sex", "age_band", "created_at"],
            select(
                Submission.id,
                _pick(Submission.id / 4, ethnic),
                _pick(Submission.id / 4, SEXES),
                _pick(Submission.id / 8, AGES),
                Submission.created_at,
            ).where(quarter),
        )
    )
    db.session.commit()


def _site(url: str, stories: int):
    app = create_app(TestConfig(url))
    _fresh_database(app)
    with app.app_context():
        began = time.perf_counter()
        _load(stories)
        load_seconds = time.perf_counter() - began
        counted = db.session.scalar(select(func.count()).select_from(Submission))
    return app, load_seconds, counted


def _refresh_times(app) -> list[float]:
    from engage.services.figures import snapshots

    times = []
    with app.app_context():
        for _ in range(REFRESHES):
            began = time.perf_counter()
            snapshots.refresh()
            times.append(time.perf_counter() - began)
            db.session.remove()
    return times


def _get(client, url: str) -> float:
    began = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - began
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small-url")
    parser.add_argument("--large-url")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="engage-bench-figures-")
    small_url = args.small_url or f"sqlite:///{folder}/small.db"
    large_url = args.large_url or f"sqlite:///{folder}/large.db"
    small, small_load, small_rows = _site(small_url, args.small)
    large, large_load, large_rows = _site(large_url, args.large)
    refresh = {"small": _refresh_times(small), "large": _refresh_times(large)}
    clients = {"small": small.test_client(), "large": large.test_client()}
    for url in URLS:  # warm: templates compiled, charts not involved
        for client in clients.values():
            _get(client, url)
    times: dict[str, dict[str, list[float]]] = {size: {u: [] for u in URLS} for size in clients}
    for _ in range(ROUNDS):
        for url in URLS:
            for size, client in clients.items():
                times[size][url].append(_get(client, url))
    medians = {
        size: {url: statistics.median(found) for url, found in by_url.items()}
        for size, by_url in times.items()
    }
    print(
        json.dumps(
            {
                "database": small_url.split(":")[0],
                "stories": {"small": small_rows, "large": large_rows},
                "load_seconds": {"small": round(small_load, 1), "large": round(large_load, 1)},
                "refresh_seconds": {
                    size: {
                        "median": round(statistics.median(found), 2),
                        "runs": [round(t, 2) for t in found],
                    }
                    for size, found in refresh.items()
                },
                "request_median_ms": {
                    url: {size: round(medians[size][url] * 1000, 2) for size in medians}
                    for url in URLS
                },
                "ratio_large_to_small": {
                    url: round(medians["large"][url] / medians["small"][url], 2) for url in URLS
                },
                "story_ratio": round(large_rows / small_rows, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
