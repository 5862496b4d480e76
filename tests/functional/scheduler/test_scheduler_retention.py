"""Retention: what the scheduled jobs delete, and that each deletion is on the schedule.

Drafts (with their files) go 30 days after their last save and sessions when they end; the council's
copy of a submission is never purged (DESIGN.md). Sent emails and spent one-time codes were kept for
ever: each carries an email address, and an email's body the code or what was asked of the family.
"""

from datetime import timedelta

from sqlalchemy import func, select

from webapp.accounts import codes
from webapp.accounts.models import EmailCode
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.notifications import email
from webapp.notifications.models import OutboxMessage
from webapp.scheduler.jobs import JOBS


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_retention_rule_is_a_scheduled_job():
    scheduled = {job.run: job.every_seconds for job in JOBS}
    from webapp.accounts.sessions import purge_expired_sessions
    from webapp.drafts.services import purge_expired_drafts

    for purge in (purge_expired_drafts, purge_expired_sessions, email.purge_old_messages,
                  codes.purge_expired_codes):
        assert scheduled.get(purge, 0) <= 3600 and purge in scheduled, purge.__name__


def test_sent_emails_go_after_a_week_and_abandoned_ones_a_week_after_their_retries(app):
    now = utcnow()
    with app.app_context():
        def message(created_days, sent_days=None):
            db.session.add(OutboxMessage(
                recipient="parent@example.com", subject="Your form needs more information", body="...",
                created_at=now - timedelta(days=created_days),
                sent_at=None if sent_days is None else now - timedelta(days=sent_days)))
        message(9, sent_days=8)  # sent over a week ago: goes
        message(6, sent_days=6)  # sent this week: kept
        message(11)  # given up after 3 days, a week before that: goes
        message(2)  # still being retried: kept
        db.session.commit()
        assert email.purge_old_messages(batch_size=1) == 2
        kept = sorted((m.sent_at is None, (now - m.created_at).days)
                      for m in db.session.scalars(select(OutboxMessage)))
        assert kept == [(False, 6), (True, 2)]
        assert email.purge_old_messages() == 0  # safe to run twice


def test_codes_go_a_week_after_they_expired(app, make_user):
    user_id = make_user()
    now = utcnow()
    with app.app_context():
        for expired_days in (8, 6, -0.01):
            db.session.add(EmailCode(user_id=user_id, purpose="verify", target_email="t@example.com",
                                     code_hash="x", created_at=now - timedelta(days=expired_days),
                                     expires_at=now - timedelta(days=expired_days)))
        db.session.commit()
        assert codes.purge_expired_codes() == 1
        assert _count(EmailCode) == 2
