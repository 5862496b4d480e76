"""Submissions: declare and submit, immutable versions, Submitted Forms, the further-information loop."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint and the after-sign-in hook (forms waiting → Submitted Forms)."""
    from .services import after_sign_in
    from .views import bp

    app.register_blueprint(bp)
    app.extensions.setdefault("after_sign_in", []).append(after_sign_in)
