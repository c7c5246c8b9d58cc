"""Hostile words in what the public sees (issue 14): a decision and its "you said, we
did" summary, written by staff with markup, spreadsheet formulas, Markdown, SQL-looking
strings and odd Unicode, show literally on the public pages; in the open-data CSV no
cell can start a formula (= + - @, a tab or a carriage return get an apostrophe) and
each cell reads back through csv.reader to the words shown; the JSON carries them
exactly."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.extensions import db
from engage.models import User
from engage.services.accountability import closing_loop, decisions
from engage.services.common.transaction import ServiceError
from engage.services.figures import snapshots
from engage.services.figures.downloads import FORMULA_STARTS
from tests import factories
from tests.adversarial_text_fuzz import (
    FORMULAS,
    assert_no_markup_from_payload,
    hostile_text,
)

# Half the time the words start with a formula, which is what the CSV must defuse.
words = st.one_of(
    hostile_text(min_size=1),
    st.tuples(st.sampled_from(FORMULAS), hostile_text(max_pieces=3)).map("".join),
)


def _publish(actor_id: int, title: str, decided_by: str, said: str, did: str):
    """Through the services, as the secretariat's forms do; None if they refuse it."""
    actor = db.session.get(User, actor_id)
    try:
        decision = decisions.add(
            decisions.DecisionInput(
                title=title,
                decided_by=decided_by,
                decided_on=date(2026, 6, 12),
                what_changed="Fares frozen for a year.",
                significance="3",
            ),
            actor=actor,
        )
        closure = closing_loop.write(
            decision.id, closing_loop.ClosureInput(texts={"en": (said, did)}), actor=actor
        )
    except ServiceError:
        db.session.rollback()
        return None
    closing_loop.publish(closure.id, version=closure.version, actor=actor)
    text = closure.texts[0]
    return decision.title, decision.decided_by, text.you_said, text.we_did


def _csv_cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_staff_words_show_literally_and_export_safely(app, client):
    with app.app_context():
        actor_id = factories.user().id
    published = {"count": 0}

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(title=words, decided_by=words, said=words, did=words)
    def check(title, decided_by, said, did):
        with app.app_context():
            stored = _publish(actor_id, title, decided_by, said, did)
            if stored is None:
                return  # blank or too long: the form says so (its own tests)
            snapshots.refresh(datetime.now(UTC))
        published["count"] += 1
        title, decided_by, said, did = stored

        for url in ("/you-said-we-did", "/figures/"):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            assert_no_markup_from_payload(html)
            shown = BeautifulSoup(html, "html.parser")
            texts = [p.get_text() for p in shown.select(".pre-wrap")]
            if url == "/you-said-we-did":
                assert said in texts and did in texts
                assert any(title in hint.get_text() for hint in shown.select(".hint"))
            else:
                assert title in texts and decided_by in texts

        exported = client.get("/figures/decisions.csv")
        assert exported.status_code == 200
        rows = _csv_cells(exported.get_data(as_text=True))
        for row in rows:
            for cell in row.values():
                assert not cell.startswith(FORMULA_STARTS), cell
        ours = [r for r in rows if r["title"].removeprefix("'") == title]
        assert ours, "the decision is not in the download"
        for field, typed in (("title", title), ("decided_by", decided_by)):
            cell = ours[0][field]
            assert cell == ("'" + typed if typed.startswith(FORMULA_STARTS) else typed)

        document = json.loads(client.get("/figures/decisions.json").get_data(as_text=True))
        assert {"title": title, "decided_by": decided_by}.items() <= next(
            r for r in document["rows"] if r["title"] == title
        ).items()

    check()
    assert published["count"] >= 5, "almost every example was refused"
