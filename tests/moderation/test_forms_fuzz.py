"""Whatever is posted to the moderation forms, the answer is a page, never a crash
(ASVS 5.1.3, 5.1.4), and a refused change leaves the story and the audit log as they were.

Two bugs these properties found (KNOWN BUG A and B below) are fixed and kept as explicit
regression tests."""

from __future__ import annotations

import os
from datetime import UTC, timedelta, timezone

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    AuditEvent,
    Channel,
    OutboxMessage,
    Role,
    SafeguardingFlag,
    Submission,
    ThemeLabel,
    User,
)
from engage.services.common import reference
from engage.services.stories import intake, moderation, safeguarding
from tests import factories
from tests.helpers import csrf_token

# The same switch conftest.py uses to run the suite on PostgreSQL.
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
# The largest value of an INTEGER column on PostgreSQL (ids and versions).
INTEGER_MAX = 2**31 - 1

OFFICER_EMAIL = "engagement-officer@test.example"
HOLDER_EMAIL = "holder@test.example"

# The fields of each form on the review screen, by prefix.
FORMS = {
    "claim": ["version"],
    "redaction": ["version", "most_of_story_confirmed"],
    "add": ["version", "phrase", "kind"],
    "remove": ["version", "proposal_id"],
    "themes": ["version", "themes"],
    "summary": ["version", "summary"],
    "safeguarding": ["category", "concern"],
    "approve": ["version"],
    "reject": ["version", "reason"],
    "duplicate": ["version", "original"],
    "reopen": ["version"],
}
# Each POST endpoint under /moderation/<id>/ and the prefix of the form it reads.
ENDPOINTS = {
    "claim": "claim",
    "release": "claim",
    "redaction": "redaction",
    "redaction/add": "add",
    "redaction/remove": "remove",
    "themes": "themes",
    "summary": "summary",
    "safeguarding": "safeguarding",
    "approve": "approve",
    "reject": "reject",
    "duplicate": "duplicate",
    "reopen": "reopen",
}
# The endpoints whose service call is given the posted version.
VERSIONED = set(ENDPOINTS) - {"release", "safeguarding"}
CLOSE = "safeguarding/close"  # /moderation/safeguarding/<flag_id>/close, field action_taken

# Placeholders swapped for real values once the story exists, so that some requests
# are right and the success paths run too.
VERSION, STALE_VERSION = "@version", "@stale-version"
PROPOSAL, OTHER_STORY, SAME_STORY, THEME = "@proposal", "@other-story", "@same-story", "@theme"
PROPOSAL_KEY, EVERY_PROPOSAL_KEY = f"proposal-{PROPOSAL}", "@every-proposal"

ALL_FIELD_NAMES = sorted({name for fields in FORMS.values() for name in fields} | {"action_taken"})
KNOWN_KEYS = [f"{prefix}-{name}" for prefix in FORMS for name in ALL_FIELD_NAMES] + ALL_FIELD_NAMES

EDGE_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "+1",
    "1.5",
    "1e3",
    "0x10",
    " 1 ",
    "2147483646",
    "2147483647",
    "2147483648",
    "99999999999999999999",
    "9" * 40,
    "²",
    "١٢",
    "０１",
    "\x00",
    "a\x00b",
    "\u202e",
    "<script>alert(1)</script>",
    "&lt;b&gt;",
    "remove",
    "keep",
    "REMOVE",
    "y",
    "on",
    "true",
    "false",
    "NAME",
    "PHONE",
    "name",
    "risk_to_life",
    "transport",
    "no-such-theme",
    "Amina Yusuf",
    "07700 900123",
    "headscarf",
    "e",
    "The",
    VERSION,
    VERSION,
    STALE_VERSION,
    PROPOSAL,
    OTHER_STORY,
    SAME_STORY,
    THEME,
]
huge_values = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["a", "é", "<", "9", " ", "\n", "😀"]),
    st.sampled_from([12, 13, 199, 200, 201, 999, 1000, 1001, 1999, 2000, 2001, 5000]),
)
single_values = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=40),
    st.integers().map(str),
    huge_values,
)
values = st.one_of(single_values, st.lists(single_values, min_size=2, max_size=4))
proposal_keys = st.one_of(
    st.just(PROPOSAL_KEY),
    st.just(EVERY_PROPOSAL_KEY),
    st.integers().map(lambda n: f"proposal-{n}"),
    st.text(max_size=12).map(lambda s: f"proposal-{s}"),
    st.sampled_from(["proposal-", "Proposal-1", "proposal-²", "proposal-99999999999999999999"]),
)
any_key = st.one_of(st.sampled_from(KNOWN_KEYS), proposal_keys, st.text(max_size=20)).filter(
    lambda key: key != "csrf_token"
)


