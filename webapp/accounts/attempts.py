"""How many wrong sign-ins this browser has made for one address, so the page can warn before the lock.

A public account locks for a while after LOGIN_FAILURES_BEFORE_LOCK wrong passwords
(services.authenticate). Nothing said so until it had happened, and the try that locked it said only
"Enter a correct email address and password", as every try before it had. The count that locks is the
account's, in the database; saying it would tell a stranger which addresses have accounts. So the warning
counts this browser's own tries at one address instead, the same for an address with no account: for
the person typing, one browser, it is the same count.
"""

import hashlib

from flask import current_app, session

from webapp.validation import normalise_email

SESSION_KEY = "sign_in_failures"

#: The warning shows from this many tries left.
WARN_FROM = 2


def _address_key(email: str) -> str:
    """The address, hashed: the session needs only to tell one address from another."""
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()[:16]


def tries_left_after_failure(email: str) -> int:
    """Counts a wrong sign-in for `email` and says how many more this browser may make before the
    lock (0: this one locks it). A try at another address starts the count again."""
    key = _address_key(email)
    record = session.get(SESSION_KEY) or {}
    failures = record.get("count", 0) + 1 if record.get("for") == key else 1
    limit = current_app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    if failures >= limit:
        forget()  # the lock is said now; after it, the count starts again
        return 0
    session[SESSION_KEY] = {"for": key, "count": failures}
    return limit - failures


def forget() -> None:
    session.pop(SESSION_KEY, None)
