"""Refreshing the public figures: one stored snapshot per refresh, the newest served,
the older ones pruned, audited, and nothing personal inside."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import AuditEvent, FiguresSnapshot
from engage.services.figures import snapshots
from tests.services.figures import fixtures

COUNTED = [
    "stories-by-quarter",
    "stories-by-area",
    "stories-by-theme",
    "ethnic-group",
    "ethnic-group-detailed",
    "ethnic-group-by-sex",
    "ethnic-group-by-age",
    "ethnic-group-by-area",
]
RECORDS = ["decisions-by-significance", "decisions", "you-said-we-did", "indicators"]


def test_with_no_snapshot_there_is_nothing_to_serve(ctx):
    assert snapshots.latest() is None


def test_a_refresh_stores_every_table_and_says_what_it_covers(ctx):
    fixtures.many_stories()
    made = snapshots.refresh(fixtures.NOW)
    published = snapshots.latest()
    assert published.id == made.id
    assert list(published.tables) == COUNTED + RECORDS
    assert published.content["period"] == {
        "start": "2025-04-01",
        "end": "2027-01-15",
        "interval": "2025-04-01/2027-01-15",
        "label": "Stories received from 1 April 2025 to 15 January 2027",
    }
    assert made.period_label == published.content["period"]["label"]
    assert published.content["rule"] == {"threshold": 10, "rounding": 5}
    area = published.table("stories-by-area")
    assert area["total"] == 55  # 54 stories, rounded
    assert (
        dict(zip([i["code"] for i in area["rows"]["items"]], area["values"], strict=True))[
            "E08000028"
        ]
        == 30
    )  # 31, rounded
    assert made.milliseconds_taken >= 0


def test_a_refresh_is_audited_as_the_system(ctx):
    made = snapshots.refresh(fixtures.NOW)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "figures.refreshed"))
    assert event.actor_id is None and event.object_type == "figures_snapshot"
    assert event.object_id == made.id and event.detail.startswith("milliseconds=")


def test_only_the_newest_few_snapshots_are_kept_and_the_newest_is_served(ctx):
    for n in range(snapshots.KEEP + 2):
        snapshots.refresh(fixtures.NOW + timedelta(days=n))
    assert db.session.scalar(select(func.count()).select_from(FiguresSnapshot)) == snapshots.KEEP
    newest = snapshots.latest()
    assert newest.produced_at == fixtures.NOW + timedelta(days=snapshots.KEEP + 1)
    # An older refresh run late (a retried task) does not replace the newest.
    snapshots.refresh(fixtures.NOW - timedelta(days=1))
    assert snapshots.latest().id == newest.id


def test_the_public_records_are_in_the_snapshot(ctx):
    fixtures.everything()
    snapshots.refresh(fixtures.NOW)
    published = snapshots.latest()
    by_year = published.table("decisions-by-significance")
    assert [item["code"] for item in by_year["rows"]["items"]] == ["2025", "2026"]
    assert by_year["cells"] == [[0, 0, 0, 1], [0, 0, 1, 0]]
    assert by_year["total"] == 2 and by_year["controlled"] is False
    listed = published.table("decisions")["records"]
    assert [d["title"] for d in listed] == [
        "Bus fares for carers frozen",
        "Housing repairs standard",
    ]
    assert listed[0] == {
        "title": "Bus fares for carers frozen",
        "decided_by": "WMCA Board",
        "decided_on": "2026-06-12",
        "significance": "3",
        "significance_label": "3 Significant",
    }
    summaries = published.table("you-said-we-did")
    assert [i["code"] for i in summaries["rows"]["items"]] == ["transport", "no_theme"]
    assert summaries["values"] == [1, 1]  # the draft is not counted
    indicators = published.table("indicators")["records"]
    engaged = [r for r in indicators if r["indicator"] == "community_groups_engaged"]
    # The latest published version of each period; the unpublished version 3 is not.
    assert [(r["reporting_period"], r["value"], r["version"]) for r in engaged] == [
        ("2026-Q1", 12.0, 1),
        ("2026-Q2", 16.0, 2),
    ]
    narrative = [r for r in indicators if r["indicator"] == "community_partner_feedback"]
    assert narrative[0]["value"] is None and narrative[0]["reporting_period"] == "2026"
    assert published.content["annual_reports"] == [
        {"year": 2025, "label": "2025/26", "published_at": "2026-06-01T00:00:00+00:00"}
    ]


def test_nothing_personal_is_in_a_snapshot(ctx):
    fixtures.everything()
    snapshots.refresh(fixtures.NOW)
    stored = db.session.scalar(select(FiguresSnapshot.content))
    for secret in fixtures.SECRETS:
        assert secret not in stored
    assert "receipt" not in stored and "@" not in json.loads(stored)["period"]["label"]


def test_the_command_refreshes_the_figures(app):
    from engage.cli import main

    result = app.test_cli_runner().invoke(main, ["figures", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Public figures refreshed: snapshot" in result.output
    with app.app_context():
        assert snapshots.latest() is not None


def test_celery_beat_refreshes_the_figures_nightly(app):
    from engage import tasks

    celery_app = app.extensions["celery"]
    entry = celery_app.conf.beat_schedule["refresh-figures"]
    assert entry["task"] == "engage.tasks.refresh_figures"
    assert entry["schedule"].hour == {2}
    with app.app_context():
        tasks.start(tasks.refresh_figures)  # inline in the embedded default
        assert snapshots.latest() is not None
