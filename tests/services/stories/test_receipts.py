"""Receipt codes: short, unguessable, easy to read aloud and type; only a digest is kept."""

import hashlib
import re

import pytest

from engage.services.stories import receipts

DISPLAYED = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_a_new_code_is_three_groups_of_four_without_ambiguous_characters():
    for _ in range(200):
        code = receipts.new_code()
        assert DISPLAYED.match(code), code
        assert not set(code) & set("ILOU")


def test_new_codes_do_not_repeat():
    codes = {receipts.new_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_the_alphabet_has_32_unambiguous_characters():
    assert len(receipts.ALPHABET) == 32
    assert len(set(receipts.ALPHABET)) == 32
    assert not set(receipts.ALPHABET) & set("ILOU")
    assert receipts.LENGTH == 12


@pytest.mark.parametrize(
    "typed",
    [
        "7KQM-X2PD-9RTA",
        "7kqm-x2pd-9rta",
        "7KQMX2PD9RTA",
        " 7KQM X2PD 9RTA ",
        "7kqm x2pd\t9rta",
        "7KQM–X2PD–9RTA",  # en dashes, as some phones type them
    ],
)
def test_normalise_accepts_case_spaces_and_missing_dashes(typed):
    assert receipts.normalise(typed) == "7KQMX2PD9RTA"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("O0OO-1111-2222", "000011112222"),
        ("oooo-llll-iiii", "000011111111"),
        ("ABCD-EFGH-JKLO", "ABCDEFGHJK10"),
    ],
)
def test_normalise_maps_letters_that_look_like_digits(typed, canonical):
    assert receipts.normalise(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "7KQM-X2PD-9RT",  # 11 characters
        "7KQM-X2PD-9RTAB",  # 13 characters
        "7KQM",
        "UUUU-UUUU-UUUU",  # U is not in the alphabet
        "7KQM-X2PD-9RT£",
        "７KQM-X2PD-9RTA",  # a full-width digit
        "7KQM-X2PD-9RTÄ",
        "<script>alert(1)</script>",
    ],
)
def test_normalise_rejects_anything_that_cannot_be_a_code(typed):
    assert receipts.normalise(typed) is None


def test_display_groups_a_canonical_code_in_fours():
    assert receipts.display("7kqmx2pd9rta") == "7KQM-X2PD-9RTA"
    assert receipts.display("oooollllabcd") == "0000-1111-ABCD"
    code = receipts.new_code()
    assert receipts.display(code) == code


def test_digest_is_the_sha256_of_the_canonical_code():
    expected = hashlib.sha256(b"7KQMX2PD9RTA").hexdigest()
    assert receipts.digest("7KQM-X2PD-9RTA") == expected
    assert receipts.digest("7kqm x2pd 9rta") == expected
    assert len(expected) == 64


def test_digest_is_the_same_for_ambiguous_spellings():
    assert receipts.digest("0000-1111-ABCD") == receipts.digest("OOOO-IlIl-abcd")


def test_digests_of_different_codes_differ():
    assert receipts.digest("7KQM-X2PD-9RTA") != receipts.digest("7KQM-X2PD-9RTB")


@pytest.mark.parametrize("typed", ["", "7KQM-X2PD-9RT", "7KQM-X2PD-9RTAB", "UUUUUUUUUUUU"])
def test_digest_refuses_malformed_codes(typed):
    with pytest.raises(ValueError):
        receipts.digest(typed)
