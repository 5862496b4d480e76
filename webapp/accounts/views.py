"""Registration (seed Section 1), sign-in, forgotten password and the account pages.

Progress through registration is kept in the server-side session, never in hidden fields, so a person
who leaves half-way comes back to the step they reached.
"""

import math
from datetime import timedelta

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for

from webapp.extensions import csrf, db, limiter
from webapp.notifications.email import MailUnavailable
from webapp.validation import display_phone
from webapp.web.rendering import render_page

from . import attempts, auth, codes, reauth, services
from .device_views import add_device_pages
from .forms import (
    DETAIL_FIELDS,
    ChangeEmailForm,
    CodeForm,
    ForgottenPasswordForm,
    RegistrationAccountForm,
    RegistrationDetailsForm,
    ResetPasswordForm,
    SignInForm,
    TermsForm,
    UpdateDetailsForm,
    validate_with_password_rules,
)
from .models import User
from .password_views import add_password_pages

bp = Blueprint("accounts", __name__)
bp.add_app_template_filter(display_phone, "phone")

MAIL_DOWN = ("We could not send the email just now. Select 'Please send me a new code' to try again in a "
             "few minutes.")
TOO_SOON = "You have asked for a new code too recently. Wait a minute, then try again."
TOO_MANY = "You have asked for {limit} new codes in the last hour. Wait {minutes} minutes, then try again."
SEND_NEW_CODE = "Send a new code"  # the link on the reset and change-of-email code pages
REGISTERED_AGAIN = ("This email address has been registered again since you started. Enter your email "
                    "address and password again.")


def _render_form(template: str, form, **context):
    """422 when a submitted form has errors, so htmx and tests can tell failure from success."""
    status = 422 if form.errors else 200
    return render_page(template, status=status, form=form, **context)


def _registration() -> dict:
    return session.get("registration") or {}


def _pending_user(*, quietly: bool = False) -> User | None:
    """The unverified account this browser registered or signed in to, while it is still theirs.

    Once step 2 has set a different password for the address (someone registered it again), this
    browser goes back to step 2 (step 1 if it came from sign-in) to enter its own details again.
    """
    state = _registration()
    user = db.session.get(User, state["user_id"]) if state.get("user_id") else None
    if user is not None and state.get("account_key") != services.registration_key(user):
        kept = {k: v for k, v in state.items() if k not in ("user_id", "account_key")}
        session["registration"] = {**kept, "step": 2 if "details" in kept else 1}
        if not quietly:
            flash(REGISTERED_AGAIN, "error")
        return None
    return user


def _hold_registration(user: User, **state) -> None:
    session["registration"] = {**state, "email": user.email, "user_id": user.id, "step": 3,
                               "account_key": services.registration_key(user)}


# --- Registration -------------------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def register_details():
    if g.user is not None:
        return redirect(auth.safe_next(request.args.get("next"), url_for("main.home")))
    state = _registration()
    next_url = auth.safe_next(request.args.get("next"), "")
    if next_url and state.get("next") != next_url:
        # "Register for new account" from a form: come back to it after the terms, however long it takes.
        state = {**state, "next": next_url}
        session["registration"] = state
    form = RegistrationDetailsForm(data=state.get("details"))
    if form.validate_on_submit():
        details = {name: form[name].data for name in DETAIL_FIELDS}
        session["registration"] = {**state, "details": details, "step": max(state.get("step", 1), 2)}
        return redirect(url_for(".register_account"))
    if request.method == "GET" and request.args.get("resume"):
        # "Register for new account" again, later: on to the step reached. Otherwise on to this page's
        # plain address, which is what the browser's Back from step 2 comes back to: it used to send
        # the person straight on to step 2 again, so step 1 could not be reached by Back.
        if state.get("step", 1) >= 3 and _pending_user():
            return redirect(url_for(".register_verify"))
        if _registration().get("step", 1) == 2:
            return redirect(url_for(".register_account"))
        return redirect(url_for(".register_details", next=next_url or None))
    return _render_form("accounts/register_details.html", form, next_url=state.get("next"))


