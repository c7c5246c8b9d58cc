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