# Plausible values for each field, so that some requests succeed.
LIKELY = {
    "version": [VERSION, STALE_VERSION],
    "most_of_story_confirmed": ["y"],
    "phrase": ["Amina Yusuf", "bus", "07700 900123"],
    "kind": ["NAME", "PHONE"],
    "proposal_id": [PROPOSAL],
    "themes": [THEME, "transport", [THEME, "transport"]],
    "summary": ["Refused by a driver."],
    "category": ["risk_to_life"],
    "concern": ["Says they feel unsafe at home."],
    "reason": ["Not about the region."],
    "original": [OTHER_STORY, SAME_STORY],
    "action_taken": ["The lead rang them."],
}


@st.composite
def moderation_posts(draw) -> tuple[str, dict]:
    """An endpoint and a form for it: each of its own fields missing, plausible or random;
    for the redaction, decisions on the proposals; and noise (other forms' fields, wrong
    prefixes, random keys)."""
    endpoint = draw(st.sampled_from([*ENDPOINTS, CLOSE]))
    prefix = ENDPOINTS.get(endpoint)
    names = FORMS[prefix] if prefix else ["action_taken"]
    data = {}
    for name in names:
        if name == "version" and draw(st.booleans()):
            value = VERSION  # most requests should get past the version check
        else:
            value = draw(st.one_of(st.none(), st.sampled_from(LIKELY[name]), values))
        if value is not None:
            data[f"{prefix}-{name}" if prefix else name] = value
    if endpoint == "redaction":
        decisions = st.one_of(st.sampled_from(["remove", "keep"]), single_values)
        every = draw(st.one_of(st.none(), decisions))
        if every is not None:
            data[EVERY_PROPOSAL_KEY] = every
        data.update(draw(st.dictionaries(proposal_keys, decisions, max_size=3)))
    noise = draw(st.dictionaries(any_key, values, max_size=4))
    return endpoint, {**noise, **data}


# --- known bugs --------------------------------------------------------------------------


def _first(value):
    """What a form field reads when a key is posted several times."""
    return value[0] if isinstance(value, list) else value


# --- setting up a story ------------------------------------------------------------------

SETUPS = [
    "received",
    "claimed_by_me",
    "held_by_other",
    "hand_marked",
    "ready_to_approve",
    "rejected",
    "withdrawn",
]


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email)) or factories.user(
        role=Role.ENGAGEMENT_OFFICER, email=email
    )


def _officer(app, login_as, client) -> int:
    """Sign in once per test; Hypothesis's examples share the client."""
    if not client.get_cookie("engage_session"):
        return login_as(Role.ENGAGEMENT_OFFICER)
    with app.app_context():
        return _user(OFFICER_EMAIL).id


