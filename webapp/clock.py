"""One notion of "now" for the whole portal.

Timestamps are stored as naive UTC so SQLite and PostgreSQL compare them the same way; tests move
time with time-machine, which patches this call too.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
