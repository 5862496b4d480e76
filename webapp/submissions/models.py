"""Submitted referrals. A submission is a reference number and a status; what was sent is a list of
immutable versions (one per submit or resubmit), each with its answers, files and rendered PDF."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.ids import new_id

STATUSES = {
    "submitted": "Submitted",
    "returned": "Returned for more information",
    "resubmitted": "Resubmitted",
    "responded": "Responded",
}


class Submission(db.Model):
    __tablename__ = "submissions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    form_id: Mapped[str] = mapped_column(String(50))
    form_title: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(20))
    child_name: Mapped[str] = mapped_column(String(250), default="")
    # Every name the back office's search finds the submission by (the child's, a LADO referral's subject,
    # siblings, parents: formdefs.searched_names), folded as the search folds what is typed
    # (validation.fold_for_search).
    searched_names: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    first_submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    response_text: Mapped[str | None] = mapped_column(String(500))
    responded_at: Mapped[datetime | None] = mapped_column()
    # When a caseworker last corrected the posted response (review.services.correct_response).
    response_corrected_at: Mapped[datetime | None] = mapped_column()

    versions: Mapped[list["SubmissionVersion"]] = relationship(
        back_populates="submission", order_by="SubmissionVersion.number")

    # The back-office queue lists a team's submissions newest first (ties by id), all of them or those
    # of one status: these hand over a page in that order without sorting the team's thousands.
    __table_args__ = (
        Index("ix_submissions_user_id", "user_id"),
        Index("ix_submissions_team_sent", "team", "last_submitted_at", "id"),
        Index("ix_submissions_team_status_sent", "team", "status", "last_submitted_at", "id"),
    )

    @property
    def latest(self) -> "SubmissionVersion":
        return self.versions[-1]


class SubmissionVersion(db.Model):
    __tablename__ = "submission_versions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    form_version: Mapped[int] = mapped_column()
    answers: Mapped[dict] = mapped_column(JSON)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The draft this version came from: unique, so a double submit of one draft makes one version.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Deferred: listing submissions and their versions must not load every stored PDF.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # When the PDF was stored; while `pdf` is NULL and `pdf_error` is set, when the last attempt failed
    # (the render job waits a while before retrying such a version).
    pdf_rendered_at: Mapped[datetime | None] = mapped_column()
    pdf_error: Mapped[str | None] = mapped_column(String(200))

    submission: Mapped[Submission] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("submission_id", "number", name="uq_submission_versions_number"),)


class ReturnRequest(db.Model):
    """The Local Authority sent a submission back for more information."""

    __tablename__ = "return_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(50))
    comments: Mapped[str] = mapped_column(Text)
    sections: Mapped[list] = mapped_column(JSON, default=list)
    returned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()


class ResponseRevision(db.Model):
    """A response as it stood before a caseworker corrected it: the submitter may have read it, so what
    they were told is kept for the back office, never overwritten."""

    __tablename__ = "response_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    posted_at: Mapped[datetime] = mapped_column()
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class AuditEntry(db.Model):
    """Append-only record of staff access: who, when, which submission, what. Never the content."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferenceCounter(db.Model):
    """Per-year counter for CP-YYYY-NNNNNN reference numbers, incremented under a row lock."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
