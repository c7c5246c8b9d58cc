"""The decisions log: decisions the Taskforce influenced, each with the body that made
it, when, what changed, its significance on the stated scale, its evidence, and the
meetings, agenda items, digests and stories that informed it."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from engage.extensions import db
from engage.models import (
    AgendaItem,
    Decision,
    Digest,
    InfluencedDecision,
    Meeting,
    MeetingStatus,
    Submission,
)
from engage.models.accountability import Significance, influenced_decision_stories
from engage.models.users import User
from engage.services.accountability import telling
from engage.services.accountability.measurements import evidence_links
from engage.services.common import audit
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.digests.routing import shareable
from engage.services.meetings.common import line, paragraphs

log = logging.getLogger(__name__)

TITLE_MAX = 300
BODY_MAX = 300
CHANGED_MAX = 10_000


@dataclass
class DecisionInput:
    title: str = ""
    decided_by: str = ""
    decided_on: date | None = None
    what_changed: str = ""
    significance: str = ""
    evidence_links: str = ""
    meeting_ids: list[int] = field(default_factory=list)
    agenda_item_ids: list[int] = field(default_factory=list)
    digest_ids: list[int] = field(default_factory=list)
    meeting_decision_id: int | None = None


def get(decision_id: int) -> InfluencedDecision:
    found = db.session.get(InfluencedDecision, decision_id)
    if found is None:
        raise NotFound(decision_id)
    return found


def log_entries(year_start: date | None = None, year_end: date | None = None):
    query = (
        select(InfluencedDecision)
        # The log shows each decision's stories and closures: loaded in two queries.
        .options(
            selectinload(InfluencedDecision.stories), selectinload(InfluencedDecision.closures)
        )
        .order_by(InfluencedDecision.decided_on.desc(), InfluencedDecision.id.desc())
    )
    if year_start is not None and year_end is not None:
        query = query.where(
            InfluencedDecision.decided_on >= year_start, InfluencedDecision.decided_on < year_end
        )
    return list(db.session.scalars(query))


def held_meetings(limit: int = 40) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.starts_at.desc())
            .limit(limit)
        )
    )


def agenda_items_of(meeting_ids: list[int]) -> list[AgendaItem]:
    if not meeting_ids:
        return []
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id.in_(meeting_ids))
            .order_by(AgendaItem.meeting_id, AgendaItem.position)
        )
    )


def meeting_decisions(meeting_ids: list[int]) -> list[Decision]:
    if not meeting_ids:
        return []
    return list(
        db.session.scalars(
            select(Decision).where(Decision.meeting_id.in_(meeting_ids)).order_by(Decision.id)
        )
    )


def recent_digests(limit: int = 40) -> list[Digest]:
    return list(db.session.scalars(select(Digest).order_by(Digest.issued_at.desc()).limit(limit)))


def _chosen(model, ids: list[int], errors: dict, name: str, what: str) -> list:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = list(db.session.scalars(select(model).where(model.id.in_(wanted))))
    if len(found) != len(wanted):
        errors[name] = f"Choose {what} from the list"
    return found


def _checked(data: DecisionInput) -> dict:
    errors: dict[str, str] = {}
    title = line(errors, "title", data.title, TITLE_MAX, required="Enter the decision's title")
    decided_by = line(
        errors,
        "decided_by",
        data.decided_by,
        BODY_MAX,
        required="Enter the body that made the decision, for example WMCA Board",
    )
    if data.decided_on is None:
        errors["decided_on"] = "Enter the date it was decided, for example 14 January 2027"
    changed = paragraphs(
        errors, "what_changed", data.what_changed, CHANGED_MAX, required="Say what changed"
    )
    significance = None
    try:
        significance = Significance(data.significance)
    except ValueError:
        errors["significance"] = "Choose how significant the change was"
    links = evidence_links(errors, data.evidence_links)
    meetings = _chosen(Meeting, data.meeting_ids, errors, "meeting_ids", "meetings")
    items = _chosen(AgendaItem, data.agenda_item_ids, errors, "agenda_item_ids", "agenda items")
    if items and any(i.meeting_id not in {m.id for m in meetings} for i in items):
        errors["agenda_item_ids"] = "Choose agenda items of the meetings you ticked"
    digests = _chosen(Digest, data.digest_ids, errors, "digest_ids", "digests")
    minuted = None
    if data.meeting_decision_id is not None:
        minuted = db.session.get(Decision, data.meeting_decision_id)
        if minuted is None or minuted.meeting_id not in {m.id for m in meetings}:
            errors["meeting_decision_id"] = "Choose a decision of one of the meetings you ticked"
    return {
        "errors": errors,
        "title": title,
        "decided_by": decided_by,
        "what_changed": changed,
        "significance": significance,
        "evidence_links": links,
        "meetings": meetings,
        "agenda_items": items,
        "digests": digests,
        "minuted": minuted,
    }


def problems(data: DecisionInput) -> dict[str, str]:
    return _checked(data)["errors"]


def _fill(decision: InfluencedDecision, checked: dict, data: DecisionInput) -> None:
    for name in ("title", "decided_by", "what_changed", "significance", "evidence_links"):
        setattr(decision, name, checked[name])
    decision.decided_on = data.decided_on
    decision.meetings = checked["meetings"]
    decision.agenda_items = checked["agenda_items"]
    decision.digests = checked["digests"]
    decision.meeting_decision = checked["minuted"]


@transactional
def add(data: DecisionInput, *, actor: User) -> InfluencedDecision:
    checked = _checked(data)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    decision = InfluencedDecision(recorded_by_id=actor.id)
    _fill(decision, checked, data)
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "influence.logged",
        actor=actor,
        object_type="influenced_decision",
        object_id=decision.id,
        detail=f"significance={decision.significance.value}",
    )
    log.info("influenced_decision_logged", extra={"decision_id": decision.id})
    return decision


@transactional
def change(
    decision_id: int, data: DecisionInput, *, version: int, actor: User
) -> InfluencedDecision:
    decision = get(decision_id)
    if decision.version != version:
        raise Conflict(decision_id)
    checked = _checked(data)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    _fill(decision, checked, data)
    # Links alone may have changed: mark the row so its version moves all the same.
    flag_modified(decision, "title")
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(decision_id) from None
    audit.record(
        "influence.changed",
        actor=actor,
        object_type="influenced_decision",
        object_id=decision.id,
    )
    return decision


def input_from(decision: InfluencedDecision) -> DecisionInput:
    return DecisionInput(
        title=decision.title,
        decided_by=decision.decided_by,
        decided_on=decision.decided_on,
        what_changed=decision.what_changed,
        significance=decision.significance.value,
        evidence_links=decision.evidence_links,
        meeting_ids=[m.id for m in decision.meetings],
        agenda_item_ids=[i.id for i in decision.agenda_items],
        digest_ids=[d.id for d in decision.digests],
        meeting_decision_id=decision.meeting_decision_id,
    )


# The stories behind a decision ------------------------------------------------------

STORY_NUMBER = re.compile(r"#?\s*(\d{1,9})")


def parse_story_numbers(text: str) -> tuple[list[int], str | None]:
    """Story numbers as typed ("#12, 40 57"); a problem if anything else was typed."""
    leftover = STORY_NUMBER.sub("", text or "")
    if leftover.strip(" ,;\n\r\t"):
        return [], "Type story numbers only, like 12, 40, 57"
    return sorted({int(n) for n in STORY_NUMBER.findall(text or "")}), None


def linkable(ids: list[int]) -> list[Submission]:
    """Stories that may be linked: those a working group may see (approved, shared)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Submission).where(Submission.id.in_(ids), shareable()).order_by(Submission.id)
        )
    )


