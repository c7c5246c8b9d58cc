"""Password rules (ASVS 2.1.1, 2.1.2, 2.1.7, 2.1.9) and hashing (ASVS 2.4.1)."""

import pytest

from engage.services.accounts import passwords


@pytest.mark.parametrize(
    "password,ok",
    [
        ("a" * 5 + "bcdefg", False),  # 11 characters
        ("twelve chars", True),
        ("lowercaseonly", True),
        ("x" * 30 + "y" * 34, False),  # too few different characters
        ("The quick brown fox jumps over the lazy dog near the riverbank!!", True),  # 64
        ("a b c d e f g h " * 8 + "z", False),  # 129 characters
        ("password1234", False),
        ("Password1234", False),
        ("qwertyuiop123", False),
    ],
)
def test_password_rules(password, ok):
    assert (passwords.password_problem(password) is None) is ok


def test_password_may_not_contain_the_email_name():
    problem = passwords.password_problem("jasmine-likes-tea", email="jasmine@example.org")
    assert problem == "Password must not contain your email address"


def test_hash_is_argon2id_and_verifies(ctx):
    stored = passwords.hash_password("a long memorable phrase")
    assert stored.startswith("$argon2id$")
    assert "a long memorable phrase" not in stored
    assert passwords.verify_password(stored, "a long memorable phrase")
    assert not passwords.verify_password(stored, "a long memorable phrasE")


def test_verifying_against_no_account_is_false(ctx):
    assert passwords.verify_password(None, "anything at all") is False


def test_garbage_hash_is_false_not_an_error(ctx):
    assert passwords.verify_password("not-a-hash", "anything at all") is False
