"""Account tables. Personal details live only here and are never copied into URLs or logs."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow
from webapp.extensions import db

TEAMS = {
    "social-care": "Children First Hub (social care)",
    "early-help": "Early Help",
    "lado": "LADO",
}
# Whom the Thank You page tells a submitter their form went to. Social care keeps the guide's words,
# which referrers are trained on; the other teams are named, not called a social services department.
SUBMITTED_TO = {
    "social-care": "the Child Social Services Department",
    "early-help": "the Early Help team",
    "lado": "the Local Authority Designated Officer (LADO)",
}
# Which team received a sent form, as the council's user guide to the portal names them to the people who
# send forms ("a Children First Partnership Hub enquiry/referral", "Early Help support", "LADO Referral"):
# the "Sent to" of the submitter's page of the form and of its PDF, which say the same. TEAMS above are
# the back office's own names for its teams.
RECEIVING_TEAMS = {
    "social-care": "Children First Partnership Hub",
    "early-help": "Early Help",
    "lado": "LADO (Local Authority Designated Officer)",
}


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    is_professional: Mapped[bool] = mapped_column(default=False)
    role: Mapped[str | None] = mapped_column(String(100))
    organisation: Mapped[str | None] = mapped_column(String(150))
    property_name: Mapped[str | None] = mapped_column(String(100))
    house_no: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(150))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20))
    email_verified_at: Mapped[datetime | None] = mapped_column()
    terms_version: Mapped[str | None] = mapped_column(String(20))
    terms_accepted_at: Mapped[datetime | None] = mapped_column()
    is_staff: Mapped[bool] = mapped_column(default=False)
    team: Mapped[str | None] = mapped_column(String(20))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    # Set by `flask disable-account` (a caseworker who has left, an account being misused): the
    # account cannot sign in and its sessions have ended; `flask create-staff` enables staff again.
    disabled_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.surname}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class EmailCode(db.Model):
    """A one-time 8-digit code sent by email; only its hash is stored."""

    __tablename__ = "email_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    target_email: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()


class WebSession(db.Model):
    """A server-side session: the cookie holds only a random token whose hash is this row's id."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    data: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    idle_expires_at: Mapped[datetime] = mapped_column()
    absolute_expires_at: Mapped[datetime] = mapped_column()
    # The browser and system it was signed in from ("Chrome on Android"), so a person can tell their
    # devices apart on the Where you are signed in page; read from User-Agent once, at sign-in.
    device: Mapped[str | None] = mapped_column(String(100))
    # Loaded with the session row (one query, not two, at the start of every signed-in request).
    user: Mapped[User | None] = relationship(lazy="joined", viewonly=True)

    __table_args__ = (
        Index("ix_web_sessions_user_id", "user_id"),
        Index("ix_web_sessions_idle_expires_at", "idle_expires_at"),
    )
