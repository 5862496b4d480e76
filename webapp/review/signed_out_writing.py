"""A caseworker's form sent after the idle timeout had signed them out, kept for their next sign-in.

With JavaScript, the page keeps what it holds as the timeout comes (kept.py, portal.js). Without it
nothing counts down: a caseworker who took longer than the timeout over a response, then selected
"Post response", was told "You have been signed out. What you sent was not saved." Now what they sent
waits in the signed-out session, becomes their kept writing when they have signed in again, and the
same form shows it under "You were signed out before you sent this", as the page's own keeping does.

Only a form from this browser's ended session is kept: its CSRF token must be the one that session had
(sessions.ENDED_SESSION_CSRF). A page elsewhere cannot plant words in a caseworker's form, which a
submitter, who knows their own submission's id, could otherwise try. Any other signed-out post is
refused by the CSRF check as before.
"""

from __future__ import annotations

from functools import wraps

from flask import g, request, session
from flask_wtf.csrf import validate_csrf
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from webapp.accounts import auth, kept_for_sign_in, sessions
from webapp.extensions import csrf

from . import kept, services

SESSION_KEY = "staff_signed_out_writing"
#: Forms of one ended session kept (one a submission and purpose: a second tab's form is kept too).
MOST_FORMS = 4
#: Who kept it, as kept_writing's `kept_in` says: no sign-in's handle, so the next sign-in shows it.
KEPT_IN = "signed-out"


def kept_when_signed_out(purpose: str, form_class):
    """For a view of one of the keeping forms: a post from the ended session is kept and sent to
    sign-in (back to the form afterwards); any other request is checked for CSRF and goes on.

    Only the form's own fields are kept, nothing else posted. The view is exempt
    from the app-wide CSRF check, which would refuse the ended session's post before it is read, and
    so this checks it instead, for every other post.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(submission_id: str, *args, **kwargs):
            if request.method == "POST":
                if g.get("user") is None and _from_the_ended_session():
                    _hold(submission_id, purpose, kept.own_field_names(form_class))
                    return auth.redirect_to_sign_in("review.sign_in", request.path)
                csrf.protect()
            return view(submission_id, *args, **kwargs)

        return csrf.exempt(wrapped)

    return decorate


def _from_the_ended_session() -> bool:
    if not session.get(sessions.ENDED_SESSION_CSRF):
        return False
    try:
        validate_csrf(request.form.get("csrf_token"), token_key=sessions.ENDED_SESSION_CSRF)
    except ValidationError:
        return False
    return True


def _hold(submission_id: str, purpose: str, names: set[str]) -> None:
    """What the form sent, until sign-in: a value too long for any form is not kept (kept.keep would
    refuse it too), and neither is anything but the form's own fields."""
    fields = {name: request.form.getlist(name) for name in names if name in request.form}
    if any(len(value) > kept.MAX_VALUE_LENGTH for values in fields.values() for value in values):
        return
    kept_for_sign_in.keep(SESSION_KEY, f"{submission_id[:64]}:{purpose}", {
        "submission_id": submission_id[:64], "purpose": purpose, "fields": fields,
        "user_id": session.get(sessions.ENDED_SESSION_USER)}, MOST_FORMS)


def holds_writing() -> bool:
    """Whether this signed-out session holds a form's words, for the sign-in page to say so."""
    return bool(kept_for_sign_in.kept(SESSION_KEY))


def adopt(user) -> None:
    """After sign-in: what each of the ended session's forms sent becomes this caseworker's kept
    writing, if it was theirs (a colleague signing in at the same computer does not see it) and the
    submission is one their team may open, as for any page. Otherwise it is dropped."""
    for key, held in kept_for_sign_in.kept(SESSION_KEY):
        session.pop(key)
        if held.get("user_id") == user.id:
            _adopt_one(user, held)


def _adopt_one(user, held: dict) -> None:
    try:
        submission = services.get_submission(user, held["submission_id"])
    except services.NotFound:
        return
    posted = MultiDict([(name, value) for name, values in held["fields"].items() for value in values])
    kept.keep(user.id, submission.id, held["purpose"], posted, set(held["fields"]), KEPT_IN)
