"""Benchmark digests at volume and a 30-page meeting pack (issue 11).

    .venv/bin/python bench/bench_digest.py [--small 10000] [--large 100000] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url is given; a
PostgreSQL database there is emptied first) with two working groups: one receives SMALL
approved stories and the other LARGE, all in the same period, with confirmed themes,
areas, quotes or summaries, and equality answers for a fifth of them. It then builds
each group's digest (counts with the change, the first page of stories, the phrases and
the equality breakdowns), alternately and side by side, and reports the median of each
and the LARGE/SMALL ratio (aim: under 5, which needs the counting done in the database).
Last, it builds a pack for a meeting of the Taskforce (both groups' digests, 60 stories
each) and reports its pages and seconds (aim: under 10 s for 30 pages).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import MetaData, func, select  # noqa: E402

from engage import create_app  # noqa: E402
from engage.config import TestConfig  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import (  # noqa: E402
    Body,
    BodyKind,
    ConfirmedTheme,
    EqualityAnswers,
    EthnicGroup,
    LocalAuthority,
    Role,
    StoryRoute,
    Submission,
    Theme,
)

ROUNDS = 7
WORDS = (
    "landlord damp mould repairs council bus driver stop search police college school "
    "exclusion interpreter doctor appointment hospital job interview promotion manager "
    "racist abuse neighbour street night shift fares tram station waited months ignored "
    "complained nobody listened children asthma letter email again"
).split()


def _fresh_database(app) -> None:
    with app.app_context():
        existing = MetaData()
        existing.reflect(bind=db.engine)
        existing.drop_all(bind=db.engine)
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))


def _group(name: str, theme_slug: str) -> Body:
    theme = db.session.scalar(select(Theme).where(Theme.slug == theme_slug))
    group = Body(
        slug=name.lower().replace(" ", "-"), name=name, kind=BodyKind.WORKING_GROUP, theme=theme
    )
    db.session.add(group)
    db.session.commit()
    return group


def _load(group: Body, count: int, start: datetime, rng: random.Random, offset: int) -> None:
    """COUNT approved, shared stories routed to GROUP within the 30 days after START."""
    themes = list(db.session.scalars(select(Theme.id)))
    areas = list(db.session.scalars(select(LocalAuthority.id)))
    ethnic = list(db.session.scalars(select(EthnicGroup.id)))
    batch = 10_000
    table = Submission.__table__
    first_id = (db.session.scalar(select(func.max(Submission.id))) or 0) + 1
    for made in range(0, count, batch):
        size = min(batch, count - made)
        stories, confirmed, routes, equality = [], [], [], []
        for n in range(size):
            ident = first_id + made + n
            when = start + timedelta(seconds=rng.random() * 30 * 24 * 3600)  # within 31 days
            text = " ".join(rng.choice(WORDS) for _ in range(40))
            quote = rng.random() < 0.5
            stories.append(
                {
                    "id": ident,
                    "receipt_hash": hashlib.sha256(f"bench-{offset}-{ident}".encode()).hexdigest(),
                    "status": "approved",
                    "channel": "web",
                    "age_group": "18_plus",
                    "story": text,
                    "redacted_story": text,
                    "officer_summary": None if quote else "A summary: " + text[:80],
                    "local_authority_id": rng.choice(areas),
                    "consent_store": True,
                    "consent_share": True,
                    "consent_quote": quote,
                    "consent_equality": n % 5 == 0,
                    "created_at": when,
                    "updated_at": when,
                    "decided_at": when,
                    "tagging_status": "done",
                    "language": "en",
                    "language_flagged": False,
                    "safeguarding": False,
                }
            )
            for theme in rng.sample(themes, rng.choice([1, 1, 2])):
                confirmed.append({"submission_id": ident, "theme_id": theme})
            routes.append({"submission_id": ident, "body_id": group.id, "routed_at": when})
            if n % 5 == 0:
                equality.append(
                    {
                        "submission_id": ident,
                        "ethnic_group_id": rng.choice(ethnic),
                        "age_band": rng.choice(["25_34", "35_44", None]),
                        "created_at": when,
                    }
                )
        db.session.execute(table.insert(), stories)
        db.session.execute(ConfirmedTheme.__table__.insert(), confirmed)
        db.session.execute(StoryRoute.__table__.insert(), routes)
        db.session.execute(EqualityAnswers.__table__.insert(), equality)
        db.session.commit()


def _time(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="engage-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    app = create_app(TestConfig(url))
    _fresh_database(app)
    # Stories over the last month, so a meeting tomorrow's pack covers them.
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(days=31)
    rng = random.Random(11)
    with app.app_context():
        small = _group("Small group", "housing")
        large = _group("Large group", "transport")
        began = time.perf_counter()
        _load(small, args.small, start, rng, 0)
        _load(large, args.large, start, rng, 1)
        load_seconds = time.perf_counter() - began

        from engage.services.digests import digests

        def build(group):
            return lambda: digests.content(group, start, end)

        # Warm caches once each, then alternate so noise falls on both alike.
        build(small)(), build(large)()
        small_times, large_times = [], []
        for _ in range(ROUNDS):
            small_times.append(_time(build(small)))
            large_times.append(_time(build(large)))
        small_median = statistics.median(small_times)
        large_median = statistics.median(large_times)

        # A meeting of the Taskforce just after the period: its pack holds both digests.
        from engage.models import User
        from engage.services.accounts import accounts
        from engage.services.common import audit
        from engage.services.meetings import meetings
        from engage.services.packs import builder

        admin = accounts.create_user(
            email="bench@example.org",
            display_name="Bench",
            password="a long enough phrase for timing",
            role=Role.ADMIN,
        )
        taskforce = db.session.scalar(select(Body).where(Body.slug == "taskforce"))
        meeting = meetings.schedule(
            meetings.MeetingInput(
                body_id=taskforce.id,
                on=date(2027, 2, 2),
                at=datetime.min.time().replace(hour=14),
                place="Council House",
            ),
            actor=admin,
            today=date.today(),
        )
        pack_times = []
        for _ in range(3):
            began = time.perf_counter()
            pack = builder.build(meeting.id, actor=audit.as_actor(db.session.get(User, admin.id)))
            pack_times.append(time.perf_counter() - began)
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pack.pdf)).pages)
    print(
        json.dumps(
            {
                "database": url.split(":")[0],
                "stories": {"small": args.small, "large": args.large},
                "load_seconds": round(load_seconds, 1),
                "digest_median_seconds": {
                    "small": round(small_median, 3),
                    "large": round(large_median, 3),
                },
                "ratio_large_to_small": round(large_median / small_median, 2),
                "story_ratio": round(args.large / args.small, 1),
                "pack": {
                    "pages": pages,
                    "median_seconds": round(statistics.median(pack_times), 2),
                    "runs": [round(t, 2) for t in pack_times],
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
