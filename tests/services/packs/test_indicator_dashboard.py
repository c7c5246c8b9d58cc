"""A meeting pack carries the indicator dashboard: every function's indicators with the
latest published measurement when the pack was built, never a draft."""

import io
import json
from datetime import timedelta

from pypdf import PdfReader

from engage import clock
from engage.models import Role
from engage.services.accountability import measurements, periods
from engage.services.accountability.measurements import MeasurementInput
from engage.services.common.audit import SYSTEM
from engage.services.packs import builder
from tests import factories


def test_the_pack_shows_published_figures_and_not_drafts(ctx):
    secretary = factories.user(role=Role.SECRETARIAT, email="sec@test.example")
    diversity = measurements.indicator_by_slug("leadership_diversity")
    published = measurements.record(
        diversity.id,
        periods.year(2025),
        MeasurementInput(
            value="13.6",
            rag="amber",
            rag_reason="Rising & <still> short of 20%.",
            source="WMCA workforce report",
        ),
        actor=secretary,
    )
    measurements.publish(published.id, version=published.row_version, actor=secretary)
    feedback = measurements.indicator_by_slug("community_partner_feedback")
    measurements.record(
        feedback.id,
        periods.quarter(2026, 2),
        MeasurementInput(narrative="Draft words", rag="green", rag_reason="Draft reason"),
        actor=secretary,
    )
    meeting = factories.meeting(on=clock.today() + timedelta(days=7))
    pack = builder.build(meeting.id, actor=SYSTEM)
    content = json.loads(pack.content)
    [section] = [s for s in content["sections"] if s["heading"] == "Indicators"]
    assert [b["caption"] for b in section["blocks"]] == [f.title for f in measurements.functions()]
    rows = {row[0]: row for block in section["blocks"] for row in block["rows"]}
    assert len(rows) == 12
    assert rows[diversity.text][1:4] == ["2025/26", "13.6%", "Amber"]
    assert rows[feedback.text][2] == "Not yet measured"  # the draft is not shown
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(builder.pdf_of(pack))).pages
        ).split()
    )
    assert "Rising & <still> short of 20%." in text
