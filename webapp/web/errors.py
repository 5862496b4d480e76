"""Error pages that never show a stack trace and never lose the user's place.

An htmx request gets the same message as a small fragment so it lands inside the form it came from,
with a status the client is configured to swap.
"""

import logging
import math

from flask import Flask, current_app, g, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from webapp.extensions import db, htmx
from webapp.web.logsafe import log_exception

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Sorry, there is a problem with that request", "Go back and try again."),
    403: ("You do not have permission to see this page", ""),
    404: ("Page not found", "If you typed the web address, check it is correct. If you pasted the web "
          "address, check you copied the entire address."),
    405: ("Sorry, there is a problem with that request", "Go back and try again."),
    413: ("The file is too large", "Each file must be smaller than 10 MB. Your other answers have been "
          "kept. Go back and choose a smaller file."),
    429: ("Too many attempts", "You have tried too many times. Wait 15 minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is unavailable", "Your answers on this page were not saved. Go back and "
          "try again in a few minutes."),
}


def render_error(status: int, title: str | None = None, body: str | None = None,
                 links: list[tuple[str, str]] | None = None):
    """The error page (or, for htmx, its fragment); `links` are (address, text) of the ways on."""
    default_title, default_body = MESSAGES.get(status, MESSAGES[500])
    template = "partials/web/error.html" if htmx else "errors/error.html"
    html = render_template(template, status=status, title=title or default_title,
                           body=default_body if body is None else body, links=links or [])
    return html, status, {"Vary": "HX-Request"}


def _signed_out_page(sign_in_endpoint: str):
    """A form sent from a page whose session has ended (it idled out, or was signed out from another
    device): its token matches nothing. "Your session needs refreshing" did not say what had happened,
    and "go back and refresh" led to the sign-in page with what was typed lost. Nothing was saved; the
    person can go back to copy it, and sign in again to the page they were on."""
    rule = request.url_rule
    back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
    return render_error(401, "You have been signed out",
                        "What you sent was not saved. Go back to copy anything you typed, then sign in "
                        "again.", links=[(url_for(sign_in_endpoint, next=back), "Sign in")])


def _draft_not_found():
    """An old address of a draft (a bookmark, the browser's history, a link in an email): the draft has
    been submitted, deleted, or removed when its days ran out. The same words whoever's the draft was,
    so they say nothing about whether it exists."""
    days = current_app.config["DRAFT_LIFETIME_DAYS"]
    body = f"It may have been submitted, deleted, or removed because it was not saved for {days} days."
    if request.method == "POST":
        # Sent from a page left open while the form was submitted or deleted in another tab.
        body += " What you sent was not saved. Go back to copy anything you typed."
    html, status, headers = render_error(
        404, "This form is no longer here", body,
        links=[(url_for("drafts.recover"), "Your saved forms (Recover a Form)"),
               (url_for("submissions.submitted"), "Forms you have sent (Submitted Forms)")])
    # htmx does not swap an error in: portal.js says this, rather than "something went wrong, try again".
    return html, status, {**headers, "X-Portal-Gone": "draft"}


def _wait_message(error: HTTPException) -> str | None:
    """How long to wait, from the limit that was reached ("20 per minute": 1 minute), rather than a
    fixed "15 minutes" that was wrong for every limit but one; None for the default message."""
    limit = getattr(getattr(error, "limit", None), "limit", None)
    if limit is None:
        return None
    minutes = max(1, math.ceil(limit.get_expiry() / 60))
    wait = f"{minutes // 60} hour" if minutes % 60 == 0 else f"{minutes} minute"
    plural = "s" if (minutes // 60 if minutes % 60 == 0 else minutes) != 1 else ""
    return f"You have tried too many times. Wait {wait}{plural}, then try again."


def render_retry_page():
    """A 503 that keeps what the person typed: the page re-posts it with one button once the
    database is back. Passwords are not echoed back; files cannot be, and the page says so."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if "password" not in name and name != "action"]
    html = render_template("errors/unavailable.html", fields=fields, action=request.full_path.rstrip("?"),
                           had_files=bool(request.files),
                           had_password=any("password" in name for name in request.form))
    return html, 503, {"Retry-After": "60"}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        sign_in = getattr(current_app.view_functions.get(request.endpoint), "sign_in_endpoint", None)
        if sign_in and not session.get("user_id") and not htmx:
            return _signed_out_page(sign_in)
        if htmx and not session.get("user_id"):
            # The session idled out under an open form: send the page to sign-in (convention 7),
            # never swap an error into the form.
            from webapp.accounts.auth import redirect_to_sign_in

            staff_area = request.blueprint == "review"
            return redirect_to_sign_in("review.sign_in" if staff_area else "accounts.sign_in")
        if request.blueprint == "review":
            # The back office's return and response forms do not save themselves: nothing was kept.
            return render_error(400, "Your session needs refreshing",
                                "For your security, what you sent was not used. Go back: what you typed "
                                "should still be on the page. Copy it, refresh the page, sign in again "
                                "if asked, and send it again.")
        return render_error(400, "Your session needs refreshing",
                            "For your security, go back, refresh the page and try again. "
                            "Your saved answers have been kept.")

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)  # every pooled connection busy for the pool's whole wait
    def database_unavailable(error):
        log.error("database unavailable on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except OperationalError:
            pass
        if request.method == "POST" and not htmx:
            return render_retry_page()
        return render_error(503)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429:  # a rate limit: sign-in guesses, code guesses, too many emails asked for
            from webapp.accounts import security_log

            user = g.get("user")
            security_log.record("throttled", "refused", user_id=user.id if user else None,
                                level=logging.WARNING)
            return render_error(429, body=_wait_message(error))
        if error.code == 404 and request.path.startswith("/drafts/") and g.get("user") is not None \
                and not session.get("staff"):
            return _draft_not_found()
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error):
        log_exception(log, "unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)
