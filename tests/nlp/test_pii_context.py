"""Personal data the resident introduces ("my NHS number is", "crime ref"), HMRC's rules
for NI numbers without such words, disguised email addresses, and the data files."""

import re
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pytest

from engage.nlp import pii

ROOT = Path(__file__).resolve().parents[2]


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.type) for s in pii.find(text)]


# 943 476 5918 fails the NHS check digit (943 476 5919 passes it).
@pytest.mark.parametrize(
    "text",
    [
        "my NHS number is 943 476 5918 if you need it",
        "NHS no: 943 476 5918",
        "NHS No. 943 476 5918",
        "nhs num 943 476 5918",
        "my nhs numbr is 943 476 5918",
        "My NHS-number: 943-476-5918.",
        "NHS NUMBER (943 476 5918)",
    ],
)
def test_an_introduced_nhs_number_is_found_whatever_its_check_digit(text):
    number = re.search(r"943.476.5918", text).group()
    assert found(text) == [(number, "NHS_NUMBER")]


@pytest.mark.parametrize(
    "text",
    [
        "ref 943 476 5918",
        "I waited 943 476 5918 seconds",
        "The NHS never answered, and 943 476 5918 is the code on the letter.",
    ],
)
def test_a_number_failing_the_nhs_check_digit_without_context_is_left(text):
    assert [kind for _, kind in found(text)] == []


def test_an_nhs_number_passing_its_check_digit_needs_no_context():
    assert found("943 476 5919 was on the letter") == [("943 476 5919", "NHS_NUMBER")]


@pytest.mark.parametrize(
    "text",
    [
        "The NHS no longer helps me, call 0121 496 0123",
        "my NHS number and my phone number is 0121 496 0123",
    ],
)
def test_another_kind_of_number_after_nhs_is_not_an_nhs_number(text):
    assert found(text) == [("0121 496 0123", "PHONE")]


@pytest.mark.parametrize(
    "candidate",
    [
        "QQ 12 34 56 C",  # Q never starts one
        "DA 12 34 56 C",  # nor D
        "FA123456A",
        "IA 12 34 56 B",
        "UA 12 34 56 B",
        "VA 12 34 56 B",
        "AO 12 34 56 C",  # O is never second
        "AD 12 34 56 C",
        "GB 12 34 56 C",  # prefixes never used
        "BG 12 34 56 C",
        "NK 12 34 56 C",
        "KN 12 34 56 C",
        "TN 12 34 56 C",
        "NT 12 34 56 C",
        "ZZ 12 34 56 C",
    ],
)
def test_an_ni_number_hmrc_never_issues_is_left_without_context(candidate):
    assert found(f"the form said {candidate} at the top") == []
    assert found(f"my NI number is {candidate}") == [(candidate, "NI_NUMBER")]


@pytest.mark.parametrize("candidate", ["AB 12 34 56 C", "JT123456A", "ce-12-34-56-d"])
def test_an_ni_number_with_a_valid_prefix_needs_no_context(candidate):
    assert found(f"the form said {candidate} at the top") == [(candidate, "NI_NUMBER")]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("NI number: QQ 12 34 56 C", "QQ 12 34 56 C"),
        ("my ni no is qq123456c", "qq123456c"),
        ("National Insurance QQ 12 34 56 C", "QQ 12 34 56 C"),
        ("my national insurance number is FQ 98 76 54", "FQ 98 76 54"),
        ("husband NI QQ 13 57 91 A, me NI QQ 24 68 02 C.", "QQ 13 57 91 A"),
        ("Payroll put my NI down as qq 98 76 54 a", "qq 98 76 54 a"),
    ],
)
def test_an_introduced_ni_number_is_found_whatever_its_letters(text, number):
    assert (number, "NI_NUMBER") in found(text)


def test_ni_for_northern_ireland_is_not_an_ni_number():
    assert found("I moved from NI 12 years ago") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("my hospital number is K1234567", "K1234567"),
        ("Hospital no: 00123456, ward 4", "00123456"),
        ("patient number 123 456 7890", "123 456 7890"),
        ("MRN: 00123456", "00123456"),
        ("hospital ref RXK 123 4567 on the letter", "RXK 123 4567"),
        ("crime ref 4412/23", "4412/23"),
        ("crime reference number: CR/12345/23 and nothing since", "CR/12345/23"),
        ("My crime refrence is 55123/22.", "55123/22"),
        ("they gave me a crime number, 20/98765/24", "20/98765/24"),
        ("incident number 1234 of 12/03/23", "1234 of 12/03/23"),
        ("Police reference: 4412/23.", "4412/23"),
        ("the reference number for the police was 20/123456/24.", "20/123456/24"),
        ("log number 556 from the call", "556"),
    ],
)
def test_an_introduced_hospital_or_crime_reference_is_found(text, number):
    assert found(text) == [(number, "REFERENCE_NUMBER")]


