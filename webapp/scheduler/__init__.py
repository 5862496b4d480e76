"""APScheduler set-up: background jobs that run once per period however many workers run.

Every gunicorn worker (and every host) starts a scheduler; before doing any work a job claims its
period by inserting a row into `job_runs` with a unique (job, period) key. Only the first insert
succeeds, so each job runs once per period, and a second run of the same period is a no-op.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import String, UniqueConstraint, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.web.logsafe import log_exception

log = logging.getLogger(__name__)


class JobRun(db.Model):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(50))
    period: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_runs_job_period"),)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[], object]


# How long a claim is kept. Only the current period's row stops a second run; older rows are history,
# kept a day (and at least a few periods) so a host whose clock lags cannot claim a period again.
KEEP_CLAIMS_SECONDS = 24 * 60 * 60
FIRST_RUN_AFTER_SECONDS = 5
MIN_CLAIMS_KEPT = 10


def claim_period(job: Job, now: datetime | None = None) -> bool:
    """True for exactly one caller per job and period, across processes and hosts.

    The winner also forgets the job's claims older than a day: without that the table grew by a row per
    job and period for ever (about 12,000 rows a day with the outbox every 30 s and PDFs every 10 s).
    """
    period = int((now or utcnow()).timestamp()) // job.every_seconds
    db.session.add(JobRun(job=job.name, period=period))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    kept = max(KEEP_CLAIMS_SECONDS // job.every_seconds, MIN_CLAIMS_KEPT)
    db.session.execute(delete(JobRun).where(JobRun.job == job.name, JobRun.period < period - kept))
    db.session.commit()
    return True


def run_job(app: Flask, job: Job) -> bool:
    with app.app_context():
        try:
            if not claim_period(job):
                return False
            result = job.run()
            # A run that found nothing to do is not news; one that did something is.
            log.log(logging.INFO if result else logging.DEBUG, "job %s done: %s", job.name, result)
            return True
        except Exception:
            log_exception(log, "job %s failed", job.name)
            db.session.rollback()
            return False
        finally:
            db.session.remove()


def scheduled_jobs() -> list[Job]:
    from .jobs import JOBS

    return JOBS


def init_app(app: Flask) -> None:
    """Start the scheduler with the first request a process serves.

    Starting it lazily keeps it out of CLI commands (`flask db upgrade`) and out of the reloader's
    parent process under `flask run --debug`, both of which never serve a request.
    """
    if not app.config.get("SCHEDULER_ENABLED"):
        return
    lock = threading.Lock()

    @app.before_request
    def start_scheduler_once():
        if "scheduler" in app.extensions:
            return
        with lock:
            if "scheduler" not in app.extensions:
                scheduler = BackgroundScheduler(
                    timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
                # First runs come soon after start, not a whole period later: a worker restarted more
                # often than hourly (deploys, gunicorn --max-requests) otherwise never ran the hourly
                # purges. The claim keeps it to one run per period whichever worker gets there first.
                first = datetime.now(UTC) + timedelta(seconds=FIRST_RUN_AFTER_SECONDS)
                for job in scheduled_jobs():
                    scheduler.add_job(run_job, "interval", seconds=job.every_seconds, args=[app, job],
                                      id=job.name, next_run_time=first)
                scheduler.start()
                app.extensions["scheduler"] = scheduler
