"""Change your password, for a citizen's account (/account/password) and a caseworker's (/la/password):
one page on two blueprints, each behind its own sign-in guard, as the device pages are (device_views).

The same rules for the new password, the same email to the account, and the same protection against
guessing the current one as every page that asks for it (reauth).
"""

from flask import Blueprint, flash, g, redirect, session, url_for

from webapp.web.rendering import render_page

from . import auth, reauth, services
from .forms import ChangePasswordForm, validate_with_password_rules

WRONG_CURRENT_PASSWORD = "Your current password is not correct"  # noqa: S105 (a message)
CHANGED = "Your password has been changed. You have been signed out everywhere else."


def add_password_pages(bp: Blueprint, path: str, guard, home: tuple[str, str]) -> None:
    """Register the change-password page at `path` on `bp`, behind `guard`; `home` is the (endpoint,
    text) of where the person came from, which Cancel and a changed password lead back to."""

    def change_password():
        form = ChangePasswordForm()
        valid = validate_with_password_rules(form, g.user.email, (g.user.first_name, g.user.surname))
        tries_left = None
        # Checked whatever else is wrong with the form, so every problem is said at once.
        if form.is_submitted() and form.current_password.data and not form.current_password.errors:
            tries_left = reauth.wrong_password_tries_left(form.current_password.data, "password-change")
            if tries_left is not None:
                form.current_password.errors.append(WRONG_CURRENT_PASSWORD)
                valid = False
        if valid:
            reauth.done()
            services.change_password(g.user, form.password.data, keep_session=session)
            auth.renew_session()
            flash(CHANGED, "success")
            return redirect(url_for(home[0]))
        return render_page("accounts/change_password.html", status=422 if form.errors else 200, form=form,
                           area=bp.name, home_endpoint=home[0], home_text=home[1],
                           tries_left=reauth.warning_due(tries_left))

    # Flask-Limiter tells views apart by qualified name, and this one is defined once per blueprint.
    change_password.__qualname__ = f"{bp.name}.change_password"
    view = reauth.asks_for_the_password(bp.name, "change your password")(change_password)
    bp.add_url_rule(path, view_func=guard(view), methods=["GET", "POST"])
