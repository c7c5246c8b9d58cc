"""The public "you said, we did" page: every published summary, grouped by theme, in
the reader's language where the secretariat wrote one, else in English. Read as they
are (a short list of published records, not a count), so a summary shows as soon as
it is published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from engage.extensions import db
from engage.models import LoopClosure, Theme

ENGLISH = "en"


@dataclass(frozen=True)
class Summary:
    you_said: str
    we_did: str
    # The language these words are in (the reader's, or English when there is none).
    language: str
    decision_title: str
    decided_by: str
    decided_on: date
    published_at: datetime


@dataclass(frozen=True)
class ThemeGroup:
    # The theme's stored (English) label; None for summaries with no theme.
    theme: str | None
    summaries: list[Summary]


def _words(closure: LoopClosure, locale: str):
    texts = {text.locale: text for text in closure.texts}
    return texts.get(locale) or texts.get(ENGLISH) or next(iter(texts.values()), None)


def by_theme(locale: str) -> list[ThemeGroup]:
    """Published summaries, themes in their usual order (no theme last), newest first
    within each."""
    closures = db.session.scalars(
        select(LoopClosure)
        .outerjoin(Theme, Theme.id == LoopClosure.theme_id)
        .where(LoopClosure.published_at.is_not(None))
        .options(
            selectinload(LoopClosure.texts),
            joinedload(LoopClosure.decision),
            joinedload(LoopClosure.theme),
        )
        .order_by(
            Theme.sort_order.is_(None),
            Theme.sort_order,
            LoopClosure.published_at.desc(),
            LoopClosure.id.desc(),
        )
    ).unique()
    groups: dict[str | None, list[Summary]] = {}
    for closure in closures:
        words = _words(closure, locale)
        if words is None:
            continue
        theme = closure.theme.label if closure.theme else None
        groups.setdefault(theme, []).append(
            Summary(
                you_said=words.you_said,
                we_did=words.we_did,
                language=words.locale,
                decision_title=closure.decision.title,
                decided_by=closure.decision.decided_by,
                decided_on=closure.decision.decided_on,
                published_at=closure.published_at,
            )
        )
    return [ThemeGroup(theme, summaries) for theme, summaries in groups.items()]
