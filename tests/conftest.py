"""Shared fixtures: an app on a database built by the migrations, cleaned after each test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import MetaData, text

from engage import create_app
from engage.config import TestConfig
from engage.extensions import db, limiter
from engage.models import Role
from tests import factories
from tests.helpers import sign_in as sign_in_through_forms

# CI (HYPOTHESIS_PROFILE=ci, set by .ci/run) runs every property test on the same examples
# each time, so a build never fails by the luck of a new example; `make test` on your own
# machine explores new ones every run, and what it finds becomes an @example.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _drop_everything() -> None:
    """Start from an empty database, whatever an earlier run left behind."""
    existing = MetaData()
    existing.reflect(bind=db.engine)
    existing.drop_all(bind=db.engine)


def _snapshot() -> dict[str, list[dict]]:
    """Every row the migrations wrote (the reference data), table by table."""
    with db.engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in db.metadata.sorted_tables
        }


def _empty_audit_log(connection) -> None:
    """The database refuses to delete recent audit rows (by design); between tests the
    guard is lifted for this one statement, as only the table's owner can."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_delete"))
        connection.execute(text("DELETE FROM audit_events"))
        connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_delete"))
        return
    trigger = connection.execute(
        text(
            "SELECT sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name = 'audit_events_no_delete'"
        )
    ).scalar()
    connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
    connection.execute(text("DELETE FROM audit_events"))
    if trigger:
        connection.execute(text(trigger))


def _restore(snapshot: dict[str, list[dict]]) -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name == "audit_events":
                _empty_audit_log(connection)
                continue
            connection.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if snapshot[table.name]:
                connection.execute(table.insert(), snapshot[table.name])


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'engage-test.db'}"
    )


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(TestConfig(database_url=database_url))
    with app.app_context():
        _drop_everything()
        flask_migrate.upgrade()
        app.extensions["engage_test_snapshot"] = _snapshot()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def fresh_app(database_url):
    """Build a separate app (for routes added in a test, or another configuration);
    its database connections are closed afterwards."""
    made: list[Flask] = []

    def make(config=None, *, from_environment: bool = False) -> Flask:
        if from_environment:
            built = create_app()
        else:
            built = create_app(config or TestConfig(database_url=database_url))
        made.append(built)
        return built

    yield make
    for built in made:
        with built.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        _restore(app.extensions["engage_test_snapshot"])
    limiter.reset()
    # Pages shared between visitors are keyed on what they are drawn from; a test that
    # changes configuration mid-run must not see another test's page.
    app.extensions["page_cache"].clear()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for service tests. Client tests must not hold one open,
    or their requests would share it (and Flask-Login's cached user) between calls."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login_as(app: Flask, client: FlaskClient):
    """Create an account with the role and sign in with it through the real form."""

    def sign_in(role: Role, *, email: str | None = None):
        email = email or f"{role.value.replace('_', '-')}@test.example"
        with app.app_context():
            user = factories.user(role=role, email=email)
            user_id = user.id
        response = sign_in_through_forms(client, email)
        assert response.status_code == 302, "sign-in failed in the test helper"
        assert not response.headers["Location"].startswith("/sign-in"), "sign-in not completed"
        return user_id

    return sign_in


@pytest.fixture
def sent_mail(app: Flask):
    """Email delivered during the test, kept in memory instead of written to files."""
    from engage.services.common.outbox import MemorySender

    sender = MemorySender()
    app.extensions["engage_mail_sender"] = sender
    yield sender.sent
    app.extensions.pop("engage_mail_sender", None)


def _measured_and_decided() -> dict[str, int]:
    """A draft measurement with a document, a logged decision and its draft "you said,
    we did", for the accountability pages' URLs."""
    from datetime import date

    from sqlalchemy import select

    from engage.extensions import db
    from engage.models import (
        Indicator,
        InfluencedDecision,
        LoopClosure,
        LoopClosureText,
        Measurement,
        MeasurementDocument,
        PeriodKind,
        Significance,
    )

    indicator = db.session.scalar(select(Indicator).where(Indicator.slug == "leadership_diversity"))
    measurement = Measurement(
        indicator_id=indicator.id,
        period_kind=PeriodKind.YEAR,
        period_start=date(2026, 4, 1),
        narrative="",
        rag_reason="",
    )
    document = MeasurementDocument(
        measurement=measurement, filename="e.txt", content_type="text/plain", data=b"evidence"
    )
    decision = InfluencedDecision(
        title="Test decision",
        decided_by="WMCA Board",
        decided_on=date(2026, 11, 1),
        what_changed="Something",
        significance=Significance.MINOR,
    )
    closure = LoopClosure(decision=decision)
    closure.texts.append(LoopClosureText(locale="en", you_said="Said", we_did="Did"))
    db.session.add_all([measurement, document, decision, closure])
    db.session.commit()
    return {
        "measurement_id": measurement.id,
        "document_id": document.id,
        "influenced_decision_id": decision.id,
        "closure_id": closure.id,
    }


@pytest.fixture
def ids(app):
    """A membership and a community group for the URLs that need one."""
    from datetime import date

    from engage.extensions import db
    from engage.models import (
        Commitment,
        CommitmentKind,
        CommunityGroup,
        GroupType,
        RegisterEntry,
        RegisterKind,
    )
    from tests import factories

    with app.app_context():
        group = CommunityGroup(
            name="Test Group",
            group_type=GroupType.COMMUNITY_GROUP,
            contact_name="C",
            contact_email="contact@test.example",
            communities_served="Everyone",
        )
        db.session.add(group)
        db.session.commit()
        story = factories.submission()
        raised = factories.safeguarding_flag(story)
        meeting = factories.meeting()
        item = factories.agenda_item(meeting.id)
        meeting_ids = {
            "meeting_id": meeting.id,
            "agenda_item_id": item.id,
            "paper_id": factories.paper(item.id).id,
            "action_id": factories.meeting_action(meeting.id).id,
        }
        accountability = [
            Commitment(
                kind=CommitmentKind.STRATEGIC,
                source="Test strategy",
                reference="T1",
                title="Test commitment",
                owner="Owner",
            ),
            RegisterEntry(kind=RegisterKind.HEIA, title="Test entry", occurred_on=date(2026, 6, 1)),
        ]
        db.session.add_all(accountability)
        db.session.commit()
        measured = _measured_and_decided()
        working_group = factories.working_group("Access test group")
        routing_ids = {
            "rule_id": factories.routing_rule(working_group, ["housing"]).id,
            "body_id": working_group.id,
            "digest_id": factories.digest(working_group).id,
            "pack_id": factories.meeting_pack(meeting.id).id,
        }
        return {
            **meeting_ids,
            **routing_ids,
            "membership_id": factories.membership().id,
            "group_id": group.id,
            "submission_id": story.id,
            "flag_id": raised.id,
            "user_id": factories.user(role=Role.WORKING_GROUP_MEMBER).id,
            "commitment_id": accountability[0].id,
            "register_entry_id": accountability[1].id,
            "dataset_id": factories.evidence_dataset().id,
            "report_year": factories.annual_report().year,
            **measured,
        }
