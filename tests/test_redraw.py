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
        assert response.status_code == 200  # the page again: nothing was sent
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


# Only residents' and groups' form pages are drawn again, and only as a GET of that
# page: nothing else can be reached this way (found in review).


def _a_pending_group(app) -> int:
    from engage.models import GroupType

    with app.app_context():
        group = CommunityGroup(
            name="Ladywood Mothers",
            group_type=GroupType.COMMUNITY_GROUP,
            contact_name="Hodan",
            contact_email="hodan@ladywood.example",
            communities_served="Families",
        )
        db.session.add(group)
        db.session.commit()
        return group.id


def test_an_old_token_reaches_no_staff_view_and_shows_nothing(app, client):
    group_id = _a_pending_group(app)
    with freeze_time("2026-12-01 09:00"):
        token = csrf_token(client, "/groups/register")
    with freeze_time("2026-12-01 12:30"):
        for url in [f"/officer/groups/{group_id}/reject", f"/officer/groups/{group_id}/verify"]:
            response = client.post(url, data={"csrf_token": token, "reason": "x"})
            assert response.status_code == 400, url
            assert "hodan@ladywood.example" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CommunityGroup, group_id).status.value == "pending"


def test_a_language_field_does_not_switch_off_the_csrf_check(app, client, login_as):
    from engage.models import Role

    group_id = _a_pending_group(app)
    login_as(Role.ENGAGEMENT_OFFICER)
    for url in [f"/officer/groups/{group_id}/verify", "/sign-out", "/your-story/forget"]:
        response = client.post(url, data={"switch_language": "pl"})
        assert response.status_code == 400, url
    with app.app_context():
        assert db.session.get(CommunityGroup, group_id).status.value == "pending"
    assert client.get("/staff/").status_code == 200  # still signed in


def test_a_forged_story_post_ticks_no_box_and_plants_no_address(app, client):
    response = client.post(
        "/tell/story",
        data={
            "csrf_token": "forged",
            "age_group": "18_plus",
            "story": "Words someone else chose",
            "consent_store": "y",
            "consent_quote": "y",
            "consent_contact": "y",
            "contact_email": "attacker@evil.example",
        },
    )
    # Only the words come back (a resident whose session was lost keeps them), unsent;
    # no choice is made for them and no address is planted to receive their code.
    soup = page(response)
    assert "attacker@evil.example" not in response.get_data(as_text=True)
    assert not soup.select("input[type=checkbox][checked]")
    with app.app_context():
        from engage.models import Submission

        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_every_page_with_language_buttons_can_be_drawn_again(app):
    """A page that sends its form with the language buttons must opt in (@redrawable),
    or the button would be refused as a send without a valid token."""
    import re
    from pathlib import Path

    templates = Path(app.template_folder)
    with_buttons = {
        path.relative_to(templates).as_posix()
        for path in templates.rglob("*.html")
        if re.search(r"set language_form", path.read_text(encoding="utf-8"))
    }
    redrawable = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "redrawable", False)
    }
    assert with_buttons == {
        "account/set_password.html",
        "auth/forgotten_password.html",
        "auth/sign_in.html",
        "groups/register.html",
        "receipt/choices.html",
        "receipt/find.html",
        "receipt/withdraw.html",
        "stories/about_you.html",
        "stories/age.html",
        "stories/assisted.html",
        "stories/story.html",
    }
    assert redrawable == {
        "auth.forgotten_password",
        "auth.reset_password",
        "auth.set_password",
        "auth.sign_in",
        "groups.group_story",
        "groups.register",
        "stories.about_you",
        "stories.age",
        "stories.change_choices",
        "stories.find_story",
        "stories.story",
        "stories.withdraw",
        "stories.your_equality_answers",
    }


def test_signed_out_while_writing_the_words_are_shown_to_copy(app, client, login_as):
    from engage.models import GroupStatus, GroupType, Role

    user_id = login_as(Role.GROUP_CONTACT, email="hodan@ladywood.example")
    with app.app_context():
        db.session.add(
            CommunityGroup(
                name="Ladywood Mothers",
                group_type=GroupType.COMMUNITY_GROUP,
                contact_name="Hodan",
                contact_email="hodan@ladywood.example",
                communities_served="Families",
                status=GroupStatus.VERIFIED,
                contact_user_id=user_id,
            )
        )
        db.session.commit()
    form = page(client.get("/group/stories/new")).find("form", id="assisted-form")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    story = "She was told <go home> at the bus stop.\nمیں ڈر گئی۔"
    with client.session_transaction() as session:
        session["seen_at"] = session["seen_at"] - 31 * 60  # half an hour writing
    response = client.post(
        "/group/stories/new",
        data={**fields, "age": "18_plus", "story": story, "consent_store": "y", "attested": "y"},
    )
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text() == "Nothing has been sent yet"
    shown = [block.get_text() for block in soup.select(".story-original")]
    assert shown == [story]
    assert soup.find("a", string="Sign in again")["href"] == "/sign-in?next=/group/stories/new"
    with app.app_context():
        from engage.models import Submission

        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    assert client.get("/group/").status_code == 302  # signed out
