"""Server-side, revocable sessions stored in the database.

Flask's default session is a signed cookie: it cannot be revoked, so a stolen cookie would outlive
logout or a password change. Here the cookie carries only a random token; the row (keyed by the token's
SHA-256) holds the data and two deadlines, idle and absolute, that the server enforces on every request
(ASVS V7). A library such as Flask-Session stores sessions server-side too but cannot find a user's
sessions to revoke them, which password changes need. A browser sends requests at once (an autosave,
a question's check, Next, other tabs), so a request writes back only what it changed, on top of what
the others wrote meanwhile (`_write_changes`), never the whole session as it read it.
"""

import hashlib
import json
import logging
import math
import secrets
from datetime import timedelta

from flask import Flask, request
from flask import session as flask_session
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict

from webapp.clock import utcnow
from webapp.extensions import db

from .devices import describe_device
from .models import WebSession

log = logging.getLogger(__name__)

TOUCH_AFTER = timedelta(seconds=10)
#: How many seconds a signed-in session has left, on every response that saves it, so that a page's
#: countdown (portal.js) can start again from the server's deadline after an htmx request or "Continue".
SECONDS_HEADER = "X-Portal-Session-Seconds"
#: Set when the portal itself (not the person) sends the browser back to a page: loading it is not activity.
_LEAVE_DEADLINE = "_leave_deadline"
#: The CSRF token and the account of the session the idle timeout ended, kept in the signed-out session
#: that replaces it: a form sent from a page of the ended session can then be told to be this browser's
#: own, and whose (review/signed_out_writing.py). Not Flask-WTF's own key: to every other page the
#: token is gone.
ENDED_SESSION_CSRF = "_ended_session_csrf"
ENDED_SESSION_USER = "_ended_session_user"
# Every request runs this; built once (with the account, joined) rather than by Session.get each time.
_SESSION_BY_ID = select(WebSession).where(WebSession.id == bindparam("sid"))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    """The session's data plus what the interface needs to save it.

    Only plain values are kept (the row's id and when it was last seen), never the ORM row: a view
    may delete the row in the same request (sign out everywhere, a password reset), and touching a
    deleted row while saving would turn a successful request into an error. `account` is the User
    read in the same query as the row, so the request need not read it again. `stored_data` is the
    row's data as read, so that saving writes only what this request changed (`_write_changes`).
    """

    def __init__(self, initial=None, sid: str | None = None, last_seen_at=None, account=None,
                 idle_expires_at=None, stored_data: str | None = None):
        def on_update(session):
            session.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        # The row's data as this request read it: what its own changes are measured against.
        self.stored_data = stored_data
        self.last_seen_at = last_seen_at
        self.idle_expires_at = idle_expires_at
        self.account = account
        self.modified = False
        self.rotate = False
        self.destroy = False
        self.unavailable: Exception | None = None
        self.passive = False

    @property
    def new(self) -> bool:
        return self.sid is None


def regenerate(session: ServerSession) -> None:
    """Give the session a new id (at sign-in) so a token planted before sign-in is worthless."""
    session.rotate = True
    session.modified = True


def keep_idle_deadline(session: ServerSession) -> None:
    """This request is the page saving itself (before an idle timeout), not the person doing
    something: it must not keep the session alive, or the timeout would never come. What it
    changes in the session is still saved; the idle deadline stays where it was."""
    session.passive = True


def keep_idle_deadline_on_the_next_page(session: ServerSession) -> None:
    """The portal is sending the browser back to a page of its own accord (a countdown that ended in
    one tab while another kept the session going): neither this request nor loading that page is the
    person doing something. Otherwise two tabs would send each other round for ever, and the session
    would never idle out."""
    keep_idle_deadline(session)
    session[_LEAVE_DEADLINE] = True