@pytest.mark.parametrize(
    "text",
    [
        "I got a crime number in 2021 and heard nothing.",
        "I reported it to the police and they gave me a crime number.",
        "I only got a log number from 101 after 3 hours.",
        "The hospital number you ring is busy, I tried 12 times.",
        "My crime ref is on the letter somewhere.",
        "I gave them my reference number 943 476 5918 for the housing list.",
    ],
)
def test_sentences_about_references_without_one_are_left(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My NHS number is on my letter dated 12 03 2023", []),
        ("the police log number of calls went over 5000", []),
        ("Hospital number of staff dropped to 300", []),
        # A phone number after such a phrase is a phone number (a switchboard's, or theirs).
        ("Call the hospital number 0121 424 2000", [("0121 424 2000", "PHONE")]),
        ("My NHS number was wrong so I called 0121 496 0000", [("0121 496 0000", "PHONE")]),
    ],
)
def test_dates_counts_and_phones_after_a_phrase_are_not_references(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    ["my email is raz at hotmail.com", "email me: raz at example.org", "sara.begum at bt.com"],
)
def test_a_plain_at_address_is_found_with_an_email_word_or_an_address_like_name(text):
    assert [kind for _, kind in found(text)] == ["EMAIL"]


def test_a_reference_number_is_redacted_with_its_own_placeholder():
    text = "Crime ref 4412/23, nobody called back."
    result = pii.scan(text)
    assert result["redacted"] == "Crime ref [REFERENCE_NUMBER], nobody called back."
    assert result["spans"] == [{"start": 10, "end": 17, "type": "REFERENCE_NUMBER"}]


@pytest.mark.parametrize(
    "address",
    [
        "name (at) example.org",
        "name [at] example [dot] org",
        "amina dot y at gmail dot com",
        "amina.y at gmail.com",
        "name AT example DOT co DOT uk",
        "sarah.jones(at)btinternet(dot)com",
        "kofi @ example.org",
        "info at nhs.net",
        "amina.y at gmail",
        "jo_b [at] hotmail",
    ],
)
def test_a_disguised_email_address_is_one_whole_span(address):
    text = f"Write to me: {address} please."
    assert found(text) == [(address, "EMAIL")]
    assert pii.scan(text)["redacted"] == "Write to me: [EMAIL] please."


@pytest.mark.parametrize(
    "text",
    [
        "I was at home dot dot dot",
        "look at it",
        "I looked at gov.uk for help and saw it at nhs.uk too.",
        "We met at school. So it goes.",
        "Mum at home.So I went alone.",
        "Shaz at Sky was helpful.",
        "I arrived at 10.30 and waited at the station.",
        "The dot at the end of the letter was smudged.",
        # Shops and sites named with their address, and a full stop with no space.
        "Mum works at Tesco.com now.",
        "I booked at trainline.com and still paid twice.",
        "I complained at gov.uk but nothing.",
        "i was stuck at work.so i couldnt go",
        "I'm @ work.so tired",
        "Dinner at 8.info night at the centre",
    ],
)
def test_sentences_with_at_and_dot_are_left(text):
    assert found(text) == []


def test_every_data_file_says_what_it_is_and_its_source():
    folder = resources.files("engage.nlp").joinpath("data")
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".txt"))
    assert len(files) >= 20
    for file in files:
        lines = file.read_text(encoding="utf-8").splitlines()
        header = " ".join(line for line in lines if line.startswith("#"))
        assert lines[0].startswith("#"), file.name
        assert re.search(r"(?i)source|generated|built by|written", header), file.name


def test_the_data_files_are_packaged():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["engage"]
    assert "nlp/data/*.txt" in patterns
    folder = ROOT / "engage" / "nlp" / "data"
    for path in folder.iterdir():
        assert any(fnmatch(f"nlp/data/{path.name}", p) for p in patterns), path.name


def test_the_word_lists_are_loaded_from_the_data_files():
    assert "mrs" in pii.TITLES and "mr" in pii.ABBREVIATED_TITLES
    assert "nurse" not in pii.ABBREVIATED_TITLES
    assert "son" in pii.RELATIONS and "Ladywood" in pii.AMBIGUOUS
    assert "Nigerian" in pii.DEMONYMS and "mosque" in pii.PLACE_WORDS
    assert "dr martens" in pii.BRANDS


def test_the_new_type_is_known_to_the_evaluation():
    assert "REFERENCE_NUMBER" in pii.TYPES and "REFERENCE_NUMBER" in pii.PRIORITY
    items = [
        {
            "text": "crime ref 4412/23",
            "spans": [{"start": 10, "end": 17, "type": "REFERENCE_NUMBER"}],
        }
    ]
    assert pii.evaluate(items)["recall"]["REFERENCE_NUMBER"] == 1.0
