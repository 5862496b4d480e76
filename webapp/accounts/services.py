"""Account rules: registration, verification, sign-in, passwords, email changes.

Views call these with plain values and decide what to render; nothing here reads the request.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.notifications.email import MailUnavailable, queue, send_now
from webapp.validation import display_phone, normalise_email

from . import codes, security_log
from .models import EmailCode, User
from .passwords import hash_password, verify_password
from .sessions import revoke_user_sessions

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 (a code purpose, not a password)
CHANGE_EMAIL = "change-email"
STAFF_SIGN_IN = "staff-sign-in"

SUBJECTS = {
    VERIFY_EMAIL: "Please verify your email address",
    RESET_PASSWORD: "Your password reset code",
    CHANGE_EMAIL: "Please verify your new email address",
    STAFF_SIGN_IN: "Your sign-in code",
}


def find_by_email(email: str) -> User | None:
    """The account for an address however it is written (see normalise_email).

    An account stored before addresses were normalised keeps the spelling it was registered with:
    it is still found by that spelling.
    """
    canonical = normalise_email(email)
    user = db.session.query(User).filter(User.email == canonical).one_or_none()
    typed = email.strip().lower()
    if user is None and typed != canonical:
        user = db.session.query(User).filter(User.email == typed).one_or_none()
    return user


def code_minutes(purpose: str) -> int:
    """How long a code for this purpose lasts, as the email and the page say it."""
    return int(_lifetime(purpose).total_seconds() // 60)


def _lifetime(purpose: str):
    return codes.SIGN_IN_LIFETIME if purpose == STAFF_SIGN_IN else codes.LIFETIME


def send_code(user: User, purpose: str, target_email: str | None = None) -> None:
    """Issue and email a code; raises MailUnavailable so the page can offer to try again."""
    target = target_email or user.email
    issued = codes.issue(user, purpose, target, _lifetime(purpose))
    db.session.commit()
    try:
        send_now(target, SUBJECTS[purpose], f"code_{purpose.replace('-', '_')}", code=issued.code,
                 minutes=code_minutes(purpose))
    except MailUnavailable:
        # An unsent code must not count against the resend limit.
        db.session.delete(issued.record)
        db.session.commit()
        raise


def send_code_unless_recent(user: User, purpose: str) -> bool:
    """Send a code unless one went to this account moments ago (codes.resend_wait); True if sent.

    Looking for a recent code and issuing the new one are one step: the account's row is locked
    first (a write that changes nothing: a row lock on PostgreSQL, the write lock on SQLite), so two
    requests at the same moment (a double-click) cannot both find none and both send one. Two
    codes went out, the second made the first unusable, and mail does not always arrive in the
    order it was sent: the person could type the code that had just stopped working.
    """
    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins)
                       .execution_options(synchronize_session=False))
    if codes.resend_wait(user, purpose):
        db.session.commit()
        return False
    send_code(user, purpose)
    return True


def register_account(details: dict, email: str, password: str) -> User:
    """Create (or replace) an unverified account; an address already verified is never overwritten."""
    email = normalise_email(email)
    try:
        return _create_or_replace_unverified(details, email, password)
    except IntegrityError:
        # The same address was registered at the same moment (a double-click on Next): the
        # other request's account is there now, and is replaced like any unverified one.
        db.session.rollback()
        return _create_or_replace_unverified(details, email, password)


def _create_or_replace_unverified(details: dict, email: str, password: str) -> User:
    user = find_by_email(email)
    if user is not None and user.is_verified:
        raise EmailTaken()
    if user is None:
        user = User(email=email)
        db.session.add(user)
    if not (user.password_hash and verify_password(user.password_hash, password)):
        # The same password again (a double-click on Next, or Back from step 3) keeps the hash, so
        # the browser that set it still holds the account (see registration_key).
        user.password_hash = hash_password(password)
    apply_details(user, details)
    db.session.commit()
    return user


def registration_key(user: User) -> str:
    """Ties a browser's unfinished registration to the password that browser set.

    Step 2 for an address not yet verified replaces the password, whoever sends it. Without this,
    the browser that registered the address first could still verify the account with the code in
    its inbox, and so verify an account whose password someone else had chosen: they could then
    sign in to it and read everything its owner went on to send. A keyed digest of the hash, not
    the hash, goes in the session.
    """
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()


class EmailTaken(Exception):
    pass


def apply_details(user: User, details: dict) -> None:
    user.title = details.get("title") or None
    user.first_name = details["first_name"]
    user.surname = details["surname"]
    user.is_professional = details.get("is_professional") == "yes"
    user.role = (details.get("role") or None) if user.is_professional else None
    user.organisation = (details.get("organisation") or None) if user.is_professional else None
    for name in ("property_name", "house_no", "street", "town", "postcode", "phone"):
        setattr(user, name, details.get(name) or None)


def details_of(user: User) -> dict:
    return {
        "title": user.title, "first_name": user.first_name, "surname": user.surname,
        "is_professional": "yes" if user.is_professional else "no", "role": user.role,
        "organisation": user.organisation, "property_name": user.property_name, "house_no": user.house_no,
        "street": user.street, "town": user.town, "postcode": user.postcode,
        "phone": display_phone(user.phone) if user.phone else None,
    }


def verify_email(user: User, entered: str) -> codes.CodeCheck:
    result, _ = codes.check(user, VERIFY_EMAIL, entered)
    if result is codes.CodeCheck.OK:
        user.email_verified_at = utcnow()
    db.session.commit()
    return result


def accept_terms(user: User) -> None:
    user.terms_version = current_app.config["TERMS_VERSION"]
    user.terms_accepted_at = utcnow()
    db.session.commit()


@dataclass
class SignInResult:
    user: User | None
    locked: bool = False


def authenticate(email: str, password: str, *, staff: bool) -> SignInResult:
    """Check credentials at the public sign-in (staff=False) or the back office's (staff=True).

    Unknown emails, wrong passwords and accounts of the other kind all fail the same way, and an
    account of the other kind is unknown here in every way: wrong passwords typed for a caseworker's
    address at the public sign-in page count for nothing, so that page cannot lock them out.

    A citizen's account locks for a while after repeated failures (ASVS 6.3), as GOV.UK services'
    accounts do; whoever owns it can lift the lock at once by resetting the password, so a stranger
    who locks it cannot keep them out. A caseworker has no reset to lift a lock with: a lock on their
    account would let anyone who knows their address keep them out of the back office for as long as
    they cared to (ASVS 6.1.1 asks that malicious lockout be prevented). Their wrong passwords are
    throttled per address instead (review.views.sign_in), and the emailed code stands behind the password.
    """
    user = find_by_email(email)
    refusal = None if user is None else ("other-kind-of-account" if user.is_staff != staff
                                         else "disabled-account" if user.disabled_at else None)
    if refusal:
        security_log.record("sign-in-password", refusal, user_id=user.id, staff=staff)
        verify_password(None, password)  # as long as any other refusal takes
        return SignInResult(None)
    now = utcnow()
    if user is not None and not staff and user.locked_until and user.locked_until > now:
        security_log.record("sign-in-password", "locked", user_id=user.id, staff=staff)
        return SignInResult(None, locked=True)
    if not verify_password(user.password_hash if user else None, password):
        security_log.record("sign-in-password", "wrong-password" if user else "unknown-account",
                            user_id=user.id if user else None, staff=staff)
        if user is not None and not staff:
            _count_failure(user, now)
            db.session.commit()
        return SignInResult(None)
    security_log.record("sign-in-password", "success", user_id=user.id, staff=staff)
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()
    return SignInResult(user)


def _count_failure(user: User, now: datetime) -> None:
    """Count a failed sign-in in the database (failed_logins + 1), not by writing back a count read
    earlier: passwords tried at the same moment all read the same count, and so all cost one failure.
    The UPDATE holds the account's row until the caller commits, so the lock is set once."""
    failures = db.session.scalar(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins).execution_options(synchronize_session=False))
    set_committed_value(user, "failed_logins", failures)
    if failures >= current_app.config["LOGIN_FAILURES_BEFORE_LOCK"]:
        user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
        security_log.record("account-lock", "locked", user_id=user.id, staff=user.is_staff,
                            level=logging.WARNING)


