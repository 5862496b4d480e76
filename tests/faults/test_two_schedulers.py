"""Two worker processes each run the scheduler (as two gunicorn workers or two hosts would): a job
runs once per period between them, never twice, and keeps running period after period."""

import json
import os
import subprocess
import sys
from pathlib import Path

from webapp.extensions import db
from webapp.scheduler import JobRun

ROOT = Path(__file__).resolve().parents[2]
PERIOD_SECONDS = 2
RUN_FOR_SECONDS = 7

WORKER = """
import json, os, sys, time
from apscheduler.schedulers.background import BackgroundScheduler
from webapp import create_app
from webapp.scheduler import Job, run_job

app = create_app("test", SQLALCHEMY_DATABASE_URI=sys.argv[1], SCHEDULER_ENABLED=False)
log = sys.argv[2]
PERIOD = int(sys.argv[3])

def probe():
    with open(log, "a") as out:
        out.write(json.dumps({"pid": os.getpid(), "at": time.time()}) + "\\n")

scheduler = BackgroundScheduler(timezone="UTC")
scheduler.add_job(run_job, "interval", seconds=PERIOD, args=[app, Job("probe", PERIOD, probe)])
scheduler.start()
time.sleep(float(sys.argv[4]))
scheduler.shutdown()
"""


def test_two_processes_run_each_period_once(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    log = tmp_path / "runs.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(log), str(PERIOD_SECONDS),
                                str(RUN_FOR_SECONDS)], cwd=ROOT, env=env)
               for _ in range(2)]
    for worker in workers:
        assert worker.wait(60) == 0

    runs = [json.loads(line) for line in log.read_text().splitlines()]
    with app.app_context():
        claimed = [row.period for row in db.session.query(JobRun).filter_by(job="probe")]
        db.session.remove()
    assert len(runs) == len(claimed) >= 2  # it kept running, once per claimed period
    assert len(set(claimed)) == len(claimed)  # no period twice: each run had a claim of its own
