"""The Where you are signed in pages, for a citizen's account (/account/devices) and a caseworker's
(/la/devices): the same pages on two blueprints, each behind its own sign-in guard."""

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for

from webapp.extensions import db, limiter
from webapp.web.rendering import render_page

from . import devices, security_log, services, sessions
from .forms import SignOutDeviceForm

ALREADY_SIGNED_OUT = "That device was already signed out."


def _password_confirmed(form: SignOutDeviceForm) -> bool:
    """The form was sent, and with the account's password (or its field now says what is wrong)."""
    if not form.validate_on_submit():
        return False
    if services.verify_password_of(g.user, form.password.data):
        return True
    security_log.record("sign-out-devices", "wrong-password", user_id=g.user.id, staff=g.user.is_staff)
    form.password.errors.append("Your password is not correct")
    return False


def add_device_pages(bp: Blueprint, path: str, guard, home: tuple[str, str]) -> None:
    """Register the three pages at `path` on `bp`, behind `guard`; `home` is the (endpoint, text) of
    the link back to where the person came from."""

    def render(template: str, status: int = 200, **context):
        return render_page(template, status=status, area=bp.name, home_endpoint=home[0], home_text=home[1],
                           **context)

    def render_form(template: str, form, **context):
        return render(template, 422 if form.errors else 200, form=form, **context)

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
        if _password_confirmed(form):
            ended = devices.sign_out_device(g.user.id, session.sid, handle)
            security_log.record("sign-out-device", "success" if ended else "already-ended",
                                user_id=g.user.id, staff=g.user.is_staff)
            flash(f"You have signed out of {device.description or 'the unknown browser'}." if ended
                  else ALREADY_SIGNED_OUT, "success")
            return redirect(url_for(f"{bp.name}.devices_page"))
        return render_form("accounts/sign_out_device.html", form, device=device)

    def sign_out_other_devices():
        others = [device for device in devices.signed_in_devices(g.user.id, session.sid)
                  if not device.current]
        if not others and request.method == "GET":
            return redirect(url_for(f"{bp.name}.devices_page"))
        form = SignOutDeviceForm()
        if _password_confirmed(form):
            sessions.revoke_user_sessions(g.user.id, keep=session)
            db.session.commit()
            security_log.record("sign-out-other-devices", "success", user_id=g.user.id,
                                staff=g.user.is_staff)
            flash("You have signed out of every other device.", "success")
            return redirect(url_for(f"{bp.name}.devices_page"))
        return render_form("accounts/sign_out_other_devices.html", form, others=others)

    def page(view, *, limited: bool = False):
        # Flask-Limiter tells views apart by qualified name, and these are defined once per blueprint.
        view.__qualname__ = f"{bp.name}.{view.__name__}"
        return guard(limiter.limit("10 per hour", methods=["POST"])(view) if limited else view)

    bp.add_url_rule(path, view_func=page(devices_page), methods=["GET"])
    bp.add_url_rule(f"{path}/<handle>/sign-out", view_func=page(sign_out_device, limited=True),
                    methods=["GET", "POST"])
    bp.add_url_rule(f"{path}/sign-out-all", view_func=page(sign_out_other_devices, limited=True),
                    methods=["GET", "POST"])
