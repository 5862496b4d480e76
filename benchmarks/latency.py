"""Latency and throughput under load: the portal under gunicorn, driven by locust from another
process on 127.0.0.1 with 50 simulated users (sign in, save sections, open Submitted Forms), on
SQLite and on PostgreSQL; and the smallest Flask app under the same gunicorn settings as the ceiling.

Two runs per database:
- latency: 50 users at a person's pace (1 to 3 s between actions), p50/p95/p99 per endpoint;
- saturation: the same 50 users with no pause, for the most requests a second the portal serves,
  compared with the ceiling's under the same load generator.

Target (issue 7): section save p95 under 100 ms at 50 users, and the portal's throughput at least a
third of the ceiling's. The load generator shares the machine's two cores with the server.
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from flask import current_app

from webapp.clock import utcnow
from webapp.extensions import db

from .common import ensure_postgres_database, fresh_app, print_table, write_result

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("BENCH_USERS", 50))
DURATION = os.environ.get("BENCH_DURATION", "60s")
SPAWN_RATE = os.environ.get("BENCH_SPAWN_RATE", "5")
SATURATION = os.environ.get("BENCH_SATURATION_DURATION", "30s")
WORKERS = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1))
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed_users(app) -> None:
    from webapp.accounts.models import User
    from webapp.accounts.passwords import hash_password

    with app.app_context():
        password_hash = hash_password("benchmark password long")
        for number in range(USERS + 10):
            db.session.add(User(email=f"bench{number}@example.com", password_hash=password_hash,
                                first_name="Bench", surname=f"User {number}", is_professional=True,
                                role="Teacher", organisation="School", street="1 Lane", town="Wigan",
                                postcode="WN1 1AA", email_verified_at=utcnow(), terms_accepted_at=utcnow(),
                                terms_version=current_app.config["TERMS_VERSION"]))
        db.session.commit()


def _serve(target: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         target], cwd=ROOT, env=env, start_new_session=True)
    # Ready means every worker has booted and answers, not merely that the port is bound.
    deadline = time.monotonic() + 60
    answered = 0
    while time.monotonic() < deadline and answered < WORKERS * 2:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                answered += response.status == 200
        except OSError:
            time.sleep(0.2)
    if answered >= WORKERS * 2:
        return process
    process.kill()
    raise RuntimeError(f"gunicorn for {target} did not start")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def _locust(user_class: str, port: int, wait: str, duration: str) -> list[dict]:
    prefix = Path(tempfile.mkdtemp(prefix="locust-")) / "stats"
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), user_class, "--headless",
         "-u", str(USERS), "-r", SPAWN_RATE, "-t", duration, "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--reset-stats"],
        cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT), "BENCH_WAIT": wait},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return [{"name": row["Name"], "requests": int(row["Request Count"]),
                 "failures": int(row["Failure Count"]), "rps": float(row["Requests/s"]),
                 "p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"])}
                for row in csv.DictReader(handle)]


def _measure(label: str, database_url: str | None) -> dict:
    app = fresh_app(database_url)
    _seed_users(app)
    env = {**os.environ, "PORTAL_ENV": "production", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "benchmark-secret", "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0",
           "SCHEDULER_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    portal_port, ceiling_port = _free_port(), _free_port()
    portal = _serve("webapp:create_app()", portal_port, env)
    try:
        portal_stats = _locust("PortalUser", portal_port, "1,3", DURATION)
        saturated = _locust("PortalUser", portal_port, "0,0.01", SATURATION)
    finally:
        _stop(portal)
    ceiling = _serve("benchmarks.ceiling:app", ceiling_port, env)
    try:
        ceiling_stats = _locust("Ceiling", ceiling_port, "0,0.01", SATURATION)
    finally:
        _stop(ceiling)
    ceiling_total = next(row for row in ceiling_stats if row["name"] == "Aggregated")
    portal_total = next(row for row in saturated if row["name"] == "Aggregated")
    save = next((row for row in portal_stats if row["name"] == "section save"), None)
    return {"database": label, "users": USERS, "duration": DURATION, "workers": WORKERS,
            "endpoints": portal_stats, "ceiling": ceiling_total, "saturated": saturated,
            "throughput_ratio": round(portal_total["rps"] / ceiling_total["rps"], 3),
            "section_save_p95_ok": bool(save and save["p95"] < 100),
            "throughput_ok": portal_total["rps"] >= ceiling_total["rps"] / 3}


def run() -> dict:
    runs = [_measure("sqlite", None)]
    runs.append(_measure("postgresql", ensure_postgres_database()))
    for result in runs:
        rows = [(r["name"], r["requests"], r["failures"], f"{r['rps']:.1f}", r["p50"], r["p95"], r["p99"])
                for r in result["endpoints"]]
        c = result["ceiling"]
        rows.append(("ceiling / (saturation)", c["requests"], c["failures"], f"{c['rps']:.1f}", c["p50"],
                     c["p95"], c["p99"]))
        print_table(f"{result['database']}: {USERS} users at a person's pace, {DURATION}, "
                    f"gunicorn -w {WORKERS} (ms; the ceiling row is its saturation run)", rows,
                    ("endpoint", "requests", "failures", "req/s", "p50", "p95", "p99"))
        total = next(row for row in result["saturated"] if row["name"] == "Aggregated")
        print(f"saturation: portal {total['rps']:.1f} req/s, ceiling {c['rps']:.1f} req/s, ratio "
              f"{result['throughput_ratio']} (target >= 0.333); section save p95 < 100 ms: "
              f"{result['section_save_p95_ok']}")
    figures = {"runs": runs}
    write_result("latency", figures)
    return figures


if __name__ == "__main__":
    run()
