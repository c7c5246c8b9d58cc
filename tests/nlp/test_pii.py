"""Personal data detection: every type, the placeholders, and common false alarms."""

import pytest

from engage.nlp import pii


def types_in(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.type) for s in pii.find(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Email me at amina.y@example.org please", ("amina.y@example.org", "EMAIL")),
        ("ring me on 07700 900123", ("07700 900123", "PHONE")),
        ("my number is +44 (0)121 496 0123.", ("+44 (0)121 496 0123", "PHONE")),
        ("we live in B21 9AB now", ("B21 9AB", "POSTCODE")),
        ("postcode wv100qp", ("wv100qp", "POSTCODE")),
        ("I live at 12 Coventry Road near the park", ("12 Coventry Road", "ADDRESS")),
        ("Flat 3, 45 Soho Hill is damp", ("Flat 3, 45 Soho Hill", "ADDRESS")),
        ("I was born on 3 March 1987", ("3 March 1987", "DOB")),
        ("DOB: 12/03/1990", ("12/03/1990", "DOB")),
        ("my NI number is QQ 12 34 56 C", ("QQ 12 34 56 C", "NI_NUMBER")),
        ("NHS number 943 476 5919", ("943 476 5919", "NHS_NUMBER")),
        ("My name is Amina Yusuf", ("Amina Yusuf", "NAME")),
        ("Mrs Patel said no", ("Mrs Patel", "NAME")),
        ("PC Davies stopped us", ("PC Davies", "NAME")),
        ("my son tyler was searched", ("tyler", "NAME")),
        ("Dr Adeyemi-Jones was kind", ("Dr Adeyemi-Jones", "NAME")),
    ],
)
def test_each_kind_of_personal_data_is_found(text, expected):
    assert expected in types_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "I waited 3 hours on Soho Road for the number 50 bus.",
        "West Midlands Police never replied and Birmingham City Council lost the form.",
        "It cost £1,200 in 2019 and I am 34.",
        "May I ask why? Will you help? Grace and mercy at Eid.",
        "The Mr at the desk was rude. my son is 12.",
        "We are Somali and Polish families in Handsworth and Ladywood.",
    ],
)
def test_common_false_alarms_are_left_alone(text):
    assert pii.find(text) == []


def test_an_nhs_number_must_pass_its_check_digit():
    assert types_in("ref 943 476 5919") == [("943 476 5919", "NHS_NUMBER")]
    assert [t for _, t in types_in("ref 943 476 5918")] != ["NHS_NUMBER"]


def test_redaction_uses_typed_placeholders_and_keeps_the_rest():
    result = pii.scan("Call Mrs Patel on 07700 900123, the bus never came")
    assert result["redacted"] == "Call [NAME] on [PHONE], the bus never came"
    assert result["spans"] == [
        {"start": 5, "end": 14, "type": "NAME"},
        {"start": 18, "end": 30, "type": "PHONE"},
    ]


def test_overlapping_findings_keep_the_most_specific():
    # An email contains a name-like word; the email wins and nothing overlaps.
    spans = pii.find("write to grace.patel@example.org")
    assert [(s.type) for s in spans] == ["EMAIL"]


def test_empty_text_has_nothing():
    assert pii.scan("") == {"redacted": "", "spans": []}


def test_evaluation_counts_recall_per_type_and_false_alarms():
    items = [
        {
            "text": "Mrs Patel on 07700 900123",
            "spans": [
                {"start": 0, "end": 9, "type": "NAME"},
                {"start": 13, "end": 25, "type": "PHONE"},
            ],
        },
        {"text": "email a@example.org", "spans": []},
        {"text": "nothing here", "spans": []},
    ]
    figures = pii.evaluate(items)
    assert figures["recall"]["NAME"] == 1.0 and figures["recall"]["PHONE"] == 1.0
    assert figures["recall"]["NHS_NUMBER"] is None
    assert figures["false_alarms"]["EMAIL"] == 1
    assert figures["texts_without_personal_data_left_alone"] == 0.5


@pytest.mark.parametrize(
    "text,name",
    [
        ("Hi, I'm Ewa and I need help", "Ewa"),
        ("Name: Kwabena Mensah, flat 2", "Kwabena Mensah"),
        ("Kind regards, Tunde", "Tunde"),
    ],
)
def test_introductions_and_labels_reveal_names(text, name):
    assert (name, "NAME") in types_in(text)


@pytest.mark.parametrize("text", ["I'm British and I'm Muslim", "I am from Jamaica", "I'm Black"])
def test_identity_words_after_i_am_are_not_names(text):
    assert pii.find(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Roya is my wife, she came in 2019.", ["Roya"]),
        ("Kulwinder my wife had to take the day off.", ["Kulwinder"]),
        ("Rebin and Shvan are my cousins.", ["Rebin", "Shvan"]),
        ("my little brother kofi was 10 when it happened", ["kofi"]),
        ("me and kayleigh got followed round the shop", ["kayleigh"]),
        ("i'm rukhsana btw", ["rukhsana"]),
        ("Her youngest, Musab, is seven.", ["Musab"]),
        ("Abu Bakr, our chair, nearly cried.", ["Abu Bakr"]),
        ("Amina and Precious were both there.", ["Amina", "Precious"]),
        ("Ali Hassan Al-Yafai is my father.", ["Ali Hassan Al-Yafai"]),
        ("Sophie Hartley-Mensah, sophie@example.com", ["Sophie Hartley-Mensah"]),
        ("Gift Chikwanha rang the school.", ["Gift Chikwanha"]),
    ],
)
def test_names_found_from_the_words_around_them(text, names):
    assert [value for value, kind in types_in(text) if kind == "NAME"] == names


@pytest.mark.parametrize(
    "text",
    [
        "Mrs Patel from the pharmacy on Stoney Lane has been kind.",
        "Every Friday I go to the Al-Madina Mosque.",
        "Rose House and Lily House are the towers on our estate.",
        "I'm Nigerian and my partner is Black British.",
        "I'm Irish-born, 80 years old.",
        "I had my Dr Martens on and my hood down.",
        "The best doctor I've had was at the Queen Elizabeth.",
        "I am a nurse. Colleagues still joke about it.",
        "Will you help us? The gas bill doubled.",
    ],
)
def test_places_brands_and_identities_are_not_names(text):
    assert [value for value, kind in types_in(text) if kind == "NAME"] in ([], ["Mrs Patel"])


def test_a_birth_date_straight_after_a_name_is_a_date_of_birth():
    found = types_in("Nicola Brennan, 16/03/1990, 48 Moat Lane, B26 3AA")
    assert ("16/03/1990", "DOB") in found
    # A recent date after a name is something that happened, not a birthday.
    assert ("12/03/2025", "DOB") not in types_in("Nicola Brennan, 12/03/2025, came again.")
