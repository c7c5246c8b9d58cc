"""A form sent after its page expired: nothing is stored, nothing typed is lost, and the
page says to send it again. A post that did not come from this site keeps nothing."""

from freezegun import freeze_time
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import CommunityGroup
from tests.groups.test_registration_views import valid_form
from tests.helpers import csrf_token, error_summary, page


def groups(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CommunityGroup))


def test_an_expired_registration_page_keeps_everything_and_asks_to_send_again(app, client):
    with freeze_time("2026-12-01 09:00"):
        token = csrf_token(client, "/groups/register")
    data = valid_form(app, name="Ladywood <Somali> Mothers", communities_served="Families")
    with freeze_time("2026-12-01 12:30"):  # the token lasts two hours
        response = client.post("/groups/register", data={"csrf_token": token, **data})
        assert response.status_code == 400
        soup = page(response)
        assert soup.select_one("#expired-page-title").get_text() == "Nothing has been sent yet"
        assert soup.find("input", attrs={"name": "name"})["value"] == "Ladywood <Somali> Mothers"
        assert soup.find("textarea", attrs={"name": "communities_served"}).get_text().strip() == (
            "Families"
        )
        assert soup.find("input", attrs={"name": "contact_consent"}).has_attr("checked")
        assert error_summary(response) == []  # not judged: it was not sent
        assert groups(app) == 0
        # The page carries a fresh token: sending it again works.
        fresh = soup.find("input", attrs={"name": "csrf_token"})["value"]
        again = client.post("/groups/register", data={"csrf_token": fresh, **data})
    assert again.status_code == 302
    assert groups(app) == 1


def test_a_post_from_elsewhere_is_refused_and_shows_nothing_it_sent(app, client):
    client.get("/groups/register")
    data = valid_form(app, name="Planted by another site")
    response = client.post("/groups/register", data={"csrf_token": "forged", **data})
    assert response.status_code == 400
    assert "Planted by another site" not in response.get_data(as_text=True)
    assert groups(app) == 0