def reset_password(user: User, entered_code: str, new_password: str) -> codes.CodeCheck:
    result, _ = codes.check(user, RESET_PASSWORD, entered_code)
    if result is codes.CodeCheck.OK:
        user.password_hash = hash_password(new_password)
        user.locked_until = None
        user.failed_logins = 0
        if not user.is_verified:
            user.email_verified_at = utcnow()  # the code proved they read this inbox
        revoke_user_sessions(user.id)
        _tell_of_new_password(user)
        security_log.record("password-reset", "success", user_id=user.id, staff=user.is_staff)
    db.session.commit()
    return result


def change_password(user: User, new_password: str, keep_session) -> None:
    user.password_hash = hash_password(new_password)
    revoke_user_sessions(user.id, keep=keep_session)
    _tell_of_new_password(user)
    security_log.record("password-change", "success", user_id=user.id, staff=user.is_staff)
    db.session.commit()


def _tell_of_new_password(user: User) -> None:
    """Email the account that its password changed (ASVS 5.0 6.3.7), so someone whose password was
    changed by another person (on a computer they left signed in) hears of it and can reset it. A
    caseworker has no reset at the public sign-in: theirs says whom to tell instead."""
    queue(user.email, "Your password has been changed", "password_changed", changed_at=utcnow(),
          staff=user.is_staff)


