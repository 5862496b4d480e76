"""Who is signed in, and the decorators that guard views.

Guards answer in the way the request can use: a full page is redirected to sign-in; an htmx request
gets 401 with HX-Redirect, so a sign-in page is never swapped into a form (DESIGN.md convention 7).
"""

import posixpath
import re
from datetime import timedelta
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, g, has_app_context, make_response, redirect, request, session, url_for
from werkzeug.exceptions import HTTPException

from webapp.extensions import db, htmx

from . import security_log, sessions
from .models import User

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The pages that sign someone in: never a place to come back to after signing in (`safe_next`), and
#: never a page with the idle countdown.
SIGN_IN_PAGES = frozenset({"accounts.sign_in", "review.sign_in", "review.sign_in_code"})
#: How far short of the server's deadline a page's countdown may end and still be taken as the
#: timeout (older pages truncated their seconds and could start from a deadline that had since moved).
#: A session with longer left was kept going elsewhere, in another tab.
COUNTDOWN_SLACK = timedelta(seconds=15)


def load_signed_in_user() -> None:
    user_id = session.get("user_id")
    account = getattr(session, "account", None)
    if account is not None and account.id == user_id:
        g.user = account  # read with the session row
    else:
        g.user = db.session.get(User, user_id) if user_id else None
    if g.user is not None and g.user.disabled_at is not None:
        g.user = None  # its sessions ended when it was disabled; this one is not let through either


def sign_in(user: User, *, staff: bool = False) -> None:
    signed_in_before = session.get("user_id")
    if signed_in_before is not None and (signed_in_before != user.id or bool(session.get("staff")) != staff):
        # Another account, or the back office, was signed in in this browser: nothing of theirs (a
        # caseworker's saved searches, answers kept for another account) carries over to this one.
        session.clear()
    sessions.regenerate(session)
    session.pop("_expired", None)
    session.pop(sessions.ENDED_SESSION_CSRF, None)
    session.pop(sessions.ENDED_SESSION_USER, None)
    session.pop("registration", None)
    session["user_id"] = user.id
    session["staff"] = staff
    g.user = user
    security_log.record("sign-in", "success", user_id=user.id, staff=staff)


def renew_session() -> None:
    """A new session id for the person signed in here, after they proved their password again.

    "Signed out everywhere else" must include a copy of this browser's own cookie: one stolen
    before the password change would otherwise carry on as this session.
    """
    sessions.regenerate(session)


def sign_out(outcome: str = "success") -> None:
    user = g.get("user")
    if user is not None:
        security_log.record("sign-out", outcome, user_id=user.id, staff=bool(session.get("staff")))
    sessions.destroy(session)
    g.user = None
    g.pop("csrf_token", None)  # Flask-WTF's token for this request was the ended session's


def end_session_the_countdown_ended(default: str):
    """A page's idle countdown sent the browser here (`?expired=1`) while its session is still open.

    Within COUNTDOWN_SLACK of its deadline, it is the person's own browser saying the time is up: the
    session ends now, so the sign-in page is signed out, and says why (None: show it). With longer
    left, another tab has kept the session going: ending it would sign that tab out mid-task (and a
    link here would sign anyone out), so the browser goes back to its page, whose countdown starts
    again from the real deadline; neither trip counts as activity.
    """
    if g.get("user") is None or request.method != "GET" or not request.args.get("expired"):
        return None
    left = sessions.idle_time_left(session)
    if left is not None and left > COUNTDOWN_SLACK:
        sessions.keep_idle_deadline_on_the_next_page(session)
        return redirect(safe_next(request.args.get("next"), default))
    sign_out("idle-timeout")
    session["_expired"] = True
    return None


def safe_next(target: str | None, default: str) -> str:
    """Only ever return to a path on this site (no open redirect).

    A control character refuses the whole target: browsers drop tabs and line breaks from a URL (so a
    tab between two slashes would lead off the site), and a line break cannot go in a Location header
    at all: a `next` with one turned a successful sign-in into a server error.
    """
    if target and _CONTROL.search(target):
        return default
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not _is_sign_in_page(parts.path):
            return target
    return default


def _is_sign_in_page(path: str) -> bool:
    """A countdown that ended on a sign-in page sent it there again with next=/sign-in?expired…, and
    signing in led back to sign-in: a sign-in page, however its path is written, is no place to return."""
    return _endpoint_of(path) in SIGN_IN_PAGES


def _endpoint_of(path: str) -> str | None:
    """The endpoint a path on this site leads to (a GET), however it is written; None if none."""
    return _route_of(path)[0]


def _route_of(path: str) -> tuple[str | None, dict]:
    """The endpoint and view arguments a path on this site leads to (a GET); (None, {}) if none."""
    if not has_app_context():
        return None, {}
    try:
        return current_app.url_map.bind("localhost").match(posixpath.normpath(unquote(path)))
    except HTTPException:
        return None, {}


#: Where parts of the portal say which pages save what is typed on them before the idle timeout signs
#: someone out (a form section's autosave): `app.extensions[SAVES_ITSELF]`, a list of functions of a
#: page's endpoint and view arguments.
SAVES_ITSELF = "pages_that_save_themselves"


def saves_itself(path: str | None) -> bool:
    """Whether the page at `path` saved what was typed on it before the timeout signed its user out.

    The sign-in page after a timeout said "Your answers were saved" to everyone, also to someone
    who had been changing their password or email: only a page that saves itself may say so.
    """
    if not path or _CONTROL.search(path):
        return False
    endpoint, view_args = _route_of(urlsplit(path).path)
    return endpoint is not None and any(
        saves(endpoint, view_args) for saves in current_app.extensions.get(SAVES_ITSELF, ()))


def _current_page_path() -> str | None:
    """The path of the page an htmx request came from (its HX-Current-URL header), if it has one.

    The header is the client's to write: one that is not a URL at all ("http://[::1") means no way
    back, not an error.
    """
    try:
        return urlsplit(request.headers.get("HX-Current-URL", "")).path or None
    except ValueError:
        return None


def redirect_to_sign_in(endpoint: str, next_path: str | None = None):
    """Send someone who is not (or no longer) signed in to sign-in, and back here afterwards.

    `next_path` names the page to come back to when the view knows it better than the request does
    (a plain form post has no page address of its own to return to)."""
    if next_path is None:
        next_path = request.full_path.rstrip("?") if request.method == "GET" else _current_page_path()
    location = url_for(endpoint, next=next_path or None)
    if htmx:
        response = make_response("", 401)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)


def login_required(view):
    """A member of the public or professional who has verified their email and accepted the terms."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = g.get("user")
        if user is None or session.get("staff"):
            return redirect_to_sign_in("accounts.sign_in")
        if user.terms_version != current_app.config["TERMS_VERSION"]:
            location = url_for("accounts.terms", next=request.path)
            if htmx:
                response = make_response("", 401)
                response.headers["HX-Redirect"] = location
                return response
            return redirect(location)
        return view(*args, **kwargs)

    wrapped.sign_in_endpoint = "accounts.sign_in"  # where a signed-out post is sent (web/errors.py)
    return wrapped


def staff_required(view):
    """A Local Authority caseworker who signed in at /la/ with both factors."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = g.get("user")
        if user is None or not session.get("staff") or not user.is_staff:
            if user is not None and not user.is_staff:
                abort(404)
            return redirect_to_sign_in("review.sign_in")
        return view(*args, **kwargs)

    wrapped.sign_in_endpoint = "review.sign_in"
    return wrapped
