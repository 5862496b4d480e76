"""A database error's message never reaches the log: PostgreSQL's can quote the failing row.

A NOT NULL violation on PostgreSQL says "DETAIL: Failing row contains (…, jo.family@example.com, …)";
`hide_parameters` does not hide that, and the 500 handler and the scheduler logged it whole.
"""

import logging

from sqlalchemy import text

from webapp.extensions import db
from webapp.scheduler import Job, run_job

ADDRESS = "jo.family@example.com"
INSERT = text("INSERT INTO outbox_messages (recipient, subject, body, created_at, attempts, next_attempt_at) "
              "VALUES (:recipient, 'Your form needs more information', NULL, CURRENT_TIMESTAMP, 0, "
              "CURRENT_TIMESTAMP)")


def _violate_not_null():
    db.session.execute(INSERT, {"recipient": ADDRESS})


def _logged(caplog) -> str:
    return "\n".join(caplog.handler.format(record) for record in caplog.records)


def test_an_unhandled_database_error_is_logged_without_the_row(app, caplog):
    caplog.set_level(logging.INFO)

    @app.get("/test-only/violate")
    def violate():
        _violate_not_null()
        return "unreachable"

    assert app.test_client().get("/test-only/violate").status_code == 500
    logged = _logged(caplog)
    assert "unhandled error on GET /test-only/violate" in logged
    assert "IntegrityError" in logged and "_violate_not_null" in logged  # type and frames are kept
    assert ADDRESS not in logged


def test_a_failed_job_is_logged_without_the_row(app, caplog):
    caplog.set_level(logging.INFO)
    assert run_job(app, Job("violate", 3600, _violate_not_null)) is False
    logged = _logged(caplog)
    assert "job violate failed" in logged and "IntegrityError" in logged
    assert ADDRESS not in logged