def _prepare(setup: str, officer: User) -> Submission:
    story = factories.submission()
    if setup == "claimed_by_me":
        moderation.claim(story.id, officer)
    elif setup == "held_by_other":
        moderation.claim(story.id, _user(HOLDER_EMAIL))
    elif setup == "hand_marked":
        moderation.add_redaction(story.id, officer, story.version, phrase="bus", kind="NAME")
    elif setup in ("ready_to_approve", "rejected"):
        moderation.confirm_redaction(
            story.id, officer, story.version, {p.id: True for p in story.pii_proposals}
        )
        moderation.confirm_themes(story.id, officer, story.version, ["transport"])
        if setup == "rejected":
            moderation.reject(story.id, officer, story.version, "Not about the region.")
    return db.session.get(Submission, story.id)


def _state(story_id: int, flag_id: int | None) -> dict:
    """Everything a refused request must leave as it was."""
    db.session.expire_all()
    story = db.session.get(Submission, story_id)
    flag = db.session.get(SafeguardingFlag, flag_id) if flag_id else None
    label = db.session.get(ThemeLabel, story_id)
    return {
        "status": story.status,
        "version": story.version,
        "redacted_story": story.redacted_story,
        "officer_summary": story.officer_summary,
        "audit rows (not views)": db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action != "submission.viewed")
        ),
        "claimed_by_id": story.claimed_by_id,
        "claimed_until": story.claimed_until,
        "decision_reason": story.decision_reason,
        "duplicate_of_id": story.duplicate_of_id,
        "redaction_confirmed_at": story.redaction_confirmed_at,
        "themes_confirmed_at": story.themes_confirmed_at,
        "proposals": sorted((p.id, p.status.value) for p in story.pii_proposals),
        "theme label": label.themes if label else None,
        "safeguarding": story.safeguarding,
        "flags": db.session.scalar(select(func.count()).select_from(SafeguardingFlag)),
        "flag": (flag.closed_at, flag.action_taken) if flag else None,
        "emails": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
    }


def _resolve(data: dict, known: dict[str, str], proposal_ids: list[int]) -> dict:
    """Swap the placeholders for the real values."""

    def value(v):
        return [known.get(x, x) for x in v] if isinstance(v, list) else known.get(v, v)

    resolved = {}
    for key, v in data.items():
        if key == EVERY_PROPOSAL_KEY:
            resolved.update({f"proposal-{pid}": value(v) for pid in proposal_ids})
        else:
            resolved[key.replace(PROPOSAL, known[PROPOSAL])] = value(v)
    return resolved


def _assert_answered(response) -> None:
    assert response.status_code < 500, response.status_code
    assert not response.headers.get("Location", "").startswith("/sign-in"), "signed out"


