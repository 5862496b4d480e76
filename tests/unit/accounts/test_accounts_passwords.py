"""Password rules (NCSC / ASVS V6), hashing, and the normalising of codes, postcodes and phone numbers."""

import pytest

from webapp.accounts import codes
from webapp.accounts.auth import safe_next
from webapp.accounts.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize("password", ["12345678", "password", "qwertyuiop", "Password1", "letmein!"[:7] + "1",
                                      "iloveyou"])
def test_common_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", ["correct horse battery staple", "zq8!fj3k", "ÉtéÀParis2026",
                                      "x" * 128, "lowercase only but long enough"])
def test_good_passwords_pass_without_composition_rules(password):
    assert password_problem(password) is None


def test_length_limits():
    assert "8 characters or more" in password_problem("a1b2c3d")
    assert "128 characters or fewer" in password_problem("x" * 129)


def test_password_equal_to_email_is_refused():
    assert password_problem("Jo@Example.com", "jo@example.com") is not None


@pytest.mark.parametrize("password", ["childrens portal", "Safeguarding2026!", "early help hub", "PriyaShah1",
                                      "teacher@example", "Shah Priya 99"])
def test_passwords_made_only_of_context_words_are_refused(password):
    """ASVS 5.0 6.2.11 (Level 2): the service's own words and the person's name and address were all
    accepted, so long as they were not in the breached-password list."""
    problem = password_problem(password, "teacher@example.com", ("Priya", "Shah"))
    assert problem is not None and "your name, your email address" in problem


@pytest.mark.parametrize("password", ["safeguarding is everyone's job", "Priya grows tomatoes",
                                      "hubcaps shine"])
def test_a_context_word_among_others_is_fine(password):
    assert password_problem(password, "teacher@example.com", ("Priya", "Shah")) is None


def test_hashes_are_argon2id_and_salted():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "correct horse")
    assert not verify_password(first, "Correct horse")
    assert not verify_password(None, "anything")
    assert not verify_password("not a hash", "anything")


@pytest.mark.parametrize(("typed", "digits"), [("1234 5678", "12345678"), (" 1234-5678 ", "12345678"),
                                               ("12\t34\n5678", "12345678")])
def test_codes_tolerate_spaces_and_dashes(typed, digits):
    assert codes.normalise(typed) == digits


@pytest.mark.parametrize(("target", "expected"), [
    ("/account", "/account"), ("/forms/x?step=2", "/forms/x?step=2"), ("//evil.example", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), (None, "/"), ("", "/"),
    ("javascript:alert(1)", "/"), ("/\r\nSet-Cookie: x=1", "/"), ("/\t/evil.example", "/"),
    ("/account\n", "/"),
])
def test_safe_next_stays_on_this_site(target, expected):
    assert safe_next(target, "/") == expected
