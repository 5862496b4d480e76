"""The pages that ask a signed-in person for their password again before a change only the account's
owner should make: changing the password or the email address, and signing out of other devices.

Someone at a computer left signed in, or holding a stolen session cookie, could otherwise use any of
them to try password after password, learning from each answer whether it was the account's: guesses
the sign-in page would have locked or throttled. So the wrong passwords given to all of them count
together, in the session (attempts.tries_left_after_wrong_current_password); the last tries are warned
of, and the one that reaches LOGIN_FAILURES_BEFORE_LOCK signs that session out, not the owner's others.
Each page may also be sent only so often by one session. The limit is the session's rather than the
network address's: caseworkers in one office share an address, and one of them mistyping must not
hold up the others.
"""

import functools
import logging

from flask import flash, g, redirect, request, session, url_for
from flask_limiter.util import get_remote_address

from webapp.extensions import limiter

from . import attempts, auth, devices, security_log, services

#: Sent in an hour by one session, to each page. A person struggling with the rules for a new password
#: has room.
SENDS_PER_HOUR = "10 per hour"
SIGNED_OUT = "You have been signed out because your password was entered wrongly too many times."
FORGOTTEN = {
    "accounts": " If you have forgotten your password, reset it with 'Forgotten your password?'.",
    "review": " If you have forgotten your password, ask the IT service desk for a new one.",
}
SIGN_IN_ENDPOINT = {"accounts": "accounts.sign_in", "review": "review.sign_in"}


def this_session() -> str:
    """The rate limit's key: this session (by its handle, never its id). A stolen session cannot get a
    new one without the password, and the owner's own sessions are not held up by it."""
    sid = getattr(session, "sid", None)
    return f"session:{devices.handle_of(sid)}" if sid else get_remote_address()


class TooManyWrongPasswords(Exception):
    """This session has given a wrong password LOGIN_FAILURES_BEFORE_LOCK times: sign it out."""


def asks_for_the_password(area: str, to_do_again: str):
    """Decorate a view whose page asks for the password (checked by wrong_password_tries_left): one
    session may send it SENDS_PER_HOUR times an hour, and the wrong password that reaches the limit
    signs the session out. `area` is the blueprint ("accounts" or "review"); `to_do_again` finishes
    "Sign in again to ...", what the person was doing. The view's qualified name must be unique:
    Flask-Limiter tells views apart by it."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except TooManyWrongPasswords:
                return _sign_out_for_guessing(area, to_do_again)

        return limiter.limit(SENDS_PER_HOUR, key_func=this_session, methods=["POST"])(wrapped)

    return decorate


def wrong_password_tries_left(password: str, event: str) -> int | None:
    """None if `password` is the signed-in account's; otherwise how many more wrong ones this session
    may give before it is signed out (warning_due says when the page should warn of it). `event` names
    the page in the security log. Raises TooManyWrongPasswords for the last one, which the view's
    asks_for_the_password decorator answers."""
    if services.verify_password_of(g.user, password):
        return None
    security_log.record(event, "wrong-password", user_id=g.user.id, staff=g.user.is_staff)
    tries_left = attempts.tries_left_after_wrong_current_password()
    if tries_left == 0:
        security_log.record(event, "too-many-wrong-passwords", user_id=g.user.id, staff=g.user.is_staff,
                            level=logging.WARNING)
        raise TooManyWrongPasswords
    return tries_left


def done() -> None:
    """The change was made: the count starts again. Not at a right password alone, which a form sent
    with another mistake also carries."""
    attempts.forget_wrong_current_passwords()


def warning_due(tries_left: int | None) -> int | None:
    """The tries left, if the page should warn of them now; None otherwise."""
    return tries_left if tries_left is not None and tries_left <= attempts.WARN_FROM else None


def _sign_out_for_guessing(area: str, to_do_again: str):
    """End this session and send the person to sign in again, back to this page afterwards."""
    auth.sign_out("too-many-wrong-passwords")
    flash(f"{SIGNED_OUT} Sign in again to {to_do_again}.{FORGOTTEN[area]}", "info")
    return redirect(url_for(SIGN_IN_ENDPOINT[area], next=request.path))
