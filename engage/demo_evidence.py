"""Demo evidence data: two illustrative datasets by census ethnic group heading, attached
to the indicator "Use of equity data within outcome measures", one of them in two
versions so versioning shows. The figures are made up for the demo, in the shape and
size of published statistics, and every title says so."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engage.extensions import db
from engage.models import Indicator, Role, User
from engage.models.evidence import EvidenceDataset
from engage.services.common import audit
from engage.services.evidence import datasets

INDICATOR = "equity_data_in_outcomes"
LICENCE = "Open Government Licence v3.0"
ILLUSTRATIVE = (
    "Illustrative figures made up for the Engage demonstration, in the shape of the "
    "Annual Population Survey's published tables. Not real statistics: do not quote them."
)
EMPLOYMENT = "Employment rate, people aged 16 to 64, by ethnic group (illustrative)"
ATTAINMENT = (
    "Pupils meeting the expected standard in reading, writing and maths at key stage 2, "
    "by ethnic group (illustrative)"
)
HEADINGS = [
    "White",
    "Mixed or Multiple ethnic groups",
    "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African",
    "Other ethnic group",
    "All",
]
# Employment rate (%) by heading, in the order above: (value, half-width of the 95%
# confidence interval, sample size).
EMPLOYMENT_RATES = {
    "West Midlands": [
        (76.4, 0.6, 21850),
        (66.2, 3.1, 940),
        (64.8, 1.3, 5120),
        (67.5, 2.2, 1830),
        (59.9, 3.8, 650),
        (73.1, 0.5, 30390),
    ],
    "Birmingham": [
        (73.2, 1.4, 4310),
        (63.5, 4.2, 480),
        (60.7, 1.8, 2890),
        (64.1, 2.9, 1020),
        (57.2, 4.9, 390),
        (67.6, 0.9, 9090),
    ],
    "Wolverhampton": [
        (73.8, 2.3, 1540),
        (64.9, 7.4, 110),
        (65.3, 3.6, 620),
        (66.8, 5.1, 300),
        (58.0, 9.2, 70),
        (70.2, 1.8, 2640),
    ],
}
# Key stage 2 attainment (%) in the West Midlands, by heading, for two school years.
ATTAINMENT_RATES = {
    "White": (56, 58),
    "Mixed or Multiple ethnic groups": (57, 59),
    "Asian, Asian British or Asian Welsh": (60, 62),
    "Black, Black British, Black Welsh, Caribbean or African": (55, 58),
    "Other ethnic group": (52, 54),
    "All": (57, 59),
}


def _employment_csv(year: int, *, with_intervals: bool) -> bytes:
    header = "ethnic_group,area,period,value"
    if with_intervals:
        header += ",lower,upper,sample_size"
    lines = [header]
    for area, figures in EMPLOYMENT_RATES.items():
        for heading, (value, margin, sample) in zip(HEADINGS, figures, strict=True):
            line = f'"{heading}",{area},{year},{value}'
            if with_intervals:
                line += f",{value - margin:.1f},{value + margin:.1f},{sample}"
            lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _attainment_csv(year: int) -> bytes:
    lines = ["ethnic_group,area,period,value"]
    for offset in (0, 1):
        period = f"{year - 1 + offset}/{str(year + offset)[-2:]}"
        for heading, values in ATTAINMENT_RATES.items():
            lines.append(f'"{heading}",West Midlands,{period},{values[offset]}')
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(today: date) -> None:
    """Add the demo datasets, as the secretariat would (or as the system, if there is
    no secretariat account). Does nothing if they are already there."""
    if db.session.scalar(select(EvidenceDataset.id).where(EvidenceDataset.title == EMPLOYMENT)):
        return
    actor = (
        db.session.scalar(select(User).where(User.role == Role.SECRETARIAT).order_by(User.id))
        or audit.SYSTEM
    )
    indicator = db.session.scalar(select(Indicator.id).where(Indicator.slug == INDICATOR))
    year = today.year - 2  # published statistics run a year or two behind
    source = "Illustrative, after the Office for National Statistics' Annual Population Survey"

    employment = datasets.create_dataset(
        datasets.DatasetInput(
            title=EMPLOYMENT,
            measure="Employment rate, people aged 16 to 64",
            unit="%",
            description=ILLUSTRATIVE,
            indicator_id=indicator,
        ),
        actor=actor,
    )
    for with_intervals, note in (
        (False, "First upload: the rates only."),
        (True, "Confidence intervals (95%) and sample sizes added."),
    ):
        datasets.upload_version(
            employment.id,
            datasets.VersionInput(
                filename=f"employment-rate-by-ethnic-group-{year}.csv",
                content=_employment_csv(year, with_intervals=with_intervals),
                source=source,
                source_url="https://www.ons.gov.uk/employmentandlabourmarket",
                licence=LICENCE,
                note=note,
            ),
            actor=actor,
        )

    attainment = datasets.create_dataset(
        datasets.DatasetInput(
            title=ATTAINMENT,
            measure="Pupils meeting the expected standard in reading, writing and maths",
            unit="%",
            description=ILLUSTRATIVE.replace(
                "the Annual Population Survey's published tables",
                "the Department for Education's key stage 2 attainment tables",
            ),
            indicator_id=indicator,
        ),
        actor=actor,
    )
    datasets.upload_version(
        attainment.id,
        datasets.VersionInput(
            filename=f"key-stage-2-attainment-{year}.csv",
            content=_attainment_csv(year),
            source="Illustrative, after the Department for Education's key stage 2 attainment",
            source_url="https://explore-education-statistics.service.gov.uk/",
            licence=LICENCE,
            note="",
        ),
        actor=actor,
    )
