"""Routing: approved stories go to working groups by the secretariat's rules.

A story is routed when it is approved, and only if its resident agreed to sharing with
working groups. Rules match the themes an officer confirmed (never the tagger's
suggestions) and, if the rule names areas, the story's area. A story goes to each body
once however many rules match. Rules can be changed and replayed over a period; the
preview says how many stories would join or leave each group first."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.models import (
    Body,
    BodyKind,
    ConfirmedTheme,
    LocalAuthority,
    RoutingRule,
    StoryRoute,
    Submission,
    SubmissionStatus,
    Theme,
)
from engage.models.base import utcnow
from engage.services.common import audit
from engage.services.common.audit import Actor
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.typed_text import as_typed, length_problem

log = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 500
# Bodies stories can be routed to.
ROUTABLE_KINDS = (BodyKind.WORKING_GROUP, BodyKind.MEMBERS_ADVISORY_GROUP)


def shareable():
    """The condition for a story a working group may see at all, checked every time a
    group's stories are read: approved, not withdrawn, and still agreed to sharing."""
    return and_(Submission.status == SubmissionStatus.APPROVED, Submission.consent_share)


# Confirmed themes ------------------------------------------------------------------


def set_confirmed_themes(submission_id: int, theme_ids: set[int]) -> None:
    """Keep the one-row-per-theme copy in step with the officer's label (same
    transaction as the label)."""
    db.session.execute(delete(ConfirmedTheme).where(ConfirmedTheme.submission_id == submission_id))
    db.session.add_all(
        ConfirmedTheme(submission_id=submission_id, theme_id=theme_id)
        for theme_id in sorted(theme_ids)
    )


# Rules ---------------------------------------------------------------------------


@dataclass
class RuleInput:
    body_id: int | None
    theme_ids: list[int]
    area_ids: list[int] = field(default_factory=list)
    note: str = ""


def routable_bodies() -> list[Body]:
    return list(
        db.session.scalars(
            select(Body).where(Body.kind.in_(ROUTABLE_KINDS), Body.active).order_by(Body.name)
        )
    )


def rules(*, include_ended: bool = False) -> list[RoutingRule]:
    query = (
        select(RoutingRule)
        .options(selectinload(RoutingRule.themes), selectinload(RoutingRule.areas))
        .join(Body)
        .order_by(Body.name, RoutingRule.id)
    )
    if not include_ended:
        query = query.where(RoutingRule.active)
    return list(db.session.scalars(query))


def get_rule(rule_id: int) -> RoutingRule:
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(rule_id)
    return rule


def rule_problems(data: RuleInput) -> dict[str, str]:
    """Everything wrong with a rule at once, as messages for the form's fields."""
    problems: dict[str, str] = {}
    body = db.session.get(Body, data.body_id) if data.body_id else None
    if body is None:
        problems["body_id"] = "Choose the working group the stories go to"
    elif not body.active:
        problems["body_id"] = f"{body.name} has been wound up: choose a group that is still meeting"
    elif body.kind not in ROUTABLE_KINDS:
        problems["body_id"] = "Stories can only be routed to a working group"
    themes = db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids))).all()
    if not data.theme_ids:
        problems["theme_ids"] = "Choose at least one theme"
    elif len(themes) != len(set(data.theme_ids)) or not all(t.active for t in themes):
        problems["theme_ids"] = "Choose themes from the list"
    if data.area_ids:
        areas = db.session.scalars(
            select(LocalAuthority).where(LocalAuthority.id.in_(data.area_ids))
        ).all()
        if len(areas) != len(set(data.area_ids)):
            problems["area_ids"] = "Choose areas from the list"
    if problem := length_problem(as_typed(data.note), NOTE_MAX_LENGTH):
        problems["note"] = str(problem)
    return problems


def _fill(rule: RoutingRule, data: RuleInput) -> None:
    rule.body_id = data.body_id
    rule.themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids))))
    rule.areas = list(
        db.session.scalars(select(LocalAuthority).where(LocalAuthority.id.in_(data.area_ids)))
    )
    rule.note = as_typed(data.note)


def _describe(rule: RoutingRule) -> str:
    themes = ",".join(t.slug for t in rule.themes)
    areas = ",".join(a.code for a in rule.areas) or "all"
    return f"body={rule.body_id} themes={themes} areas={areas}"


