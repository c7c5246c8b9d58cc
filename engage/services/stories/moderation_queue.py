"""The officers' queue: stories needing attention, filtered, a page at a time.

Pages follow from the last row shown (keyset), so the hundredth page of a million
stories costs what the first does. The story text is never loaded here."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, load_only

from engage.extensions import db
from engage.ids import parse_id
from engage.models import Channel, Submission, SubmissionStatus, SubmissionTheme, Theme
from engage.services.common.keyset import Cursor, Page, paginate

# Theme slugs as the reference data writes them; anything else filters nothing.
THEME_SLUG = re.compile(r"[a-z_]{1,40}")


@dataclass(frozen=True)
class QueueFilter:
    status: SubmissionStatus | None = SubmissionStatus.RECEIVED
    theme: str = ""
    area_id: int | None = None
    # "en", "other" (anything not English, or not known), or "" for any.
    language: str = ""
    safeguarding: bool = False
    channel: Channel | None = None
    oldest_first: bool = False

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        """Build a filter from a query string; anything unrecognised is ignored."""
        statuses = {s.value: s for s in SubmissionStatus if s is not SubmissionStatus.WITHDRAWN}
        channels = {c.value: c for c in Channel}
        status_value = args.get("status", SubmissionStatus.RECEIVED.value)
        area = args.get("area", "")
        theme = args.get("theme", "")
        language = args.get("language", "")
        return cls(
            status=None
            if status_value == "any"
            else statuses.get(status_value, SubmissionStatus.RECEIVED),
            theme=theme if THEME_SLUG.fullmatch(theme) else "",
            area_id=parse_id(area),
            language=language if language in ("en", "other") else "",
            safeguarding=args.get("safeguarding") == "yes",
            channel=channels.get(args.get("channel", "")),
            oldest_first=args.get("order") == "oldest",
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments, for links that keep it."""
        args = {
            "status": self.status.value if self.status else "any",
            "theme": self.theme,
            "area": str(self.area_id) if self.area_id else "",
            "language": self.language,
            "safeguarding": "yes" if self.safeguarding else "",
            "channel": self.channel.value if self.channel else "",
            "order": "oldest" if self.oldest_first else "",
        }
        return {k: v for k, v in args.items() if v}


QUEUE_COLUMNS = (
    Submission.id,
    Submission.status,
    Submission.channel,
    Submission.created_at,
    Submission.local_authority_id,
    Submission.language,
    Submission.language_flagged,
    Submission.safeguarding,
    Submission.claimed_by_id,
    Submission.claimed_until,
    Submission.tagging_status,
    Submission.consent_share,
    Submission.consent_quote,
    Submission.redaction_confirmed_at,
)


def _query(f: QueueFilter):
    query = select(Submission).options(
        load_only(*QUEUE_COLUMNS),
        joinedload(Submission.local_authority),
        joinedload(Submission.claimed_by),
    )
    if f.status is None:
        query = query.where(Submission.status != SubmissionStatus.WITHDRAWN)
    else:
        query = query.where(Submission.status == f.status)
    if f.theme:
        query = query.where(
            exists(
                select(SubmissionTheme.id)
                .join(Theme, Theme.id == SubmissionTheme.theme_id)
                .where(
                    SubmissionTheme.submission_id == Submission.id,
                    SubmissionTheme.suggested.is_(True),
                    Theme.slug == f.theme,
                )
            )
        )
    if f.area_id:
        query = query.where(Submission.local_authority_id == f.area_id)
    if f.language == "en":
        query = query.where(Submission.language == "en")
    elif f.language == "other":
        query = query.where(Submission.language_flagged.is_(True))
    if f.safeguarding:
        query = query.where(Submission.safeguarding.is_(True))
    if f.channel:
        query = query.where(Submission.channel == f.channel)
    return query


def page(
    f: QueueFilter,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = 25,
) -> Page:
    return paginate(
        db.session,
        _query(f),
        Submission.created_at,
        Submission.id,
        newest_first=not f.oldest_first,
        after=after,
        before=before,
        size=size,
    )


def suggested_themes(submission_ids: list[int]) -> dict[int, list[Theme]]:
    """The model's suggested themes for the stories on one page, in one query."""
    found: dict[int, list[Theme]] = defaultdict(list)
    if not submission_ids:
        return found
    rows = db.session.execute(
        select(SubmissionTheme.submission_id, Theme)
        .join(Theme, Theme.id == SubmissionTheme.theme_id)
        .where(
            SubmissionTheme.submission_id.in_(submission_ids),
            SubmissionTheme.suggested.is_(True),
        )
        .order_by(Theme.sort_order)
    )
    for submission_id, theme in rows:
        found[submission_id].append(theme)
    return found
