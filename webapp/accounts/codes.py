"""Emailed one-time codes: 8 random digits, stored as a keyed hash, single use.

A code expires after 15 minutes (a staff sign-in code after 10: see SIGN_IN_LIFETIME) and five wrong
tries void it (ASVS V2.7). A keyed HMAC rather than a
slow hash is enough here: the attempt limit, not the hash, is what stops guessing, and the key never
leaves the server.
"""

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from webapp.clock import utcnow
from webapp.extensions import db

from . import security_log
from .models import EmailCode, User

LIFETIME = timedelta(minutes=15)
# A code that is the second factor of a sign-in lasts at most 10 minutes (ASVS 5.0 6.5.5, L2).
# Registration and recovery codes keep 15: no sign-in waits on them, and mail can be slow.
SIGN_IN_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_INTERVAL = timedelta(seconds=30)
RESENDS_PER_HOUR = 5


class CodeCheck(Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    VOID = "void"


MESSAGES = {
    CodeCheck.WRONG: "The code is not correct. Check the email and try again",
    CodeCheck.EXPIRED: "The code has expired. Select '{button}'",
    CodeCheck.VOID: "The code can no longer be used. Select '{button}'",
}


def message(result: CodeCheck, button: str = "Please send me a new code") -> str:
    """The error for a code that did not work, naming the control on that page that sends a new one
    (registration's button is the seed's "Please send me a new code"; other pages say "Send a new
    code"): a message naming a button the page does not have leaves the person stuck."""
    return MESSAGES[result].format(button=button)


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


# Hyphen-minus and the dashes a word processor or a phone's keyboard puts in its place.
_DASHES = set("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def normalise(code: str) -> str:
    """People paste codes with spaces or dashes ("4227 8363", "4227–8363"); NFKC turns the full-width
    digits a Japanese or Chinese keyboard types into the plain ones the code was made of (they passed
    the 8-digit check, and were then refused as a wrong code, using up one of the five tries)."""
    code = unicodedata.normalize("NFKC", code or "")
    return "".join(ch for ch in code if not ch.isspace() and ch not in _DASHES)


@dataclass
class IssuedCode:
    code: str
    record: EmailCode


def issue(user: User, purpose: str, target_email: str, lifetime: timedelta = LIFETIME) -> IssuedCode:
    """A fresh code; any earlier unused code for the same purpose stops working."""
    now = utcnow()
    db.session.query(EmailCode).filter(
        EmailCode.user_id == user.id, EmailCode.purpose == purpose, EmailCode.used_at.is_(None)
    ).update({EmailCode.used_at: now}, synchronize_session=False)
    code = f"{secrets.randbelow(10**8):08d}"
    record = EmailCode(user_id=user.id, purpose=purpose, target_email=target_email, code_hash=_digest(code),
                       created_at=now, expires_at=now + lifetime)
    db.session.add(record)
    return IssuedCode(code, record)


def wait_before_another_code(user: User, purpose: str) -> timedelta | None:
    """How long until another code may be sent, or None if it may go now (ASVS V2.2 anti-automation):
    at least RESEND_INTERVAL after the last one, and no more than RESENDS_PER_HOUR in an hour."""
    now = utcnow()
    recent = (db.session.query(EmailCode.created_at)
              .filter(EmailCode.user_id == user.id, EmailCode.purpose == purpose,
                      EmailCode.created_at > now - timedelta(hours=1))
              .order_by(EmailCode.created_at.desc()).all())
    waits = [recent[0].created_at + RESEND_INTERVAL - now] if recent else []
    if len(recent) >= RESENDS_PER_HOUR:
        waits.append(recent[RESENDS_PER_HOUR - 1].created_at + timedelta(hours=1) - now)
    longest = max(waits, default=timedelta(0))
    return longest if longest > timedelta(0) else None


def resend_wait(user: User, purpose: str) -> bool:
    """True when another code now would be too soon or too many."""
    return wait_before_another_code(user, purpose) is not None


def current(user: User, purpose: str) -> EmailCode | None:
    return (db.session.query(EmailCode)
            .filter(EmailCode.user_id == user.id, EmailCode.purpose == purpose)
            .order_by(EmailCode.id.desc()).first())


def check(user: User, purpose: str, entered: str) -> tuple[CodeCheck, EmailCode | None]:
    """Check a code and record the attempt; on success the code is used up (the caller commits).

    The attempt is counted by the database (attempts + 1, only while the code is unused and has tries
    left), not by writing back a count read earlier: guesses sent at the same moment all read the same
    count, and any number of them then cost one try. The counting UPDATE also locks the code's row
    until the caller commits, so a right code sent twice at once is used once.
    """
    result, record = _check(user, purpose, entered)
    security_log.record(f"code-{purpose}", result.value, user_id=user.id, staff=user.is_staff)
    return result, record


def _check(user: User, purpose: str, entered: str) -> tuple[CodeCheck, EmailCode | None]:
    record = current(user, purpose)
    if record is None or record.used_at is not None or record.attempts >= MAX_ATTEMPTS:
        return CodeCheck.VOID, record
    if record.expires_at <= utcnow():
        return CodeCheck.EXPIRED, record
    attempts = db.session.scalar(
        update(EmailCode)
        .where(EmailCode.id == record.id, EmailCode.used_at.is_(None), EmailCode.attempts < MAX_ATTEMPTS)
        .values(attempts=EmailCode.attempts + 1)
        .returning(EmailCode.attempts)
        .execution_options(synchronize_session=False))
    if attempts is None:  # used, or out of tries, by a request that ran at the same time
        return CodeCheck.VOID, record
    set_committed_value(record, "attempts", attempts)
    if hmac.compare_digest(record.code_hash, _digest(normalise(entered))):
        record.used_at = utcnow()
        return CodeCheck.OK, record
    return (CodeCheck.VOID if attempts >= MAX_ATTEMPTS else CodeCheck.WRONG), record


# A code is dead 15 minutes after it was sent; its row (the address it went to) is kept a week so the
# verify page can still say "expired" rather than "not valid" to someone who comes back late.
KEEP_EXPIRED = timedelta(days=7)


def purge_expired_codes(batch_size: int = 5000, now=None) -> int:
    now = now or utcnow()
    removed = 0
    while True:
        ids = list(db.session.scalars(
            db.select(EmailCode.id).where(EmailCode.expires_at < now - KEEP_EXPIRED).limit(batch_size)))
        if not ids:
            return removed
        removed += db.session.execute(db.delete(EmailCode).where(EmailCode.id.in_(ids))).rowcount
        db.session.commit()
