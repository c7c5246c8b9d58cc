"""Reference data (areas, themes, ethnic groups, functions and indicators) in the reader's language.

The rows live in the database, seeded in English by migration 0002 and editable by
administrators. Their seeded wording is listed here, marked for translation, so that
`make extract-messages` puts each one in the catalogues; a page shows a row through
`translated`, which finds that translation. A label an administrator has since
reworded has no translation yet and shows as written, until translators add it.
tests/test_translations.py fails if a seeded label has no translation.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

SEEDED_LABELS = (
    # Themes
    _l("Jobs and the economy"),
    _l("Education and skills"),
    _l("Transport and connectivity"),
    _l("Housing and homelessness"),
    _l("Health and wellbeing"),
    _l("Criminal justice"),
    # Local authorities: the seven constituent members, then the non-constituent ones
    _l("Birmingham"),
    _l("Coventry"),
    _l("Dudley"),
    _l("Sandwell"),
    _l("Solihull"),
    _l("Walsall"),
    _l("Wolverhampton"),
    _l("Cannock Chase"),
    _l("North Warwickshire"),
    _l("Nuneaton and Bedworth"),
    _l("Redditch"),
    _l("Rugby"),
    _l("Shropshire"),
    _l("Stratford-on-Avon"),
    _l("Tamworth"),
    _l("Telford and Wrekin"),
    _l("Warwickshire"),
    # 2021 census ethnic groups: headings, then groups
    _l("Asian, Asian British or Asian Welsh"),
    _l("Black, Black British, Black Welsh, Caribbean or African"),
    _l("Mixed or Multiple ethnic groups"),
    _l("White"),
    _l("Other ethnic group"),
    _l("Prefer not to say"),
    _l("English, Welsh, Scottish, Northern Irish or British"),
    _l("Irish"),
    _l("Gypsy or Irish Traveller"),
    _l("Roma"),
    _l("Any other White background"),
    _l("White and Black Caribbean"),
    _l("White and Black African"),
    _l("White and Asian"),
    _l("Any other Mixed or Multiple background"),
    _l("Indian"),
    _l("Pakistani"),
    _l("Bangladeshi"),
    _l("Chinese"),
    _l("Any other Asian background"),
    _l("Caribbean"),
    _l("African"),
    _l("Any other Black, Black British or Caribbean background"),
    _l("Arab"),
    _l("Any other ethnic group"),
    # The functions of the 2025 terms of reference and their indicators (public figures)
    _l("Strategic influence"),
    _l("Amplify community voice"),
    _l("Data driven decisions"),
    _l("Social innovation"),
    _l("Accountability"),
    _l("Champion inclusion"),
    _l("Number and significance of decisions influenced."),
    _l("Implementation of equity-related findings and reports (e.g., \u201cGolden Decade\u201d)."),
    _l("Examples of positive impact on resident outcomes."),
    _l("Number of community groups engaged within WMCA decision making."),
    _l("Feedback from community partners."),
    _l("Use of equity data within outcome measures."),
    _l("Completion of Health and Equity Impact Assessments."),
    _l("Examples of best practice shared between WMCA partners."),
    _l("Number of community-led initiatives supported; external funding secured."),
    _l("WMCA Board to review and publish an annual progress report."),
    _l("RET to track the implementation of strategic equity commitments."),
    _l("Increased leadership diversity within WMCA."),
)


def translated(label: str | None) -> str | None:
    """A stored label in the reader's language, or as stored if it has no translation."""
    return gettext(label) if label else label
