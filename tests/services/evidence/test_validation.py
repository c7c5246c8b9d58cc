"""An evidence CSV checked against the declared Table Schema: what passes, and every
kind of refusal said in plain English with the row number a spreadsheet shows."""

import json

import pytest
from frictionless import Schema

from engage.services.evidence import validation
from engage.services.evidence.validation import FileProblems, Reference, check_csv

REFERENCE = Reference.build(
    [
        ("white_british", "White", "English, Welsh, Scottish, Northern Irish or British"),
        ("white_irish", "White", "Irish"),
        ("asian_indian", "Asian, Asian British or Asian Welsh", "Indian"),
        ("asian_pakistani", "Asian, Asian British or Asian Welsh", "Pakistani"),
        ("black_caribbean", "Black, Black British, Black Welsh, Caribbean or African", "Caribbean"),
        ("prefer_not_to_say", "Prefer not to say", "Prefer not to say"),
    ],
    ["Birmingham", "Coventry", "Wolverhampton"],
)
FULL_HEADER = "ethnic_group,area,period,value,lower,upper,sample_size"


def refused(content: bytes) -> FileProblems:
    with pytest.raises(FileProblems) as caught:
        check_csv(content, REFERENCE)
    return caught.value


def rows(*lines: str, header: str = FULL_HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


# What passes


def test_a_good_file_is_kept_as_typed_and_read_as_numbers():
    content = rows(
        "Indian,Birmingham,2023,72.5,70.1,74.9,1200",
        "asian_pakistani,Birmingham,2023,55.2,,,",
        "White,West Midlands,2023/24,76,,,",
        "All,,,70.1,,,0",
    )
    checked = check_csv(content, REFERENCE)
    assert checked.columns == FULL_HEADER.split(",")
    assert checked.text == content.decode("utf-8")
    first, second, third, fourth = checked.rows
    assert first == {
        "row": 2,
        "group": "asian_indian",
        "ethnic_group": "Indian",
        "area": "Birmingham",
        "period": "2023",
        "value": 72.5,
        "lower": 70.1,
        "upper": 74.9,
        "sample_size": 1200,
    }
    assert (second["group"], second["ethnic_group"]) == ("asian_pakistani", "Pakistani")
    assert (third["group"], third["ethnic_group"], third["value"]) == ("heading:White", "White", 76)
    assert (fourth["group"], fourth["area"], fourth["sample_size"]) == ("all", "", 0)
    json.dumps(checked.rows)  # kept as JSON


def test_only_the_two_needed_columns_in_any_order():
    checked = check_csv(b"value,ethnic_group\n12,Caribbean\n-3.5,Irish\n", REFERENCE)
    assert checked.columns == ["value", "ethnic_group"]
    assert [(r["ethnic_group"], r["value"]) for r in checked.rows] == [
        ("Caribbean", 12),
        ("Irish", -3.5),
    ]


def test_a_byte_order_mark_and_windows_line_endings_are_fine_and_kept():
    content = b"\xef\xbb\xbfethnic_group,value\r\nIndian,1\r\n"
    checked = check_csv(content, REFERENCE)
    assert checked.rows[0]["value"] == 1
    assert checked.text.encode("utf-8") == content


def test_empty_lines_are_skipped_and_later_rows_keep_their_spreadsheet_numbers():
    checked = check_csv(b"ethnic_group,value\nIndian,1\n\n,\nAll,2\n", REFERENCE)
    assert [r["row"] for r in checked.rows] == [2, 5]


def test_a_quoted_cell_may_hold_commas_and_line_breaks():
    checked = check_csv(
        b'ethnic_group,period,value\nIndian,"April 2023, to\nMarch 2024",3\nAll,2023,4\n',
        REFERENCE,
    )
    assert checked.rows[0]["period"] == "April 2023, to March 2024"
    assert checked.rows[1]["row"] == 3  # one spreadsheet row, though two lines


def test_formula_like_and_markup_text_is_kept_as_typed():
    checked = check_csv(
        b'ethnic_group,period,value\nIndian,"=HYPERLINK(""http://x"")",1\nAll,<b>2023</b>,2\n',
        REFERENCE,
    )
    assert [r["period"] for r in checked.rows] == ['=HYPERLINK("http://x")', "<b>2023</b>"]


# The file as a whole


def test_an_empty_file():
    assert "empty" in refused(b"").errors["file"]


def test_the_size_limit_is_two_megabytes():
    assert validation.MAX_BYTES == 2 * 1024 * 1024
    big = b"ethnic_group,value\n" + b"Indian,1\n" * (2 * 1024 * 1024 // 9 + 1)
    assert "2 MB or less" in refused(big).errors["file"]


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(validation, "MAX_ROWS", 3)
    lines = [f"All,,{year},1,,," for year in range(2000, 2004)]
    assert "more than 3 rows" in refused(rows(*lines)).errors["file"]
    assert check_csv(rows(*lines[:3]), REFERENCE).rows


def test_not_utf8():
    problem = refused("ethnic_group,value\nIrish,1\nAll,Ü\n".encode("cp1252"))
    assert "not saved as UTF-8" in problem.errors["file"]
    assert "CSV UTF-8" in problem.errors["file"]


def test_utf16_from_a_spreadsheet_is_not_utf8():
    assert "UTF-8" in refused("ethnic_group,value\nIrish,1\n".encode("utf-16")).errors["file"]


def test_a_workbook_is_not_a_csv():
    assert "spreadsheet workbook" in refused(b"PK\x03\x04\x14\x00rest").errors["file"]


def test_binary_is_not_a_csv():
    assert "not text" in refused(b"ethnic_group,value\n\x00\x01\x02,1\n").errors["file"]


def test_column_names_but_no_figures():
    assert "no rows of figures" in refused(b"ethnic_group,value\n\n").errors["file"]


# Row 1: the column names


def test_wrong_headers_say_which_are_unknown_and_which_missing():
    problem = refused(b"ethnic group,Value,notes,,area,area\nIndian,1,x,,,\n")
    assert problem.errors["file"].startswith("Row 1 of the file does not name the columns")
    assert problem.problems == [
        "Column D has no name in row 1. Delete that column, or name it.",
        "Column \u201cethnic group\u201d should be named exactly \u201cethnic_group\u201d.",
        "Column \u201cValue\u201d should be named exactly \u201cvalue\u201d.",
        "Row 1 names a column this table does not have: \u201cnotes\u201d. Delete it. The "
        "columns are: ethnic_group, area, period, value, lower, upper, sample_size.",
        "Row 1 names \u201carea\u201d more than once.",
    ]


def test_a_missing_required_column():
    problem = refused(b"ethnic_group,area\nIndian,Coventry\n")
    assert problem.problems == [
        "Row 1 does not name the column every file must have: \u201cvalue\u201d."
    ]


def test_extra_columns_are_refused():
    problem = refused(b"ethnic_group,value,confidence\nIndian,1,95\n")
    assert "does not have: \u201cconfidence\u201d" in problem.problems[0]


def test_semicolons_between_columns():
    problem = refused(b"ethnic_group;value\nIndian;1\n")
    assert problem.problems == [
        "The columns seem to be separated by semicolons or tabs. Save the file as CSV, with "
        "commas between the columns."
    ]


def test_no_column_names():
    assert "must name the columns" in refused(b"\nIndian,1\n").problems[0]


# Rows


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('Indian,,,"12,5",,,', 'Row 2: value "12,5" is not a number.'),
        ("Indian,,,12%,,,", 'Row 2: value "12%" is not a number.'),
        ("Indian,,,\u00a312,,,", 'Row 2: value "\u00a312" is not a number.'),
        ("Indian,,,NaN,,,", 'Row 2: value "NaN" is not a number.'),
        ("Indian,,,1_000,,,", 'Row 2: value "1_000" is not a number.'),
        ("Indian,,,\uff11\uff12,,,", 'Row 2: value "\uff11\uff12" is not a number.'),
        ("Indian,,,1e400,,,", 'Row 2: value "1e400" is too large.'),
        ("Indian,,,,,,", "Row 2: value is empty. Every row needs one."),
        (",,,1,,,", "Row 2: ethnic_group is empty. Every row needs one."),
        ("Indian,,,1,x,,", 'Row 2: lower "x" is not a number.'),
        ("Indian,,,1,,,12.5", 'Row 2: sample_size "12.5" is not a whole number.'),
        ("Indian,,,1,,,-4", 'Row 2: sample_size "-4" is below 0.'),
        ("Indian,,,5,6,,", "Row 2: lower (6) is above value (5)."),
        ("Indian,,,5,,4.5,", "Row 2: upper (4.5) is below value (5)."),
        (
            "Martian,,,1,,,",
            'Row 2: ethnic_group "Martian" is not a 2021 census ethnic group, a census '
            'heading or "All".',
        ),
        (
            "indian,,,1,,,",
            'Row 2: ethnic_group "indian" is not a 2021 census ethnic group, a census '
            'heading or "All". Did you mean "Indian"?',
        ),
        (
            "Prefer not to say,,,1,,,",
            'Row 2: ethnic_group "Prefer not to say" is not a 2021 census ethnic group, a '
            'census heading or "All".',
        ),
        (
            "Indian,Brum,,1,,,",
            'Row 2: area "Brum" is not a local authority name or "West Midlands".',
        ),
        (
            "Indian,west midlands,,1,,,",
            'Row 2: area "west midlands" is not a local authority name or "West Midlands". '
            'Did you mean "West Midlands"?',
        ),
        ("Indian,,,1", "Row 2 has 4 cells, but row 1 names 7 columns."),
        (
            "Indian,,,1,,,,9",
            "Row 2 has 8 cells, but row 1 names 7 columns. If a value has a comma in it, "
            "put that value in double quotes.",
        ),
        (
            'Indian,,"' + "x" * 61 + '",1,,,',
            "Row 2: period is 61 characters long. Use 60 or fewer.",
        ),
    ],
)
def test_each_kind_of_bad_row_is_said_plainly(line, message):
    problem = refused(rows(line))
    # Written here with straight quotes; the page shows curly ones.
    assert [p.replace("\u201c", '"').replace("\u201d", '"') for p in problem.problems] == [message]
    assert problem.errors["file"].startswith("The file has 1 problem, listed under the file box")


