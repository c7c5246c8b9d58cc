"""Building a meeting's pack from the data: cover and agenda, the previous meeting's
minutes, decisions and open actions, each working group's digest since the previous
meeting, and figures with charts. Each build is a new dated version; the secretariat
publishes one to members.

The built content is kept as JSON with stories by number. Whenever a pack is shown, or
its PDF is built again, every story is checked against the data as it is then: one no
longer shared (withdrawn, taken back, or no longer approved) is left out, and a quote
the resident no longer allows is dropped."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engage import clock
from engage.extensions import db
from engage.models import Body, Meeting, MeetingPack, Submission, User
from engage.models.base import utcnow
from engage.packs import pdf as pdf_renderer
from engage.services.accountability import commitments, measurements
from engage.services.common import audit
from engage.services.common.audit import Actor
from engage.services.common.transaction import NotFound, ServiceError, transactional
from engage.services.digests import digests
from engage.services.digests.routing import confirmed_theme_names, routable_bodies, shareable
from engage.services.meetings import actions as meeting_actions
from engage.services.meetings import meetings as meeting_service

log = logging.getLogger(__name__)

# Stories per working group in a pack; the rest are counted and read in the site.
STORIES_PER_GROUP = 60
# With no previous meeting, a pack covers this far back.
FIRST_PACK_DAYS = 60


def get(pack_id: int) -> MeetingPack:
    pack = db.session.get(MeetingPack, pack_id)
    if pack is None:
        raise NotFound(pack_id)
    return pack


def versions(meeting_id: int) -> list[MeetingPack]:
    return list(
        db.session.scalars(
            select(MeetingPack)
            .where(MeetingPack.meeting_id == meeting_id)
            .order_by(MeetingPack.version.desc())
        )
    )


def _when(meeting: Meeting) -> str:
    local = meeting.starts_at.astimezone(clock.LONDON)
    where = ", ".join(p for p in (meeting.place, meeting.online_link) if p)
    return f"{clock.format_date(local)} at {local:%H:%M}" + (f", {where}" if where else "")


def _agenda(meeting: Meeting) -> dict:
    blocks: list[dict] = []
    if not meeting.agenda:
        blocks.append({"type": "paragraph", "text": "No agenda has been set for this meeting."})
    for number, item in enumerate(meeting.agenda, start=1):
        heading = f"{number}. {item.title}" + (f" ({item.lead})" if item.lead else "")
        blocks.append({"type": "subheading", "text": heading})
        if item.description:
            blocks.append({"type": "paragraph", "text": item.description})
        blocks.extend(
            {
                "type": "paper",
                "title": paper.title,
                "filename": paper.filename,
                "paper_id": paper.id,
            }
            for paper in item.papers
        )
    return {"heading": "Agenda", "blocks": blocks}


def _previous(meeting: Meeting, previous: Meeting | None) -> list[dict]:
    sections = []
    if previous is None:
        blocks = [{"type": "paragraph", "text": "This is the body's first meeting in Engage."}]
    else:
        blocks = [{"type": "paragraph", "text": f"Held {_when(previous)}."}]
        blocks.append({"type": "subheading", "text": "Minutes"})
        blocks.append(
            {"type": "paragraph", "text": previous.minutes or "No minutes have been recorded."}
        )
        if previous.decisions:
            blocks.append({"type": "subheading", "text": "Decisions"})
            blocks.append({"type": "list", "items": [d.text for d in previous.decisions]})
    sections.append({"heading": "The previous meeting", "blocks": blocks})
    on = meeting.starts_at.astimezone(clock.LONDON).date()
    open_actions = meeting_actions.open_at(meeting.body_id, on)
    rows = [
        [
            action.description,
            action.owner,
            clock.format_date(action.due_on, "No date"),
            action.status.label + (" (overdue)" if meeting_actions.is_overdue(action, on) else ""),
        ]
        for action in open_actions
    ]
    sections.append(
        {
            "heading": "Open actions",
            "blocks": [
                {
                    "type": "table",
                    "caption": f"Actions open on {clock.format_date(on)}",
                    "columns": ["Action", "Owner", "Due", "Status"],
                    "rows": rows,
                }
            ]
            if rows
            else [{"type": "paragraph", "text": "No actions are open."}],
        }
    )
    return sections


def _indicators(built_at) -> dict:
    """The indicator dashboard: each function's indicators with their latest published
    measurement when the pack was built."""
    latest = measurements.latest_published(built_at)
    blocks: list[dict] = []
    for function in measurements.functions():
        rows = []
        for indicator in function.indicators:
            found = latest.get(indicator.id)
            if found is None:
                rows.append([indicator.text, None, "Not yet measured", None, None])
                continue
            period = measurements.period_of(found)
            rows.append(
                [
                    indicator.text,
                    period.label,
                    measurements.figure_text(found),
                    found.rag.label if found.rag else None,
                    found.rag_reason or found.narrative or None,
                ]
            )
        blocks.append(
            {
                "type": "table",
                "caption": function.title,
                "columns": ["Indicator", "Period", "Figure", "Status", "Why"],
                "rows": rows,
            }
        )
    return {"heading": "Indicators", "blocks": blocks}


def _overdue_commitments(meeting: Meeting) -> dict:
    """Commitments overdue as the meeting's day begins, with their latest update by
    that day, so the Taskforce can hold their owners to account."""
    on = meeting.starts_at.astimezone(clock.LONDON).date()
    rows = []
    for commitment in commitments.overdue_at(on):
        update = commitments.latest_update(commitment, by=on)
        if update is None:
            latest = f"No update since it was added on {clock.format_date(commitment.created_at)}"
        else:
            latest = f"{update.status.label}, {clock.format_date(update.recorded_at)}"
            if update.note:
                latest += f": {update.note}"
        rows.append(
            [
                commitment.title,
                commitment.reference or None,
                commitment.owner,
                clock.format_date(commitment.due_on),
                (on - commitment.due_on).days,
                latest,
            ]
        )
    blocks = (
        [
            {
                "type": "table",
                "caption": f"Commitments overdue on {clock.format_date(on)}",
                "columns": [
                    "Commitment",
                    "Reference",
                    "Owner",
                    "Due",
                    "Days overdue",
                    "Latest update",
                ],
                "rows": rows,
            }
        ]
        if rows
        else [{"type": "paragraph", "text": "No commitments are overdue."}]
    )
    return {"heading": "Overdue commitments", "blocks": blocks}


def _meta(item: digests.Item) -> str:
    from engage import labels
    from engage.nlp.language import name_of

    parts = [
        ", ".join(item.themes) or "No theme",
        item.area,
        clock.format_month(item.month),
        str(labels.label(labels.CHANNEL, item.channel, "")),
    ]
    if item.language:
        parts.append(name_of(item.language))
    return " · ".join(parts)


def story_block(item: digests.Item) -> dict:
    return {
        "type": "story",
        "submission_id": item.submission_id,
        "meta": _meta(item),
        "summary": item.summary,
        "quote": item.quote,
    }


def _digest_section(body: Body, start, end) -> tuple[dict, list[int]]:
    """A group's digest for the pack. The section keeps its body and period, so that it
    can be worked out again from the data when a story in it may no longer be shown."""
    found = digests.content(body, start, end, limit=STORIES_PER_GROUP)
    blocks: list[dict] = []
    section = {
        "heading": f"Digest: {body.name}",
        "blocks": blocks,
        "digest": {"body_id": body.id, "start": start.isoformat(), "end": end.isoformat()},
    }
    if found.is_empty:
        blocks.append(
            {"type": "paragraph", "text": "No approved stories reached this group in the period."}
        )
        return section, []
    blocks.append(
        {
            "type": "paragraph",
            "text": f"{found.total} stories since the previous meeting "
            f"({found.previous_total} in the period before).",
        }
    )
    themes = [row for row in found.by_theme if row.now or row.before]
    blocks.append(
        {
            "type": "chart",
            "caption": f"{body.name}: stories by theme",
            "labels": [row.label for row in themes],
            "series": [
                {"name": "This period", "values": [row.now for row in themes]},
                {"name": "Period before", "values": [row.before for row in themes]},
            ],
            "y_label": "Stories",
            "label_heading": "Theme",
        }
    )
    blocks.append(
        {
            "type": "table",
            "caption": "Stories by area",
            "columns": ["Area", "Stories", "Period before"],
            "rows": [[row.label, row.now, row.before] for row in found.by_area],
        }
    )
    for title, breakdown in found.equality:
        blocks.append(
            {
                "type": "table",
                "caption": f"{title} of those who told these stories ({breakdown.note})",
                "columns": [title, "Stories"],
                "rows": [[cell.label, cell.text] for cell in breakdown.cells]
                + [["Total", breakdown.total.text]],
            }
        )
    if found.phrases:
        blocks.append({"type": "subheading", "text": "Phrases that keep coming up"})
        blocks.append(
            {
                "type": "list",
                "items": [
                    f"{theme}: " + "; ".join(f"“{p.text}” ({p.stories})" for p in phrases)
                    for theme, phrases in found.phrases.items()
                ],
            }
        )
    blocks.append({"type": "subheading", "text": "The stories"})
    blocks.extend(story_block(item) for item in found.items)
    if found.total > len(found.items):
        blocks.append(
            {
                "type": "paragraph",
                "text": f"And {found.total - len(found.items)} more stories: read them in "
                "the group's digest in Engage.",
            }
        )
    return section, found.story_ids


def _figures(start, end) -> dict:
    month = digests._month_of(Submission.decided_at)
    rows = db.session.execute(
        select(month, func.count())
        .where(shareable(), Submission.decided_at >= start, Submission.decided_at < end)
        .group_by(month)
        .order_by(month)
    ).all()
    blocks: list[dict] = [
        {
            "type": "paragraph",
            "text": "Stories approved and shared with working groups since the previous "
            "meeting, by month of approval.",
        }
    ]
    if rows:
        blocks.append(
            {
                "type": "chart",
                "caption": "Stories approved for working groups, by month",
                "labels": [clock.format_month(date.fromisoformat(f"{key}-01")) for key, _ in rows],
                "series": [{"name": "Stories", "values": [count for _, count in rows]}],
                "y_label": "Stories",
                "label_heading": "Month",
            }
        )
    else:
        blocks.append({"type": "paragraph", "text": "No stories were approved in the period."})
    return {
        "heading": "Figures",
        "blocks": blocks,
        "figures": {"start": start.isoformat(), "end": end.isoformat()},
    }


def groups_for(meeting: Meeting) -> list[Body]:
    """Whose digests a meeting's pack holds: a working group's meeting sees its own
    digest only (its members may not read other groups'); the Taskforce and other
    bodies see every group's."""
    groups = routable_bodies()
    own = [body for body in groups if body.id == meeting.body_id]
    return own or groups


def content_for(meeting: Meeting, *, built_at, version: int) -> tuple[dict, list[int]]:
    previous = meeting_service.previous_meeting(meeting)
    start = previous.starts_at if previous else meeting.starts_at - timedelta(days=FIRST_PACK_DAYS)
    end = min(meeting.starts_at, built_at)
    sections = [
        _agenda(meeting),
        *_previous(meeting, previous),
        _overdue_commitments(meeting),
        _indicators(built_at),
    ]
    story_ids: list[int] = []
    for body in groups_for(meeting):
        section, ids = _digest_section(body, start, end)
        sections.append(section)
        story_ids.extend(ids)
    sections.append(_figures(start, end))
    local_built = built_at.astimezone(clock.LONDON)
    content = {
        "title": f"{meeting.body.name} meeting pack",
        "subtitle": f"Meeting on {_when(meeting)}",
        "version_label": f"Version {version}, built {clock.format_date(local_built)} at "
        f"{local_built:%H:%M}. Stories from {clock.format_date(start)} to "
        f"{clock.format_date(end)}.",
        "sections": sections,
    }
    return content, sorted(set(story_ids))


def _render(content: dict) -> tuple[bytes | None, str | None]:
    try:
        return pdf_renderer.render_pdf(content), None
    except Exception as error:  # the HTML pack still works; the secretariat is told
        log.exception("pack_pdf_failed", extra={"error_type": type(error).__name__})
        return None, f"The PDF could not be made ({type(error).__name__}). The page version works."


@transactional
def build(meeting_id: int, *, actor: Actor) -> MeetingPack:
    # Locked (on PostgreSQL) so that two builds at once number their versions in turn.
    meeting = db.session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise NotFound(meeting_id)
    if meeting.status.value == "cancelled":
        raise ServiceError({"pack": "This meeting was cancelled, so it has no pack"})
    version = (
        db.session.scalar(
            select(func.max(MeetingPack.version)).where(MeetingPack.meeting_id == meeting.id)
        )
        or 0
    ) + 1
    built_at = utcnow()
    content, story_ids = content_for(meeting, built_at=built_at, version=version)
    pack = MeetingPack(
        meeting_id=meeting.id,
        version=version,
        content=json.dumps(content, ensure_ascii=False),
        story_ids=" ".join(map(str, story_ids)),
        built_by_id=actor.user.id if actor.user else None,
        built_at=built_at,
    )
    pack.pdf, pack.pdf_error = _render(content)
    db.session.add(pack)
    try:
        db.session.flush()
    except IntegrityError:  # SQLite has no row lock: the other build took the number
        raise ServiceError(
            {"pack": "Another version was being built at the same moment: see the list below"}
        ) from None
    audit.record(
        "pack.built",
        actor=actor,
        object_type="meeting_pack",
        object_id=pack.id,
        detail=f"meeting={meeting.id} version={version} stories={len(story_ids)} "
        f"pdf={'yes' if pack.pdf else 'failed'}",
    )
    return pack


@transactional
def publish(pack_id: int, *, actor: Actor) -> MeetingPack:
    """This version becomes the one members see (any other is unpublished)."""
    pack = get(pack_id)
    for other in versions(pack.meeting_id):
        if other.id != pack.id:
            other.published_at = None
            other.published_by_id = None
    pack.published_at = utcnow()
    pack.published_by_id = actor.user.id if actor.user else None
    audit.record(
        "pack.published",
        actor=actor,
        object_type="meeting_pack",
        object_id=pack.id,
        detail=f"meeting={pack.meeting_id} version={pack.version}",
    )
    return pack


def visible_content(pack: MeetingPack) -> dict:
    """The pack as it may be shown now: stories no longer shared are left out, and each
    story's summary and quote are as the data holds them now."""
    content = json.loads(pack.content)
    ids = [int(i) for i in pack.story_ids.split()]
    current = {
        story.id: story
        for story in db.session.scalars(
            select(Submission).where(Submission.id.in_(ids), shareable())
        )
    }
    names = confirmed_theme_names(list(current))
    areas = {}
    for section in content["sections"]:
        kept = []
        for block in section["blocks"]:
            if block["type"] == "story":
                story = current.get(block["submission_id"])
                if story is None:
                    continue
                item = digests.as_item(story, names.get(story.id, []), areas)
                block = {**block, "summary": item.summary, "quote": item.quote}
            kept.append(block)
        section["blocks"] = kept
    return content


def forget_story(submission_id: int) -> int:
    """A story may no longer be shown (withdrawn, unshared, taken back from approval):
    every pack version holding it has its digest sections and figures worked out again
    from the data for the same periods, so no count, phrase or equality table still
    includes it, and its PDF is dropped to be built again when next asked for. The rest
    of the version (agenda, minutes, actions) stays as built. Part of the caller's
    transaction."""
    packs = db.session.scalars(
        select(MeetingPack).where(
            (" " + MeetingPack.story_ids + " ").contains(f" {submission_id} ")
        )
    ).all()
    for pack in packs:
        _refresh_story_sections(pack)
        pack.pdf = None
    return len(packs)


def _refresh_story_sections(pack: MeetingPack) -> None:
    from datetime import datetime

    content = json.loads(pack.content)
    story_ids: set[int] = set()
    sections = []
    for section in content["sections"]:
        if "digest" in section:
            ref = section["digest"]
            body = db.session.get(Body, ref["body_id"])
            section, ids = _digest_section(
                body, datetime.fromisoformat(ref["start"]), datetime.fromisoformat(ref["end"])
            )
            story_ids.update(ids)
        elif "figures" in section:
            ref = section["figures"]
            section = _figures(
                datetime.fromisoformat(ref["start"]), datetime.fromisoformat(ref["end"])
            )
        sections.append(section)
    content["sections"] = sections
    pack.content = json.dumps(content, ensure_ascii=False)
    pack.story_ids = " ".join(map(str, sorted(story_ids)))


def pdf_of(pack: MeetingPack) -> bytes | None:
    """The stored PDF, or one built now from what may be shown (after a withdrawal
    dropped it), kept for next time."""
    if pack.pdf is not None:
        return pack.pdf
    rendered, error = _render(visible_content(pack))
    _store_pdf(pack.id, rendered, error)
    return rendered


@transactional
def _store_pdf(pack_id: int, rendered: bytes | None, error: str | None) -> None:
    pack = get(pack_id)
    pack.pdf, pack.pdf_error = rendered, error


def may_read(user: User, pack: MeetingPack) -> bool:
    """The secretariat reads every version; a member of the meeting's body reads the
    published one."""
    from engage.models.users import SECRETARIAT_ROLES
    from engage.services.digests.issuing import member_bodies

    if user.role in SECRETARIAT_ROLES:
        return True
    if pack.published_at is None:
        return False
    return any(b.id == pack.meeting.body_id for b in member_bodies(user, clock.today()))


def paper_of(pack: MeetingPack, paper_id: int):
    """A paper on the pack's meeting's agenda (so whoever may read the pack may open it),
    or NotFound."""
    from engage.models import AgendaItem, Paper

    paper = db.session.scalar(
        select(Paper)
        .join(AgendaItem, AgendaItem.id == Paper.agenda_item_id)
        .where(Paper.id == paper_id, AgendaItem.meeting_id == pack.meeting_id)
    )
    if paper is None:
        raise NotFound(paper_id)
    return paper


def published_for(user: User) -> list[MeetingPack]:
    from engage.services.digests.issuing import member_bodies

    bodies = [b.id for b in member_bodies(user, clock.today())]
    if not bodies:
        return []
    return list(
        db.session.scalars(
            select(MeetingPack)
            .join(Meeting)
            .where(Meeting.body_id.in_(bodies), MeetingPack.published_at.is_not(None))
            .order_by(Meeting.starts_at.desc())
            .limit(20)
        )
    )
