"""The audit log in words: what each recorded action means, and its details read aloud.

Services record short codes (`submission.viewed`) so that the log can be searched and
counted; administrators read sentences. Every code a service records has words here
(tests/test_audit_words.py reads the code to check)."""

from __future__ import annotations

from collections.abc import Callable

from engage.models import EngagementKind, Role, SafeguardingCategory

ACTIONS: dict[str, str] = {
    # Stories
    "submission.viewed": "Read a story",
    "submission.entered": "Entered a story for a resident",
    "submission.claimed": "Took a story to review",
    "submission.released": "Let go of a story",
    "redaction.confirmed": "Confirmed what personal data is removed",
    "redaction.added": "Marked words to remove",
    "redaction.removed": "Unmarked words they had marked",
    "themes.confirmed": "Confirmed a story's themes",
    "summary.saved": "Saved a summary for working groups",
    "submission.approved": "Approved a story",
    "submission.rejected": "Rejected a story",
    "submission.duplicate": "Marked a story as a duplicate",
    "submission.reopened": "Put a story back for review",
    "equality.viewed": "Read a story's equality answers",
    "safeguarding.flagged": "Raised a safeguarding concern",
    "safeguarding.closed": "Closed a safeguarding concern",
    # Community groups
    "group.verified": "Verified a community group",
    "group.rejected": "Turned down a community group",
    "group.engagement_recorded": "Recorded a group's engagement",
    # The register of members
    "membership.added": "Added a membership",
    "membership.updated": "Changed a membership",
    "membership.ended": "Ended a membership",
    # Routing and digests
    "routing_rule.added": "Added a routing rule",
    "routing_rule.changed": "Changed a routing rule",
    "routing_rule.ended": "Ended a routing rule",
    "routing.replayed": "Replayed the routing rules over a period",
    "digest.issued": "Issued a working group's digest",
    "digest.cadence_set": "Set how often a group's digest is issued",
    "digest.delivery_chosen": "Chose how to receive digests",
    "pack.built": "Built a version of a meeting pack",
    "pack.published": "Published a meeting pack to members",
    # Meetings
    "meeting.scheduled": "Scheduled a meeting",
    "meeting.updated": "Changed a meeting",
    "meeting.cancelled": "Cancelled a meeting",
    "agenda_item.added": "Added an agenda item",
    "agenda_item.updated": "Changed an agenda item",
    "agenda_item.removed": "Took an item off an agenda",
    "agenda_item.moved": "Moved an agenda item",
    "paper.uploaded": "Uploaded a paper",
    "paper.removed": "Removed a paper",
    "attendance.recorded": "Recorded who attended a meeting",
    "minutes.saved": "Saved a meeting's minutes",
    "body.quorum_set": "Set how many seats make a body's meeting quorate",
    "decision.recorded": "Recorded a decision",
    "action.raised": "Recorded an action",
    "action.updated": "Updated an action",
    # Accounts and signing in
    "user.created": "Created an account",
    "sign_in.succeeded": "Signed in",
    "sign_in.password_accepted": "Gave the right password (code still to enter)",
    "sign_in.failed": "Failed to sign in",
    "signed_out": "Signed out",
    "identity.confirmed": "Confirmed it was them with a code",
    "two_factor.enrolled": "Set up two-step sign-in",
    "two_factor.code_refused": "Entered a wrong sign-in code",
    "two_factor.recovery_code_used": "Signed in with a recovery code",
    "two_factor.recovery_codes_replaced": "Made new recovery codes",
    "two_factor.reset": "Reset someone's two-step sign-in",
    "account.locked": "Account locked after wrong attempts",
    "account.unlocked": "Unlocked an account",
    "password.reset_requested": "Asked for a password reset link",
    "password.reset_link_sent": "Sent someone a password reset link",
    "password.reset": "Reset their password with a link",
    "password.set": "Chose their first password with a link",
}

