"""How many wrong sign-ins this browser has made for one address, so the page can warn before the lock;
and how many wrong current passwords a signed-in session has given (at the end of this module).

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

from . import sessions

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


# --- A wrong current password, given while signed in ----------------------------------------------

#: Wrong passwords given in this session to a page that asks for the current one (changing it).
CURRENT_PASSWORD_KEY = "current_password_failures"  # noqa: S105 (a session key, not a password)


def tries_left_after_wrong_current_password() -> int:
    """Counts a wrong current password given in this session and says how many more it may give before
    it is signed out (0: this one signs it out).

    Someone at a computer left signed in, or holding a stolen session cookie, could otherwise try
    password after password on the change-password page, learning from each answer whether it was the
    account's: a guess the sign-in page would have locked or throttled. The count is the session's,
    kept on the server: starting it again takes a new session, which only signing in, with the
    password, gives. Counted in the database at once, so tries sent all at once each count.
    """
    failures = sessions.add_one(session, CURRENT_PASSWORD_KEY)
    return max(0, current_app.config["LOGIN_FAILURES_BEFORE_LOCK"] - failures)


def forget_wrong_current_passwords() -> None:
    session.pop(CURRENT_PASSWORD_KEY, None)