@transactional
def add_rule(data: RuleInput, *, actor: Actor) -> RoutingRule:
    if problems := rule_problems(data):
        raise ServiceError(problems)
    rule = RoutingRule(created_by_id=actor.user.id if actor.user else None)
    _fill(rule, data)
    db.session.add(rule)
    db.session.flush()
    audit.record(
        "routing_rule.added",
        actor=actor,
        object_type="routing_rule",
        object_id=rule.id,
        detail=_describe(rule),
    )
    return rule


def _current(rule_id: int, version: int) -> RoutingRule:
    rule = get_rule(rule_id)
    if rule.version != version or not rule.active:
        raise Conflict(rule_id)
    return rule


@transactional
def change_rule(rule_id: int, version: int, data: RuleInput, *, actor: Actor) -> RoutingRule:
    rule = _current(rule_id, version)
    if problems := rule_problems(data):
        raise ServiceError(problems)
    _fill(rule, data)
    rule.updated_at = utcnow()
    audit.record(
        "routing_rule.changed",
        actor=actor,
        object_type="routing_rule",
        object_id=rule.id,
        detail=_describe(rule),
    )
    return rule


@transactional
def end_rule(rule_id: int, version: int, *, actor: Actor) -> RoutingRule:
    """Stop a rule sending new stories. Stories it sent stay with the group until the
    rules are replayed over their period."""
    rule = _current(rule_id, version)
    rule.active = False
    audit.record("routing_rule.ended", actor=actor, object_type="routing_rule", object_id=rule.id)
    return rule


# Routing --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Story:
    id: int
    area_id: int | None
    theme_ids: frozenset[int]


def _destinations(story: _Story, active_rules: list[RoutingRule]) -> dict[int, int]:
    """body id -> the first (oldest) rule that sends the story there."""
    out: dict[int, int] = {}
    for rule in active_rules:
        if not rule.body.active or rule.body_id in out:
            continue
        if not story.theme_ids & {t.id for t in rule.themes}:
            continue
        if rule.areas and story.area_id not in {a.id for a in rule.areas}:
            continue
        out[rule.body_id] = rule.id
    return out


def pairs_for(ids: list[int], key, value):
    """(key, value) rows whose key is one of `ids`, asked for 500 ids at a time (a
    database takes only so many parameters in one statement)."""
    for at in range(0, len(ids), 500):
        yield from db.session.execute(select(key, value).where(key.in_(ids[at : at + 500])))