@bp.route("/register/account", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register_account():
    state = _registration()
    if "details" not in state:
        # Step 3 reached from Secure login (an account not yet verified) has no step 1 in this
        # browser: its "Back (change your email address)" sent the person straight back to step 3,
        # so an address typed wrongly when registering could not be put right. The account's own
        # details stand in for step 1.
        user = _pending_user(quietly=True) if state.get("user_id") else None
        if user is None:
            return redirect(url_for(".register_details", resume=1))
        state = {**state, "details": services.details_of(user)}
        session["registration"] = state
    form = RegistrationAccountForm(data={"email": state.get("email")})
    details = state["details"]
    if validate_with_password_rules(form, form.email.data,
                                     (details.get("first_name"), details.get("surname"))):
        try:
            user = services.register_account(details, form.email.data, form.password.data)
        except services.EmailTaken:
            form.email.errors.append("An account with this email address already exists. "
                                     "Sign in, or reset your password if you have forgotten it")
        else:
            _hold_registration(user, **state)
            return _send_verification(user)
    return _render_form("accounts/register_account.html", form)


def _send_verification(user: User):
    """Send a code unless one went to this account moments ago (that code still works).

    Without the check, re-posting step 2 or signing in again would email an address as often as asked.
    """
    try:
        services.send_code_unless_recent(user, services.VERIFY_EMAIL)
    except MailUnavailable:
        flash(MAIL_DOWN, "error")
    return redirect(url_for(".register_verify"))


@bp.route("/register/verify", methods=["GET", "POST"])
def register_verify():
    user = _pending_user()
    if user is None:
        return redirect(url_for(".register_details", resume=1))
    form = CodeForm()
    if form.validate_on_submit():
        result = services.verify_email(user, form.code.data)
        if result is codes.CodeCheck.OK:
            next_url = _registration().get("next")  # signing in clears the registration state
            auth.sign_in(user)
            return redirect(url_for(".terms", next=next_url) if next_url else url_for(".terms"))
        form.code.errors.append(codes.message(result))
    return _render_form("accounts/register_verify.html", form, email=user.email,
                        minutes=services.code_minutes(services.VERIFY_EMAIL))


@bp.post("/register/verify/resend")
@limiter.limit("10 per hour")
def register_resend():
    user = _pending_user()
    if user is None:
        return redirect(url_for(".register_details", resume=1))
    try:
        sent = services.send_code_unless_recent(user, services.VERIFY_EMAIL)
    except MailUnavailable:
        flash(MAIL_DOWN, "error")
    else:
        if sent:
            flash(f"We have sent a new code to {user.email}.", "success")
        else:
            flash(_too_soon(codes.wait_before_another_code(user, services.VERIFY_EMAIL)), "error")
    return redirect(url_for(".register_verify"))


def _too_soon(wait: timedelta | None) -> str:
    """Says how long to wait: a minute at most between two codes, up to an hour after five."""
    minutes = math.ceil(wait.total_seconds() / 60) if wait else 1
    return TOO_SOON if minutes <= 1 else TOO_MANY.format(limit=codes.RESENDS_PER_HOUR, minutes=minutes)


@bp.route("/register/cancel", methods=["GET", "POST"])
def register_cancel():
    """Ask before throwing registration away, as GOV.UK services do before anything they cannot undo.

    "Cancel" on step 3 used to delete the account and the details at once: one slip of a finger or a
    keyboard, and the person had to type everything again and wait for another code. Now it opens
    this page; only its "Yes, cancel registering" (which sends confirm=yes) deletes anything. A POST
    without it, from a step 3 page still open from before, is shown the question too.
    """
    if g.user is not None:
        return redirect(url_for("main.home"))
    state = _registration()
    if "details" not in state and not state.get("user_id"):
        return redirect(url_for(".register_details", resume=1))
    user = _pending_user(quietly=True)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        if user is not None and not user.is_verified:
            db.session.delete(user)
            db.session.commit()
        session.pop("registration", None)
        flash("You have cancelled registering. The details you entered have been deleted.", "success")
        return redirect(url_for("main.home"), 303)
    if request.method == "POST":
        return redirect(url_for(".register_cancel"), 303)
    return render_page("accounts/register_cancel.html", email=user.email if user is not None else None)


# --- Terms and Conditions -------------------------------------------------------------------------

@bp.route("/terms", methods=["GET", "POST"])
def terms():
    if g.user is None or session.get("staff"):
        return auth.redirect_to_sign_in("accounts.sign_in")  # 401 + HX-Redirect for htmx (convention 7)
    form = TermsForm()
    if form.validate_on_submit():
        first_time = g.user.terms_version is None
        services.accept_terms(g.user)
        flash("Registration complete. You are now signed in." if first_time
              else "Thank you for accepting the updated Terms and Conditions.", "success")
        return redirect(auth.safe_next(request.args.get("next"), url_for("main.home")))
    return _render_form("accounts/terms.html", form, version=current_app.config["TERMS_VERSION"])


# --- Sign in and out ------------------------------------------------------------------------------

@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("20 per minute; 100 per hour", methods=["POST"])
def sign_in():
    ended = auth.end_session_the_countdown_ended(url_for("main.home"))
    if ended is not None:
        return ended
    next_url = auth.safe_next(request.args.get("next"), url_for("main.home"))
    if request.method == "GET" and g.user is not None and not session.get("staff"):
        # Already signed in, following a link from an email ("Your form needs more information"):
        # straight on to where it leads, as Register does.
        return redirect(next_url)
    form = SignInForm()
    expired = bool(session.get("_expired"))
    lock_warning = None
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, staff=False)
        if result.locked:
            return render_page("accounts/locked.html", status=429)
        if result.user is None:
            tries_left = attempts.tries_left_after_failure(form.email.data)
            if tries_left == 0:
                return render_page("accounts/locked.html", status=429)
            form.refuse("Enter a correct email address and password")
            if tries_left <= attempts.WARN_FROM:
                lock_warning = tries_left
        elif not result.user.is_verified:
            attempts.forget()
            _hold_registration(result.user, next=auth.safe_next(request.args.get("next"), ""))
            return _send_verification(result.user)
        else:
            attempts.forget()
            auth.sign_in(result.user)
            destination = _after_sign_in(result.user, next_url)
            if result.user.terms_version != current_app.config["TERMS_VERSION"]:
                # New terms are asked for at the next sign-in, before anything else.
                return redirect(url_for(".terms", next=destination))
            return redirect(destination)
    next_param = auth.safe_next(request.args.get("next"), "") or None
    return _render_form("accounts/sign_in.html", form, expired=expired, next_param=next_param,
                        answers_saved=auth.saves_itself(next_param), lock_warning=lock_warning)