# A change to a story, as the end of "Since you opened this page, Priya Shah ...".
STORY_CHANGES: dict[str, str] = {
    "submission.claimed": "took it to review",
    "submission.released": "let it go for someone else",
    "redaction.confirmed": "confirmed what personal data is removed",
    "redaction.added": "marked words to remove",
    "redaction.removed": "unmarked words they had marked",
    "themes.confirmed": "confirmed its themes",
    "summary.saved": "saved its summary",
    "submission.approved": "approved it",
    "submission.rejected": "rejected it",
    "submission.duplicate": "marked it as a duplicate",
    "submission.reopened": "put it back for review",
    "safeguarding.flagged": "raised a safeguarding concern about it",
    "safeguarding.closed": "closed a safeguarding concern about it",
    "submission.entered": "entered it",
}


def story_change(action: str) -> str:
    return STORY_CHANGES.get(action, "changed it")


RECORD_KINDS = {
    "submission": "Story",
    "user": "Account",
    "group": "Community group",
    "membership": "Membership",
    "meeting": "Meeting",
    "agenda_item": "Agenda item",
    "paper": "Paper",
    "decision": "Decision",
    "action": "Meeting action",
    "body": "Body",
    "routing_rule": "Routing rule",
    "routing": "Routing",
    "digest": "Digest",
    "meeting_pack": "Meeting pack",
}


def action_words(action: str) -> str:
    """What happened, in words; a code nobody has described yet is shown as it is."""
    return ACTIONS.get(action, action)


def record_kind(object_type: str | None) -> str:
    return RECORD_KINDS.get(object_type or "", (object_type or "").capitalize())


def role_words(role: str | None) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role or ""


def _pairs(detail: str) -> dict[str, str]:
    """`removed=2 kept=1` as a dict; a detail that isn't in that form gives {}."""
    pairs = {}
    for part in detail.split():
        key, equals, value = part.partition("=")
        if not equals:
            return {}
        pairs[key] = value
    return pairs


def _plural(count: str, one: str, many: str) -> str:
    return f"{count} {one if count == '1' else many}"


def _redaction_confirmed(p: dict[str, str]) -> str:
    removed = _plural(p.get("removed", "0"), "piece", "pieces")
    return f"{removed} of personal data removed, {p.get('kept', '0')} left in"


def _redaction_added(p: dict[str, str]) -> str:
    kind = p.get("type", "").replace("_", " ")
    return f"{kind}, in {_plural(p.get('places', '0'), 'place', 'places')}"


def _themes(p: dict[str, str]) -> str:
    themes = p.get("themes", "none").replace(",", ", ").replace("-", " ")
    changed = " (changed from the suggestions)" if p.get("corrected") == "True" else ""
    return f"Themes: {themes}{changed}"


def _flagged(p: dict[str, str]) -> str:
    try:
        category = SafeguardingCategory(p.get("category", "")).label
    except ValueError:
        category = p.get("category", "")
    return f"Concern {p.get('flag', '')}: {category}"


def _enum_label(kind: type, value: str) -> str:
    try:
        return str(kind(value).label)
    except ValueError:
        return value


MEETING_FIELDS = {
    "starts_at": "date and time",
    "place": "place",
    "online_link": "online link",
    "status": "status",
    "title": "title",
    "description": "description",
    "lead": "who introduces it",
}


def _meeting_detail(p: dict[str, str]) -> str:
    changed = [MEETING_FIELDS.get(name, name) for name in p.get("changed", "").split(",")]
    return "Changed: " + ", ".join(changed)


def _meeting_scheduled(p: dict[str, str]) -> str:
    words = f"{p.get('body', '')}, {p.get('on', '')}"
    if "series" in p:
        words += f" (one of {p['series']} scheduled together)"
    return words


def _paper_uploaded(p: dict[str, str]) -> str:
    kind, size, item = p.get("kind", ""), p.get("size", ""), p.get("item", "")
    return f"{kind.upper()}, {size} bytes, agenda item {item}"


