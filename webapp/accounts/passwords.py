"""Password hashing (Argon2id) and the NCSC / ASVS V6 rules for new passwords.

No composition rules: length and a deny list of breached passwords are what resist guessing. The deny
list is zxcvbn's ranked list of the most common passwords from breach corpora, shipped as data with
that library.

Context-specific words (ASVS 5.0 6.1.2 and 6.2.11, Level 2) are the first a guesser tries against this
service: CONTEXT_WORDS below, the words of the council's name (COUNCIL_NAME), and the person's own
names and the parts of their email address. A password made of nothing but those words, with or
without digits, spaces and punctuation ("WiganCouncil2026!", "childrens portal", "PriyaShah1"), is
refused. A password that merely contains one of them is fine: the rest of it is what counts.
"""

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
RECOMMENDED_LENGTH = 15
MAX_LENGTH = 128

# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 20 ms a sign-in here,
# against 150 ms of both cores for argon2-cffi's default, which under load starved every other request.
# The parameters live in each hash, so hashes made with other settings still verify.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verifying against this keeps sign-in time the same whether or not the email is known.
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


@lru_cache(maxsize=1)
def _deny_list() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(FREQUENCY_LISTS["english_wikipedia"][:2000])


CONTEXT_WORDS = frozenset({
    "child", "children", "childrens", "service", "services", "portal", "council", "safeguarding",
    "early", "help", "lado", "mash", "hub", "first", "social", "care", "referral", "concern", "gov",
})
CONTEXT_MESSAGE = ("Your password must not be made up only of your name, your email address, or the name "
                   "of the council or this service")


def _words_of(*texts: str | None) -> set[str]:
    return {word for text in texts if text
            for word in re.split(r"[^\w]|[\d_]", text.lower()) if len(word) > 1}


def _made_of_context_words(password: str, extra: set[str]) -> bool:
    """True when the password's letters split entirely into context words."""
    letters = "".join(ch for ch in password.lower() if ch.isalpha())
    if not letters:
        return False
    words = CONTEXT_WORDS | extra
    longest = max(map(len, words))
    reachable = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        reachable[end] = any(reachable[start] and letters[start:end] in words
                             for start in range(max(0, end - longest), end))
    return reachable[-1]


def _council_name() -> str:
    from flask import current_app, has_app_context

    return current_app.config.get("COUNCIL_NAME", "") if has_app_context() else ""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str | None = None,
                     names: tuple[str | None, ...] = (), label: str = "Password") -> str | None:
    """The GOV.UK-style message for a new password that breaks a rule, or None. A length message
    names the box by its `label`, as GOV.UK's do ("New password must be 8 characters or more")."""
    if len(password) < MIN_LENGTH:
        return f"{label} must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"{label} must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _deny_list():
        return "This password is too common and easy to guess. Choose a different password"
    # The email address itself was called "too common", which it is not: the person was told the
    # wrong reason, and could think any uncommon password would do.
    if (email and lowered == email.lower()) or _made_of_context_words(
            password, _words_of(_council_name(), email, *names)):
        return CONTEXT_MESSAGE
    return None