def _confirmed(submission_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for submission_id, theme_id in pairs_for(
        submission_ids, ConfirmedTheme.submission_id, ConfirmedTheme.theme_id
    ):
        found[submission_id].add(theme_id)
    return found


def route(submission: Submission) -> list[StoryRoute]:
    """Send an approved, shareable story to every group a rule matches, once each. Part
    of the approving transaction; doing it twice adds nothing."""
    if submission.status is not SubmissionStatus.APPROVED or not submission.consent_share:
        return []
    story = _Story(
        submission.id,
        submission.local_authority_id,
        frozenset(_confirmed([submission.id]).get(submission.id, set())),
    )
    already = set(
        db.session.scalars(select(StoryRoute.body_id).where(StoryRoute.submission_id == story.id))
    )
    added = []
    for body_id, rule_id in _destinations(story, rules()).items():
        if body_id in already:
            continue
        route_row = StoryRoute(submission_id=story.id, body_id=body_id, rule_id=rule_id)
        db.session.add(route_row)
        added.append(route_row)
    if added:
        db.session.flush()
    log.info("story_routed", extra={"submission_id": story.id, "routes": len(added)})
    return added


def unroute(submission_id: int) -> None:
    """A withdrawn story leaves every group (its digests are read afresh)."""
    db.session.execute(delete(StoryRoute).where(StoryRoute.submission_id == submission_id))


# Replaying the rules over a period -------------------------------------------------


@dataclass
class ReplayPlan:
    start: datetime
    end: datetime
    stories_considered: int = 0
    # body id -> story ids
    joining: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    leaving: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # (body id, story id) -> rule id, for the routes to add
    rule_for: dict[tuple[int, int], int] = field(default_factory=dict)

    def rows(self) -> list[tuple[Body, int, int]]:
        """(body, stories joining, stories leaving), by body name."""
        bodies = {b.id: b for b in db.session.scalars(select(Body))}
        ids = set(self.joining) | set(self.leaving)
        return sorted(
            ((bodies[i], len(self.joining.get(i, [])), len(self.leaving.get(i, []))) for i in ids),
            key=lambda row: row[0].name,
        )

    @property
    def moves(self) -> int:
        return sum(map(len, self.joining.values())) + sum(map(len, self.leaving.values()))

    @property
    def fingerprint(self) -> str:
        """Which stories would join and leave which groups: the preview carries it, and
        the replay goes ahead only if it is still the same."""
        moves = sorted(
            [("join", body, story) for body, ids in self.joining.items() for story in ids]
            + [("leave", body, story) for body, ids in self.leaving.items() for story in ids]
        )
        return hashlib.sha256(repr(moves).encode()).hexdigest()[:32]


def plan_replay(start: datetime, end: datetime) -> ReplayPlan:
    """What the current rules would change for stories approved from `start` up to
    `end`: stories joining groups they now match, and leaving groups no rule sends them
    to any more."""
    plan = ReplayPlan(start, end)
    stories = db.session.execute(
        select(Submission.id, Submission.local_authority_id)
        .where(shareable(), Submission.decided_at >= start, Submission.decided_at < end)
        .order_by(Submission.id)
    ).all()
    plan.stories_considered = len(stories)
    ids = [row.id for row in stories]
    themes = _confirmed(ids)
    present: dict[int, set[int]] = defaultdict(set)
    for submission_id, body_id in pairs_for(ids, StoryRoute.submission_id, StoryRoute.body_id):
        present[submission_id].add(body_id)
    active_rules = rules()
    for row in stories:
        story = _Story(row.id, row.local_authority_id, frozenset(themes.get(row.id, set())))
        wanted = _destinations(story, active_rules)
        for body_id, rule_id in wanted.items():
            if body_id not in present[row.id]:
                plan.joining[body_id].append(row.id)
                plan.rule_for[(body_id, row.id)] = rule_id
        for body_id in present[row.id] - set(wanted):
            plan.leaving[body_id].append(row.id)
    return plan


@transactional
def replay(start: datetime, end: datetime, *, previewed: str, actor: Actor) -> ReplayPlan:
    """Apply the plan the secretariat previewed. If anything would move differently now
    (a rule or a story changed since), nothing is done and they are asked to look again."""
    plan = plan_replay(start, end)
    if plan.fingerprint != previewed:
        raise Conflict("replay")
    for body_id, story_ids in plan.joining.items():
        db.session.add_all(
            StoryRoute(submission_id=sid, body_id=body_id, rule_id=plan.rule_for[(body_id, sid)])
            for sid in story_ids
        )
    for body_id, story_ids in plan.leaving.items():
        db.session.execute(
            delete(StoryRoute).where(
                StoryRoute.body_id == body_id, StoryRoute.submission_id.in_(story_ids)
            )
        )
    audit.record(
        "routing.replayed",
        actor=actor,
        object_type="routing",
        object_id=None,
        detail=(
            f"from={start.date().isoformat()} to={end.date().isoformat()} "
            f"joined={sum(map(len, plan.joining.values()))} "
            f"left={sum(map(len, plan.leaving.values()))}"
        ),
    )
    return plan


# Stories no rule matched ------------------------------------------------------------


def unrouted_query():
    routed = exists().where(StoryRoute.submission_id == Submission.id)
    return select(Submission).where(shareable(), ~routed)


def unrouted(limit: int = 50) -> tuple[list[Submission], int]:
    """Approved stories shared with working groups that no rule sent anywhere, newest
    approval first, and how many there are."""
    query = unrouted_query()
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Submission.decided_at.desc(), Submission.id.desc()).limit(limit)
    ).all()
    return list(rows), total or 0


def confirmed_theme_names(submission_ids: list[int]) -> dict[int, list[str]]:
    names = {t.id: t.label for t in db.session.scalars(select(Theme))}
    order = {t.id: t.sort_order for t in db.session.scalars(select(Theme))}
    return {
        sid: [names[t] for t in sorted(ids, key=order.get)]
        for sid, ids in _confirmed(submission_ids).items()
    }
