"""GET /healthz: whether this process can serve, for a load balancer or a monitor.

Cheap and anonymous on purpose: one `SELECT 1`, no session (it never reads the cookie's row nor writes
one, so a probe every few seconds adds no rows), no templates, nothing about any person, and no rate
limit (a load balancer probing from one address must never be throttled into taking the portal out).
"""

import logging

from flask import Flask, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db, limiter

log = logging.getLogger(__name__)


def healthz() -> Response:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("health check: the database does not answer")
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass
        return Response("database unavailable\n", status=503, mimetype="text/plain")
    return Response("ok\n", mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", endpoint="healthz", view_func=limiter.exempt(healthz), methods=["GET"])