def _after_sign_in(user: User, next_url: str) -> str:
    """Where to go after sign-in; other parts of the portal may register a better place."""
    for hook in current_app.extensions.get("after_sign_in", []):
        destination = hook(user, next_url)
        if destination:
            return destination
    return next_url


@bp.post("/sign-out")
@csrf.exempt
def sign_out():
    """Sign out; pressed after the session has already ended, it just says so.

    The CSRF check runs only when someone is signed in. A "Sign out" button left on screen after
    the session idled out, or in a tab open when another tab signed out, has no session to match
    its token: the person was shown "Your session needs refreshing" and could not tell that they
    were signed out, which matters on a shared computer. Signed out, there is nothing to protect.
    """
    was_staff = bool(session.get("staff"))
    if g.user is not None:
        csrf.protect()
        auth.sign_out()
    session.pop("_expired", None)
    flash("You have signed out.", "success")
    # A caseworker comes back to the back office's sign-in, not to the public's Portal Home.
    return redirect(url_for("review.sign_in" if was_staff else "main.home"))


@bp.post("/session/extend")
def extend_session():
    """The timeout warning's "Continue": one action keeps the session alive (WCAG 2.2.1)."""
    if g.user is None:
        return auth.redirect_to_sign_in("accounts.sign_in")
    session.modified = True
    return "", 204


# --- Forgotten password ---------------------------------------------------------------------------