def visible_stories(decision: InfluencedDecision) -> list[Submission]:
    """The linked stories still shareable (a link is removed when a story is withdrawn
    or sharing is taken back; this guards pages meanwhile)."""
    return linkable([s.id for s in decision.stories])


@transactional
def set_stories(
    decision_id: int, story_ids: list[int], *, version: int, actor: User
) -> InfluencedDecision:
    decision = get(decision_id)
    if decision.version != version:
        raise Conflict(decision_id)
    stories = linkable(story_ids)
    missing = sorted(set(story_ids) - {s.id for s in stories})
    if missing:
        raise ServiceError(
            {
                "stories": "These are not approved stories shared with working groups: "
                + ", ".join(f"#{n}" for n in missing)
            }
        )
    before = {s.id for s in decision.stories}
    decision.stories = stories
    # Only the links changed: mark the row so its version moves (optimistic lock).
    flag_modified(decision, "title")
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(decision_id) from None
    after = {s.id for s in stories}
    # Residents linked after a "you said, we did" was published are told now, as the
    # others were when it was published.
    newly = [s for s in stories if s.id in after - before]
    for closure in decision.closures:
        if closure.published_at is not None and newly:
            closure.residents_told += telling.tell(closure, newly)
    audit.record(
        "influence.stories_linked",
        actor=actor,
        object_type="influenced_decision",
        object_id=decision.id,
        detail=f"added={len(after - before)} removed={len(before - after)}",
    )
    return decision


def forget_story(submission_id: int) -> None:
    """A withdrawn story, or one no longer shared, informs no decision any more (part of
    the caller's transaction; notices already sent stay sent)."""
    db.session.execute(
        delete(influenced_decision_stories).where(
            influenced_decision_stories.c.submission_id == submission_id
        )
    )


def decisions_for_story(submission_id: int) -> list[InfluencedDecision]:
    return list(
        db.session.scalars(
            select(InfluencedDecision)
            .join(
                influenced_decision_stories,
                influenced_decision_stories.c.influenced_decision_id == InfluencedDecision.id,
            )
            .where(influenced_decision_stories.c.submission_id == submission_id)
            .order_by(InfluencedDecision.decided_on)
        )
    )
