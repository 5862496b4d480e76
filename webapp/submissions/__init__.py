"""Submissions: declare and submit, immutable versions, Submitted Forms, the further-information loop."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint, the after-sign-in hook (forms waiting → Submitted Forms) and
    `version_reference` for templates (a version is named as its PDF and its notice name it)."""
    from .services import after_sign_in, version_reference
    from .views import bp

    app.register_blueprint(bp)
    app.add_template_global(version_reference, "version_reference")
    app.extensions.setdefault("after_sign_in", []).append(after_sign_in)
