"""The scheduled jobs. Each calls the same service a view or a command would."""

from webapp.accounts.sessions import purge_expired_sessions
from webapp.notifications.email import send_due

from . import Job

JOBS = [
    Job("send-outbox", 30, send_due),
    Job("purge-expired-sessions", 15 * 60, purge_expired_sessions),
]
