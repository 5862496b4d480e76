"""Scale of the scheduled jobs: purging 10,000 expired drafts among 200,000, cleaning up 10,000
expired sessions among 200,000, and emailing the owners of 10,000 saved forms due to be deleted within
the week (two forms an account) among the same 200,000, in seconds, on SQLite and on PostgreSQL.

The rows are bulk-inserted with Core (not the ORM) so set-up time does not swamp the measurement.
"""

import os
import time
from datetime import timedelta

from sqlalchemy import insert, text

from webapp.clock import utcnow
from webapp.extensions import db

from .common import ensure_postgres_database, fresh_app, print_table, write_result

TOTAL = int(os.environ.get("BENCH_JOB_ROWS", 200_000))
EXPIRED = TOTAL // 20
DUE_FOR_REMINDER = EXPIRED
FORMS_AN_ACCOUNT = 2
FIRST_ACCOUNT = 1000
CHUNK = 10_000


def _seed_accounts() -> None:
    """The accounts of the forms due for a reminder, verified (ids from FIRST_ACCOUNT)."""
    from webapp.accounts.models import User

    now = utcnow()
    db.session.execute(insert(User), [
        {"id": FIRST_ACCOUNT + n, "email": f"owner{n}@example.com", "password_hash": "x", "first_name": "O",
         "surname": "W", "email_verified_at": now} for n in range(DUE_FOR_REMINDER // FORMS_AN_ACCOUNT)])
    db.session.commit()


def _seed(user_id: int) -> None:
    from webapp.accounts.models import WebSession
    from webapp.drafts.models import Draft

    now = utcnow()
    live, dead, soon = now + timedelta(days=10), now - timedelta(minutes=1), now + timedelta(days=3)
    every = TOTAL // EXPIRED
    for start in range(0, TOTAL, CHUNK):
        drafts, sessions = [], []
        for i in range(start, min(start + CHUNK, TOTAL)):
            expired = i % every == 0
            due = i % every == 1  # saved 27 days ago: the week's reminder is due
            owner = FIRST_ACCOUNT + (i // every) // FORMS_AN_ACCOUNT if due else user_id
            drafts.append({"id": f"{i:032x}", "user_id": owner, "form_id": "safeguarding-concern",
                           "form_version": 1, "answers": {}, "section_status": {}, "version": 2 if due else 1,
                           "description": "", "created_at": now, "saved_at": now,
                           "expires_at": dead if expired else soon if due else live})
            sessions.append({"id": f"{i:064x}", "user_id": None, "data": "{}", "created_at": now,
                             "last_seen_at": now, "idle_expires_at": dead if expired else live,
                             "absolute_expires_at": live})
        db.session.execute(insert(Draft), drafts)
        db.session.execute(insert(WebSession), sessions)
        db.session.commit()


def _timed(job) -> tuple[int, float]:
    """What the job returned (rows it dealt with) and how many seconds it took."""
    started = time.perf_counter()
    result = job()
    return result, time.perf_counter() - started


def _measure(label: str, database_url: str | None) -> dict:
    from webapp.accounts.models import User, WebSession
    from webapp.accounts.sessions import purge_expired_sessions
    from webapp.drafts.models import Draft
    from webapp.drafts.reminders import remind_of_expiring_drafts
    from webapp.drafts.services import purge_expired_drafts

    app = fresh_app(database_url)
    with app.app_context():
        user = User(email="bench@example.com", password_hash="x", first_name="B", surname="B")
        db.session.add(user)
        db.session.commit()
        started = time.perf_counter()
        _seed_accounts()
        _seed(user.id)
        seeded = time.perf_counter() - started
        if database_url:
            db.session.execute(text("ANALYZE"))
            db.session.commit()

        purged, drafts_seconds = _timed(purge_expired_drafts)
        again, rerun_seconds = _timed(purge_expired_drafts)
        sessions, sessions_seconds = _timed(purge_expired_sessions)
        reminded, reminder_seconds = _timed(remind_of_expiring_drafts)
        reminded_again, reminder_rerun_seconds = _timed(remind_of_expiring_drafts)
        remaining = db.session.query(Draft).count(), db.session.query(WebSession).count()
        db.session.remove()
        db.drop_all()
    assert purged == EXPIRED and again == 0 and sessions == EXPIRED, (purged, again, sessions)
    assert reminded == DUE_FOR_REMINDER and reminded_again == 0, (reminded, reminded_again)
    assert remaining == (TOTAL - EXPIRED, TOTAL - EXPIRED)
    return {"database": label, "rows": TOTAL, "expired": EXPIRED, "seed_seconds": round(seeded, 2),
            "draft_purge_seconds": round(drafts_seconds, 3),
            "draft_purge_rerun_seconds": round(rerun_seconds, 3),
            "session_cleanup_seconds": round(sessions_seconds, 3),
            "due_for_reminder": DUE_FOR_REMINDER, "reminder_seconds": round(reminder_seconds, 3),
            "reminder_rerun_seconds": round(reminder_rerun_seconds, 3)}


def run() -> dict:
    results = [_measure("sqlite", None)]
    try:
        results.append(_measure("postgresql", ensure_postgres_database()))
    except Exception as error:  # no server: report it rather than pretend
        results.append({"database": "postgresql", "error": f"{type(error).__name__}: {error}"[:200]})
    rows = [(r["database"], r.get("draft_purge_seconds", "-"), r.get("draft_purge_rerun_seconds", "-"),
             r.get("session_cleanup_seconds", "-"), r.get("reminder_seconds", "-"),
             r.get("reminder_rerun_seconds", "-"), r.get("error", "")) for r in results]
    print_table(f"Scheduled jobs: {EXPIRED:,} expired among {TOTAL:,}; {DUE_FOR_REMINDER:,} saved forms due "
                f"for a reminder, {FORMS_AN_ACCOUNT} an account (seconds)", rows,
                ("database", "draft purge", "purge again", "session clean-up", "reminders", "again", "note"))
    figures = {"runs": results}
    write_result("job_scale", figures)
    return figures


if __name__ == "__main__":
    run()