def _moves_deadline(session: ServerSession, now) -> bool:
    """Whether saving the session starts its idle period again: a request by the person does, but one
    within TOUCH_AFTER of the last that changed nothing is not worth a write, and a passive one never."""
    if session.passive:
        return False
    if session.modified or session.last_seen_at is None:
        return True
    return now - session.last_seen_at >= TOUCH_AFTER


def destroy(session: ServerSession) -> None:
    """End the session on the server; anything stored afterwards (a flash) goes in a fresh one."""
    session.clear()
    session.destroy = True


def add_one(session: ServerSession, key: str) -> int:
    """Add one to a count kept in the session, in the database at once, and return the new count.

    A count written back with the rest of the session at the end of the request is lost by requests
    sent all at once: each reads the same count and writes the same count plus one. Counting wrong
    passwords that way let guesses sent together get past the count that signs a session out. Here
    the session's row is locked first (an UPDATE that changes nothing, which SQLite and PostgreSQL
    both hold until the commit), so each request reads the count the one before it wrote.
    """
    if session.sid is None:
        count = int(session.get(key) or 0) + 1
        session[key] = count
        return count
    rows = db.session.query(WebSession).filter(WebSession.id == session.sid)
    rows.update({"id": WebSession.id}, synchronize_session=False)
    stored = db.session.scalar(select(WebSession.data).where(WebSession.id == session.sid))
    data = _loads(stored)
    count = int(data.get(key) or 0) + 1
    data[key] = count
    rows.update({"data": json.dumps(data)}, synchronize_session=False)
    db.session.commit()
    session[key] = count
    # Already written: as if read so, the end of the request does not write it again over a higher
    # count another request has written since.
    session.stored_data = json.dumps({**_loads(session.stored_data), key: count})
    return count


def revoke_user_sessions(user_id: int, keep: ServerSession | None = None) -> int:
    query = db.session.query(WebSession).filter(WebSession.user_id == user_id)
    if keep is not None and keep.sid is not None:
        query = query.filter(WebSession.id != keep.sid)
    return query.delete(synchronize_session=False)


