"""Where you are signed in: an account's sessions, and signing out of them (ASVS 5.0 7.5.2).

Someone who signed in on a library computer and walked away, or who fears another person knows their
password, can see each session their account has and end any or all of the others, after entering
their password again. Only the account's own sessions are ever listed or ended; a session is named in
pages and addresses by a handle derived from its row id, never by the id (the hash of its cookie).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from ua_parser import parse as parse_user_agent

from webapp.clock import utcnow
from webapp.extensions import db

from .models import WebSession

DEVICE_LENGTH = 100


def describe_device(user_agent: str | None) -> str | None:
    """"Chrome on Windows", "Mobile Safari on iOS"; None when the browser does not say what it is."""
    if not user_agent:
        return None
    parsed = parse_user_agent(user_agent[:1000])
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    name = f"{browser} on {system}" if browser and system else browser or system
    return name[:DEVICE_LENGTH] if name else None


def handle_of(session_id: str) -> str:
    return hashlib.sha256(f"device:{session_id}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Device:
    handle: str
    description: str | None
    signed_in_at: datetime
    last_active_at: datetime
    current: bool


def _live_sessions(user_id: int):
    now = utcnow()
    return db.session.scalars(
        select(WebSession).where(WebSession.user_id == user_id, WebSession.idle_expires_at > now,
                                 WebSession.absolute_expires_at > now)
        .order_by(WebSession.last_seen_at.desc(), WebSession.id))


def signed_in_devices(user_id: int, current_session_id: str | None) -> list[Device]:
    """The account's live sessions: this one first, then the others, most recently active first."""
    devices = [Device(handle_of(row.id), row.device, row.created_at, row.last_seen_at,
                      row.id == current_session_id) for row in _live_sessions(user_id)]
    return sorted(devices, key=lambda device: not device.current)


def find_other_device(user_id: int, current_session_id: str | None, handle: str) -> Device | None:
    """One of the account's other live sessions by its handle; None for anything else (another
    account's, this one, one already ended)."""
    return next((device for device in signed_in_devices(user_id, current_session_id)
                 if device.handle == handle and not device.current), None)


def sign_out_device(user_id: int, current_session_id: str | None, handle: str) -> bool:
    """End one of the account's other sessions; False when it has already ended."""
    ids = [row.id for row in _live_sessions(user_id)
           if handle_of(row.id) == handle and row.id != current_session_id]
    if not ids:
        return False
    db.session.execute(delete(WebSession).where(WebSession.id.in_(ids), WebSession.user_id == user_id))
    db.session.commit()
    return True