# --- properties --------------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    post=moderation_posts(),
    setup=st.sampled_from(SETUPS),
    flag_kind=st.sampled_from(["open", "closed", "missing"]),
)
def test_random_form_data_never_crashes_and_refusals_change_nothing(
    app, login_as, client, post, setup, flag_kind
):
    endpoint, data = post
    officer_id = _officer(app, login_as, client)
    with app.app_context():
        officer = db.session.get(User, officer_id)
        story = _prepare(setup if setup != "withdrawn" else "received", officer)
        story_id = story.id
        proposal_ids = [p.id for p in story.pii_proposals]
        other = db.session.scalar(
            select(Submission.id).where(Submission.id != story_id).order_by(Submission.id)
        )
        known = {
            VERSION: str(story.version),
            STALE_VERSION: str(story.version - 1),
            PROPOSAL: str(proposal_ids[-1] if proposal_ids else 0),
            OTHER_STORY: str(other or story_id + 1),
            SAME_STORY: str(story_id),
            THEME: reference.themes()[0].slug,
        }
        flag_id = None
        if endpoint == CLOSE:
            flag_id = factories.safeguarding_flag(story, officer=officer).id
            if flag_kind == "closed":
                safeguarding.close(flag_id, officer, action_taken="The lead rang them.")
    form = _resolve(data, known, proposal_ids)
    token = csrf_token(client, f"/moderation/{story_id}")
    with app.app_context():
        if setup == "withdrawn":
            intake.withdraw(story_id, keep_count=True, channel=Channel.WEB, language="en")
        before = _state(story_id, flag_id)
    if endpoint == CLOSE:
        target = flag_id + 1000 if flag_kind == "missing" else flag_id
        url = f"/moderation/safeguarding/{target}/close"
    else:
        url = f"/moderation/{story_id}/{endpoint}"

    response = client.post(url, data={**form, "csrf_token": token})

    event(f"{endpoint}: {response.status_code}")  # shown by --hypothesis-show-statistics
    _assert_answered(response)
    if 400 <= response.status_code < 500:
        with app.app_context():
            assert _state(story_id, flag_id) == before, (response.status_code, url, form)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    endpoint=st.sampled_from([*ENDPOINTS, CLOSE]),
    number=st.one_of(
        st.integers(min_value=0),
        st.sampled_from([INTEGER_MAX, INTEGER_MAX + 1, 2**63 - 1, 2**63, 10**20, 10**400]),
    ),
    post=moderation_posts(),
)
def test_unknown_ids_in_the_address_are_refused(app, login_as, client, endpoint, number, post):
    _officer(app, login_as, client)
    with app.app_context():
        story_id = factories.submission(tag=False).id
        taken = set(db.session.scalars(select(Submission.id))) | set(
            db.session.scalars(select(SafeguardingFlag.id))
        )
    assume(number not in taken)  # unknown ids only
    _, data = post
    token = csrf_token(client, f"/moderation/{story_id}")
    if endpoint == CLOSE:
        url = f"/moderation/safeguarding/{number}/close"
    else:
        url = f"/moderation/{number}/{endpoint}"

    response = client.post(url, data={**data, "csrf_token": token})

    _assert_answered(response)
    assert 400 <= response.status_code < 500, response.status_code


QUEUE_KEYS = ["status", "theme", "area", "language", "channel", "order", "after", "before"]
offsets = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=14))])
cursors = st.builds(
    lambda at, ident: f"{at.isoformat()}~{ident}",
    st.datetimes(timezones=st.none() | offsets),
    st.integers(min_value=-1, max_value=10**20),
)
queue_values = st.one_of(
    st.sampled_from(
        [
            "any",
            "received",
            "approved",
            "rejected",
            "duplicate",
            "withdrawn",
            "oldest",
            "newest",
            "en",
            "other",
            "web",
            "paper",
            "transport",
            "no-such-theme",
            "yes",
            "1",
            "0",
            "-1",
            "999999999",
            "9999999999",
            "²",
            "١٢",
            "\x00",
            "not-a-cursor",
            "~",
            "~1",
            "2026-01-01T00:00:00+00:00~1",
            "2026-01-01T00:00:00~1",
            "0001-01-01T00:00:00+14:00~1",
            "9999-12-31T23:59:59-14:00~1",
            "2026-01-01T00:00:00+00:00~2147483648",
            "2026-01-01T00:00:00+00:00~99999999999999999999",
            "2026-01-01T00:00:00+00:00~²",
        ]
    ),
    st.text(max_size=40),
    st.text(max_size=100),
    cursors,
)
query_strings = st.dictionaries(
    st.one_of(st.sampled_from([*QUEUE_KEYS, "safeguarding"]), st.text(max_size=10)),
    st.one_of(queue_values, st.lists(queue_values, min_size=2, max_size=3)),
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=query_strings)
def test_random_queue_filters_never_crash(app, login_as, client, query):
    _officer(app, login_as, client)
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Submission)) == 0:
            factories.submission()
            factories.submission("A second story about the trains.", tag=False)

    response = client.get("/moderation/", query_string=query)

    values = [
        v for value in query.values() for v in (value if isinstance(value, list) else [value])
    ]
    if any("\x00" in text for text in [*query, *values]):
        # A NUL anywhere is refused at the edge (engage.security), before any view.
        assert response.status_code == 400, response.status_code
        return
    assert response.status_code == 200, response.status_code


# --- explicit examples ---------------------------------------------------------------------


