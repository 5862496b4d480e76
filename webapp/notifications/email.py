"""Rendering and sending the portal's emails.

Subjects are fixed strings chosen by the code, never built from what a user typed, so no child's
details can reach a subject line, and CR/LF can never reach a header.
"""

import logging
import smtplib
from datetime import timedelta

from flask import current_app, render_template
from flask_mail import Message

from webapp.clock import utcnow
from webapp.extensions import db, mail

from .models import OutboxMessage

log = logging.getLogger(__name__)

# How long an unsent email is retried: through a mail relay outage of a weekend, not a number of tries.
# Ten tries with the backoff below gave up after about three hours, so an overnight outage silently lost
# every confirmation, return and response email queued during it.
RETRY_FOR = timedelta(days=3)


class MailUnavailable(Exception):
    """The mail server could not take the message; the caller decides whether to retry."""


def render_body(template: str, **context) -> str:
    context.setdefault("council_name", current_app.config["COUNCIL_NAME"])
    context.setdefault("service_name", current_app.config["SERVICE_NAME"])
    context.setdefault("council_short_name", current_app.config["COUNCIL_SHORT_NAME"])
    context.setdefault("portal_url", current_app.config["PORTAL_BASE_URL"])
    return render_template(f"emails/{template}.txt", **context)


def deliver(recipient: str, subject: str, body: str) -> None:
    """Hand one message to the mail server, or raise MailUnavailable.

    UnicodeError is among the failures: registration accepts internationalised addresses
    (zoë@example.com) and Flask-Mail cannot write their local part into a header, so such a message
    fails as an unsent email the caller already handles, not as an error nobody expected.
    """
    try:
        mail.send(Message(subject=subject, recipients=[recipient], body=body))
    except (TimeoutError, OSError, UnicodeError, smtplib.SMTPException) as error:
        raise MailUnavailable(type(error).__name__) from error


def send_now(recipient: str, subject: str, template: str, **context) -> None:
    """Send while the user waits: for codes, where the page must say if sending failed."""
    deliver(recipient, subject, render_body(template, **context))


def queue(recipient: str, subject: str, template: str, **context) -> OutboxMessage:
    """Add to the outbox in the caller's transaction: the email exists iff the change it reports does."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=render_body(template, **context))
    db.session.add(message)
    return message


def _unsent(recipient: str, subjects: tuple[str, ...], body_holding: str):
    return ((OutboxMessage.recipient == recipient) & OutboxMessage.sent_at.is_(None)
            & OutboxMessage.subject.in_(subjects) & OutboxMessage.body.contains(body_holding))


def waiting(recipient: str, subjects: tuple[str, ...], body_holding: str) -> bool:
    """Whether an email to `recipient` with one of these subjects, and `body_holding` in its body (a
    form's reference, say), is still in the outbox."""
    found = db.select(OutboxMessage.id).where(_unsent(recipient, subjects, body_holding)).limit(1)
    return db.session.scalar(found) is not None


def withdraw(recipient: str, subjects: tuple[str, ...], body_holding: str) -> None:
    """Take back such emails not yet sent, in the caller's transaction: what they said is no longer so."""
    db.session.execute(db.delete(OutboxMessage).where(_unsent(recipient, subjects, body_holding)))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def send_due(batch_size: int = 50) -> int:
    """Send what is due; failures wait longer each time (an hour at most) until RETRY_FOR has passed.

    One message at a time: each is locked while it is sent and its outcome committed as soon as it is
    known. A message that fails in an unexpected way, or a crash part-way through a run, must not roll
    back the record of those already handed to the mail server, or the next run sends them again (and
    again, while the failing one stays first in line). The lock stays on the one message being sent, so
    a second runner skips it rather than sending it too.
    """
    sent = 0
    for _ in range(batch_size):
        message = (db.session.query(OutboxMessage)
                   .filter(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= utcnow(),
                           OutboxMessage.created_at > utcnow() - RETRY_FOR)
                   .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True).first())
        if message is None:
            break
        message.attempts += 1
        try:
            deliver(message.recipient, message.subject, message.body)
        except Exception as error:  # noqa: BLE001 (one bad message must neither stop nor repeat the others)
            # The exception's text may quote the address: only its type goes to the log.
            reason = str(error) if isinstance(error, MailUnavailable) else type(error).__name__
            message.last_error = reason[:200]
            message.next_attempt_at = utcnow() + backoff(message.attempts)
            log.warning("outbox message %s not sent (attempt %s): %s", message.id, message.attempts, reason)
            if message.next_attempt_at >= message.created_at + RETRY_FOR:
                log.error("outbox message %s abandoned after %s attempts", message.id, message.attempts)
        else:
            message.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent


# A sent email's row is kept a week, for "I never got the email" questions; then its address and body
# (codes, what was asked of the family) have no purpose left. An abandoned one goes a week after its
# retries ended.
KEEP_SENT = timedelta(days=7)


def purge_old_messages(batch_size: int = 5000, now=None) -> int:
    """Delete outbox rows sent more than a week ago, or given up on more than a week ago."""
    now = now or utcnow()
    spent = ((OutboxMessage.sent_at < now - KEEP_SENT)
             | (OutboxMessage.sent_at.is_(None) & (OutboxMessage.created_at < now - RETRY_FOR - KEEP_SENT)))
    removed = 0
    while True:
        ids = list(db.session.scalars(db.select(OutboxMessage.id).where(spent).limit(batch_size)))
        if not ids:
            return removed
        removed += db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id.in_(ids))).rowcount
        db.session.commit()
