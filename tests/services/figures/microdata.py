"""Random stories for the disclosure tests: the microdata, its true counts for every
quantity the tables can show (worked out here, apart from the code under test), and
putting it in the database as real rows."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st
from sqlalchemy import delete, select

AREAS = ("E08000025", "E08000028", "E08000030", None)
THEMES = ("housing", "transport", "health_wellbeing")
# (code, heading code): two headings with several groups, one with one, and the rest.
ETHNIC = (
    ("white_british", "white"),
    ("white_roma", "white"),
    ("asian_indian", "asian"),
    ("asian_pakistani", "asian"),
    ("black_african", "black"),
    ("prefer_not_to_say", "prefer_not_to_say"),
    (None, "not_answered"),
)
SEXES = ("female", "male", "prefer_not_to_say", None)
AGES = ("18_24", "25_34", "65_74", None)
QUARTERS = ((2025, 1), (2025, 3), (2026, 2))


@dataclass(frozen=True)
class Story:
    area: str | None
    year: int
    quarter: int
    themes: frozenset[str]
    # (ethnic group code or None, heading code, sex, age band) if they answered and agreed.
    equality: tuple | None


story = st.builds(
    lambda area, when, themes, equality: Story(area, *when, frozenset(themes), equality),
    st.sampled_from(AREAS),
    st.sampled_from(QUARTERS),
    st.sets(st.sampled_from(THEMES), max_size=2),
    st.none()
    | st.builds(
        lambda ethnic, sex, age: (*ethnic, sex, age),
        st.sampled_from(ETHNIC),
        st.sampled_from(SEXES),
        st.sampled_from(AGES),
    ),
)
# Runs of identical stories, so that counts of every size turn up: 1-9 beside 10-40.
microdata = st.lists(st.tuples(story, st.integers(1, 14)), max_size=20).map(
    lambda runs: [s for s, times in runs for _ in range(times)]
)


def _dims(s: Story) -> dict[str, set[str]]:
    """Every value each dimension takes for this story (themes: several)."""
    found = {
        "area": {s.area or "not_given"},
        "financial_year": {str(s.year)},
        "quarter": {f"Q{s.quarter}"},
        "theme": set(s.themes),
    }
    if s.equality:
        ethnic, heading, sex, age = s.equality
        found |= {
            "ethnic_group": {heading},
            "ethnic_group_detailed": {ethnic or "not_answered"},
            "sex": {sex or "not_answered"},
            "age_band": {age or "not_answered"},
        }
    return found


def truth(stories: list[Story], keys) -> dict[tuple, int]:
    """The real count of each key, by counting stories one by one."""
    found = {}
    for k in keys:
        population, dims = k
        count = 0
        for s in stories:
            if population == "equality" and not s.equality:
                continue
            values = _dims(s)
            if all(code in values.get(name, set()) for name, code in dims):
                count += 1
        found[k] = count
    return found


def grouped(stories: list[Story]):
    """The counts as the database groups them (for the builder without a database)."""
    from collections import Counter

    from engage.services.figures.counts import Grouped

    out = Grouped()
    out.stories = dict(Counter((s.area or "not_given", s.year, s.quarter) for s in stories))
    out.themes = dict(Counter((t, s.year) for s in stories for t in s.themes))
    out.equality = dict(
        Counter(
            (
                e[0] or "not_answered",
                e[2] or "not_answered",
                e[3] or "not_answered",
                s.area or "not_given",
            )
            for s in stories
            if (e := s.equality)
        )
    )
    return out


def all_keys(tables: list[dict]) -> list[tuple]:
    from tests.services.figures.attack import read

    return list(read(tables).values)


_serial = itertools.count(1)


def moment(year: int, quarter: int) -> datetime:
    """Noon UTC, ten days into the quarter."""
    month = 4 + (quarter - 1) * 3
    start = datetime(year + (month > 12), (month - 1) % 12 + 1, 1, 12, tzinfo=UTC)
    return start + timedelta(days=10)


def insert(stories: list[Story]) -> None:
    """The stories as rows: received, counted, with their themes and equality answers."""
    from engage.extensions import db
    from engage.models import (
        ConfirmedTheme,
        EqualityAnswers,
        EthnicGroup,
        LocalAuthority,
        Submission,
        Theme,
    )

    areas = dict(db.session.execute(select(LocalAuthority.code, LocalAuthority.id)).all())
    themes = dict(db.session.execute(select(Theme.slug, Theme.id)).all())
    ethnic = dict(db.session.execute(select(EthnicGroup.code, EthnicGroup.id)).all())
    first = (db.session.scalar(select(Submission.id).order_by(Submission.id.desc())) or 0) + 1
    rows, confirmed, answers = [], [], []
    for n, s in enumerate(stories, start=first):
        when = moment(s.year, s.quarter)
        rows.append(
            {
                "id": n,
                "receipt_hash": hashlib.sha256(f"figures-{next(_serial)}".encode()).hexdigest(),
                "status": "approved",
                "channel": "web",
                "age_group": "18_plus",
                "story": "A story for the figures tests.",
                "local_authority_id": areas[s.area] if s.area else None,
                "consent_store": True,
                "consent_equality": s.equality is not None,
                "counted": True,
                "created_at": when,
                "updated_at": when,
                "tagging_status": "done",
                "language_flagged": False,
                "safeguarding": False,
            }
        )
        confirmed += [{"submission_id": n, "theme_id": themes[t]} for t in sorted(s.themes)]
        if s.equality:
            code, _, sex, age = s.equality
            answers.append(
                {
                    "submission_id": n,
                    "ethnic_group_id": ethnic[code] if code else None,
                    "sex": sex,
                    "age_band": age,
                    "created_at": when,
                }
            )
    if rows:
        db.session.execute(Submission.__table__.insert(), rows)
    if confirmed:
        db.session.execute(ConfirmedTheme.__table__.insert(), confirmed)
    if answers:
        db.session.execute(EqualityAnswers.__table__.insert(), answers)
    db.session.commit()


def remove_all() -> None:
    from engage.extensions import db
    from engage.models import (
        ConfirmedTheme,
        EqualityAnswers,
        FiguresSnapshot,
        Submission,
    )

    for model in (ConfirmedTheme, EqualityAnswers, FiguresSnapshot, Submission):
        db.session.execute(delete(model))
    db.session.commit()
