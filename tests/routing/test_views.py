"""The secretariat's routing pages: errors beside the fields, what was typed kept,
preview before replay, unrouted stories listed."""

from sqlalchemy import select

from engage.extensions import db
from engage.models import Role, StoryRoute, Theme
from tests import factories
from tests.helpers import error_summary, page, submit_form


def test_a_rule_with_problems_says_what_is_wrong_and_keeps_the_note(app, client, login_as):
    login_as(Role.SECRETARIAT)
    response = submit_form(
        client, "/routing/rules/new", {"body_id": "", "note": "Keep <b>this</b> & that"}
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Choose the working group the stories go to" in summary
    assert "Choose at least one theme" in summary
    assert "Keep <b>this</b> & that" in page(response).find("textarea").get_text()


def test_adding_a_rule_then_replaying_it_moves_earlier_stories(app, client, login_as):
    with app.app_context():
        group = factories.working_group("Transport working group")
        story = factories.approved_story(themes=["transport"])
        transport = db.session.scalar(select(Theme.id).where(Theme.slug == "transport"))
        group_id, story_id = group.id, story.id
    login_as(Role.SECRETARIAT)
    assert str(story_id) in page(client.get("/routing/unrouted")).find("tbody").get_text()
    response = submit_form(
        client, "/routing/rules/new", {"body_id": str(group_id), "theme_ids": str(transport)}
    )
    assert response.status_code == 302
    preview = client.get("/routing/replay?start=2020-01-01&end=2030-12-31")
    text = page(preview).get_text()
    assert "Transport working group" in text and "Replay: make 1 change" in text
    previewed = page(preview).find("input", attrs={"name": "previewed"})["value"]
    response = submit_form(
        client,
        "/routing/replay",
        {"start": "2020-01-01", "end": "2030-12-31", "previewed": previewed},
        form_url="/routing/replay?start=2020-01-01&end=2030-12-31",
    )
    assert response.status_code == 302
    with app.app_context():
        routed = db.session.scalar(
            select(StoryRoute.body_id).where(StoryRoute.submission_id == story_id)
        )
    assert routed == group_id


def test_replay_dates_are_checked(client, login_as):
    login_as(Role.SECRETARIAT)
    response = client.get("/routing/replay?start=2026-05-01&end=2026-04-01")
    assert "The last day must be on or after the first day" in error_summary(response)
    response = client.get("/routing/replay?start=2026-05-01&end=9999-12-31")
    assert response.status_code == 200
    assert "Enter a date between 2000 and 2100" in " ".join(error_summary(response))
