"""Dates far outside any meeting's range are refused beside the field, never a 500."""

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import Body, Role
from tests.helpers import error_summary, submit_form

YEAR_PAGE = "/meetings/year?body_id={body}&start_time=14:00&place=Hall&"


@pytest.fixture
def taskforce(app, login_as):
    login_as(Role.SECRETARIAT)
    with app.app_context():
        return db.session.scalar(select(Body.id).where(Body.slug == "taskforce"))


@pytest.mark.parametrize(
    "query",
    [
        "first_on=9999-06-01&count=12&every=2&unit=months",
        "first_on=9999-12-31&count=2&every=1&unit=weeks",
    ],
)
def test_a_years_schedule_far_ahead_is_refused(client, taskforce, query):
    response = client.get(YEAR_PAGE.format(body=taskforce) + query)
    assert response.status_code == 200
    assert any("between 2000 and 2100" in message for message in error_summary(response))


def test_attendance_rates_for_a_far_period_do_not_break(client, taskforce):
    response = client.get(
        "/meetings/attendance-rates?body=taskforce&from_on=2026-01-01&to_on=9999-12-31"
    )
    assert response.status_code == 200


def test_a_meeting_in_year_9999_is_refused_and_the_place_kept(client, taskforce):
    response = submit_form(
        client,
        "/meetings/new",
        {
            "body_id": str(taskforce),
            "meeting_on": "9999-12-31",
            "start_time": "14:00",
            "place": "Council House <Room 2>",
            "status": "scheduled",
        },
    )
    assert response.status_code == 200
    assert any("between 2000 and 2100" in message for message in error_summary(response))
    assert 'value="Council House &lt;Room 2&gt;"' in response.get_data(as_text=True)