def test_duplicate_rows_are_refused_however_the_group_is_written():
    problem = refused(
        rows(
            "Indian,Coventry,2023,1,,,",
            "Indian,Coventry,2024,2,,,",
            "asian_indian,Coventry,2023,3,,,",
            "Indian,Birmingham,2023,4,,,",
        )
    )
    assert problem.problems == ["Row 4 repeats row 2: the same ethnic group, area and period."]


def test_every_problem_is_found_and_the_list_is_capped(monkeypatch):
    monkeypatch.setattr(validation, "SHOWN_PROBLEMS", 3)
    problem = refused(rows(*[f"Indian,,{n},x,,," for n in range(7)], "All,,,1,,,"))
    assert problem.errors["file"].startswith("The file has 7 problems")
    assert problem.problems == [
        "Row 2: value \u201cx\u201d is not a number.",
        "Row 3: value \u201cx\u201d is not a number.",
        "Row 4: value \u201cx\u201d is not a number.",
    ]
    assert problem.more == 4


def test_problems_in_several_cells_of_one_row_are_all_said():
    problem = refused(rows("Martian,Brum,,x,,,-1"))
    assert [p.split(":")[1].split()[0] for p in problem.problems] == [
        "ethnic_group",
        "area",
        "value",
        "sample_size",
    ]


# The schema


def test_the_declared_schema_is_a_valid_table_schema():
    declared = validation.declared_schema()
    Schema.from_descriptor(declared)  # raises if not
    assert [f["name"] for f in declared["fields"]] == list(validation.COLUMNS)
    assert validation.REQUIRED_COLUMNS == ("ethnic_group", "value")


def test_the_published_schema_lists_the_accepted_groups_and_areas():
    published = validation.published_schema(REFERENCE)
    fields = {f["name"]: f for f in published["fields"]}
    groups = fields["ethnic_group"]["constraints"]["enum"]
    assert {"asian_indian", "Indian", "White", "All"} <= set(groups)
    assert "prefer_not_to_say" not in groups and "Prefer not to say" not in groups
    assert fields["area"]["constraints"]["enum"][0] == "West Midlands"
    assert "Coventry" in fields["area"]["constraints"]["enum"]
    Schema.from_descriptor(published)
    # The repository's copy is untouched.
    assert "enum" not in validation.declared_schema()["fields"][0]["constraints"]
