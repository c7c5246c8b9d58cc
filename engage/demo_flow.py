"""Demo data for what happens after moderation: routing rules, approved stories in
working groups' digests (one no rule matches), the Taskforce's meetings for the year
with a held meeting's minutes, decisions and actions, and a published meeting pack.
So a newcomer sees every part of routing, digests, meetings and packs without typing."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AgeGroup,
    Body,
    Channel,
    LocalAuthority,
    MeetingStatus,
    Membership,
    MembershipRole,
    Person,
    Purpose,
    Theme,
    User,
)
from engage.services.common import audit
from engage.services.digests import issuing, routing
from engage.services.meetings import actions, agenda, attendance, meetings, minutes
from engage.services.packs import builder
from engage.services.stories import intake, moderation, notices, receipts, tagging

MEMBER_EMAIL = "working-group@engage.example"
OFFICER_EMAIL = "officer@engage.example"
RULES = [
    ("housing-working-group", ["housing", "health_wellbeing"]),
    ("jobs-economy-working-group", ["jobs_economy", "education_skills"]),
]
# Stories already through moderation, for the digests: (text, area, themes the officer
# confirmed, may it be quoted, the officer's summary). The five stories of engage.demo
# stay in the moderation queue for officers.
APPROVED_STORIES = [
    (
        "Black mould has come back in my daughter's bedroom for the third winter. The "
        "housing association says it is our fault for drying clothes inside. Her asthma is "
        "worse every year.",
        "Sandwell",
        ["housing", "health_wellbeing"],
        True,
        "Damp and mould in a housing association flat, blamed on the family; a child's "
        "asthma is getting worse.",
    ),
    (
        "We waited eleven months for the repairs team. My neighbours who are white British "
        "had theirs done in weeks. When I complained the officer said I should be grateful "
        "for the house.",
        "Birmingham",
        ["housing"],
        False,
        "Repairs took eleven months against weeks for white British neighbours; a complaint "
        "was met with 'be grateful'.",
    ),
    (
        "At the GP there is never an interpreter for Tigrinya. I had to use my phone to "
        "explain my pain and the receptionist laughed.",
        "Coventry",
        ["health_wellbeing"],
        True,
        "No Tigrinya interpreter at the GP surgery; the resident was laughed at while "
        "using a phone to translate.",
    ),
    (
        "My qualifications as a pharmacist from Poland are not recognised, so I work in a "
        "warehouse. Nobody at the job centre could tell me how to get them checked.",
        "Wolverhampton",
        ["jobs_economy", "education_skills"],
        True,
        "Overseas pharmacy qualifications not recognised; no advice from the job centre.",
    ),
    (
        "A man on the tram shouted at me to go back to my country and pulled at my "
        "headscarf. The driver did not stop and nobody helped.",
        "Wolverhampton",
        ["transport", "criminal_justice"],
        False,
        "Racist abuse and assault on a tram; the driver did not stop and nobody helped.",
    ),
]


# Stories told in the region's other languages (on the site in that language), approved
# the same way with the officer's summary in English: the admin page of how often officers
# agree with the theme suggestions then has more than one language to compare.
# (text, area, themes, may it be quoted, summary, the page's language)
OTHER_LANGUAGE_STORIES = [
    (
        "Od dwóch lat mamy w mieszkaniu wilgoć i grzyb na ścianach. Administracja mówi, że "
        "to nasza wina, bo suszymy pranie w domu. Syn ciągle kaszle, lekarz mówi że to od "
        "grzyba.",
        "Walsall",
        ["housing", "health_wellbeing"],
        True,
        "Damp and mould in a rented flat for two years, blamed on the family; the doctor "
        "links the son's cough to the mould.",
        "pl",
    ),
    (
        "W Polsce byłam księgową, tutaj pracuję na magazynie. Kierownik mówi do nas „wy "
        "Polacy” i zawsze dostajemy najgorsze zmiany. Jak się poskarżyłam, przestali mi "
        "dawać nadgodziny.",
        "Coventry",
        ["jobs_economy"],
        False,
        "A qualified accountant works in a warehouse; Polish workers get the worst shifts, "
        "and her overtime stopped after she complained.",
        "pl",
    ),
    (
        "ہسپتال میں کوئی ترجمان نہیں تھا۔ میری امی کو انگریزی نہیں آتی اور ڈاکٹر نے ان کی "
        "بات سنے بغیر ہمیں واپس بھیج دیا۔",
        "Birmingham",
        ["health_wellbeing"],
        True,
        "No interpreter at the hospital; the doctor sent the resident's mother home "
        "without hearing her.",
        "ur",
    ),
    (
        "بس ڈرائیور نے میرا حجاب دیکھ کر دروازہ بند کر دیا اور ایک آدمی نے مجھے گالیاں "
        "دیں۔ کسی نے مدد نہیں کی۔",
        "Sandwell",
        ["transport", "criminal_justice"],
        False,
        "A bus driver shut the door on a woman in a hijab and a man shouted abuse at her; "
        "nobody helped.",
        "ur",
    ),
]


def _theme_ids(slugs: list[str]) -> list[int]:
    return list(db.session.scalars(select(Theme.id).where(Theme.slug.in_(slugs))))


def _member(today: date) -> None:
    """The demo working-group account sits on the housing working group."""
    housing = db.session.scalar(select(Body).where(Body.slug == "housing-working-group"))
    db.session.add(
        Membership(
            person=Person(full_name="Demo Working Group Member", email=MEMBER_EMAIL),
            body=housing,
            role=MembershipRole.MEMBER,
            term_start=today - timedelta(days=200),
        )
    )
    db.session.commit()


def _approve_stories(officer: User) -> None:
    """Tell, tag and approve the stories for the digests, as an officer would. The tram
    story's themes match no rule: it shows as unrouted."""
    authorities = {a.name: a.id for a in db.session.scalars(select(LocalAuthority))}
    version = notices.current().version
    stories = [(*story, "en") for story in APPROVED_STORIES] + OTHER_LANGUAGE_STORIES
    for text, area, themes, quote, summary, page_language in stories:
        story = intake.submit_story(
            intake.StoryInput(
                story=text,
                age_group=AgeGroup.ADULT,
                consents={Purpose.STORE: True, Purpose.SHARE: True, Purpose.QUOTE: quote},
                local_authority_id=authorities[area],
            ),
            receipt_code=receipts.new_code(),
            channel=Channel.WEB,
            language=page_language,
            notice_version=version,
        )
        tagging.tag_submission(story.id)
        story = moderation.claim(story.id, officer)
        decisions = {p.id: True for p in story.pii_proposals}
        story = moderation.confirm_redaction(
            story.id, officer, story.version, decisions, most_of_story_confirmed=True
        )
        story = moderation.confirm_themes(story.id, officer, story.version, themes)
        story = moderation.save_summary(story.id, officer, story.version, summary)
        moderation.approve(story.id, officer, story.version)


