"""A resident's open story lives on the server: the browser's cookie holds no code, and
"Remove my story from this browser", withdrawal and time end it for every copy."""

from __future__ import annotations

import base64
import json
import re
import zlib

from engage.services.stories import receipts
from tests.helpers import csrf_token, open_story_form, page, submit_form

STORY = "The letting agent stopped answering once he heard my accent."


def session_cookie(client) -> str:
    cookie = client.get_cookie("engage_session")
    return cookie.value if cookie else ""


def decoded(cookie: str) -> str:
    """What anyone holding the cookie can read: Flask signs it, it does not hide it."""
    payload = cookie.split(".")[1 if cookie.startswith(".") else 0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.startswith("."):
        raw = zlib.decompress(raw)
    return raw.decode("utf-8")


def send_story(client) -> tuple[str, str]:
    form = open_story_form(client)
    soup = page(form)
    fields = {
        name: soup.find("input", attrs={"name": name})["value"]
        for name in ("csrf_token", "age_group", "receipt_token", "notice_version")
    }
    client.post("/tell/story", data={**fields, "story": STORY, "consent_store": "y"})
    code = page(client.get("/tell/done")).select_one(".receipt-code").get_text(strip=True)
    return code, fields["receipt_token"]


def test_neither_the_cookie_nor_the_form_gives_the_code_away(client):
    code, receipt_token = send_story(client)
    bare = code.replace("-", "")
    readable = decoded(session_cookie(client))
    assert code not in readable and bare not in readable
    assert json.loads(readable)["intake"]  # only a random token
    assert re.fullmatch(r"[A-Za-z0-9_\-=]+", receipt_token)
    assert bare not in base64.urlsafe_b64decode(receipt_token + "==").decode("latin-1")


def test_a_copy_of_the_cookie_opens_nothing_once_the_story_is_removed_from_the_browser(app, client):
    code, _ = send_story(client)
    submit_form(client, "/your-story", {"code": code})
    assert client.get("/your-story/status").status_code == 200
    copied = session_cookie(client)  # someone copies the cookie (or it is left behind)
    client.post("/your-story/forget", data={"csrf_token": csrf_token(client, "/your-story")})

    replay = app.test_client()
    replay.set_cookie("engage_session", copied)
    for url in ["/your-story/status", "/your-story/download.json", "/your-story/choices"]:
        assert replay.get(url).headers["Location"] == "/your-story", url
    assert replay.get("/tell/done").headers["Location"] == "/tell"  # nor the thank-you page


def test_the_thank_you_page_code_is_gone_for_a_copied_cookie_after_forget(app, client):
    code, _ = send_story(client)
    copied = session_cookie(client)
    client.post("/your-story/forget", data={"csrf_token": csrf_token(client, "/tell/done")})
    replay = app.test_client()
    replay.set_cookie("engage_session", copied)
    response = replay.get("/tell/done")
    assert response.headers["Location"] == "/tell"
    assert receipts.display(code) not in response.get_data(as_text=True)


def test_sessions_past_their_time_are_purged(app, client):
    from datetime import timedelta

    from sqlalchemy import func, select

    from engage.extensions import db
    from engage.models import ResidentSession
    from engage.services.stories import resident_sessions
    from tests.helpers import age_resident_sessions

    send_story(client)  # an intake session: an hour
    with app.app_context():
        assert resident_sessions.purge_expired() == 0
    age_resident_sessions(app, timedelta(minutes=61))
    with app.app_context():
        assert resident_sessions.purge_expired() == 1
        assert db.session.scalar(select(func.count()).select_from(ResidentSession)) == 0
