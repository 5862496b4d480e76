"""Change your password, for a citizen's account (/account/password) and a caseworker's (/la/password):
one page on two blueprints, each behind its own sign-in guard, as the device pages are (device_views).

The same rules for the new password, the same email to the account, and the same protection against
guessing the current one: a session that gives it wrongly LOGIN_FAILURES_BEFORE_LOCK times is signed
out (attempts.tries_left_after_wrong_current_password), and a session may send the form only so often.
"""

import logging

from flask import Blueprint, flash, g, redirect, request, session, url_for
from flask_limiter.util import get_remote_address

from webapp.extensions import limiter
from webapp.web.rendering import render_page

from . import attempts, auth, devices, security_log, services
from .forms import ChangePasswordForm, validate_with_password_rules

WRONG_CURRENT_PASSWORD = "Your current password is not correct"  # noqa: S105 (a message)
CHANGED = "Your password has been changed. You have been signed out everywhere else."
#: Sent in an hour by one session. A person struggling with the rules for a new password has room; tries
#: sent all at once, which the session's count of wrong passwords cannot see, are bounded by it.
SENDS_PER_HOUR = "10 per hour"
SIGNED_OUT = ("You have been signed out because the current password was entered wrongly too many times. "
              "Sign in again to change your password.")
FORGOTTEN = {
    "accounts": " If you have forgotten your password, reset it with 'Forgotten your password?'.",
    "review": " If you have forgotten your password, ask the IT service desk for a new one.",
}


def _this_session() -> str:
    """The rate limit's key: this session (by its handle, never its id). A stolen session cannot get a
    new one without the password, and the owner's own sessions are not held up by it."""
    sid = getattr(session, "sid", None)
    return f"session:{devices.handle_of(sid)}" if sid else get_remote_address()


def add_password_pages(bp: Blueprint, path: str, guard, home: tuple[str, str]) -> None:
    """Register the change-password page at `path` on `bp`, behind `guard`; `home` is the (endpoint,
    text) of where the person came from, which Cancel and a changed password lead back to."""

    def signed_out_for_guessing():
        security_log.record("password-change", "too-many-wrong-passwords", user_id=g.user.id,
                            staff=g.user.is_staff, level=logging.WARNING)
        auth.sign_out("too-many-wrong-passwords")
        flash(SIGNED_OUT + FORGOTTEN[bp.name], "info")
        return redirect(url_for(view.sign_in_endpoint, next=request.path))

    def change_password():
        form = ChangePasswordForm()
        valid = validate_with_password_rules(form, g.user.email, (g.user.first_name, g.user.surname))
        tries_left = None
        # Checked whatever else is wrong with the form, so every problem is said at once.
        if form.is_submitted() and form.current_password.data and not form.current_password.errors \
                and not services.verify_password_of(g.user, form.current_password.data):
            security_log.record("password-change", "wrong-password", user_id=g.user.id, staff=g.user.is_staff)
            tries_left = attempts.tries_left_after_wrong_current_password()
            if tries_left == 0:
                return signed_out_for_guessing()
            form.current_password.errors.append(WRONG_CURRENT_PASSWORD)
            valid = False
        if valid:
            attempts.forget_wrong_current_passwords()
            services.change_password(g.user, form.password.data, keep_session=session)
            auth.renew_session()
            flash(CHANGED, "success")
            return redirect(url_for(home[0]))
        return render_page("accounts/change_password.html", status=422 if form.errors else 200, form=form,
                           area=bp.name, home_endpoint=home[0], home_text=home[1],
                           tries_left=tries_left if tries_left is not None
                           and tries_left <= attempts.WARN_FROM else None)

    # Flask-Limiter tells views apart by qualified name, and this one is defined once per blueprint.
    change_password.__qualname__ = f"{bp.name}.change_password"
    view = guard(limiter.limit(SENDS_PER_HOUR, key_func=_this_session, methods=["POST"])(change_password))
    bp.add_url_rule(path, view_func=view, methods=["GET", "POST"])