def _attendance(p: dict[str, str]) -> str:
    counts = [
        ("present", "present"),
        ("substitute", "substitute attended"),
        ("apologies", "apologies"),
        ("absent", "absent"),
    ]
    return ", ".join(f"{p.get(key, '0')} {words}" for key, words in counts)


def _action_updated(p: dict[str, str]) -> str:
    from engage.models import ActionStatus

    return (
        f"{_enum_label(ActionStatus, p.get('from', ''))} to "
        f"{_enum_label(ActionStatus, p.get('to', '')).lower()}"
    )


def _slugs(value: str) -> str:
    return value.replace(",", ", ").replace("_", " ")


def _rule(p: dict[str, str]) -> str:
    areas = p.get("areas", "all")
    return (
        f"To body {p.get('body', '')}; themes: {_slugs(p.get('themes', ''))}; "
        f"areas: {'every area' if areas == 'all' else _slugs(areas)}"
    )


def _plural(count: str, one: str, many: str) -> str:
    return f"{count} {one if count == '1' else many}"


SIGN_IN_FAILURES = {
    "wrong password": "Wrong password",
    "no such account": "No account has that email address",
    "locked": "The account was locked",
}

# Details written as key=value pairs, read aloud; others are shown as written.
PAIR_DETAILS: dict[str, Callable[[dict[str, str]], str]] = {
    "redaction.confirmed": _redaction_confirmed,
    "redaction.added": _redaction_added,
    "redaction.removed": lambda p: f"Mark {p.get('proposal', '')}",
    "themes.confirmed": _themes,
    "submission.duplicate": lambda p: f"Duplicate of story {p.get('of', '')}",
    "safeguarding.flagged": _flagged,
    "safeguarding.closed": lambda p: f"Concern {p.get('flag', '')}",
    **{action: _meeting_detail for action in ("meeting.updated", "agenda_item.updated")},
    "meeting.scheduled": _meeting_scheduled,
    "agenda_item.moved": lambda p: f"Moved {p.get('direction', '')} to {p.get('position', '')}",
    "paper.uploaded": _paper_uploaded,
    "attendance.recorded": _attendance,
    "action.updated": _action_updated,
    "routing_rule.added": _rule,
    "routing_rule.changed": _rule,
    "routing.replayed": lambda p: (
        f"Approved {p.get('from', '')} to {p.get('to', '')}: "
        f"{_plural(p.get('joined', '0'), 'story', 'stories')} joined a group, "
        f"{p.get('left', '0')} left"
    ),
    "digest.issued": lambda p: (
        f"Body {p.get('body', '')}: {_plural(p.get('stories', '0'), 'story', 'stories')}, "
        f"{_plural(p.get('emails', '0'), 'email', 'emails')}"
    ),
    "digest.cadence_set": lambda p: (
        f"{_slugs(p.get('cadence', '')).capitalize()}; empty digests "
        f"{'emailed' if p.get('send_empty') == 'True' else 'not emailed'}"
    ),
    "digest.delivery_chosen": lambda p: (
        "By email and in the site" if p.get("email") == "yes" else "In the site only"
    ),
    "pack.built": lambda p: (
        f"Meeting {p.get('meeting', '')}, version {p.get('version', '')}: "
        f"{_plural(p.get('stories', '0'), 'story', 'stories')}; PDF "
        f"{'made' if p.get('pdf') == 'yes' else 'failed'}"
    ),
    "pack.published": lambda p: f"Meeting {p.get('meeting', '')}, version {p.get('version', '')}",
}
PLAIN_DETAILS: dict[str, Callable[[str], str]] = {
    "user.created": role_words,
    "group.engagement_recorded": lambda d: _enum_label(EngagementKind, d),
    "sign_in.failed": lambda d: SIGN_IN_FAILURES.get(d, d),
}


def detail_words(action: str, detail: str) -> str:
    if not detail:
        return ""
    if action in PAIR_DETAILS and (pairs := _pairs(detail)):
        return PAIR_DETAILS[action](pairs)
    if action in PLAIN_DETAILS:
        return PLAIN_DETAILS[action](detail)
    return detail
