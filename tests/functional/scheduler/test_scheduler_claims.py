"""The scheduler's claims table: one row per job and period stops a second run, and old rows go."""

from datetime import datetime, timedelta

from webapp.extensions import db
from webapp.scheduler import Job, JobRun, claim_period


def claims(app, name):
    with app.app_context():
        return sorted(db.session.scalars(db.select(JobRun.period).where(JobRun.job == name)))


def test_claims_older_than_a_day_are_forgotten(app):
    """Before, every period's claim stayed for ever: a job every 10 s added 8,640 rows a day."""
    hourly, other = Job("hourly", 3600, lambda: None), Job("other", 3600, lambda: None)
    start = datetime(2026, 3, 2, 0, 30)
    with app.app_context():
        assert claim_period(other, start)
        for hour in range(72):
            assert claim_period(hourly, start + timedelta(hours=hour))
    kept = claims(app, "hourly")
    assert len(kept) == 25 and kept[-1] - kept[0] == 24  # the last day's, the current period included
    assert len(claims(app, "other")) == 1  # another job's claims are its own business
    with app.app_context():  # the current period is still claimed once only
        assert not claim_period(hourly, start + timedelta(hours=71, minutes=10))


def test_a_job_slower_than_daily_keeps_its_last_claims(app):
    job = Job("slow", 86400 * 2, lambda: None)  # slower than daily: the minimum is kept
    start = datetime(2026, 1, 1)
    with app.app_context():
        for n in range(15):
            assert claim_period(job, start + timedelta(days=2 * n))
    assert len(claims(app, "slow")) == 11


def test_the_scheduler_starts_after_the_jobs_module_was_imported(app_factory):
    """Importing webapp.scheduler.jobs set the package's `jobs` to the module, hiding the function of
    that name: the first request then failed with a 500 instead of starting the scheduler."""
    import webapp.scheduler.jobs  # noqa: F401

    app = app_factory(SCHEDULER_ENABLED=True)
    assert app.test_client().get("/healthz").status_code == 200
    scheduler = app.extensions["scheduler"]
    try:
        assert {job.id for job in scheduler.get_jobs()} == {job.name for job in webapp.scheduler.jobs.JOBS}
    finally:
        scheduler.shutdown(wait=False)


def test_every_job_first_runs_soon_after_the_worker_starts(app_factory):
    """Not a whole period later: a worker that lived less than an hour never ran the hourly purges."""
    from datetime import UTC

    from webapp.clock import utcnow

    app = app_factory(SCHEDULER_ENABLED=True)
    app.test_client().get("/healthz")  # a worker starts its scheduler with its first request
    scheduler = app.extensions["scheduler"]
    try:
        now = utcnow().replace(tzinfo=UTC)
        for job in scheduler.get_jobs():
            assert (job.next_run_time - now).total_seconds() < 60, job.id
    finally:
        scheduler.shutdown(wait=False)
