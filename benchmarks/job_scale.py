"""Scale of the scheduled jobs: purging 10,000 expired drafts among 200,000, and cleaning up 10,000
expired sessions among 200,000, in seconds, on SQLite and on PostgreSQL.

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
CHUNK = 10_000


def _seed(user_id: int) -> None:
    from webapp.accounts.models import WebSession
    from webapp.drafts.models import Draft

    now = utcnow()
    live, dead = now + timedelta(days=10), now - timedelta(minutes=1)
    for start in range(0, TOTAL, CHUNK):
        drafts, sessions = [], []
        for i in range(start, min(start + CHUNK, TOTAL)):
            expired = i % (TOTAL // EXPIRED) == 0
            drafts.append({"id": f"{i:032x}", "user_id": user_id, "form_id": "safeguarding-concern",
                           "form_version": 1, "answers": {}, "section_status": {}, "version": 1,
                           "description": "", "created_at": now, "saved_at": now,
                           "expires_at": dead if expired else live})
            sessions.append({"id": f"{i:064x}", "user_id": None, "data": "{}", "created_at": now,
                             "last_seen_at": now, "idle_expires_at": dead if expired else live,
                             "absolute_expires_at": live})
        db.session.execute(insert(Draft), drafts)
        db.session.execute(insert(WebSession), sessions)
        db.session.commit()


def _measure(label: str, database_url: str | None) -> dict:
    from webapp.accounts.models import User, WebSession
    from webapp.accounts.sessions import purge_expired_sessions
    from webapp.drafts.models import Draft
    from webapp.drafts.services import purge_expired_drafts

    app = fresh_app(database_url)
    with app.app_context():
        user = User(email="bench@example.com", password_hash="x", first_name="B", surname="B")
        db.session.add(user)
        db.session.commit()
        started = time.perf_counter()
        _seed(user.id)
        seeded = time.perf_counter() - started
        if database_url:
            db.session.execute(text("ANALYZE"))
            db.session.commit()

        started = time.perf_counter()
        purged = purge_expired_drafts()
        drafts_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = purge_expired_drafts()
        rerun_seconds = time.perf_counter() - started

        started = time.perf_counter()
        sessions = purge_expired_sessions()
        sessions_seconds = time.perf_counter() - started
        remaining = db.session.query(Draft).count(), db.session.query(WebSession).count()
        db.session.remove()
        db.drop_all()
    assert purged == EXPIRED and again == 0 and sessions == EXPIRED, (purged, again, sessions)
    assert remaining == (TOTAL - EXPIRED, TOTAL - EXPIRED)
    return {"database": label, "rows": TOTAL, "expired": EXPIRED, "seed_seconds": round(seeded, 2),
            "draft_purge_seconds": round(drafts_seconds, 3),
            "draft_purge_rerun_seconds": round(rerun_seconds, 3),
            "session_cleanup_seconds": round(sessions_seconds, 3)}


def run() -> dict:
    results = [_measure("sqlite", None)]
    try:
        results.append(_measure("postgresql", ensure_postgres_database()))
    except Exception as error:  # no server: report it rather than pretend
        results.append({"database": "postgresql", "error": f"{type(error).__name__}: {error}"[:200]})
    rows = [(r["database"], r.get("draft_purge_seconds", "-"), r.get("draft_purge_rerun_seconds", "-"),
             r.get("session_cleanup_seconds", "-"), r.get("error", "")) for r in results]
    print_table(f"Scheduled jobs: {EXPIRED:,} expired among {TOTAL:,} (seconds)", rows,
                ("database", "draft purge", "purge again", "session clean-up", "note"))
    figures = {"runs": results}
    write_result("job_scale", figures)
    return figures


if __name__ == "__main__":
    run()
