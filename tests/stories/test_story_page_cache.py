"""The story form opened afresh is drawn once and shared, each visitor's tokens put in
(engage.page_cache): it must be exactly the page drawn for that visitor alone."""

import re

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import LocalAuthority, Role, Submission
from engage.services.stories import intake
from tests.helpers import open_story_form, page, submit_form

TOKEN_FIELDS = ("csrf_token", "receipt_token")


def tokens(html: str) -> dict[str, str]:
    soup = page_of(html)
    return {name: soup.find("input", attrs={"name": name})["value"] for name in TOKEN_FIELDS}


def page_of(html: str):
    class Response:
        def get_data(self, as_text=True):
            return html

    return page(Response())


def without_tokens(html: str) -> str:
    """The page with this visitor's tokens taken out, to compare two visitors' pages."""
    for name, value in tokens(html).items():
        assert html.count(value) == 1, f"{name} appears more than once"
        html = html.replace(value, f"<{name}>")
    return html


def story_form_html(client, age="18_plus", lang=None) -> str:
    if lang:
        client.get(f"/tell?lang={lang}")
    return open_story_form(client, age).get_data(as_text=True)


@pytest.mark.parametrize("lang", [None, "pl", "ur"])
@pytest.mark.parametrize("age", ["18_plus", "13_17"])
def test_shared_page_is_exactly_the_page_drawn_alone(app, lang, age):
    app.extensions["page_cache"].clear()
    first = story_form_html(app.test_client(), age, lang)  # drawn, then kept
    second = story_form_html(app.test_client(), age, lang)  # from the cache
    assert len(app.extensions["page_cache"]) == 1
    cache_size = app.extensions["page_cache"].size
    app.extensions["page_cache"].size = 0
    try:
        alone = story_form_html(app.test_client(), age, lang)  # drawn without the cache
    finally:
        app.extensions["page_cache"].size = cache_size
    assert tokens(first) != tokens(second)
    assert without_tokens(first) == without_tokens(second) == without_tokens(alone)


def test_each_visitor_can_send_the_shared_page_with_their_own_tokens(app):
    first, second = app.test_client(), app.test_client()
    pages = [open_story_form(first), open_story_form(second)]
    assert len(app.extensions["page_cache"]) == 1
    for client, form in zip((first, second), pages, strict=True):
        sent = client.post(
            "/tell/story",
            data={
                **{
                    name: page(form).find("input", attrs={"name": name})["value"]
                    for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
                },
                "story": "The bus driver shouted at my mother.",
                "consent_store": "y",
            },
        )
        assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 2


def test_a_renamed_area_shows_at_once(app):
    client = app.test_client()
    assert "Birmingham" in story_form_html(client)
    with app.app_context():
        area = db.session.scalar(select(LocalAuthority).where(LocalAuthority.name == "Birmingham"))
        area.name = "Birmingham City"
        db.session.commit()
    assert "Birmingham City" in story_form_html(app.test_client())


def test_typed_words_brought_back_by_a_language_switch_are_never_shared(app):
    client = app.test_client()
    form = open_story_form(client)
    fields = {
        name: page(form).find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    switched = client.post(
        "/tell/story?lang=pl", data={**fields, "story": "Moje słowa", "switch_language": "pl"}
    )
    assert switched.status_code == 200
    assert "Moje słowa" in switched.get_data(as_text=True)
    # Another visitor opening the Polish form sees an empty box.
    other = app.test_client()
    other.get("/tell?lang=pl")
    assert "Moje słowa" not in story_form_html(other)


def test_a_signed_in_page_is_drawn_for_its_reader(app, client, login_as):
    login_as(Role.ENGAGEMENT_OFFICER)
    submit_form(client, "/tell/age", {"age": "18_plus"})
    html = client.get("/tell/story").get_data(as_text=True)
    assert "Sign out" in html  # the staff menu, which a shared page never has
    assert len(app.extensions["page_cache"]) == 0


def test_the_same_form_sent_again_after_a_crash_gets_the_same_code(app, monkeypatch):
    """A worker killed after the story was committed: the resident never saw the code.
    Sending the same page again (the browser's retry, or the resident pressing the
    button again) stores nothing new and shows the code of the story already stored."""
    client = app.test_client()
    form = open_story_form(client)
    data = {
        **{
            name: page(form).find("input", attrs={"name": name})["value"]
            for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
        },
        "story": "The receptionist would not book me in.",
        "consent_store": "y",
    }

    def killed(submission_id):
        raise SystemExit("worker killed after the commit")

    monkeypatch.setattr("engage.tasks.after_story_stored", killed)
    with pytest.raises(SystemExit):
        client.post("/tell/story", data=data)
    monkeypatch.undo()
    with app.app_context():
        stored = db.session.scalars(select(Submission)).all()
        assert len(stored) == 1
        receipt_hash = stored[0].receipt_hash

    # The browser holds the cookie it had before: the killed worker never answered.
    sent = client.post("/tell/story", data=data)
    assert sent.status_code == 302
    done = client.get(sent.headers["Location"], follow_redirects=True)
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", done.get_data(as_text=True))
    assert code is not None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
        assert intake.find_by_receipt(code.group(0)).receipt_hash == receipt_hash
