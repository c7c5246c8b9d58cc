"""Data for the figures tests: stories with words and contact details that must never
appear in anything public, and the public records (decisions, "you said, we did",
measurements, annual reports) the page lists. Call inside an app context."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AnnualReport,
    EthnicGroup,
    Indicator,
    InfluencedDecision,
    LoopClosure,
    LoopClosureText,
    Measurement,
    Theme,
)
from engage.models.accountability import PeriodKind, Rag, Significance
from tests import factories
from tests.services.figures import microdata

# Words planted in stories and contact details: no public output may hold them.
SECRET_STORY = "Zebulon-Quartzfield told us the landlord ignored the damp for 14 months"
SECRET_CHANGE = "Xanthippe-Moorcroft wants repairs done"
SECRET_EMAIL = "zebulon.quartzfield@private.example"
SECRET_PHONE = "07700 900461"
SECRET_OTHER_ETHNIC = "Quorrish-Valdane heritage"
SECRETS = (SECRET_STORY, SECRET_CHANGE, SECRET_EMAIL, SECRET_PHONE, SECRET_OTHER_ETHNIC)

NOW = datetime(2027, 1, 15, 9, tzinfo=UTC)


def planted_stories() -> None:
    """Real stories through intake, with contact details and equality answers."""
    from engage.services.stories import intake

    for _ in range(3):
        story = factories.submission(
            SECRET_STORY,
            contact=True,
            contact_email=SECRET_EMAIL,
            contact_phone=SECRET_PHONE,
            equality=True,
            what_to_change=SECRET_CHANGE,
        )
        other_any = db.session.scalar(select(EthnicGroup.id).where(EthnicGroup.code == "other_any"))
        intake.record_equality_answers(
            story.id,
            {
                "ethnic_group_id": str(other_any),
                "ethnic_group_other": SECRET_OTHER_ETHNIC,
                "sex": "female",
                "age_band": "35_44",
            },
        )


def many_stories() -> None:
    """Enough stories for published (not only hidden) numbers."""
    run = microdata.Story(
        "E08000025", 2025, 3, frozenset({"housing"}), ("asian_pakistani", "asian", "female", None)
    )
    other = microdata.Story("E08000028", 2026, 2, frozenset({"transport"}), None)
    microdata.insert([run] * 23 + [other] * 31)


def theme(slug: str) -> Theme:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def decision(title: str = "Bus fares for carers frozen", **fields) -> InfluencedDecision:
    values = {
        "title": title,
        "decided_by": "WMCA Board",
        "decided_on": date(2026, 6, 12),
        "what_changed": "Fares frozen for a year.",
        "significance": Significance.SIGNIFICANT,
    } | fields
    found = InfluencedDecision(**values)
    db.session.add(found)
    db.session.commit()
    return found


def closure(
    made: InfluencedDecision,
    *,
    slug: str | None = "transport",
    published: bool = True,
    texts: dict[str, tuple[str, str]] | None = None,
) -> LoopClosure:
    found = LoopClosure(
        decision=made,
        theme=theme(slug) if slug else None,
        published_at=datetime(2026, 7, 1, tzinfo=UTC) if published else None,
    )
    for locale, (said, did) in (texts or {"en": ("Fares cost too much.", "Fares frozen.")}).items():
        found.texts.append(LoopClosureText(locale=locale, you_said=said, we_did=did))
    db.session.add(found)
    db.session.commit()
    return found


def measurement(
    slug: str,
    start: date,
    value: str | None,
    *,
    version: int = 1,
    published: bool = True,
    kind: PeriodKind = PeriodKind.QUARTER,
    narrative: str = "",
) -> Measurement:
    indicator = db.session.scalar(select(Indicator).where(Indicator.slug == slug))
    found = Measurement(
        indicator=indicator,
        period_kind=kind,
        period_start=start,
        version=version,
        value=Decimal(value) if value is not None else None,
        narrative=narrative,
        rag=Rag.GREEN,
        rag_reason="On course.",
        source="Engagement records",
        published_at=datetime(2026, 8, 1, tzinfo=UTC) if published else None,
    )
    db.session.add(found)
    db.session.commit()
    return found


def annual_report(year: int, *, published: bool = True) -> AnnualReport:
    found = AnnualReport(
        year=year, published_at=datetime(2026, 6, 1, tzinfo=UTC) if published else None
    )
    db.session.add(found)
    db.session.commit()
    return found


def everything() -> None:
    """A site with stories, planted secrets and every kind of public record."""
    planted_stories()
    many_stories()
    made = decision()
    decision(
        "Housing repairs standard", significance=Significance.MAJOR, decided_on=date(2025, 9, 1)
    )
    closure(
        made,
        texts={
            "en": ("Fares cost too much.", "Fares frozen."),
            "pl": ("Bilety drogie.", "Ceny zamrożone."),
        },
    )
    closure(made, slug=None)
    closure(made, published=False, texts={"en": ("Draft said.", "Draft did.")})
    measurement("community_groups_engaged", date(2026, 4, 1), "12")
    measurement("community_groups_engaged", date(2026, 7, 1), "15")
    measurement("community_groups_engaged", date(2026, 7, 1), "16", version=2)
    measurement("community_groups_engaged", date(2026, 7, 1), "99", version=3, published=False)
    measurement(
        "community_partner_feedback",
        date(2026, 4, 1),
        None,
        kind=PeriodKind.YEAR,
        narrative="Partners said the meetings were clearer.",
    )
    annual_report(2025)
    annual_report(2026, published=False)
