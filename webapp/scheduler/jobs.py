"""The scheduled jobs. Each calls the same service a view or a command would."""

from webapp.accounts.codes import purge_expired_codes
from webapp.accounts.services import purge_unverified_accounts
from webapp.accounts.sessions import purge_expired_sessions
from webapp.drafts.reminders import remind_of_expiring_drafts
from webapp.drafts.services import purge_expired_drafts
from webapp.notifications.email import purge_old_messages, send_due
from webapp.review.kept import purge_old_kept_writing
from webapp.submissions.rendering import render_pending_pdfs

from . import Job

JOBS = [
    Job("send-outbox", 30, send_due),
    Job("render-pdfs", 10, render_pending_pdfs),
    Job("purge-expired-sessions", 15 * 60, purge_expired_sessions),
    # Hourly, though drafts live 30 days: it is idempotent, and a missed run costs little.
    Job("purge-expired-drafts", 60 * 60, purge_expired_drafts),
    # A week ahead (DRAFT_REMINDER_DAYS): hourly is on time to the hour, and a missed run is caught up.
    Job("remind-expiring-drafts", 60 * 60, remind_of_expiring_drafts),
    # Sent emails (addresses, bodies) and spent codes were kept for ever.
    Job("purge-old-emails", 60 * 60, purge_old_messages),
    Job("purge-expired-codes", 60 * 60, purge_expired_codes),
    Job("purge-unverified-accounts", 60 * 60, purge_unverified_accounts),
    # What a caseworker was writing when signed out is kept a day (kept_values stops showing it then).
    Job("purge-kept-writing", 60 * 60, purge_old_kept_writing),
]
