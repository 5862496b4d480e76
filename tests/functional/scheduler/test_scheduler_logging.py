"""What an operator reads: timestamped lines, and no line at all for a job run that had nothing to do.

Before, each worker logged two APScheduler lines for every run of every job, and the portal a third
("job render-pdfs done: 0"): with the PDF job every 10 s, most of a quiet day's log said nothing.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import sys, time
from webapp import create_app
from webapp.extensions import db
from webapp.scheduler import Job, run_job
app = create_app("test", SQLALCHEMY_DATABASE_URI=sys.argv[1], SCHEDULER_ENABLED=True)
with app.app_context():
    db.create_all()
app.test_client().get("/healthz")  # the first request starts the scheduler
run_job(app, Job("idle", 3600, lambda: 0))
run_job(app, Job("busy", 3600, lambda: 3))
time.sleep(1.5)  # the scheduler's first runs
"""


def test_idle_job_runs_and_apscheduler_chatter_stay_out_of_the_log(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_ENV"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'jobs.db'}"],  # noqa: S603
                          cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [line for line in lines if "job busy done: 3" in line]
    assert not [line for line in lines if "job idle" in line]
    assert not [line for line in lines if "apscheduler" in line]
    stamped = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[\d+\] [A-Z]+ ")
    assert all(stamped.match(line) for line in lines), lines
