"""The portal home, the audience pages and the footer's information pages."""

from flask import Blueprint, current_app

from webapp.web.rendering import render_page

bp = Blueprint("main", __name__)


def forms_for(audience: str) -> list:
    """The referral forms offered to an audience, once form definitions are loaded."""
    catalogue = current_app.extensions.get("form_catalogue")
    return list(catalogue.for_audience(audience)) if catalogue else []


@bp.get("/")
def home():
    return render_page("main/home.html")


@bp.get("/professional")
def professional():
    return render_page("main/forms_list.html", audience="professional", forms=forms_for("professional"))


@bp.get("/public")
def public():
    return render_page("main/forms_list.html", audience="public", forms=forms_for("public"))


@bp.get("/accessibility")
def accessibility():
    return render_page("main/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_page("main/privacy.html")


@bp.get("/cookies")
def cookies():
    return render_page("main/cookies.html")
