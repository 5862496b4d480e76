"""A draft referral: the answers so far, owned by one account, kept 30 days from the last save."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.ids import new_id


class Draft(db.Model):
    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    form_id: Mapped[str] = mapped_column(String(50))
    form_version: Mapped[int] = mapped_column()
    # {section_id: {field: value}}; JSON so a form definition can change without a migration.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # {section_id: "in-progress" | "completed" | "has-errors"}; absent means not started.
    section_status: Mapped[dict] = mapped_column(JSON, default=dict)
    # Optimistic locking: a save names the version its page was rendered from, and is a conflict
    # when its section has been saved since (another tab's save of another section is not).
    version: Mapped[int] = mapped_column(default=1)
    # {section_id: the version its answers were last saved at}; absent means unchanged since the
    # draft was made. NULL on drafts saved before it was kept: any later save counts as a change.
    section_versions: Mapped[dict | None] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(String(250), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    # Set when a returned submission is reopened for changes (the further-information loop). One
    # draft at most per returned submission: two requests reopening it at once cannot make two.
    resubmission_of: Mapped[str | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"))
    # The one-off key of the Overview page whose Next made this draft. Pressing Next twice (a
    # double-click with JavaScript off) sends the same key twice, and the second press finds this
    # draft instead of making an empty twin of it in Recover a Form.
    start_key: Mapped[str | None] = mapped_column(String(22))
    # When the owner was last emailed that this draft would soon be deleted (reminders.py). A save
    # since then gives the draft a new expiry, and a reminder of that one in its turn.
    reminded_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        Index("ix_drafts_user_id", "user_id"),
        Index("ix_drafts_expires_at", "expires_at"),
        Index("uq_drafts_resubmission_of", "resubmission_of", unique=True),
        Index("uq_drafts_user_start_key", "user_id", "start_key", unique=True),
    )
