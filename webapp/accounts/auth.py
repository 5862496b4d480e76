"""Who is signed in, and the decorators that guard views.

Guards answer in the way the request can use: a full page is redirected to sign-in; an htmx request
gets 401 with HX-Redirect, so a sign-in page is never swapped into a form (DESIGN.md convention 7).
"""

import re
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, make_response, redirect, request, session, url_for

from webapp.extensions import db, htmx

from . import security_log, sessions
from .models import User

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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
    sessions.regenerate(session)
    session.pop("_expired", None)
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


def sign_out() -> None:
    user = g.get("user")
    if user is not None:
        security_log.record("sign-out", "success", user_id=user.id, staff=bool(session.get("staff")))
    sessions.destroy(session)
    g.user = None


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
        if not parts.scheme and not parts.netloc:
            return target
    return default


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

    return wrapped