@pytest.fixture
def story(app, login_as, client) -> dict[str, str]:
    """A story waiting for review, the officer signed in, and a CSRF token."""
    login_as(Role.ENGAGEMENT_OFFICER)
    with app.app_context():
        made = factories.submission()
        found = {"story": str(made.id), "version": str(made.version)}
    return {**found, "token": csrf_token(client, f"/moderation/{found['story']}")}


def _send(client, request_line: str, story: dict[str, str]):
    """Send "METHOD /path field=value ...", with {story} and {version} filled in."""
    method, url, *fields = request_line.format(**story).split(" ")
    if method == "GET":
        return client.get(url)
    form = dict(field.split("=", 1) for field in fields)
    return client.post(url, data={**form, "csrf_token": story["token"]})


# Found by the properties above: these answered 500 until the application parsed ids and
# versions with engage.ids.parse_id and bounded the <int:...> route converter. Kept so
# that they stay fixed.
@pytest.mark.parametrize(
    "request_line",
    [
        # str.isdigit() accepts "²", which int() then refused (ValueError).
        "POST /moderation/{story}/claim claim-version=²",
        "POST /moderation/{story}/redaction redaction-version={version} proposal-²=remove",
        "POST /moderation/{story}/redaction/remove remove-version={version} remove-proposal_id=²",
        "POST /moderation/{story}/duplicate duplicate-version={version} duplicate-original=²",
        "GET /moderation/?area=²",
        # Numbers too big for the column went to the database (OverflowError from sqlite3,
        # "integer out of range" from PostgreSQL), or past 4,300 digits broke int().
        "POST /moderation/{story}/claim claim-version=99999999999999999999",
        "POST /moderation/{story}/approve approve-version=99999999999999999999",
        pytest.param(
            "POST /moderation/{story}/reopen reopen-version=" + "9" * 5000,
            id="reopen-version-of-5000-digits",
        ),
        "POST /moderation/99999999999999999999/claim claim-version=1",
        "POST /moderation/2147483648/claim claim-version=1",
        "POST /moderation/99999999999999999999/safeguarding safeguarding-concern=x",
        "POST /moderation/safeguarding/99999999999999999999/close action_taken=x",
        "POST /moderation/safeguarding/2147483648/close action_taken=x",
        "POST /moderation/{story}/duplicate duplicate-version={version} "
        "duplicate-original=999999999999",
        "GET /moderation/99999999999999999999",
        "GET /moderation/?after=2026-01-01T00:00:00%2B00:00~99999999999999999999",
    ],
)
def test_found_by_fuzzing_and_fixed(client, story, request_line):
    response = _send(client, request_line, story)
    assert response.status_code in (200, 400, 404, 409), response.status_code


# KNOWN BUG A (fixed; kept as a regression test): claim-version=2147483647 answered 500
# on PostgreSQL, because _take() ran UPDATE ... SET version = 2147483648, which an INTEGER
# column can't hold. _take now treats a version at the limit as stale (409).
@pytest.mark.parametrize(
    "request_line",
    [
        "POST /moderation/{story}/claim claim-version=2147483647",
        "POST /moderation/{story}/summary summary-version=2147483647 summary-summary=x",
    ],
)
def test_known_bug_a_largest_version_on_postgresql(client, story, request_line):
    assert _send(client, request_line, story).status_code == 409


# KNOWN BUG B (fixed; kept as a regression test): GET /moderation/?theme=a%00b answered
# 500. The theme filter went to the database as typed and psycopg refused it: DataError
# "PostgreSQL text fields cannot contain NUL (0x00) bytes". Now only slug-shaped values
# filter (moderation_queue.THEME_SLUG).
# SQLite answers 200, as it should. Since then a NUL anywhere in a request is refused at
# the edge with a 400 (engage.security), on both databases.
def test_known_bug_b_nul_in_the_theme_filter(client, story):
    assert _send(client, "GET /moderation/?theme=a%00b", story).status_code == 400