@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgotten_password():
    # "Send a new code" on the reset page comes back here: the address the person gave is filled in,
    # so another code is one press away (it had to be typed again).
    given = session.get("reset_email") if request.method == "GET" else None
    form = ForgottenPasswordForm(data={"email": given} if given else None)
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        session["reset_email"] = form.email.data
        if user is not None and not user.is_staff and user.disabled_at is None:
            try:
                services.send_code_unless_recent(user, services.RESET_PASSWORD)
            except MailUnavailable:
                form.email.errors.append("We could not send the email just now. Try again in a few minutes")
                return _render_form("accounts/forgotten_password.html", form)
        return redirect(url_for(".reset_password"))
    return _render_form("accounts/forgotten_password.html", form)


@bp.route("/forgotten-password/code", methods=["GET", "POST"])
def reset_password():
    email = session.get("reset_email")
    if not email:
        return redirect(url_for(".forgotten_password"))
    form = ResetPasswordForm()
    # Not the account's names: this page is open before the code is checked, and a rule that used them
    # would tell anyone who typed the address whether it has an account, and whose.
    if validate_with_password_rules(form, email):
        user = services.find_by_email(email)
        if user is None or user.is_staff or user.disabled_at is not None:
            form.code.errors.append(codes.message(codes.CodeCheck.WRONG))
        else:
            result = services.reset_password(user, form.code.data, form.password.data)
            if result is codes.CodeCheck.OK:
                session.pop("reset_email", None)
                flash("Your password has been changed. Sign in with your new password.", "success")
                return redirect(url_for(".sign_in"))
            form.code.errors.append(codes.message(result, SEND_NEW_CODE))
    return _render_form("accounts/reset_password.html", form, email=email)


# --- My Account -----------------------------------------------------------------------------------

@bp.get("/account")
@auth.login_required
def my_account():
    return render_page("accounts/my_account.html", user=g.user)


@bp.route("/account/update", methods=["GET", "POST"])
@auth.login_required
def update_account():
    form = UpdateDetailsForm(data=services.details_of(g.user))
    if form.validate_on_submit():
        services.apply_details(g.user, {name: form[name].data for name in DETAIL_FIELDS})
        db.session.commit()
        flash("Your details have been updated.", "success")
        return redirect(url_for(".my_account"))
    return _render_form("accounts/update_account.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@auth.login_required
@reauth.asks_for_the_password("accounts", "change your email address")
def change_email():
    # "Send a new code" on the code page comes back here, with the new address already filled in.
    pending = codes.current(g.user, services.CHANGE_EMAIL) if request.method == "GET" else None
    waiting = pending is not None and pending.used_at is None
    form = ChangeEmailForm(data={"email": pending.target_email} if waiting else None)
    tries_left = None
    if form.validate_on_submit():
        tries_left = reauth.wrong_password_tries_left(form.password.data, "email-change")
        if tries_left is not None:
            form.password.errors.append("Your password is not correct")
        elif form.email.data == g.user.email:
            form.email.errors.append("This is already your email address. Enter the new one")
        elif services.find_by_email(form.email.data) is not None:
            form.email.errors.append("An account with this email address already exists")
        else:
            try:
                services.send_code(g.user, services.CHANGE_EMAIL, form.email.data)
            except MailUnavailable:
                form.email.errors.append("We could not send the email just now. Try again in a few minutes")
            else:
                reauth.done()
                return redirect(url_for(".confirm_email"))
    return _render_form("accounts/change_email.html", form, tries_left=reauth.warning_due(tries_left))


@bp.route("/account/email/code", methods=["GET", "POST"])
@auth.login_required
def confirm_email():
    pending = codes.current(g.user, services.CHANGE_EMAIL)
    if pending is None or pending.used_at is not None:
        return redirect(url_for(".change_email"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            result, _ = services.confirm_email_change(g.user, form.code.data)
        except services.EmailTaken:
            form.code.errors.append("An account with this email address already exists")
        else:
            if result is codes.CodeCheck.OK:
                flash("Your email address has been changed.", "success")
                return redirect(url_for(".my_account"))
            form.code.errors.append(codes.message(result, SEND_NEW_CODE))
    return _render_form("accounts/confirm_email.html", form, email=pending.target_email)


add_device_pages(bp, "/account/devices", auth.login_required, home=("accounts.my_account", "My Account"))
add_password_pages(bp, "/account/password", auth.login_required, home=("accounts.my_account", "My Account"))
