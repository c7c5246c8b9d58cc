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
    "figures.refreshed": "Refreshed the public figures",
    # Looking after the data
    "backup.made": "Made a backup of the whole database",
    "retention.applied": "Erased what the retention schedule says is due",
    # Evidence data
    "evidence_dataset.created": "Added an evidence dataset",
    "evidence_version.uploaded": "Uploaded figures to an evidence dataset",
    # Annual reports
    "annual_report.started": "Started an annual report",
    "annual_report.section_added": "Added a section to an annual report",
    "annual_report.section_changed": "Changed a section of an annual report",
    "annual_report.section_moved": "Moved a section of an annual report",
    "annual_report.section_removed": "Removed a section from an annual report",
    "annual_report.published": "Published an annual report",
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
    # Commitments, registers and housekeeping
    "commitment.added": "Added a commitment",
    "commitment.changed": "Changed a commitment's details",
    "commitment.status_updated": "Recorded a commitment's progress",
    "register_entry.added": "Added an entry to a register",
    "register_entry.changed": "Changed a register entry",
    "terms_review.recorded": "Recorded a review of the terms of reference",
    # Indicators, the decisions log and "you said, we did"
    "measurement.recorded": "Recorded an indicator's measurement (draft)",
    "measurement.edited": "Changed a draft measurement",
    "measurement.published": "Published a measurement",
    "measurement.corrected": "Corrected a published measurement (new draft version)",
    "measurement.document_added": "Added an evidence document to a measurement",
    "influence.logged": "Logged a decision the Taskforce influenced",
    "influence.changed": "Changed a logged decision",
    "influence.stories_linked": "Chose the stories behind a decision",
    "closure.written": 'Wrote a "you said, we did"',
    "closure.changed": 'Changed a draft "you said, we did"',
    "closure.published": 'Published a "you said, we did" and told residents',
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
    "figures_snapshot": "Public figures",
    "evidence_dataset": "Evidence dataset",
    "annual_report": "Annual report",
    "commitment": "Commitment",
    "register_entry": "Register entry",
    "terms_review": "Review of the terms of reference",
    "measurement": "Measurement",
    "influenced_decision": "Decision influenced",
    "loop_closure": "You said, we did",
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


ACCOUNTABILITY_FIELDS = {
    "kind": "kind",
    "source": "where it comes from",
    "reference": "reference",
    "title": "title",
    "description": "description",
    "owner": "owner",
    "due_on": "due date",
    "organisation": "organisation",
    "occurred_on": "date",
    "evidence_links": "evidence links",
    "funding_pence": "funding secured",
}


def _accountability_changed(p: dict[str, str]) -> str:
    changed = [ACCOUNTABILITY_FIELDS.get(n, n) for n in p.get("changed", "").split(",")]
    words = "Changed: " + ", ".join(changed)
    if "kind" in p:
        words = f"{_register_kind(p['kind'])}. {words}"
    return words


def _register_kind(value: str) -> str:
    from engage.models import RegisterKind

    return _enum_label(RegisterKind, value)


def _commitment_updated(p: dict[str, str]) -> str:
    from engage.models import CommitmentStatus

    words = (
        f"{_enum_label(CommitmentStatus, p.get('from', ''))} to "
        f"{_enum_label(CommitmentStatus, p.get('to', '')).lower()}"
    )
    links = p.get("links", "0")
    return (
        words if links == "0" else f"{words}, {_plural(links, 'evidence link', 'evidence links')}"
    )


def _commitment_kind(p: dict[str, str]) -> str:
    from engage.models import CommitmentKind

    return _enum_label(CommitmentKind, p.get("kind", ""))


def _measurement(p: dict[str, str]) -> str:
    return (
        f"Indicator {p.get('indicator', '').replace('_', ' ')}, period {p.get('period', '')}, "
        f"version {p.get('version', '')}"
    )


def _significance(value: str) -> str:
    from engage.models import Significance

    return "Significance " + _enum_label(Significance, value)


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


RETENTION_KINDS = {
    "rejected_story": "rejected or duplicate stories erased",
    "raw_story": "residents' own words erased after approval",
    "contact_details": "contact details erased",
    "equality_answers": "equality answers erased",
    "withdrawn_consent": "consent records of withdrawn stories deleted",
    "sent_email": "sent emails deleted",
    "resident_sessions": "expired resident sessions deleted",
    "expired_claims": "expired claims cleared",
    "audit_log": "audit log rows deleted",
    "staff_account": "staff accounts anonymised",
    "former_member": "former members anonymised",
    "group_engagement": "group engagements deleted",
    "figures_snapshot": "figures snapshots deleted",
}


def _retention_counts(pairs: dict[str, str]) -> str:
    done = "; ".join(f"{RETENTION_KINDS.get(k, k)}: {n}" for k, n in pairs.items() if n != "0")
    return done[:1].upper() + done[1:] if done else "Nothing was due"


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
    "figures.refreshed": lambda p: f"Counted in {p.get('milliseconds', '')} ms",
    "retention.applied": lambda p: _retention_counts(p),
    "backup.made": lambda p: (
        f"{p.get('file', '')}: {_plural(p.get('tables', '0'), 'table', 'tables')}, "
        f"{_plural(p.get('rows', '0'), 'row', 'rows')}"
    ),
    "evidence_dataset.created": lambda p: (
        "No indicator" if p.get("indicator") == "none" else f"Indicator {p.get('indicator', '')}"
    ),
    "evidence_version.uploaded": lambda p: (
        f"Version {p.get('version', '')}: {_plural(p.get('rows', '0'), 'row', 'rows')}, "
        f"{p.get('bytes', '0')} bytes"
    ),
    "annual_report.started": lambda p: f"Financial year {p.get('year', '')}",
    **{
        action: lambda p: f"Financial year {p.get('year', '')}, section {p.get('section', '')}"
        for action in (
            "annual_report.section_added",
            "annual_report.section_changed",
            "annual_report.section_removed",
        )
    },
    "annual_report.section_moved": lambda p: (
        f"Financial year {p.get('year', '')}: section {p.get('section', '')} moved to "
        f"{p.get('to', '')}"
    ),
    "annual_report.published": lambda p: (
        f"Financial year {p.get('year', '')}: "
        f"{_plural(p.get('sections', '0'), 'narrative section', 'narrative sections')}"
    ),
    "commitment.added": _commitment_kind,
    "commitment.changed": _accountability_changed,
    "commitment.status_updated": _commitment_updated,
    "register_entry.added": lambda p: _register_kind(p.get("kind", "")),
    "register_entry.changed": _accountability_changed,
    "terms_review.recorded": lambda p: f"Reviewed on {p.get('on', '')}",
    "measurement.recorded": lambda p: _measurement(p),
    "measurement.corrected": lambda p: _measurement(p),
    "measurement.published": lambda p: f"Version {p.get('version', '')}",
    "measurement.document_added": lambda p: f"Document {p.get('document', '')}",
    "influence.logged": lambda p: _significance(p.get("significance", "")),
    "influence.stories_linked": lambda p: (
        f"{_plural(p.get('added', '0'), 'story', 'stories')} added, {p.get('removed', '0')} removed"
    ),
    "closure.written": lambda p: f"From logged decision {p.get('decision', '')}",
    "closure.published": lambda p: (
        f"{_plural(p.get('emailed', '0'), 'resident', 'residents')} emailed"
    ),
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
