"""Evidence datasets and their versions: created and uploaded with an audit row each,
numbered one after another, kept byte for byte, and shaped for a chart and a table."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Indicator, Role
from engage.models.evidence import EvidenceDataset, EvidenceVersion
from engage.services.common import audit
from engage.services.common.transaction import NotFound, ServiceError
from engage.services.evidence import datasets
from engage.services.evidence.validation import FileProblems
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n"
CSV = (
    b"\xef\xbb\xbfethnic_group,area,period,value,lower,upper,sample_size\r\n"
    b"White,West Midlands,2023,76.4,75.8,77,21850\r\n"
    b"Indian,West Midlands,2023,72.5,,,\r\n"
    b"White,Birmingham,2023,73.2,,,\r\n"
    b"All,Birmingham,2023,1234.5,,,\r\n"
)


@pytest.fixture
def secretariat(ctx):
    return factories.user(role=Role.SECRETARIAT)


def indicator_id(slug: str = "equity_data_in_outcomes") -> int:
    return db.session.scalar(select(Indicator.id).where(Indicator.slug == slug))


def make(actor, title="Employment rate by ethnic group", **fields) -> EvidenceDataset:
    return datasets.create_dataset(
        datasets.DatasetInput(
            title=title,
            measure=fields.pop("measure", "Employment rate, people aged 16 to 64"),
            unit=fields.pop("unit", "%"),
            **fields,
        ),
        actor=actor,
    )


def upload(dataset_id, actor, content=CSV, **fields) -> EvidenceVersion:
    values = {
        "filename": "employment.csv",
        "content": content,
        "source": "ONS Annual Population Survey",
        "licence": "Open Government Licence v3.0",
        **fields,
    }
    return datasets.upload_version(dataset_id, datasets.VersionInput(**values), actor=actor)


def test_create_a_dataset_attached_to_an_indicator(secretariat):
    made = make(secretariat, indicator_id=indicator_id(), description="  From the APS.\n")
    assert made.indicator.slug == "equity_data_in_outcomes"
    assert made.created_by_id == secretariat.id
    assert made.description == "  From the APS.\n"  # as typed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("evidence%")))
    assert (event.action, event.object_type, event.object_id) == (
        "evidence_dataset.created",
        "evidence_dataset",
        made.id,
    )
    assert event.detail == f"indicator={made.indicator_id}"


def test_a_dataset_needs_a_title_and_measure_and_a_real_indicator(secretariat):
    with pytest.raises(ServiceError) as refused:
        make(secretariat, title=" ", measure="", indicator_id=999999)
    assert set(refused.value.errors) == {"title", "measure", "indicator_id"}
    assert db.session.scalar(select(EvidenceDataset.id)) is None


def test_titles_are_unique_whatever_their_capitals(secretariat):
    make(secretariat, title="Attainment at key stage 2")
    problems = datasets.dataset_problems(
        datasets.DatasetInput(title="attainment at KEY STAGE 2", measure="x")
    )
    assert "already a dataset with this title" in problems["title"]


def test_uploads_are_numbered_and_kept_exactly(secretariat):
    made = make(secretariat)
    first = upload(made.id, secretariat, note="First")
    second_csv = CSV.replace(b"72.5", b"72.9")
    second = upload(made.id, secretariat, content=second_csv, source_url="https://www.ons.gov.uk/")
    assert (first.version, second.version) == (1, 2)
    assert datasets.csv_bytes(datasets.get_version(made.id, 1)) == CSV
    assert datasets.csv_bytes(datasets.get_version(made.id, 2)) == second_csv
    assert first.row_count == 4 and first.filename == "employment.csv"
    assert first.uploaded_by_id == secretariat.id
    stored = json.loads(first.rows_json)
    assert stored["columns"][0] == "ethnic_group" and len(stored["rows"]) == 4
    details = db.session.scalars(
        select(AuditEvent.detail)
        .where(AuditEvent.action == "evidence_version.uploaded")
        .order_by(AuditEvent.id)
    ).all()
    assert details == [
        f"version=1 rows=4 bytes={len(CSV)}",
        f"version=2 rows=4 bytes={len(second_csv)}",
    ]


def test_a_refused_file_keeps_nothing_and_says_everything(secretariat):
    made = make(secretariat)
    with pytest.raises(FileProblems) as refused:
        upload(made.id, secretariat, content=b"ethnic_group,value\nIndian,x\n", source="")
    assert refused.value.problems == ["Row 2: value \u201cx\u201d is not a number."]
    assert set(refused.value.errors) == {"file", "source"}
    assert db.session.scalar(select(EvidenceVersion.id)) is None
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action.like("evidence_v%")))
        is None
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"source": ""}, "source"),
        ({"licence": "   "}, "licence"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"source_url": "ftp://example.org/file.csv"}, "source_url"),
        ({"source_url": "https://"}, "source_url"),
        ({"source_url": "https://user:pw@example.org/"}, "source_url"),
        ({"source_url": "http://[::1"}, "source_url"),
        ({"content": b"", "filename": ""}, "file"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_what_an_upload_needs(secretariat, fields, field):
    made = make(secretariat)
    with pytest.raises(ServiceError) as refused:
        upload(made.id, secretariat, **fields)
    assert list(refused.value.errors) == [field]


def test_http_and_https_source_addresses_are_kept(secretariat):
    made = make(secretariat)
    version = upload(made.id, secretariat, source_url="http://www.nomisweb.co.uk/query")
    assert version.source_url == "http://www.nomisweb.co.uk/query"


def test_the_file_name_loses_its_folders_and_downloads_with_its_version(secretariat):
    made = make(secretariat)
    version = upload(made.id, secretariat, filename="C:\\Users\\me\\APS <2023>.csv")
    assert version.filename == "APS <2023>.csv"
    assert datasets.download_name(version) == "APS 2023 (version 1).csv"


def test_a_view_by_area_for_the_chart_and_the_table(secretariat):
    made = make(secretariat)
    upload(made.id, secretariat)
    view = datasets.latest_view(made.id)
    assert (view.title, view.unit, view.version) == ("Employment rate by ethnic group", "%", 1)
    assert view.labels == ["White", "Indian", "All ethnic groups"]
    assert view.series == ["West Midlands", "Birmingham"]
    assert view.values == [[76.4, 72.5, None], [73.2, None, 1234.5]]
    assert view.table_columns == [
        "Ethnic group",
        "Area",
        "Period",
        "Value (%)",
        "Lower limit",
        "Upper limit",
        "Sample size",
    ]
    assert view.table_rows[0] == [
        "White",
        "West Midlands",
        "2023",
        "76.4",
        "75.8",
        "77",
        "21,850",
    ]
    assert (
        view.table_rows[3]
        == ["All ethnic groups", "Birmingham", "2023", "1,234.5"] + ["\u2013"] * 3
    )
    assert view.source == "ONS Annual Population Survey"
    assert view.licence == "Open Government Licence v3.0"


def test_a_view_by_area_and_period_and_one_with_neither(secretariat):
    made = make(secretariat)
    upload(
        made.id,
        secretariat,
        content=b"ethnic_group,area,period,value\nIrish,Coventry,2022,1\nIrish,Coventry,2023,2\n"
        b"Irish,Dudley,2023,3\n",
    )
    view = datasets.latest_view(made.id)
    assert view.series == ["Coventry, 2022", "Coventry, 2023", "Dudley, 2023"]
    assert view.values == [[1], [2], [3]]
    assert view.table_columns == ["Ethnic group", "Area", "Period", "Value (%)"]

    plain = make(secretariat, title="Counts", unit="")
    upload(plain.id, secretariat, content=b"ethnic_group,value\nIrish,1\nCaribbean,2\n")
    view = datasets.latest_view(plain.id)
    assert view.series == ["Employment rate, people aged 16 to 64"]
    assert view.values == [[1, 2]]
    assert view.table_columns == ["Ethnic group", "Value"]


def test_latest_view_and_for_indicator(secretariat):
    indicator = indicator_id()
    empty = make(secretariat, title="B: no figures yet", indicator_id=indicator)
    second = make(secretariat, title="C: second", indicator_id=indicator)
    first = make(secretariat, title="a: first", indicator_id=indicator)
    other = make(secretariat, title="Elsewhere", indicator_id=indicator_id("leadership_diversity"))
    for made in (second, first, other):
        upload(made.id, secretariat)
    upload(first.id, secretariat, note="again")
    assert datasets.latest_view(empty.id) is None
    assert datasets.latest_view(999999) is None
    views = datasets.for_indicator(indicator)
    assert [(v.title, v.version) for v in views] == [("a: first", 2), ("C: second", 1)]
    assert datasets.for_indicator(999999) == []


def test_the_chart_is_a_png(secretariat):
    made = make(secretariat)
    upload(made.id, secretariat)
    png = datasets.chart_png(datasets.latest_view(made.id))
    assert png.startswith(PNG)
    assert png == datasets.chart_png(datasets.latest_view(made.id))  # the same bytes


def test_the_system_may_upload(ctx):
    made = make(audit.SYSTEM)
    version = upload(made.id, audit.SYSTEM)
    assert made.created_by_id is None and version.uploaded_by_id is None
    actors = db.session.scalars(select(AuditEvent.actor_id).where(AuditEvent.action.like("evid%")))
    assert list(actors) == [None, None]


def test_unknown_ids(ctx):
    with pytest.raises(NotFound):
        datasets.get(999999)
    with pytest.raises(NotFound):
        datasets.get_version(999999, 1)
    with pytest.raises(NotFound):
        upload(999999, audit.SYSTEM)


def test_indicator_groups_follow_the_terms_of_reference(ctx):
    groups = datasets.indicator_groups()
    assert len(groups) == 6
    assert sum(len(indicators) for _function, indicators in groups) == 12
    assert groups[2][0] == "Data driven decisions"
    assert "Use of equity data within outcome measures." in [t for _i, t in groups[2][1]]


def test_the_reference_lists_come_from_the_tables(ctx):
    found = datasets.reference()
    assert found.groups["asian_indian"].label == "Indian"
    assert found.groups["Indian"].key == "asian_indian"
    assert found.groups["White"].key == "heading:White"
    assert "prefer_not_to_say" not in found.groups
    assert found.areas[0] == "West Midlands" and "Birmingham" in found.areas


def test_the_demo(ctx):
    from engage import demo_evidence

    factories.user(role=Role.SECRETARIAT)
    demo_evidence.load(date(2026, 11, 23))
    demo_evidence.load(date(2026, 11, 23))  # a second time adds nothing
    views = datasets.for_indicator(indicator_id())
    assert [v.version for v in views] == [2, 1]
    assert all("(illustrative)" in v.title for v in views)
    employment = next(v for v in views if v.title.startswith("Employment"))
    assert employment.series == ["West Midlands", "Birmingham", "Wolverhampton"]
    assert employment.labels[-1] == "All ethnic groups"
    assert employment.licence == "Open Government Licence v3.0"
    assert "Sample size" in employment.table_columns
    kinds = db.session.scalars(select(AuditEvent.actor_role).where(AuditEvent.action.like("evid%")))
    assert set(kinds) == {"secretariat"}
