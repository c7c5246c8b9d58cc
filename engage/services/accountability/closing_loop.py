""" "You said, we did": from a decision in the log, the secretariat writes what residents
said and what changed, in plain words (English, and Polish or Urdu when they have it).
Publishing tells each resident whose story informed the decision and who agreed to be
contacted, by email through the outbox, in the language they used with us. The email
carries the published words only: nothing from their story or anyone else's."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from engage.extensions import db
from engage.models import (
    LoopClosure,
    LoopClosureText,
    Submission,
    Theme,
)
from engage.models.base import utcnow
from engage.models.users import User
from engage.services.accountability import decisions, telling
from engage.services.common import audit
from engage.services.common.transaction import Conflict, NotFound, ServiceError, transactional
from engage.services.meetings.common import paragraphs

log = logging.getLogger(__name__)

TEXT_MAX = 3_000
# The languages residents use the site in, besides English.
OTHER_LOCALES = ("pl", "ur")


@dataclass
class ClosureInput:
    theme_id: int | None = None
    # locale -> (you said, we did); English required, the others optional.
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)


def get(closure_id: int) -> LoopClosure:
    found = db.session.get(LoopClosure, closure_id)
    if found is None:
        raise NotFound(closure_id)
    return found


def published(theme_id: int | None = None) -> list[LoopClosure]:
    query = (
        select(LoopClosure)
        .where(LoopClosure.published_at.is_not(None))
        .order_by(LoopClosure.published_at.desc(), LoopClosure.id.desc())
    )
    if theme_id is not None:
        query = query.where(LoopClosure.theme_id == theme_id)
    return list(db.session.scalars(query))


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.active).order_by(Theme.sort_order)))


def _checked(data: ClosureInput) -> dict:
    errors: dict[str, str] = {}
    theme = None
    if data.theme_id is not None:
        theme = db.session.get(Theme, data.theme_id)
        if theme is None:
            errors["theme_id"] = "Choose a theme from the list"
    texts: dict[str, tuple[str, str]] = {}
    for locale in ("en", *OTHER_LOCALES):
        said, did = data.texts.get(locale, ("", ""))
        required = locale == "en"
        said = paragraphs(
            errors,
            f"you_said_{locale}",
            said,
            TEXT_MAX,
            required="Write what residents told us" if required else None,
        )
        did = paragraphs(
            errors,
            f"we_did_{locale}",
            did,
            TEXT_MAX,
            required="Write what changed because of it" if required else None,
        )
        if not required and bool(said.strip()) != bool(did.strip()):
            missing = f"we_did_{locale}" if said.strip() else f"you_said_{locale}"
            errors[missing] = "Write both parts in this language, or leave both empty"
        if said.strip() and did.strip():
            texts[locale] = (said, did)
    return {"errors": errors, "theme": theme, "texts": texts}


def problems(data: ClosureInput) -> dict[str, str]:
    return _checked(data)["errors"]


def _set_texts(closure: LoopClosure, texts: dict[str, tuple[str, str]]) -> None:
    current = {t.locale: t for t in closure.texts}
    for locale, row in current.items():
        if locale not in texts:
            closure.texts.remove(row)
            db.session.delete(row)
    for locale, (said, did) in texts.items():
        row = current.get(locale)
        if row is None:
            closure.texts.append(LoopClosureText(locale=locale, you_said=said, we_did=did))
        else:
            row.you_said, row.we_did = said, did


@transactional
def write(decision_id: int, data: ClosureInput, *, actor: User) -> LoopClosure:
    decision = decisions.get(decision_id)
    checked = _checked(data)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    closure = LoopClosure(decision=decision, theme=checked["theme"], created_by_id=actor.id)
    db.session.add(closure)
    _set_texts(closure, checked["texts"])
    db.session.flush()
    audit.record(
        "closure.written",
        actor=actor,
        object_type="loop_closure",
        object_id=closure.id,
        detail=f"decision={decision.id}",
    )
    return closure


@transactional
def rewrite(closure_id: int, data: ClosureInput, *, version: int, actor: User) -> LoopClosure:
    closure = get(closure_id)
    if closure.published_at is not None:
        raise ServiceError({"published": "It is published and cannot be changed"})
    if closure.version != version:
        raise Conflict(closure_id)
    checked = _checked(data)
    if checked["errors"]:
        raise ServiceError(checked["errors"])
    closure.theme = checked["theme"]
    _set_texts(closure, checked["texts"])
    # The words live in their own rows: mark this one so its version moves (a stale
    # editor, or a publisher who never saw these words, is stopped).
    flag_modified(closure, "theme_id")
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(closure_id) from None
    audit.record("closure.changed", actor=actor, object_type="loop_closure", object_id=closure.id)
    return closure


def input_from(closure: LoopClosure) -> ClosureInput:
    return ClosureInput(
        theme_id=closure.theme_id,
        texts={t.locale: (t.you_said, t.we_did) for t in closure.texts},
    )


@transactional
def publish(closure_id: int, *, version: int, actor: User, now: datetime | None = None) -> int:
    """Publish it and tell the residents behind the decision who agreed to contact.
    Returns how many were emailed. Each story's resident is told once."""
    closure = get(closure_id)
    if closure.published_at is not None:
        raise ServiceError({"published": "It is already published"})
    if closure.version != version:
        raise Conflict(closure_id)
    closure.published_at = now or utcnow()
    closure.published_by_id = actor.id
    told = telling.tell(closure, decisions.visible_stories(closure.decision))
    closure.residents_told = told
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(closure_id) from None
    audit.record(
        "closure.published",
        actor=actor,
        object_type="loop_closure",
        object_id=closure.id,
        detail=f"emailed={told}",
    )
    log.info("closure_published", extra={"closure_id": closure.id, "emailed": told})
    return told


def residents_to_email(decision) -> int:
    """How many residents publishing would email: the linked stories' distinct addresses
    where the resident agreed to be contacted."""
    addresses = {
        address.casefold()
        for story in decisions.visible_stories(decision)
        if (address := telling.email_of(story))
    }
    return len(addresses)


# What a resident sees at /your-story ---------------------------------------------------


@dataclass(frozen=True)
class FedInto:
    """What one story fed into, as its resident may see it."""

    groups: list[str]
    decisions: list
    closures: list


def fed_into(submission: Submission) -> FedInto:
    from engage.models import Body, StoryRoute

    if submission.is_withdrawn:
        return FedInto([], [], [])
    groups = list(
        db.session.scalars(
            select(Body.name)
            .join(StoryRoute, StoryRoute.body_id == Body.id)
            .where(StoryRoute.submission_id == submission.id)
            .order_by(Body.name)
        )
    )
    found = decisions.decisions_for_story(submission.id)
    closures = [c for d in found for c in d.closures if c.published_at is not None]
    return FedInto(groups, found, closures)
