"""Reference data: themes, local authorities, 2021 census ethnic groups, the six
functions of the 2025 terms of reference with their indicators, and the two standing
bodies (the Taskforce and its Members Advisory Group).

The data is written out here, not imported, so this migration means the same thing
however the application code changes later. Admins may edit the rows afterwards.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

THEMES = [
    ("jobs_economy", "Jobs and the economy"),
    ("education_skills", "Education and skills"),
    ("transport", "Transport and connectivity"),
    ("housing", "Housing and homelessness"),
    ("health_wellbeing", "Health and wellbeing"),
    ("criminal_justice", "Criminal justice"),
]

# ONS GSS codes. Constituent members of the combined authority first.
LOCAL_AUTHORITIES = [
    ("E08000025", "Birmingham", True),
    ("E08000026", "Coventry", True),
    ("E08000027", "Dudley", True),
    ("E08000028", "Sandwell", True),
    ("E08000029", "Solihull", True),
    ("E08000030", "Walsall", True),
    ("E08000031", "Wolverhampton", True),
    ("E07000192", "Cannock Chase", False),
    ("E07000218", "North Warwickshire", False),
    ("E07000219", "Nuneaton and Bedworth", False),
    ("E07000236", "Redditch", False),
    ("E07000220", "Rugby", False),
    ("E06000051", "Shropshire", False),
    ("E07000221", "Stratford-on-Avon", False),
    ("E07000199", "Tamworth", False),
    ("E06000020", "Telford and Wrekin", False),
    ("E10000031", "Warwickshire", False),
]

ASIAN = "Asian, Asian British or Asian Welsh"
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
MIXED = "Mixed or Multiple ethnic groups"
WHITE = "White"
OTHER = "Other ethnic group"
NOT_SAID = "Prefer not to say"

# The 19 categories of the 2021 census for England and Wales, under their 5 headings,
# in the order the census question asks them, then "prefer not to say".
ETHNIC_GROUPS = [
    ("white_british", WHITE, "English, Welsh, Scottish, Northern Irish or British", False),
    ("white_irish", WHITE, "Irish", False),
    ("white_gypsy_irish_traveller", WHITE, "Gypsy or Irish Traveller", False),
    ("white_roma", WHITE, "Roma", False),
    ("white_other", WHITE, "Any other White background", True),
    ("mixed_white_black_caribbean", MIXED, "White and Black Caribbean", False),
    ("mixed_white_black_african", MIXED, "White and Black African", False),
    ("mixed_white_asian", MIXED, "White and Asian", False),
    ("mixed_other", MIXED, "Any other Mixed or Multiple background", True),
    ("asian_indian", ASIAN, "Indian", False),
    ("asian_pakistani", ASIAN, "Pakistani", False),
    ("asian_bangladeshi", ASIAN, "Bangladeshi", False),
    ("asian_chinese", ASIAN, "Chinese", False),
    ("asian_other", ASIAN, "Any other Asian background", True),
    ("black_caribbean", BLACK, "Caribbean", False),
    ("black_african", BLACK, "African", True),
    ("black_other", BLACK, "Any other Black, Black British or Caribbean background", True),
    ("other_arab", OTHER, "Arab", False),
    ("other_any", OTHER, "Any other ethnic group", True),
    ("prefer_not_to_say", NOT_SAID, "Prefer not to say", False),
]

# The functions and indicators of the 2025 terms of reference, as written there.
FUNCTIONS = [
    (
        "strategic_influence",
        "Strategic influence",
        "Provide strategic advice and constructive challenge to embed race equity and "
        "community voice into decision making and improve resident outcomes. This includes "
        "identifying advancements in national policy and driving forward the implementation "
        "of existing equity-related findings and reports.",
        [
            ("decisions_influenced", "Number and significance of decisions influenced."),
            (
                "equity_reports_implemented",
                "Implementation of equity-related findings and reports "
                "(e.g., \u201cGolden Decade\u201d).",
            ),
            ("resident_outcome_examples", "Examples of positive impact on resident outcomes."),
        ],
    ),
    (
        "amplify_community_voice",
        "Amplify community voice",
        "Build trusted two-way relationships with communities and ensure their perspectives "
        "and lived experience shape decisions and solutions.",
        [
            (
                "community_groups_engaged",
                "Number of community groups engaged within WMCA decision making.",
            ),
            ("community_partner_feedback", "Feedback from community partners."),
        ],
    ),
    (
        "data_driven_decisions",
        "Data driven decisions",
        "Use robust data to embed race equity within decision making, programme design and "
        "delivery.",
        [
            ("equity_data_in_outcomes", "Use of equity data within outcome measures."),
            (
                "health_equity_assessments",
                "Completion of Health and Equity Impact Assessments.",
            ),
        ],
    ),
    (
        "social_innovation",
        "Social innovation",
        "Scale effective practice and support community-led approaches to drive systems "
        "change.",
        [
            ("best_practice_shared", "Examples of best practice shared between WMCA partners."),
            (
                "community_initiatives_supported",
                "Number of community-led initiatives supported; external funding secured.",
            ),
        ],
    ),
    (
        "accountability",
        "Accountability",
        "Hold WMCA and partners to account for delivering measurable improvements and report "
        "publicly on progress and impact.",
        [
            (
                "annual_progress_report",
                "WMCA Board to review and publish an annual progress report.",
            ),
            (
                "equity_commitments_tracked",
                "RET to track the implementation of strategic equity commitments.",
            ),
        ],
    ),
    (
        "champion_inclusion",
        "Champion inclusion",
        "Promote antiracism, allyship, intersectionality, and inclusive leadership for the "
        "region, advocating for all communities and protected groups.",
        [("leadership_diversity", "Increased leadership diversity within WMCA.")],
    ),
]

BODIES = [
    (
        "taskforce",
        "Race Equity Taskforce",
        "taskforce",
        "Provides strategic advice and constructive challenge to the WMCA and its partners, "
        "to embed race equity and community voice within decision making.",
    ),
    (
        "members-advisory-group",
        "Members Advisory Group",
        "members_advisory_group",
        "Political representatives from local authorities: a bridge between the Taskforce, "
        "local authority activity and wider WMCA activity.",
    ),
]


def _table(name, *columns):
    return sa.table(name, *[sa.column(c) for c in columns])


def upgrade():
    themes = _table("themes", "slug", "label", "sort_order", "active")
    op.bulk_insert(
        themes,
        [
            {"slug": slug, "label": label, "sort_order": i, "active": True}
            for i, (slug, label) in enumerate(THEMES, start=1)
        ],
    )
    authorities = _table("local_authorities", "code", "name", "constituent", "active")
    op.bulk_insert(
        authorities,
        [
            {"code": code, "name": name, "constituent": constituent, "active": True}
            for code, name, constituent in LOCAL_AUTHORITIES
        ],
    )
    groups = _table("ethnic_groups", "code", "heading", "label", "sort_order", "allows_description")
    op.bulk_insert(
        groups,
        [
            {
                "code": code,
                "heading": heading,
                "label": label,
                "sort_order": i,
                "allows_description": described,
            }
            for i, (code, heading, label, described) in enumerate(ETHNIC_GROUPS, start=1)
        ],
    )
    functions = _table("taskforce_functions", "id", "slug", "title", "description", "sort_order")
    indicators = _table("indicators", "function_id", "slug", "text", "sort_order")
    connection = op.get_bind()
    for position, (slug, title, description, items) in enumerate(FUNCTIONS, start=1):
        connection.execute(
            functions.insert().values(
                slug=slug, title=title, description=description, sort_order=position
            )
        )
        function_id = connection.execute(
            sa.select(sa.column("id")).select_from(sa.table("taskforce_functions")).where(
                sa.column("slug") == slug
            )
        ).scalar_one()
        op.bulk_insert(
            indicators,
            [
                {"function_id": function_id, "slug": i_slug, "text": text, "sort_order": n}
                for n, (i_slug, text) in enumerate(items, start=1)
            ],
        )
    bodies = _table("bodies", "slug", "name", "kind", "description", "active")
    op.bulk_insert(
        bodies,
        [
            {"slug": slug, "name": name, "kind": kind, "description": text, "active": True}
            for slug, name, kind, text in BODIES
        ],
    )


def downgrade():
    connection = op.get_bind()
    bodies = sa.table("bodies", sa.column("slug"))
    connection.execute(bodies.delete().where(bodies.c.slug.in_([b[0] for b in BODIES])))
    for name in ("indicators", "taskforce_functions", "ethnic_groups", "local_authorities", "themes"):
        connection.execute(sa.table(name).delete())
