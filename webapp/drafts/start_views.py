"""Starting a form: its Overview, readable signed out (the first page of seed section 2.1), and the
start itself."""

from flask import g, redirect, request, session, url_for

from webapp.web.rendering import render_page

from . import services
from .web import bp, citizen_required, definition_or_404, lifetime, section_url


def _account_audience() -> str:
    """Which forms the signed-in account may start: a professional's, or a member of the public's."""
    return "professional" if g.user.is_professional else "public"


def _render_overview(definition, status: int = 200):
    overview = next((s for s in definition.sections if s.kind == "overview"), None)
    signed_in = g.get("user") is not None and not session.get("staff")
    wrong_audience = signed_in and definition.audience != _account_audience()
    return render_page("drafts/overview.html", status, definition=definition, overview=overview,
                       signed_in=signed_in, wrong_audience=wrong_audience,
                       start_key=services.new_start_key() if signed_in and not wrong_audience else None)


@bp.get("/forms/<form_id>")
def start(form_id: str):
    """The Overview, readable signed out (seed 2.1)."""
    return _render_overview(definition_or_404(form_id))


@bp.get("/forms/<form_id>/login-or-register")
def login_or_register(form_id: str):
    definition = definition_or_404(form_id)
    return render_page("drafts/login_or_register.html", definition=definition,
                       next_url=url_for(".start", form_id=definition.id))


@bp.post("/forms/<form_id>/start")
@citizen_required
def create(form_id: str):
    definition = definition_or_404(form_id)
    if definition.audience != _account_audience():
        # A professional's form started from a member of the public's account (or the other way
        # round) had no professional's details to fill in, and reached the wrong team's queue.
        return _render_overview(definition, 403)
    draft = services.start_draft(g.user.id, definition, lifetime(), start_key=request.form.get("start_key"))
    return redirect(section_url(draft, services.first_question_section(definition)), 303)
