"""The public figures as precomputed snapshots.

`refresh` counts everything in the database (a few grouped queries, whatever the number
of stories), applies disclosure control, and stores the whole result as one JSON
document in a new FiguresSnapshot, dropping all but the newest few. Celery beat runs it
nightly (engage.tasks.refresh_figures); `engage figures refresh` runs it by hand, or from
cron in the embedded default. The page and the downloads read the newest snapshot with
one indexed query and never count anything themselves."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.dates import format_date
from flask import current_app
from sqlalchemy import delete, select

from engage.clock import LONDON
from engage.extensions import db
from engage.models import FiguresSnapshot
from engage.models.base import utcnow
from engage.services.common import audit, disclosure
from engage.services.common.transaction import transactional
from engage.services.figures import counts, records, tables

log = logging.getLogger(__name__)

FORMAT = "engage-public-figures/1"
# Snapshots kept: the newest serves; a few before it show what changed, if asked.
KEEP = 5


@dataclass(frozen=True)
class Published:
    """The newest snapshot as the page and downloads use it."""

    id: int
    produced_at: datetime
    period_label: str
    content: dict

    @property
    def tables(self) -> dict[str, dict]:
        return self.content["tables"]

    def table(self, name: str) -> dict | None:
        return self.content["tables"].get(name)


@transactional
def refresh(now: datetime | None = None) -> FiguresSnapshot:
    """Count, protect and store the public figures as they stand at `now`."""
    began = time.perf_counter()
    now = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    content = build(now)
    snapshot = FiguresSnapshot(
        produced_at=now,
        period_label=content["period"]["label"],
        content=json.dumps(content, ensure_ascii=False, separators=(",", ":")),
    )
    db.session.add(snapshot)
    db.session.flush()
    kept = select(FiguresSnapshot.id).order_by(
        FiguresSnapshot.produced_at.desc(), FiguresSnapshot.id.desc()
    )
    db.session.execute(
        delete(FiguresSnapshot).where(FiguresSnapshot.id.not_in(kept.limit(KEEP).scalar_subquery()))
    )
    snapshot.milliseconds_taken = round((time.perf_counter() - began) * 1000)
    audit.record(
        "figures.refreshed",
        actor=audit.SYSTEM,
        object_type="figures_snapshot",
        object_id=snapshot.id,
        detail=f"milliseconds={snapshot.milliseconds_taken}",
    )
    log.info(
        "figures_refreshed",
        extra={"snapshot_id": snapshot.id, "milliseconds": snapshot.milliseconds_taken},
    )
    return snapshot


def build(now: datetime) -> dict:
    """The snapshot's content: every table, protected, with when and what it covers."""
    rule = disclosure.from_config(current_app.config)
    years = counts.years_counted(now)
    ref = counts.reference(years)
    counted = tables.build(counts.grouped(now, ref), ref, **rule)
    others = [*records.decisions(years), records.you_said_we_did(), records.indicators()]
    counted_to = now.astimezone(LONDON).date()
    start = counts.first_day(years)
    return {
        "format": FORMAT,
        "produced_at": now.isoformat(),
        "period": {
            "start": start.isoformat(),
            "end": counted_to.isoformat(),
            # ISO 8601 interval, as the downloads give it.
            "interval": f"{start.isoformat()}/{counted_to.isoformat()}",
            "label": f"Stories received from {_english(start)} to {_english(counted_to)}",
        },
        "rule": rule,
        "tables": {table["id"]: table for table in [*counted, *others]},
        "annual_reports": records.annual_reports(),
    }


def latest() -> Published | None:
    """The newest snapshot: one query on the produced_at index."""
    snapshot = db.session.scalar(
        select(FiguresSnapshot)
        .order_by(FiguresSnapshot.produced_at.desc(), FiguresSnapshot.id.desc())
        .limit(1)
    )
    if snapshot is None:
        return None
    return Published(
        snapshot.id, snapshot.produced_at, snapshot.period_label, json.loads(snapshot.content)
    )


def _english(day) -> str:
    return format_date(day, "d MMMM y", locale="en")
