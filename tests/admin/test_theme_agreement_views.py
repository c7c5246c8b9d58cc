"""The admin page of how often officers agree with the theme suggestions, and the model
version shown beside the suggestions in moderation."""

from datetime import UTC, datetime, timedelta

from engage.models import Role
from tests.helpers import heading, page
from tests.services.stories.test_theme_agreement import story

URL = "/admin/theme-suggestions"
STORY_WORDS = "A story about the bus and the landlord."


def test_the_page_explains_the_rates_and_shows_the_counts(app, client, login_as):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    with app.app_context():
        story(suggested={"housing", "transport"}, chosen={"housing"}, labelled_at=yesterday)
        story(language="pl", chosen={"jobs_economy"}, labelled_at=yesterday)
        story(
            language=None,
            version=None,
            suggested={"housing"},
            chosen={"housing"},
            labelled_at=yesterday,
        )
    login_as(Role.ADMIN)
    response = client.get(URL)
    assert response.status_code == 200
    soup = page(response)
    assert heading(response) == "How often officers agree with the theme suggestions"
    text = soup.get_text(" ", strip=True)
    assert "the model is drifting" in text and "last 90 days" in text
    assert STORY_WORDS not in text  # counts only
    captions = [c.get_text(strip=True) for c in soup.select("table caption")]
    assert captions == [
        "All stories in the last 90 days",
        "By theme",
        "By the story's language",
        "By theme model version",
        "English: by theme",
        "Not detected: by theme",
        "Polish: by theme",
    ]
    for table in soup.select("table"):
        headers = table.select("thead th")
        assert headers and all(th.get("scope") == "col" for th in headers)
        assert all(th.get("scope") == "row" for th in table.select("tbody th"))
        region = table.find_parent("div")
        assert region["role"] == "region" and region["aria-labelledby"] == table.caption["id"]

    def cells(table_index: int, label: str) -> list[str]:
        table = soup.select("table")[table_index]
        row = next(r for r in table.select("tbody tr") if r.th.get_text(strip=True) == label)
        return [td.get_text(" ", strip=True) for td in row.select("td")]

    # Stories, suggested, accepted, removed, officers' themes, added.
    assert cells(0, "All") == ["3", "3", "2 (67%)", "1 (33%)", "3", "1 (33%)"]
    assert cells(1, "Housing and homelessness") == ["2", "2", "2 (100%)", "0 (0%)", "2", "0 (0%)"]
    assert cells(1, "Transport and connectivity") == [
        "1",
        "1",
        "0 (0%)",
        "1 (100%)",
        "0",
        "0 (none chosen)",
    ]
    assert cells(2, "Polish") == [
        "1",
        "0",
        "0 (none suggested)",
        "0 (none suggested)",
        "1",
        "1 (100%)",
    ]
    assert cells(2, "Not detected")[0] == "1"
    assert cells(3, "2")[0] == "2"
    assert cells(3, "Not recorded (before versions were stored)")[0] == "1"


def test_with_nothing_labelled_the_page_says_so(client, login_as):
    login_as(Role.ADMIN)
    soup = page(client.get(URL))
    assert soup.select("table") == []
    assert "No officer has confirmed the themes" in soup.get_text()


def test_the_admin_menu_and_home_link_to_it(client, login_as):
    login_as(Role.ADMIN)
    assert page(client.get("/staff/")).find("a", href=URL).get_text() == "Theme suggestions"


def test_moderation_shows_which_model_suggested_the_themes(app, client, login_as):
    with app.app_context():
        versioned = story(suggested={"housing"}, version="2")
        unversioned = story(suggested={"housing"}, version=None)
    login_as(Role.ENGAGEMENT_OFFICER)
    shown = page(client.get(f"/moderation/{versioned}")).get_text(" ", strip=True)
    assert "Suggested by theme model version 2" in shown
    older = page(client.get(f"/moderation/{unversioned}")).get_text(" ", strip=True)
    assert "Suggested by theme model version" not in older
