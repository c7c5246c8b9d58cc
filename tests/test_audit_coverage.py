"""Every change a person makes through a staff page writes an audit row in the same request.

The test works as staff do: it opens the pages where they work, and submits each form it
finds there, as shown, with what a person would type in the empty boxes. Around every
submission it compares the whole database (but the audit log, the outbox and residents'
sessions) before and after; a change without an audit row from that request fails. It
also fails if some staff form was never seen to change anything, so a new route can't
slip past by having no example."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update

from engage.extensions import db
from engage.models import (
    AuditEvent,
    Body,
    CommunityGroup,
    GroupStatus,
    GroupType,
    Membership,
    MembershipRole,
    Person,
    Role,
    Theme,
    User,
)
from engage.models.base import utcnow
from tests import factories
from tests.helpers import error_summary, page, sign_in, totp_code
from tests.test_access import STAFF_MATRIX

# Rows that are not people's changes: the log itself, mail on its way out, and residents'
# server-side sessions (which a staff request never touches).
NOT_DATA = {"audit_events", "outbox_messages", "resident_sessions", "alembic_version"}
TODAY = "2026-11-23"
TYPED = "Typed by the audit walk"


def staff_post_endpoints(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint in STAFF_MATRIX and "POST" in rule.methods
    }


def snapshot() -> dict[str, list[tuple]]:
    db.session.expire_all()
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name in NOT_DATA:
            continue
        rows = db.session.execute(select(table)).all()
        tables[table.name] = sorted(repr(tuple(row)) for row in rows)
    return tables


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@dataclass
class Walk:
    app: object
    client: object
    changed: dict[str, list[str]] = field(default_factory=dict)
    unaudited: list[str] = field(default_factory=list)
    last_refusal: dict[str, list[str]] = field(default_factory=dict)
    user_email: str = ""
    # Text to type into particular boxes; anything not listed gets TYPED or a date.
    typing: dict[str, str] = field(default_factory=dict)

    def endpoint_of(self, action: str) -> str | None:
        path = urlsplit(action).path
        adapter = self.app.url_map.bind("localhost")
        try:
            endpoint, _ = adapter.match(path, method="POST")
        except Exception:
            return None
        return endpoint

    def fresh_code(self) -> None:
        # Each form that asks for an authenticator code gets one not used before: move the
        # account's last-used step back (test plumbing, outside the compared snapshot).
        with self.app.app_context():
            db.session.execute(
                update(User).where(User.email == self.user_email).values(totp_last_step=0)
            )
            db.session.commit()

    def filled(self, form) -> dict[str, str]:
        """The form's fields as a person would send them: what is shown, a choice where
        one is needed, and words in the empty boxes."""
        data: dict[str, str] = {}
        for element in form.find_all(["input", "textarea", "select", "button"]):
            name = element.get("name")
            if not name or name in data:
                continue
            kind = (element.get("type") or "text").lower()
            if element.name == "button" or kind == "submit":
                if element.get("value") is not None:
                    data[name] = element["value"]
            elif kind == "file" and ".csv" in (element.get("accept") or ""):
                # A box for a CSV (evidence data) gets a small table of figures.
                data[name] = (io.BytesIO(factories.EVIDENCE_CSV), "walk-evidence.csv")
            elif kind == "file":
                # A file box gets a small PDF, as someone uploading a paper would choose.
                data[name] = (io.BytesIO(factories.PDF), "walk-paper.pdf")
            elif kind in {"checkbox", "radio"} or element.name == "select":
                value = self.typing.get(name, _chosen(form, element, kind))
                if value is not None:
                    data[name] = value
            else:
                data[name] = self._typed(element, name, kind)
        return data

    def _typed(self, element, name: str, kind: str) -> str:
        value = element.get_text() if element.name == "textarea" else element.get("value")
        if name in self.typing:
            return self.typing[name]
        if value and value.strip():
            return value
        if kind == "hidden":
            return ""
        if "email" in name:
            return "someone@test.example"
        if "code" in name:
            return totp_code()
        if name.endswith("_on") or name.startswith("term_"):
            return TODAY
        return TYPED

    def submit_forms_on(self, url: str, *, skip: set[str], only: tuple = ()) -> bool:
        """Submit, once each, the forms on the page not yet seen to change data (or, with
        `only`, those forms in that order, whatever was seen before). True if anything
        changed."""
        progress = False
        seen_actions: set[str] = set()
        while True:
            soup = page(self.client.get(url))
            forms = [
                f
                for f in soup.find_all("form")
                if (f.get("method") or "get").lower() == "post"
                and (action := f.get("action") or url) not in seen_actions
                and (endpoint := self.endpoint_of(action)) in STAFF_MATRIX
                and endpoint not in skip
                and (endpoint in only if only else endpoint not in self.changed)
            ]
            if not forms:
                return progress
            if only:
                forms.sort(key=lambda f: only.index(self.endpoint_of(f.get("action") or url)))
            form = forms[0]
            action = form.get("action") or url
            seen_actions.add(action)
            progress |= self.submit(self.endpoint_of(action), action, self.filled(form), url)

    def submit(self, endpoint: str, action: str, data: dict, from_url: str) -> bool:
        if "code" in data:
            self.fresh_code()
            data["code"] = totp_code()
        with self.app.app_context():
            before = snapshot()
        response = self.client.post(action, data=data)
        assert response.status_code < 500, f"{endpoint} answered {response.status_code}"
        request_id = response.headers["X-Request-ID"]
        with self.app.app_context():
            tables = changed_tables(before, snapshot())
            audited = db.session.scalars(
                select(AuditEvent.action).where(AuditEvent.request_id == request_id)
            ).all()
        # A refused form re-shows the story, which audits the viewing; that's not a change.
        if not tables and all(action.endswith(".viewed") for action in audited):
            shown = response
            if response.status_code == 302:
                shown = self.client.get(response.headers["Location"])
            self.last_refusal[endpoint] = error_summary(shown) or [str(response.status_code)]
            return False
        self.changed[endpoint] = audited
        if not audited:
            self.unaudited.append(f"{endpoint} ({action}) changed {tables} with no audit row")
        return True

    def walk(self, urls: list[str], *, skip: set[str] = frozenset(), rounds: int = 4) -> None:
        for _ in range(rounds):
            progress = False
            for url in urls:
                url, only = (url, ()) if isinstance(url, str) else url
                progress |= self.submit_forms_on(url, skip=skip, only=only)
            if not progress:
                return


def _chosen(form, element, kind: str) -> str | None:
    """A ticked box as ticked (an unticked one is not sent), the chosen radio or option,
    or else the first."""
    if kind == "checkbox":
        return element.get("value", "y") if element.has_attr("checked") else None
    if kind == "radio":
        group = form.find_all("input", attrs={"type": "radio", "name": element["name"]})
        chosen = next((r for r in group if r.has_attr("checked")), group[0])
        return chosen.get("value", "")
    options = element.find_all("option")
    chosen = next((o for o in options if o.has_attr("selected")), None)
    chosen = chosen or next((o for o in options if o.get("value")), None)
    return chosen.get("value", "") if chosen else ""


def _group(name: str, email: str, status: GroupStatus = GroupStatus.PENDING) -> int:
    group = CommunityGroup(
        name=name,
        group_type=GroupType.COMMUNITY_GROUP,
        contact_name="Contact " + name,
        contact_email=email,
        communities_served="Everyone",
        status=status,
    )
    db.session.add(group)
    db.session.commit()
    return group.id


def test_every_staff_change_writes_an_audit_row(app, client, ids):
    with app.app_context():
        stories = [factories.submission().id for _ in range(4)]
        to_reject = _group("Group to turn down", "turned-down@test.example")
        verified = _group("Verified group", "verified@test.example", GroupStatus.VERIFIED)
        locked = factories.user(role=Role.ENGAGEMENT_OFFICER, email="locked@test.example")
        locked.locked_until = utcnow() + timedelta(minutes=10)
        contact = factories.user(role=Role.GROUP_CONTACT, email="group@test.example")
        db.session.get(CommunityGroup, verified).contact_user_id = contact.id
        db.session.commit()
        factories.user(role=Role.ADMIN, email="walker@test.example")
        membership = ids["membership_id"]
        # Meetings: one to work through, one to change, one to cancel.
        taskforce = factories.body().id
        walk_meeting = factories.meeting(on=date(2026, 9, 10)).id
        first_item = factories.agenda_item(walk_meeting, "Minutes of the last meeting").id
        factories.agenda_item(walk_meeting, "Routing of stories")
        last_item = factories.agenda_item(walk_meeting, "Any other business").id
        walk_paper = factories.paper(first_item).id
        walk_action = factories.meeting_action(walk_meeting).id
        to_change = factories.meeting(
            on=date(2026, 9, 24), place="", online_link="https://meet.example.org/old"
        ).id
        to_cancel = factories.meeting(on=date(2027, 2, 1)).id
        # Routing and digests: a story no rule sends yet (so a replay has work to do),
        # and the walker sits on the working group (so they choose how to get digests).
        factories.approved_story(themes=["transport"])
        transport = db.session.scalar(select(Theme.id).where(Theme.slug == "transport"))
        group = db.session.get(Body, ids["body_id"])
        db.session.add(
            Membership(
                person=Person(full_name="Walker", email="walker@test.example"),
                body=group,
                role=MembershipRole.MEMBER,
                term_start=date(2026, 1, 1),
            )
        )
        db.session.commit()

    walk = Walk(
        app,
        client,
        user_email="walker@test.example",
        typing={
            "new_person_name": "Walker Added Person",
            "role": "independent_member",
            "term_start": "2026-04-01",
            "term_end": "2028-03-31",
            "volunteers_agreement_signed_on": "2026-03-20",
            "duplicate-original": str(stories[0]),
            "add-phrase": "headscarf",
            "postcode": "B11",
            "consent_store": "y",
            "attested": "y",
            "start_time": "14:00",
            "online_link": "https://meet.example.org/taskforce",
            "body_id": str(ids["body_id"]),
            "theme_ids": str(transport),
            "cadence": "weekly",
            "by_email": "no",
            "quorum": "8",
            "evidence_links": "https://www.wmca.org.uk/documents/",
            "funding": "12,500",
            "source_url": "https://www.ons.gov.uk/employmentandlabourmarket",
            "report_year": "2025",
            "markdown": "Written by the audit walk, in *Markdown*.",
            "value": "14.5",
            "other_numbers": "",
        },
    )
    assert sign_in(client, "walker@test.example").status_code == 302
    sign_out = {"auth.sign_out"}
    walk.walk(
        [
            "/sign-in/confirm?next=/admin/users",
            "/admin/users",
            "/account/security",
            "/admin/memberships/new?body=taskforce",
            f"/admin/memberships/{membership}/edit",
            f"/admin/memberships/{membership}/end",
            f"/officer/groups/{ids['group_id']}",
            f"/officer/groups/{to_reject}",
            f"/officer/groups/{verified}",
            "/officer/stories/new",
            "/moderation/urgent",
            # One story taken through to approval, in the order an officer works.
            (
                f"/moderation/{stories[0]}",
                (
                    "moderation.claim",
                    "moderation.confirm_redaction",
                    "moderation.confirm_themes",
                    "moderation.approve",
                ),
            ),
            *[f"/moderation/{story}" for story in stories[1:]],
            # Meetings
            "/meetings/new",
            f"/meetings/year?body_id={taskforce}&first_on=2027-01-14&start_time=14:00"
            "&count=3&every=2&unit=months&place=Council+House",
            f"/meetings/{to_change}/edit",
            f"/meetings/{walk_meeting}",
            f"/meetings/{walk_meeting}/agenda/new",
            f"/meetings/agenda/{first_item}/edit",
            f"/meetings/agenda/{first_item}/papers/new",
            f"/meetings/papers/{walk_paper}/remove",
            f"/meetings/agenda/{last_item}/remove",
            f"/meetings/{walk_meeting}/attendance",
            f"/meetings/{walk_meeting}/minutes",
            f"/meetings/{walk_meeting}/decisions/new",
            f"/meetings/{walk_meeting}/actions/new",
            f"/meetings/actions/{walk_action}/update",
            f"/meetings/{to_cancel}/cancel",
            f"/meetings/bodies/{taskforce}/quorum?meeting={walk_meeting}",
            # Routing, digests and packs
            "/routing/rules/new",
            f"/routing/rules/{ids['rule_id']}/edit",
            "/routing/replay?start=2020-01-01&end=2030-12-31",
            "/digests/",
            f"/digests/groups/{ids['body_id']}/settings",
            f"/packs/meetings/{walk_meeting}",
            "/routing/",
            # Commitments, registers and housekeeping
            "/commitments/new",
            f"/commitments/{ids['commitment_id']}/edit",
            f"/commitments/{ids['commitment_id']}/update",
            "/registers/initiatives/new",
            f"/registers/heia/{ids['register_entry_id']}/edit",
            "/registers/housekeeping/terms-review",
            # Indicators, the decisions log and "you said, we did"
            "/accountability/indicators/leadership_diversity/periods/2024/record",
            f"/accountability/measurements/{ids['measurement_id']}/edit",
            f"/accountability/measurements/{ids['measurement_id']}",
            f"/accountability/measurements/{ids['measurement_id']}/correct",
            "/accountability/decisions/new",
            f"/accountability/decisions/{ids['influenced_decision_id']}/edit",
            f"/accountability/decisions/{ids['influenced_decision_id']}/stories",
            f"/accountability/decisions/{ids['influenced_decision_id']}/you-said-we-did",
            f"/accountability/you-said-we-did/{ids['closure_id']}/edit",
            f"/accountability/decisions/{ids['influenced_decision_id']}",
            # Evidence data
            "/evidence/new",
            f"/evidence/{ids['dataset_id']}/versions/new",
            # Annual reports: start one, write, move and remove sections, then publish.
            "/reports/",
            f"/reports/{ids['report_year']}/sections/new",
            f"/reports/{ids['report_year']}/sections/0/edit",
            f"/reports/{ids['report_year']}",
            f"/reports/{ids['report_year']}/sections/1/remove",
            f"/reports/{ids['report_year']}/publish",
        ],
        skip=sign_out,
    )
    walk.walk(["/staff/"])  # signing out, last
    assert sign_in(client, "group@test.example").status_code == 302
    walk.walk(["/group/stories/new"], skip=sign_out)

    assert walk.unaudited == []
    missing = staff_post_endpoints(app) - set(walk.changed)
    assert not missing, {m: walk.last_refusal.get(m, "no form found") for m in sorted(missing)}