def purge_expired_sessions(batch_size: int = 5000) -> int:
    """Delete sessions past either deadline, in batches so a large table never locks for long."""
    now = utcnow()
    removed = 0
    while True:
        ids = [row.id for row in db.session.query(WebSession.id).filter(
            (WebSession.idle_expires_at <= now) | (WebSession.absolute_expires_at <= now)
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


def _csrf_token_of(data: str) -> str | None:
    try:
        token = json.loads(data).get("csrf_token")
    except (ValueError, AttributeError):
        return None
    return token if isinstance(token, str) else None


class DatabaseSessionInterface(SessionInterface):
    """Sessions in the database, and what to do when the database is down.

    Flask opens the session before any error handler can run, so a failure there is kept on the
    session and raised again from the first before_request hook (`raise_if_unavailable`), where the
    portal's 503 handler answers it. Saving never turns a response into an error.
    """

    def open_session(self, app: Flask, request) -> ServerSession:
        try:
            return self._open(app, request)
        except SQLAlchemyError as error:
            db.session.rollback()
            session = ServerSession()
            session.unavailable = error
            return session

    def _open(self, app: Flask, request, tries_left: int = 1) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 100:
            return ServerSession()
        sid = _hash(token)
        row = db.session.scalar(_SESSION_BY_ID, {"sid": sid})
        if row is None:
            return ServerSession()
        now = utcnow()
        if row.idle_expires_at > now and row.absolute_expires_at > now:
            try:
                data = json.loads(row.data)
            except ValueError:
                data = {}
            session = ServerSession(data, sid=sid, last_seen_at=row.last_seen_at, account=row.user,
                                    idle_expires_at=row.idle_expires_at, stored_data=row.data)
            if data.get(_LEAVE_DEADLINE):
                session.pop(_LEAVE_DEADLINE)  # modified: saved, with the deadline left as it is
                keep_idle_deadline(session)
            return session
        if row.user_id is None:  # a signed-out session ended: nothing in it to go on with
            db.session.delete(row)
            db.session.commit()
            return ServerSession()
        return self._signed_out_in_place(app, request, row, now, tries_left=tries_left)

    def _signed_out_in_place(self, app: Flask, request, row: WebSession, now,
                             tries_left: int) -> ServerSession:
        """A signed-in session past a deadline goes on signed out, in the same row under the same cookie.

        The person is told at sign-in why they were signed out, and a form sent from a page of the ended
        session is known as theirs (ENDED_SESSION_*). It went on in a new row before: tabs whose
        requests arrived together after the timeout (a laptop woken from sleep, each tab sending its
        autosave) each started a signed-out session of their own, the browser kept the cookie of the
        last, and what the others kept (their answers, for after sign-in) was lost. Now the first
        request ends the session and the others go on with it, so each one's changes are merged in.
        Nothing of the signed-in session carries over: its account, its data, its device.
        """
        ended_token = _csrf_token_of(row.data)
        data = {"_expired": True}
        if ended_token:
            data.update({ENDED_SESSION_CSRF: ended_token, ENDED_SESSION_USER: row.user_id})
        stored = json.dumps(data)
        deadline = now + idle_timeout(app, data)
        lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
        unchanged = db.session.query(WebSession).filter(WebSession.id == row.id, WebSession.data == row.data)
        ended = unchanged.update({"data": stored, "user_id": None, "device": None, "last_seen_at": now,
                                  "idle_expires_at": deadline, "absolute_expires_at": now + lifetime},
                                 synchronize_session=False)
        db.session.commit()
        if ended:
            return ServerSession(data, sid=row.id, last_seen_at=now, idle_expires_at=deadline,
                                 stored_data=stored)
        if tries_left:  # another request from this browser ended it first: go on with what it left
            db.session.expire_all()
            return self._open(app, request, tries_left=tries_left - 1)
        return ServerSession(data)

    def _delete_cookie(self, app: Flask, response) -> None:
        response.delete_cookie(self.get_cookie_name(app), domain=self.get_cookie_domain(app),
                               path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
                               httponly=True, samesite=self.get_cookie_samesite(app))

    def save_session(self, app: Flask, session: ServerSession, response) -> None:
        if session.unavailable is not None:
            return
        try:
            self._save(app, session, response)
        except SQLAlchemyError:
            log.warning("session not saved: database unavailable")
            db.session.rollback()

    def _create(self, app: Flask, session: ServerSession, response, now, deadline) -> None:
        token = secrets.token_urlsafe(32)
        # A session gets its row (and so its device) when it starts, which a sign-in always does.
        user_id = session.get("user_id")
        device = describe_device(request.user_agent.string) if user_id else None
        lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
        db.session.add(WebSession(
            id=_hash(token), data=json.dumps(dict(session)), user_id=user_id, created_at=now,
            last_seen_at=now, idle_expires_at=deadline, absolute_expires_at=now + lifetime, device=device))
        db.session.commit()
        response.set_cookie(self.get_cookie_name(app), token, httponly=True,
                            secure=self.get_cookie_secure(app), samesite=self.get_cookie_samesite(app),
                            domain=self.get_cookie_domain(app), path=self.get_cookie_path(app))

    def _save(self, app: Flask, session: ServerSession, response) -> None:
        if session.sid is not None and (session.destroy or session.rotate or not session):
            db.session.query(WebSession).filter(WebSession.id == session.sid).delete(
                synchronize_session=False)
            db.session.commit()
            session.sid = None
            if not session:
                self._delete_cookie(app, response)
                return
        if not session:
            return
        now = utcnow()
        deadline = now + idle_timeout(app, session)
        if session.sid is None:
            self._create(app, session, response, now, deadline)
        else:
            if _moves_deadline(session, now):
                times = {"last_seen_at": now, "idle_expires_at": deadline}
            else:
                deadline = session.idle_expires_at or deadline
                if not session.modified:
                    _tell_seconds_left(session, response, deadline, now)
                    return
                times = {}
            rows = db.session.query(WebSession).filter(WebSession.id == session.sid)
            written = _write_changes(session, times) if session.modified else rows.update(
                times, synchronize_session=False)
            db.session.commit()
            if not written:  # revoked while this request ran (signed out everywhere)
                self._delete_cookie(app, response)
                return
        response.vary.add("Cookie")
        _tell_seconds_left(session, response, deadline, now)


#: How many times a save is tried on top of other requests' writes before it writes its own whole.
_MERGE_TRIES = 3


def _write_changes(session: ServerSession, times: dict) -> bool:
    """Write what this request changed in the session on top of what others wrote meanwhile.

    A browser sends several requests at once: an autosave, the check of a question just left, Next,
    a second tab. Each reads the session as it began. Writing the whole session back let whichever
    finished last undo the others' changes: the sign-in form's token, or the answers kept when a
    section was sent after the person was signed out (one CI run lost a sign-in to it). So each write
    holds only if the row still has what this request read; if another request wrote first, this
    one's own changes (keys set, changed or removed) go on top of what that one wrote, and the write
    is tried again. Two requests changing the same key: the last one's value stands. False if the
    row is gone (revoked meanwhile).
    """
    mine = dict(session)
    read, writing = session.stored_data, mine
    rows = db.session.query(WebSession).filter(WebSession.id == session.sid)
    for _ in range(_MERGE_TRIES):
        written = rows.filter(WebSession.data == read).update(_row_values(writing, times),
                                                                synchronize_session=False)
        if written:
            return True
        stored = db.session.scalar(select(WebSession.data).where(WebSession.id == session.sid))
        if stored is None:
            return False
        read, writing = stored, _with_changes(_loads(session.stored_data), mine, _loads(stored))
    return bool(rows.update(_row_values(writing, times), synchronize_session=False))


def _row_values(data: dict, times: dict) -> dict:
    """The account is the one of the data written: a session signed out meanwhile stays signed out."""
    return {**times, "data": json.dumps(data), "user_id": data.get("user_id")}


def _loads(data: str | None) -> dict:
    try:
        loaded = json.loads(data or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


_ABSENT = object()


def _with_changes(before: dict, after: dict, theirs: dict) -> dict:
    """`theirs` with the changes that turned `before` into `after` made to it."""
    merged = dict(theirs)
    for key, value in after.items():
        if before.get(key, _ABSENT) != value:
            merged[key] = value
    for key in before.keys() - after.keys():
        merged.pop(key, None)
    return merged


def _tell_seconds_left(session: ServerSession, response, deadline, now) -> None:
    if session.get("user_id") and deadline is not None:
        response.headers[SECONDS_HEADER] = str(max(0, math.ceil((deadline - now).total_seconds())))


def raise_if_unavailable() -> None:
    """The first before_request hook: a session that could not be read is a database outage."""
    error = getattr(flask_session, "unavailable", None)
    if error is not None:
        raise error


def seconds_left(app: Flask, session: ServerSession) -> int:
    """How long until this session idles out, for the page's countdown and its timeout warning.

    Saving the session at the end of this request normally extends it by the full idle timeout; one
    that comes within TOUCH_AFTER of the last and changes nothing (or a passive one) leaves the earlier
    deadline in place. Rounded up: the countdown must not end before the server's deadline (it did,
    by up to a second, and the "signed out" page then found the person still signed in). Called as
    the page is drawn, after anything that changes the session (a message shown) has done so.
    """
    now = utcnow()
    if session.sid is None or session.idle_expires_at is None or _moves_deadline(session, now):
        left = idle_timeout(app, session)
    else:
        left = session.idle_expires_at - now
    return max(0, math.ceil(left.total_seconds()))


def idle_time_left(session: ServerSession) -> timedelta | None:
    """How long this session has before its idle deadline as it stands (this request not counted)."""
    if session.sid is None or session.idle_expires_at is None:
        return None
    return session.idle_expires_at - utcnow()
