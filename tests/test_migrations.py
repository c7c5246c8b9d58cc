"""The migrations are the only source of the schema, on SQLite and PostgreSQL alike."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from engage.extensions import db
from engage.models import (
    Body,
    EthnicGroup,
    Indicator,
    LocalAuthority,
    TaskforceFunction,
    Theme,
)


def test_models_and_migrations_agree(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_to_nothing_and_back_up(ctx):
    flask_migrate.downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    flask_migrate.upgrade()
    assert "memberships" in inspect(db.engine).get_table_names()


def test_themes_are_seeded_with_the_contract_slugs(ctx):
    slugs = db.session.scalars(select(Theme.slug).order_by(Theme.sort_order)).all()
    assert slugs == [
        "jobs_economy",
        "education_skills",
        "transport",
        "housing",
        "health_wellbeing",
        "criminal_justice",
    ]


def test_the_seven_constituent_authorities_are_seeded(ctx):
    names = db.session.scalars(
        select(LocalAuthority.name).where(LocalAuthority.constituent).order_by(LocalAuthority.name)
    ).all()
    assert names == [
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    ]
    assert db.session.scalar(select(func.count()).select_from(LocalAuthority)) > 7


def test_census_2021_ethnic_groups_under_five_headings(ctx):
    groups = db.session.scalars(select(EthnicGroup).order_by(EthnicGroup.sort_order)).all()
    census = [g for g in groups if g.code != "prefer_not_to_say"]
    assert len(census) == 19
    assert len({g.heading for g in census}) == 5
    assert groups[-1].label == "Prefer not to say"


def test_six_functions_with_their_indicators(ctx):
    functions = db.session.scalars(
        select(TaskforceFunction).order_by(TaskforceFunction.sort_order)
    ).all()
    assert [f.title for f in functions] == [
        "Strategic influence",
        "Amplify community voice",
        "Data driven decisions",
        "Social innovation",
        "Accountability",
        "Champion inclusion",
    ]
    assert [len(f.indicators) for f in functions] == [3, 2, 2, 2, 2, 1]
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 12
    engaged = db.session.scalar(
        select(Indicator).where(Indicator.slug == "community_groups_engaged")
    )
    assert engaged.text == "Number of community groups engaged within WMCA decision making."


def test_the_taskforce_and_its_advisory_group_exist(ctx):
    slugs = set(db.session.scalars(select(Body.slug)))
    assert {"taskforce", "members-advisory-group"} <= slugs


def test_0007_down_and_up_keeps_groups_their_areas_engagements_and_stories(ctx):
    from datetime import date

    from engage.models import (
        CommunityGroup,
        ConsentEvent,
        EngagementKind,
        GroupEngagement,
        GroupStatus,
        GroupType,
        Role,
        Submission,
    )
    from tests import factories

    officer = factories.user(role=Role.ENGAGEMENT_OFFICER)
    group = CommunityGroup(
        name="Ladywood Mothers",
        group_type=GroupType.COMMUNITY_GROUP,
        contact_name="Hodan",
        contact_email="hodan@ladywood.example",
        communities_served="Families",
        status=GroupStatus.VERIFIED,
        areas=[factories.authority("Birmingham")],
    )
    db.session.add(group)
    db.session.flush()
    db.session.add(
        GroupEngagement(
            group=group,
            kind=EngagementKind.EVENT_ATTENDED,
            occurred_on=date(2026, 11, 3),
            description="Housing working group",
            recorded_by_id=officer.id,
        )
    )
    db.session.commit()
    story = factories.submission(tag=False)
    story.group_id = group.id
    db.session.commit()
    story_id, group_id = story.id, group.id
    counts = {
        model: db.session.scalar(select(func.count()).select_from(model))
        for model in (CommunityGroup, GroupEngagement, Submission, ConsentEvent)
    }
    areas = len(group.areas)
    db.session.remove()

    flask_migrate.downgrade(revision="0006")
    flask_migrate.upgrade()

    for model, expected in counts.items():
        assert db.session.scalar(select(func.count()).select_from(model)) == expected, model
    kept = db.session.get(CommunityGroup, group_id)
    assert len(kept.areas) == areas == 1 and kept.language == "en"
    assert db.session.get(Submission, story_id).group_id == group_id


def test_0011_adds_the_model_version_and_takes_it_away_again(ctx):
    """Suggestions made before 0011 keep their scores and have no version."""
    from tests import factories

    story_id = factories.submission(tag=False).id
    theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == "housing"))
    db.session.execute(
        text(
            "INSERT INTO submission_themes (submission_id, theme_id, score, suggested) "
            "VALUES (:story, :theme, 0.75, :yes)"
        ),
        {"story": story_id, "theme": theme_id, "yes": True},
    )
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(revision="0010")
    columns = {c["name"] for c in inspect(db.engine).get_columns("submission_themes")}
    assert "model_version" not in columns
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("theme_labels")}
    assert "ix_theme_labels_labelled_at" not in indexes
    flask_migrate.upgrade()
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("submission_themes")}
    assert columns["model_version"]["nullable"] is True
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("theme_labels")}
    assert "ix_theme_labels_labelled_at" in indexes
    row = db.session.execute(
        text("SELECT score, model_version FROM submission_themes WHERE submission_id = :id"),
        {"id": story_id},
    ).one()
    assert row == (0.75, None)
