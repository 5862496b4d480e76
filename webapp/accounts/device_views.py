"""The Where you are signed in pages, for a citizen's account (/account/devices) and a caseworker's
(/la/devices): the same pages on two blueprints, each behind its own sign-in guard. Signing a device
out asks for the password, guarded against guessing as every page that asks for it is (reauth)."""

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for

from webapp.extensions import db
from webapp.web.rendering import render_page

from . import devices, reauth, security_log, sessions
from .forms import SignOutDeviceForm

ALREADY_SIGNED_OUT = "That device was already signed out."
WRONG_PASSWORD = "Your password is not correct"  # noqa: S105 (a message)
SIGN_IN_AGAIN_TO = "sign out of your other devices"


def add_device_pages(bp: Blueprint, path: str, guard, home: tuple[str, str]) -> None:
    """Register the three pages at `path` on `bp`, behind `guard`; `home` is the (endpoint, text) of
    the link back to where the person came from."""

    def render(template: str, status: int = 200, **context):
        return render_page(template, status=status, area=bp.name, home_endpoint=home[0], home_text=home[1],
                           **context)

    def render_form(template: str, form, tries_left: int | None, **context):
        return render(template, 422 if form.errors else 200, form=form,
                      tries_left=reauth.warning_due(tries_left), **context)

    def password_confirmed(form: SignOutDeviceForm) -> tuple[bool, int | None]:
        """Whether the form was sent with the account's password (if not, its field says what is
        wrong), and the wrong passwords this session may still give. A session that has given too
        many is signed out (reauth.asks_for_the_password)."""
        if not form.validate_on_submit():
            return False, None
        tries_left = reauth.wrong_password_tries_left(form.password.data, "sign-out-devices")
        if tries_left is None:
            reauth.done()
            return True, None
        form.password.errors.append(WRONG_PASSWORD)
        return False, tries_left

    def devices_page():
        return render("accounts/devices.html", devices=devices.signed_in_devices(g.user.id, session.sid))

    def sign_out_device(handle: str):
        device = devices.find_other_device(g.user.id, session.sid, handle)
        if device is None:
            if request.method == "POST":  # ended (idled out, or from another page) while this one was open
                flash(ALREADY_SIGNED_OUT, "success")
                return redirect(url_for(f"{bp.name}.devices_page"))
            abort(404)
        form = SignOutDeviceForm()
        confirmed, tries_left = password_confirmed(form)
        if confirmed:
            ended = devices.sign_out_device(g.user.id, session.sid, handle)
            security_log.record("sign-out-device", "success" if ended else "already-ended",
                                user_id=g.user.id, staff=g.user.is_staff)
            flash(f"You have signed out of {device.description or 'the unknown browser'}." if ended
                  else ALREADY_SIGNED_OUT, "success")
            return redirect(url_for(f"{bp.name}.devices_page"))
        return render_form("accounts/sign_out_device.html", form, tries_left, device=device)

    def sign_out_other_devices():
        others = [device for device in devices.signed_in_devices(g.user.id, session.sid)
                  if not device.current]
        if not others and request.method == "GET":
            return redirect(url_for(f"{bp.name}.devices_page"))
        form = SignOutDeviceForm()
        confirmed, tries_left = password_confirmed(form)
        if confirmed:
            sessions.revoke_user_sessions(g.user.id, keep=session)
            db.session.commit()
            security_log.record("sign-out-other-devices", "success", user_id=g.user.id,
                                staff=g.user.is_staff)
            flash("You have signed out of every other device.", "success")
            return redirect(url_for(f"{bp.name}.devices_page"))
        return render_form("accounts/sign_out_other_devices.html", form, tries_left, others=others)

    def page(view, *, asks_for_password: bool = False):
        # Flask-Limiter tells views apart by qualified name, and these are defined once per blueprint.
        view.__qualname__ = f"{bp.name}.{view.__name__}"
        if asks_for_password:
            view = reauth.asks_for_the_password(bp.name, SIGN_IN_AGAIN_TO)(view)
        return guard(view)

    bp.add_url_rule(path, view_func=page(devices_page), methods=["GET"])
    bp.add_url_rule(f"{path}/<handle>/sign-out", view_func=page(sign_out_device, asks_for_password=True),
                    methods=["GET", "POST"])
    bp.add_url_rule(f"{path}/sign-out-all", view_func=page(sign_out_other_devices, asks_for_password=True),
                    methods=["GET", "POST"])
