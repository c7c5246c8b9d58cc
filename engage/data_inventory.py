"""What every column holds, why, and how long it is kept: the data inventory behind the
DPIA (UK GDPR Art 30 and 35). A test fails when a column is added without an entry
here, so the inventory cannot fall behind the schema.

Categories:
- reference: published or organisational data, no personal data
- operational: ids, statuses, timestamps, counters
- personal: identifies or contacts a person (names, emails, phones, free text that
  may name people)
- special: special category data (UK GDPR Art 9: racial or ethnic origin, religion,
  health, sex life or sexual orientation) or text likely to reveal it
- security: credentials and secrets, never shown or exported
"""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = frozenset({"reference", "operational", "personal", "special", "security"})


@dataclass(frozen=True)
class TableEntry:
    purpose: str
    retention: str
    columns: dict[str, list[str]] = field(default_factory=dict)

    def category_of(self, column: str) -> str | None:
        for category, names in self.columns.items():
            if column in names:
                return category
        return None


REFERENCE_RETENTION = "kept while in use; edited by admins"

INVENTORY: dict[str, TableEntry] = {
    "themes": TableEntry(
        "policy themes for tagging and routing",
        REFERENCE_RETENTION,
        {"reference": ["id", "slug", "label", "sort_order", "active"]},
    ),
    "local_authorities": TableEntry(
        "areas", REFERENCE_RETENTION, {"reference": ["id", "code", "name", "constituent", "active"]}
    ),
    "ethnic_groups": TableEntry(
        "2021 census categories offered to residents",
        REFERENCE_RETENTION,
        {"reference": ["id", "code", "heading", "label", "sort_order", "allows_description"]},
    ),
    "taskforce_functions": TableEntry(
        "terms of reference",
        REFERENCE_RETENTION,
        {"reference": ["id", "slug", "title", "description", "sort_order"]},
    ),
    "indicators": TableEntry(
        "terms of reference",
        REFERENCE_RETENTION,
        {"reference": ["id", "function_id", "slug", "text", "sort_order"]},
    ),
    "bodies": TableEntry(
        "the Taskforce and its groups",
        REFERENCE_RETENTION,
        {
            "reference": ["id", "slug", "name", "kind", "description", "theme_id", "active"],
            "operational": ["quorum", "digest_cadence", "digest_send_empty"],
        },
    ),
    "privacy_notices": TableEntry(
        "proof of what residents were told",
        "never deleted",
        {"reference": ["id", "version", "body", "sha256", "published_at"]},
    ),
    "privacy_notice_translations": TableEntry(
        "proof of what residents were told, in their language",
        "never deleted",
        {"reference": ["id", "notice_id", "language", "body", "sha256", "published_at"]},
    ),
    "users": TableEntry(
        "staff and group contact accounts (public task)",
        "while the account is active, then 12 months; then anonymised (rows elsewhere point to it)",
        {
            "operational": [
                "id",
                "role",
                "active",
                "created_at",
                "last_signed_in_at",
                "password_changed_at",
                "totp_confirmed_at",
                "totp_last_step",
                "digests_by_email",
                "failed_sign_ins",
                "locked_until",
            ],
            "personal": ["email", "display_name"],
            "security": ["password_hash", "session_nonce", "totp_secret_encrypted"],
        },
    ),
    "people": TableEntry(
        "membership register (public task)",
        "term of membership plus 6 years, then anonymised",
        {"operational": ["id", "created_at"], "personal": ["full_name", "email", "organisation"]},
    ),
    "memberships": TableEntry(
        "membership register (public task)",
        "term of membership plus 6 years",
        {
            "operational": [
                "id",
                "person_id",
                "body_id",
                "role",
                "local_authority_id",
                "substitute_for_id",
                "term_start",
                "term_end",
                "volunteers_agreement_signed_on",
                "ended_on",
                "version",
                "created_at",
                "updated_at",
            ],
            "personal": ["end_reason"],
        },
    ),
    "submissions": TableEntry(
        "residents' stories (consent to store and analyse)",
        "until withdrawal or the DPO's retention period (the resident's own words 180 days "
        "after approval, the redacted version staying; rejected and duplicate stories 90 days "
        "after the decision); tombstone only if allowed",
        {
            "operational": [
                "id",
                "status",
                "channel",
                "age_group",
                "local_authority_id",
                "postcode_district",
                "heard_about",
                "consent_store",
                "consent_quote",
                "consent_share",
                "consent_contact",
                "consent_equality",
                "counted",
                "group_id",
                "entered_by_id",
                "created_at",
                "updated_at",
                "withdrawn_at",
                "tagging_status",
                "tagging_attempts",
                "tagging_next_attempt_at",
                "tagged_at",
                "language",
                "language_flagged",
                "version",
                "claimed_by_id",
                "claimed_until",
                "redaction_confirmed_at",
                "themes_confirmed_at",
                "decided_by_id",
                "decided_at",
                "duplicate_of_id",
                "safeguarding",
            ],
            "security": ["receipt_hash"],
            # Free text about racism, health or policing: treated as special category. The
            # redacted story and the officer's words can still reveal ethnicity or health.
            "special": [
                "story",
                "what_to_change",
                "redacted_story",
                "officer_summary",
                "decision_reason",
            ],
        },
    ),
    "submission_contacts": TableEntry(
        "contacting the resident (consent to contact)",
        "until that consent is withdrawn, or 2 years after the story was told",
        {"operational": ["submission_id"], "personal": ["email", "phone"]},
    ),
    "equality_answers": TableEntry(
        "equality monitoring (explicit consent)",
        "until that consent is withdrawn, or 3 years after they were given",
        {
            "operational": ["submission_id", "created_at"],
            "special": [
                "ethnic_group_id",
                "ethnic_group_other",
                "age_band",
                "sex",
                "gender_same_as_birth",
                "disability",
                "religion",
                "religion_other",
                "sexual_orientation",
            ],
        },
    ),
    "consent_events": TableEntry(
        "proof of consent (Art 7(1))",
        "as long as the story is held, plus 6 years",
        {
            "operational": [
                "id",
                "submission_id",
                "purpose",
                "granted",
                "notice_id",
                "notice_sha256",
                "channel",
                "language",
                "recorded_by_id",
                "recorded_at",
            ]
        },
    ),
    "community_groups": TableEntry(
        "community group registration (legitimate interest / public task)",
        "while the group is active, then 2 years",
        {
            "operational": [
                "id",
                "group_type",
                "charity_number",
                "company_number",
                "status",
                "reviewed_by_id",
                "reviewed_at",
                "contact_user_id",
                "created_at",
                "contact_consent_at",
                "language",
            ],
            "reference": ["name", "communities_served"],
            "personal": ["contact_name", "contact_email", "contact_phone", "rejection_reason"],
        },
    ),
    "community_group_areas": TableEntry(
        "community group registration",
        "as the group",
        {"operational": ["group_id", "local_authority_id"]},
    ),
    "community_group_themes": TableEntry(
        "community group registration", "as the group", {"operational": ["group_id", "theme_id"]}
    ),
    "group_engagements": TableEntry(
        "indicator: community groups engaged",
        "6 years",
        {
            "operational": [
                "id",
                "group_id",
                "kind",
                "occurred_on",
                "recorded_by_id",
                "created_at",
            ],
            "reference": ["description"],
        },
    ),
    "submission_themes": TableEntry(
        "theme scores from the offline tagger",
        "as the story",
        {
            "operational": [
                "id",
                "submission_id",
                "theme_id",
                "score",
                "suggested",
                "model_version",
            ]
        },
    ),
    "pii_proposals": TableEntry(
        "proposed redactions, as offsets into the story (no copy of the text)",
        "as the story",
        {"operational": ["id", "submission_id", "start", "end", "type", "status"]},
    ),
    "theme_labels": TableEntry(
        "officers' themes, used to retrain the tagger",
        "as the story",
        {"operational": ["submission_id", "themes", "labelled_by_id", "labelled_at"]},
    ),
    "outbox_messages": TableEntry(
        "email delivery",
        "erased with the story or contact consent; otherwise 90 days",
        {
            "operational": [
                "id",
                "kind",
                "created_at",
                "next_attempt_at",
                "attempts",
                "last_error",
                "sent_at",
                "priority",
                "claimed_by",
                "claimed_until",
                "digest_id",
            ],
            # A digest's HTML part carries redacted words residents agreed to share.
            "personal": ["to_address", "subject", "body", "html_body"],
            "security": ["receipt_hash", "secret"],
        },
    ),
    "resident_sessions": TableEntry(
        "a resident's browser holding their story open (after telling it, or with the code)",
        "ended by forget or withdrawal; otherwise deleted once expired (an hour at most)",
        {
            "operational": ["id", "submission_id", "purpose", "created_at", "last_seen_at"],
            "security": ["token_hash", "code_encrypted"],
        },
    ),
    "recovery_codes": TableEntry(
        "single-use codes for staff who lose their authenticator",
        "until used or replaced; deleted with the account",
        {
            "operational": ["id", "user_id", "created_at", "used_at"],
            "security": ["code_hash"],
        },
    ),
    "audit_events": TableEntry(
        "who viewed or changed what (accountability, ASVS 7.1, 8.3.5)",
        "6 years, then deleted; never edited",
        {
            "operational": [
                "id",
                "at",
                "actor_id",
                "actor_role",
                "action",
                "object_type",
                "object_id",
                "detail",
                "request_id",
            ],
            # A staff member's network address: personal data about staff, not residents.
            "personal": ["ip_address"],
        },
    ),
    "safeguarding_flags": TableEntry(
        "safeguarding concerns and what was done (vital interests, public task)",
        "as the story; the record of action is kept by the safeguarding lead's process",
        {
            "operational": [
                "id",
                "submission_id",
                "category",
                "raised_by_id",
                "raised_at",
                "closed_by_id",
                "closed_at",
                "lead_email",
            ],
            "special": ["concern", "action_taken"],
        },
    ),
    # Routing, digests, meetings and packs (issue 11).
    "confirmed_themes": TableEntry(
        "the themes an officer confirmed for a story, for routing and counts",
        "with the story (deleted with it)",
        {"operational": ["submission_id", "theme_id"]},
    ),
    "routing_rules": TableEntry(
        "which themes and areas go to which working group",
        "kept (ended, not deleted) so every route can say which rule sent it",
        {
            "operational": [
                "id",
                "body_id",
                "active",
                "created_by_id",
                "created_at",
                "updated_at",
                "version",
            ],
            "personal": ["note"],
        },
    ),
    "routing_rule_themes": TableEntry(
        "a rule's themes", "with the rule", {"operational": ["rule_id", "theme_id"]}
    ),
    "routing_rule_areas": TableEntry(
        "a rule's areas", "with the rule", {"operational": ["rule_id", "local_authority_id"]}
    ),
    "story_routes": TableEntry(
        "a story sent to a working group",
        "deleted when the story is withdrawn or no longer shared",
        {"operational": ["id", "submission_id", "body_id", "rule_id", "routed_at"]},
    ),
    "digests": TableEntry(
        "a working group's digest: its period only (the content is read afresh)",
        "kept as the record of what was issued",
        {
            "operational": [
                "id",
                "body_id",
                "period_start",
                "period_end",
                "issued_at",
                "stories_when_issued",
                "emails_queued",
            ]
        },
    ),
    "digest_reads": TableEntry(
        "which digests a member has opened",
        "with the account",
        {"operational": ["digest_id", "user_id", "read_at"]},
    ),
    "meetings": TableEntry(
        "meetings of the Taskforce and its groups (public task)",
        "kept as the body's record",
        {
            "operational": [
                "id",
                "body_id",
                "starts_at",
                "status",
                "created_at",
                "updated_at",
                "version",
            ],
            "reference": ["place", "online_link"],
            "personal": ["minutes"],
        },
    ),
    "agenda_items": TableEntry(
        "a meeting's agenda",
        "with the meeting",
        {
            "operational": ["id", "meeting_id", "position"],
            "personal": ["title", "description", "lead"],
        },
    ),
    "papers": TableEntry(
        "papers for agenda items",
        "with the meeting",
        {
            "operational": [
                "id",
                "agenda_item_id",
                "content_type",
                "size",
                "uploaded_by_id",
                "uploaded_at",
            ],
            "personal": ["title", "filename", "content"],
        },
    ),
    "attendance": TableEntry(
        "who attended a meeting, in which seat",
        "with the meeting",
        {
            "operational": [
                "id",
                "meeting_id",
                "membership_id",
                "status",
                "substitute_membership_id",
                "recorded_at",
            ]
        },
    ),
    "decisions": TableEntry(
        "what a meeting decided",
        "kept as the body's record",
        {
            "operational": ["id", "meeting_id", "agenda_item_id", "recorded_by_id", "recorded_at"],
            "personal": ["text"],
        },
    ),
    "meeting_actions": TableEntry(
        "actions agreed at meetings, carried until closed",
        "kept as the body's record",
        {
            "operational": [
                "id",
                "body_id",
                "meeting_id",
                "agenda_item_id",
                "due_on",
                "status",
                "closed_on",
                "created_at",
                "version",
            ],
            "personal": ["description", "owner"],
        },
    ),
    "action_updates": TableEntry(
        "an action's status history",
        "with the action",
        {
            "operational": [
                "id",
                "action_id",
                "meeting_id",
                "status",
                "recorded_by_id",
                "recorded_at",
            ],
            "personal": ["note"],
        },
    ),
    "meeting_packs": TableEntry(
        "built versions of meeting packs (redacted, consented words only)",
        "kept as the body's record; a withdrawn story is left out when shown and its PDF rebuilt",
        {
            "operational": [
                "id",
                "meeting_id",
                "version",
                "story_ids",
                "pdf_error",
                "built_by_id",
                "built_at",
                "published_at",
                "published_by_id",
            ],
            "personal": ["content", "pdf"],
        },
    ),
    "measurements": TableEntry(
        "indicator measurements per period, with evidence and RAG status",
        "kept as the Taskforce's public record; published versions never change",
        {
            "operational": [
                "id",
                "indicator_id",
                "period_kind",
                "period_start",
                "version",
                "value",
                "computed",
                "rag",
                "recorded_by_id",
                "recorded_at",
                "published_at",
                "published_by_id",
                "row_version",
            ],
            "reference": [
                "narrative",
                "rag_reason",
                "evidence_links",
                "source",
                "correction_reason",
            ],
        },
    ),
    "measurement_documents": TableEntry(
        "documents uploaded as evidence for a measurement",
        "kept with the measurement",
        {
            "operational": [
                "id",
                "measurement_id",
                "content_type",
                "uploaded_by_id",
                "uploaded_at",
            ],
            "reference": ["filename", "data"],
        },
    ),
    "register_entries": TableEntry(
        "impact assessments, best practice shared, community-led initiatives (organisations, "
        "not people)",
        "kept as the Taskforce's record",
        {
            "operational": [
                "id",
                "kind",
                "occurred_on",
                "funding_pence",
                "recorded_by_id",
                "recorded_at",
                "version",
            ],
            "reference": ["title", "description", "organisation", "evidence_links"],
        },
    ),
    "influenced_decisions": TableEntry(
        "decisions the Taskforce influenced (the decisions log)",
        "kept as the Taskforce's public record",
        {
            "operational": [
                "id",
                "decided_on",
                "significance",
                "meeting_decision_id",
                "recorded_by_id",
                "recorded_at",
                "version",
            ],
            "reference": ["title", "decided_by", "what_changed", "evidence_links"],
        },
    ),
    "influenced_decision_meetings": TableEntry(
        "meetings that informed a decision",
        "kept with the decision",
        {"operational": ["influenced_decision_id", "meeting_id"]},
    ),
    "influenced_decision_agenda_items": TableEntry(
        "agenda items that informed a decision",
        "kept with the decision",
        {"operational": ["influenced_decision_id", "agenda_item_id"]},
    ),
    "influenced_decision_digests": TableEntry(
        "digests that informed a decision",
        "kept with the decision",
        {"operational": ["influenced_decision_id", "digest_id"]},
    ),
    "influenced_decision_stories": TableEntry(
        "stories that informed a decision (the link only; a withdrawn story's link goes)",
        "removed when the story is withdrawn or deleted",
        {"operational": ["influenced_decision_id", "submission_id"]},
    ),
    "loop_closures": TableEntry(
        '"you said, we did" summaries written from a decision',
        "kept as the Taskforce's public record",
        {
            "operational": [
                "id",
                "decision_id",
                "theme_id",
                "created_by_id",
                "created_at",
                "published_at",
                "published_by_id",
                "residents_told",
                "version",
            ],
        },
    ),
    "loop_closure_texts": TableEntry(
        'the words of a "you said, we did" per language (written for the public, about no one)',
        "kept with the summary",
        {"operational": ["id", "closure_id", "locale"], "reference": ["you_said", "we_did"]},
    ),
    "loop_notices": TableEntry(
        'which stories\' residents were told of a "you said, we did"',
        "removed with the story",
        {"operational": ["id", "closure_id", "submission_id", "emailed", "created_at"]},
    ),
    "commitments": TableEntry(
        "strategic equity commitments and report recommendations tracked",
        "kept as the Taskforce's public record",
        {
            "operational": [
                "id",
                "kind",
                "due_on",
                "status",
                "closed_on",
                "created_by_id",
                "created_at",
                "version",
            ],
            "reference": ["source", "reference", "title", "description", "owner"],
        },
    ),
    "commitment_updates": TableEntry(
        "a commitment's status history with evidence",
        "kept with the commitment",
        {
            "operational": ["id", "commitment_id", "status", "recorded_by_id", "recorded_at"],
            "reference": ["note", "evidence_links"],
        },
    ),
    "terms_reviews": TableEntry(
        "yearly reviews of the terms of reference",
        "kept as the Taskforce's record",
        {
            "operational": ["id", "reviewed_on", "recorded_by_id", "recorded_at"],
            "reference": ["note"],
        },
    ),
    "evidence_datasets": TableEntry(
        "published statistics by ethnic group used as evidence (aggregates, no people)",
        REFERENCE_RETENTION,
        {
            "operational": ["id", "indicator_id", "created_by_id", "created_at"],
            "reference": ["title", "measure", "unit", "description"],
        },
    ),
    "evidence_versions": TableEntry(
        "each upload of an evidence table, as sent and as validated",
        "kept: earlier versions stay so figures can be traced",
        {
            "operational": [
                "id",
                "dataset_id",
                "version",
                "row_count",
                "uploaded_by_id",
                "uploaded_at",
            ],
            "reference": [
                "source",
                "source_url",
                "licence",
                "note",
                "filename",
                "csv_text",
                "rows_json",
            ],
        },
    ),
    "annual_reports": TableEntry(
        "annual progress reports (figures disclosure-controlled, no story text)",
        "kept: every year's published report stays on the site",
        {
            "operational": [
                "id",
                "year",
                "created_by_id",
                "created_at",
                "updated_at",
                "published_at",
                "published_by_id",
                "version",
            ],
            "reference": ["narrative", "content", "pdf"],
        },
    ),
    "figures_snapshots": TableEntry(
        "precomputed public figures (disclosure-controlled counts only)",
        "deleted after 30 days; the newest 7 stay, and the newest is served",
        {
            "operational": ["id", "produced_at", "period_label", "milliseconds_taken"],
            "reference": ["content"],
        },
    ),
}
