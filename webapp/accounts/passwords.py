"""Password hashing (Argon2id) and the NCSC / ASVS V6 rules for new passwords.

No composition rules: length and a deny list of breached passwords are what resist guessing. The deny
list is zxcvbn's ranked list of the most common passwords from breach corpora, shipped as data with
that library.
"""

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


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str | None = None) -> str | None:
    """The GOV.UK-style message for a new password that breaks a rule, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _deny_list() or (email and lowered == email.lower()):
        return "This password is too common and easy to guess. Choose a different password"
    return None
