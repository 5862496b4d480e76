"""Server-side, revocable sessions stored in the database.

Flask's default session is a signed cookie: it cannot be revoked, so a stolen cookie would outlive
logout or a password change. Here the cookie carries only a random token; the row (keyed by the token's
SHA-256) holds the data and two deadlines, idle and absolute, that the server enforces on every request
(ASVS V7). A library such as Flask-Session stores sessions server-side too but cannot find a user's
sessions to revoke them, which password changes need.
"""

import hashlib
import json
import secrets
from datetime import timedelta

from flask import Flask
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from webapp.clock import utcnow
from webapp.extensions import db

from .models import WebSession

TOUCH_AFTER = timedelta(seconds=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, token: str | None = None, row: WebSession | None = None):
        def on_update(session):
            session.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.row = row
        self.modified = False
        self.rotate = False
        self.destroy = False

    @property
    def new(self) -> bool:
        return self.row is None


def regenerate(session: ServerSession) -> None:
    """Give the session a new id (at sign-in) so a token planted before sign-in is worthless."""
    session.rotate = True
    session.modified = True


def destroy(session: ServerSession) -> None:
    session.clear()
    session.destroy = True


def revoke_user_sessions(user_id: int, keep: ServerSession | None = None) -> int:
    query = db.session.query(WebSession).filter(WebSession.user_id == user_id)
    if keep is not None and keep.row is not None:
        query = query.filter(WebSession.id != keep.row.id)
    return query.delete(synchronize_session=False)


def purge_expired_sessions(batch_size: int = 5000) -> int:
    """Delete sessions past either deadline, in batches so a large table never locks for long."""
    now = utcnow()
    removed = 0
    while True:
        ids = [row.id for row in db.session.query(WebSession.id).filter(
            (WebSession.idle_expires_at < now) | (WebSession.absolute_expires_at < now)
        ).limit(batch_size)]
        if not ids:
            break
        removed += db.session.query(WebSession).filter(WebSession.id.in_(ids)).delete(
            synchronize_session=False)
        db.session.commit()
    return removed


def idle_timeout(app: Flask, data: dict) -> timedelta:
    minutes = app.config["STAFF_SESSION_IDLE_MINUTES"] if data.get("staff") else app.config[
        "SESSION_IDLE_MINUTES"]
    return timedelta(minutes=minutes)


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app: Flask, request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if token and len(token) < 100:
            row = db.session.get(WebSession, _hash(token))
            now = utcnow()
            if row is not None and row.idle_expires_at > now and row.absolute_expires_at > now:
                try:
                    data = json.loads(row.data)
                except ValueError:
                    data = {}
                return ServerSession(data, token=token, row=row)
            if row is not None:
                # Expired: remember that, so sign-in can say the answers were saved.
                session = ServerSession({"_expired": True})
                db.session.delete(row)
                db.session.commit()
                return session
        return ServerSession()

    def save_session(self, app: Flask, session: ServerSession, response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if session.destroy or (not session and session.row is not None):
            if session.row is not None:
                db.session.query(WebSession).filter(WebSession.id == session.row.id).delete()
                db.session.commit()
            if session.destroy or session.row is not None:
                response.delete_cookie(name, domain=domain, path=path)
            if not session:
                return
        if not session:
            return
        now = utcnow()
        if session.row is None or session.rotate:
            if session.row is not None:
                db.session.query(WebSession).filter(WebSession.id == session.row.id).delete()
            session.token = secrets.token_urlsafe(32)
            session.row = WebSession(id=_hash(session.token), created_at=now,
                                     absolute_expires_at=now + timedelta(
                                         hours=app.config["SESSION_ABSOLUTE_HOURS"]))
            db.session.add(session.row)
            set_cookie = True
        else:
            set_cookie = False
            if not session.modified and now - session.row.last_seen_at < TOUCH_AFTER:
                return
        session.pop("_expired", None) if session.get("user_id") else None
        session.row.data = json.dumps(dict(session))
        session.row.user_id = session.get("user_id")
        session.row.last_seen_at = now
        session.row.idle_expires_at = now + idle_timeout(app, session)
        db.session.commit()
        if set_cookie:
            response.set_cookie(name, session.token, httponly=True, secure=self.get_cookie_secure(app),
                                samesite=self.get_cookie_samesite(app), domain=domain, path=path)
        response.vary.add("Cookie")


def seconds_left(app: Flask, session: ServerSession) -> int:
    """How long until this session idles out, for the timeout warning."""
    if session.row is None:
        return int(idle_timeout(app, session).total_seconds())
    return max(0, int((session.row.idle_expires_at - utcnow()).total_seconds()))
