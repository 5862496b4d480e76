"""Every table, imported in one place so create_all and Alembic's autogenerate see them all."""

from webapp.accounts.models import EmailCode, User, WebSession
from webapp.attachments.models import Attachment
from webapp.drafts.models import Draft
from webapp.notifications.models import OutboxMessage
from webapp.review.kept import KeptWriting
from webapp.scheduler import JobRun
from webapp.submissions.models import (
    AuditEntry,
    ReferenceCounter,
    ReturnRequest,
    Submission,
    SubmissionVersion,
)

__all__ = ["Attachment", "AuditEntry", "Draft", "EmailCode", "JobRun", "KeptWriting", "OutboxMessage",
           "ReferenceCounter", "ReturnRequest", "Submission", "SubmissionVersion", "User", "WebSession"]