def confirm_email_change(user: User, entered_code: str) -> tuple[codes.CodeCheck, str | None]:
    """Move the account to the verified new address and tell the old one."""
    result, record = codes.check(user, CHANGE_EMAIL, entered_code)
    old_email = None
    if result is codes.CodeCheck.OK:
        if find_by_email(record.target_email) is not None:
            db.session.commit()
            raise EmailTaken()
        old_email, user.email = user.email, record.target_email
        security_log.record("email-change", "success", user_id=user.id, staff=user.is_staff)
    if old_email:
        queue(old_email, "Your email address has been changed", "email_changed")
    try:
        db.session.commit()
    except IntegrityError:  # the address was registered by someone else since it was looked up
        db.session.rollback()
        raise EmailTaken() from None
    return result, old_email


def disable_account(email: str) -> User | None:
    """Stop an account signing in and end its sessions at once (a caseworker who has left the
    council, an account being misused); None when no account has the address. Nothing it made is
    deleted: its submissions stay with the council and its name stays in audit logs."""
    user = find_by_email(email)
    if user is None:
        return None
    user.disabled_at = user.disabled_at or utcnow()
    revoke_user_sessions(user.id)
    security_log.record("account-disable", "success", user_id=user.id, staff=user.is_staff,
                        level=logging.WARNING)
    db.session.commit()
    return user


def create_staff(email: str, team: str, password: str, first_name: str = "Caseworker",
                 surname: str = "") -> User:
    """Create a staff account, or update one: a new password, a new team, or a public account made
    staff.

    Every session the account already had ends. Running the command again is how a caseworker's
    password is reset when it may be known to someone else, and a session signed in with the old
    password would otherwise last its full 12 hours; a public account's session must not carry
    on as a staff account's.
    """
    user = find_by_email(email)
    if user is not None:
        revoke_user_sessions(user.id)
    if user is None:
        user = User(email=normalise_email(email), first_name=first_name, surname=surname or team.title())
        db.session.add(user)
    user.password_hash = hash_password(password)
    user.is_staff = True
    user.team = team
    user.disabled_at = None
    user.email_verified_at = user.email_verified_at or utcnow()
    user.terms_version = current_app.config["TERMS_VERSION"]
    db.session.commit()
    return user


def verify_password_of(user: User, password: str) -> bool:
    return verify_password(user.password_hash, password)


# An account whose address was never verified is someone's name, address and phone number, kept for a
# registration that was abandoned (or an address typed wrongly, or someone else's). A week after the
# last code it was sent, it goes; registering again starts afresh.
KEEP_UNVERIFIED = timedelta(days=7)


def purge_unverified_accounts(now: datetime | None = None) -> int:
    """Delete never-verified, non-staff accounts with no draft, a week after their last code."""
    from webapp.drafts.models import Draft

    cutoff = (now or utcnow()) - KEEP_UNVERIFIED
    recent_code = db.select(EmailCode.id).where(EmailCode.user_id == User.id,
                                                      EmailCode.created_at >= cutoff)
    has_draft = db.select(Draft.id).where(Draft.user_id == User.id)
    ids = list(db.session.scalars(db.select(User.id).where(
        User.email_verified_at.is_(None), User.is_staff.is_(False), User.created_at < cutoff,
        ~recent_code.exists(), ~has_draft.exists())))
    if ids:
        db.session.execute(db.delete(User).where(User.id.in_(ids)))
        db.session.commit()
    return len(ids)