def _meetings(actor: User, today: date) -> None:
    taskforce = db.session.scalar(select(Body).where(Body.slug == "taskforce"))
    # Quorum as the terms of reference might set it: 11 of the 20 seats.
    attendance.set_quorum(taskforce.id, "11", actor=actor)
    held = meetings.schedule(
        meetings.MeetingInput(
            body_id=taskforce.id,
            on=today - timedelta(days=56),
            at=time(14),
            place="Council House, Birmingham",
            status=MeetingStatus.HELD,
        ),
        actor=actor,
        today=today,
    )
    agenda.add_item(held.id, agenda.AgendaItemInput(title="Welcome and apologies"), actor=actor)
    minutes.save_minutes(
        held.id,
        "The chair welcomed members. The Taskforce discussed the first stories from "
        "residents about housing conditions and agreed to ask the housing working group "
        "for a themed report.",
        version=db.session.get(type(held), held.id).version,
        actor=actor,
    )
    minutes.record_decision(
        held.id,
        "Ask the housing working group to report on damp and mould in rented homes.",
        agenda_item_id=None,
        actor=actor,
    )
    actions.raise_action(
        held.id,
        actions.ActionInput(
            description="Write to the transport authority about treatment on the 50 bus",
            owner="Lucy Adams (secretariat)",
            due_on=today - timedelta(days=7),
        ),
        actor=actor,
    )
    actions.raise_action(
        held.id,
        actions.ActionInput(
            description="Invite community groups to the next meeting",
            owner="Chair",
            due_on=today + timedelta(days=30),
        ),
        actor=actor,
    )
    upcoming = meetings.schedule(
        meetings.MeetingInput(
            body_id=taskforce.id,
            on=today + timedelta(days=10),
            at=time(14),
            place="Council House, Birmingham",
            online_link="https://meet.example.org/taskforce",
        ),
        actor=actor,
        today=today,
    )
    for title, lead in [
        ("Welcome, apologies and declarations", "Chair"),
        ("Minutes and actions of the last meeting", "Secretariat"),
        ("What residents told us: working group digests", "Working group leads"),
        ("Any other business", ""),
    ]:
        agenda.add_item(upcoming.id, agenda.AgendaItemInput(title=title, lead=lead), actor=actor)
    for months in (2, 4, 6, 8):
        meetings.schedule(
            meetings.MeetingInput(
                body_id=taskforce.id,
                on=meetings.add_months(today + timedelta(days=10), months),
                at=time(14),
                place="Council House, Birmingham",
            ),
            actor=actor,
            today=today,
        )
    pack = builder.build(upcoming.id, actor=audit.as_actor(actor))
    builder.publish(pack.id, actor=audit.as_actor(actor))


def load(today: date) -> None:
    admin = db.session.scalar(select(User).where(User.email == "admin@engage.example"))
    officer = db.session.scalar(select(User).where(User.email == OFFICER_EMAIL))
    actor = audit.as_actor(admin)
    for slug, themes in RULES:
        body = db.session.scalar(select(Body).where(Body.slug == slug))
        routing.add_rule(
            routing.RuleInput(body_id=body.id, theme_ids=_theme_ids(themes)), actor=actor
        )
    _member(today)
    _approve_stories(officer)
    # A year and a half of stories already dealt with, for the figures and last year's
    # report (inserted directly, dated before this month).
    from engage import demo_history

    demo_history.load(today)
    # The demo resident's story (code demo_accountability.DEMO_CODE), in time for the
    # housing group's digest and the decision it informs.
    from engage import demo_accountability

    demo_accountability.tell_story(officer)
    for slug, _ in RULES:
        body = db.session.scalar(select(Body).where(Body.slug == slug))
        issuing.issue_now(body.id, actor=actor)
    # Commitments first: the demo pack shows which are overdue.
    from engage import demo_commitments, demo_evidence

    demo_commitments.load(today)
    demo_evidence.load(today)
    _meetings(admin, today)
    demo_accountability.load(today)
    from engage import demo_reports

    demo_reports.load(today)
    # The public figures page serves precomputed figures: work them out once now.
    from engage.services.figures import snapshots

    snapshots.refresh()
