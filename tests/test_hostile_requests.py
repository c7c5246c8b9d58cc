"""Hostile requests get a clear 4xx, never a 500: arbitrary bytes to every route, JSON
where a form is expected, NUL characters, bodies too large, and a forged
X-Forwarded-For that would otherwise reset every per-address limit."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.config import TestConfig
from engage.models import Role
from tests.helpers import csrf_token, submit_form

CONTENT_TYPES = [
    None,
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded; charset=latin-1",
]


def _urls(app, ids) -> list[str]:
    """Every route, its variables filled with things that exist."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {name: ids.get(name, 1) for name in rule.arguments}
        if "token" in rule.arguments:
            values["token"] = "not-a-token"
        if "kind" in rule.arguments:
            values["kind"] = "heia"  # a register's kind is one of its names, not a number
        urls.add(rule.build(values)[1])
    return sorted(urls)


def _fuzz(app, client, urls, data) -> None:
    url = data.draw(st.sampled_from(urls), label="url")
    method = data.draw(st.sampled_from(["GET", "POST"]), label="method")
    query = data.draw(st.binary(max_size=60), label="query")
    body = data.draw(st.binary(max_size=200), label="body")
    content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content type")
    extra_path = data.draw(st.sampled_from(["", "/x", "%00", "%ff%fe", "/..%2f", "%0d%0a"]))
    headers = {"Content-Type": content_type} if content_type else {}
    path = (url.rstrip("/") + extra_path) if extra_path.startswith("/") else url + extra_path
    response = client.open(
        path or "/",
        method=method,
        # The raw bytes, as a WSGI server hands them over (decoded as Latin-1).
        environ_overrides={"QUERY_STRING": query.decode("latin-1")},
        data=body if method == "POST" else None,
        headers=headers,
    )
    assert response.status_code < 500, (url, method, query, body, content_type)


SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=st.data())
def test_arbitrary_bytes_to_every_route_never_give_a_500_to_a_stranger(app, client, ids, data):
    _fuzz(app, client, _urls(app, ids), data)


@SETTINGS
@given(data=st.data())
def test_arbitrary_bytes_to_every_route_never_give_a_500_to_an_administrator(
    app, client, ids, login_as, data
):
    if not getattr(client, "_signed_in_for_fuzz", False):
        login_as(Role.ADMIN, email=f"fuzz-{datetime.now(UTC).timestamp()}@test.example")
        client._signed_in_for_fuzz = True
        with client.session_transaction() as session:
            session["confirmed_at"] = 9e12  # no fresh-code step in the way
    _fuzz(app, client, _urls(app, ids), data)


def test_json_where_a_form_is_expected_is_refused_not_a_500(client):
    for url in ["/tell/story", "/tell/age", "/sign-in", "/your-story", "/groups/register"]:
        for body in ['"a string"', "42", "[1, 2]", '{"story": "x"}']:
            response = client.post(url, data=body, content_type="application/json")
            assert response.status_code == 415, (url, body)


def test_a_nul_character_is_refused_at_the_edge(app, client, login_as):
    response = submit_form(client, "/sign-in", {"email": "a\x00@b.example", "password": "x"})
    assert response.status_code == 400
    login_as(Role.SECRETARIAT)
    assert client.get("/admin/memberships?body=task\x00force").status_code == 400
    assert client.get("/moderation/?theme=\x00").status_code in (400, 403)


def test_a_body_far_larger_than_any_form_is_refused_without_being_read(client):
    huge = b"story=" + b"x" * (100 * 1024 * 1024)
    response = client.post(
        "/your-story", data=huge, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def _guess_codes(client, headers_for) -> list[int]:
    statuses = []
    for n in range(12):
        token = csrf_token(client, "/your-story")
        response = client.post(
            "/your-story",
            data={"csrf_token": token, "code": f"0K0M-X1PD-9R{n % 10}A"},
            headers=headers_for(n),
        )
        statuses.append(response.status_code)
    return statuses


def test_a_forged_forwarded_for_does_not_reset_a_limit(fresh_app, database_url):
    config = TestConfig(database_url=database_url)
    config.TRUSTED_PROXIES = "127.0.0.1"
    config.TRUSTED_PROXY_COUNT = 1
    app = fresh_app(config)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"  # not the proxy
    statuses = _guess_codes(client, lambda n: {"X-Forwarded-For": f"203.0.113.{n}"})
    assert statuses[-1] == 429  # ten guesses, then refused, whatever the header says


def test_the_configured_proxy_is_believed(fresh_app, database_url):
    config = TestConfig(database_url=database_url)
    config.TRUSTED_PROXIES = "127.0.0.1"
    config.TRUSTED_PROXY_COUNT = 1
    app = fresh_app(config)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.1"  # the proxy, passing on clients
    statuses = _guess_codes(client, lambda n: {"X-Forwarded-For": f"203.0.113.{n}"})
    assert 429 not in statuses  # twelve different clients, one guess each


def test_gunicorn_is_a_declared_dependency():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert any(dep.startswith("gunicorn") for dep in project["project"]["dependencies"])
