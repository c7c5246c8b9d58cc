"""The data inventory (DPIA) covers every column, and story tables hold no more than
they need (UK GDPR Art 5(1)(c), 25, 30, 35)."""

from engage.data_inventory import CATEGORIES, INVENTORY
from engage.models import Base


def test_every_column_is_classified_once():
    missing, unknown, twice = [], [], []
    for table in Base.metadata.sorted_tables:
        entry = INVENTORY.get(table.name)
        if entry is None:
            missing.append(table.name)
            continue
        listed = [c for names in entry.columns.values() for c in names]
        twice += [f"{table.name}.{c}" for c in set(listed) if listed.count(c) > 1]
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in listed]
        unknown += [f"{table.name}.{c}" for c in listed if c not in table.columns]
    assert missing == [], "classify these in engage/data_inventory.py"
    assert unknown == [] and twice == []


def test_categories_purposes_and_retention_are_given():
    for name, entry in INVENTORY.items():
        assert set(entry.columns) <= CATEGORIES, name
        assert entry.purpose and entry.retention, name


def test_equality_answers_are_special_category_and_apart_from_the_story():
    special = INVENTORY["equality_answers"].columns["special"]
    assert "ethnic_group_id" in special and "religion" in special
    story_columns = {c.name for c in Base.metadata.tables["submissions"].columns}
    assert not story_columns & set(special)


def test_story_tables_keep_no_full_postcode_or_ip_address():
    for table in ("submissions", "submission_contacts", "equality_answers", "consent_events"):
        names = {c.name for c in Base.metadata.tables[table].columns}
        assert not {n for n in names if "ip" in n.split("_") or n in {"postcode", "postcode_full"}}
