"""Latency and throughput under load: the portal under gunicorn, driven by locust from another
process on 127.0.0.1 with 50 simulated users (sign in, save sections, open Submitted Forms), on
SQLite and on PostgreSQL; and the smallest Flask app under the same gunicorn settings as the ceiling.

Per database:
- latency: 50 users at a person's pace (1 to 3 s between actions), p50/p95/p99 per endpoint;
- saturation: the same 50 users with no pause, for the most requests a second the portal serves;
- each endpoint alone at saturation (section save, section page, Submitted Forms, sign in), each
  reported as a ratio of the ceiling's requests a second under the same load generator (the ceiling
  is measured before and after the portal's runs, and the mean is used).

Target (issue 7): section save p95 under 100 ms at 50 users, and at least a third of the ceiling's
throughput, judged on the endpoints a person filling in a form waits for (sign-in verifies an
Argon2id hash, slow on purpose). The load generator shares the machine's two cores with the server.
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from flask import current_app

from webapp.clock import utcnow
from webapp.extensions import db

from . import cpu
from .common import ensure_postgres_database, fresh_app, print_table, write_result

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("BENCH_USERS", 50))
DURATION = os.environ.get("BENCH_DURATION", "60s")
SPAWN_RATE = os.environ.get("BENCH_SPAWN_RATE", "5")
SATURATION = os.environ.get("BENCH_SATURATION_DURATION", "30s")
ENDPOINT_DURATION = os.environ.get("BENCH_ENDPOINT_DURATION", "20s")
# Saturation runs spawn every user within a second or two; statistics start once all have spawned.
SATURATION_SPAWN_RATE = os.environ.get("BENCH_SATURATION_SPAWN_RATE", "25")
# The endpoints a person filling in a form waits for; sign-in is slow on purpose (Argon2id).
FORM_ENDPOINTS = ("section save", "section page", "submitted forms")
# Each endpoint alone at saturation: the locust user class (benchmarks/locustfile.py) that only calls it.
SINGLE_ENDPOINT = {"section save": "SectionSaveOnly", "section page": "SectionPageOnly",
                   "submitted forms": "SubmittedFormsOnly", "sign in": "SignInOnly"}
# gunicorn's rule of thumb is 2 x cores + 1 for a machine of its own; here the load generator needs one of
# the two cores, and with five workers they and locust spent the difference switching between each other.
WORKERS = int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 1) + 1))
BIN = Path(sys.executable).parent
# After every user has spawned, their sign-ins (Argon2id) are still running for a few seconds.
CPU_SETTLE_SECONDS = float(os.environ.get("BENCH_CPU_SETTLE_SECONDS", 5))


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


def _seconds(duration: str) -> float:
    """Locust's run time ("20s", "1m") in seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    return float(duration[:-1]) * units[duration[-1]] if duration[-1] in units else float(duration)


def _watch_cpu(process: subprocess.Popen, spawned: threading.Event, server_pid: int, duration: str):
    """Read each side's CPU over the run's steady part: from a few seconds after every user has
    spawned (their sign-ins, Argon2 included, are over by then) until a second before the end."""
    started = time.monotonic()
    if not spawned.wait(timeout=_seconds(duration)):
        return None
    time.sleep(CPU_SETTLE_SECONDS)
    before = cpu.read(server_pid, process.pid)
    remaining = started + _seconds(duration) - time.monotonic() - 1
    if remaining < 2:
        return None
    time.sleep(remaining)
    return before, cpu.read(server_pid, process.pid)


def _locust(user_class: str, port: int, wait: str, duration: str, spawn_rate: str = SPAWN_RATE,
            server_pid: int | None = None) -> tuple[list[dict], tuple | None]:
    """Run locust; the statistics per endpoint, and (given the server's pid) two CPU readings."""
    prefix = Path(tempfile.mkdtemp(prefix="locust-")) / "stats"
    process = subprocess.Popen(
        [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), user_class, "--headless",
         "-u", str(USERS), "-r", spawn_rate, "-t", duration, "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--loglevel", "INFO", "--reset-stats"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "BENCH_WAIT": wait},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    spawned = threading.Event()
    log: list[str] = []

    def read_log():
        for line in process.stderr:
            log.append(line)
            if "All users spawned" in line:
                spawned.set()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    readings = _watch_cpu(process, spawned, server_pid, duration) if server_pid else None
    process.wait()
    reader.join(timeout=5)
    if process.returncode != 0:
        raise RuntimeError(f"locust {user_class} failed:\n{''.join(log[-20:])}")
    with open(f"{prefix}_stats.csv", newline="") as handle:
        stats = [{"name": row["Name"], "requests": int(row["Request Count"]),
                  "failures": int(row["Failure Count"]), "rps": float(row["Requests/s"]),
                  "p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"])}
                 for row in csv.DictReader(handle)]
    return stats, readings


def _saturate(user_class: str, port: int, server: subprocess.Popen, row_name: str,
              duration: str = SATURATION) -> dict:
    """One saturation run: the row for `row_name`, with the CPU each request cost each side."""
    stats, readings = _locust(user_class, port, "0,0.01", duration, SATURATION_SPAWN_RATE, server.pid)
    row = _row(stats, row_name)
    if row is not None:
        row["cpu_ms_per_request"] = cpu.per_request(*readings, row["rps"]) if readings else None
    return row


def _ceiling(env: dict) -> dict:
    """The bare Flask app at saturation, under the same server settings and load generator."""
    port = _free_port()
    ceiling = _serve("benchmarks.ceiling:app", port, env)
    try:
        return _saturate("Ceiling", port, ceiling, "Aggregated")
    finally:
        _stop(ceiling)


def _row(stats: list[dict], name: str) -> dict | None:
    return next((row for row in stats if row["name"] == name), None)


def _measure(label: str, database_url: str | None) -> dict:
    app = fresh_app(database_url)
    _seed_users(app)
    env = {**os.environ, "PORTAL_ENV": "production", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "b" * 40, "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0",
           "SCHEDULER_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    ceiling_before = _ceiling(env)
    portal_port = _free_port()
    portal = _serve("webapp:create_app()", portal_port, env)
    single = {}
    try:
        portal_stats, _ = _locust("PortalUser", portal_port, "1,3", DURATION)
        mix = _saturate("PortalUser", portal_port, portal, "Aggregated")
        for endpoint, user_class in SINGLE_ENDPOINT.items():
            single[endpoint] = _saturate(user_class, portal_port, portal, endpoint, ENDPOINT_DURATION)
    finally:
        _stop(portal)
    ceiling_after = _ceiling(env)
    # The machine's speed drifts over a run (it is shared): the ceiling is measured on both sides of
    # the portal's runs and the ratios use the mean.
    ceiling_rps = (ceiling_before["rps"] + ceiling_after["rps"]) / 2
    save = _row(portal_stats, "section save")
    ratios = {endpoint: round(row["rps"] / ceiling_rps, 3) for endpoint, row in single.items()}
    return {"database": label, "users": USERS, "duration": DURATION, "workers": WORKERS,
            "endpoints": portal_stats, "ceiling": {"before": ceiling_before, "after": ceiling_after,
                                                   "rps": ceiling_rps}, "saturated": mix,
            "single_endpoint": single, "endpoint_ratios": ratios,
            "throughput_ratio": round(mix["rps"] / ceiling_rps, 3),
            "section_save_p95_ok": bool(save and save["p95"] < 100),
            "throughput_ok": {endpoint: ratios[endpoint] >= 1 / 3 for endpoint in FORM_ENDPOINTS}}


def _print_cpu(result: dict) -> None:
    """What each request cost each side in CPU, over the steady part of each saturation run."""
    loads = [("ceiling, before", result["ceiling"]["before"]), ("ceiling, after", result["ceiling"]["after"]),
             ("the mix", result["saturated"]),
             *((f"{endpoint} alone", row) for endpoint, row in result["single_endpoint"].items())]
    families = ("load generator", "server", "postgresql", "machine busy %")
    rows = [(name, *(row["cpu_ms_per_request"][family] for family in families))
            for name, row in loads if row and row.get("cpu_ms_per_request")]
    print_table(f"{result['database']}: CPU per request at saturation (ms; 2 cores = 2,000 ms a second)",
                rows, ("load", *families))


# Below this, a saturation run left the cores idle part of the time: something other than CPU bounds it.
SATURATED_BUSY_PERCENT = 90


def _say_what_bounds_the_ceiling(result: dict) -> None:
    """A ceiling that leaves the machine partly idle is the load generator's limit, not the server's.

    locust runs as one process, so it can use one core at most. On a fast machine the bare app costs the
    server so little that locust's core is full first, and the ceiling then measures locust: reading the
    ratios without knowing that would credit the portal with a limit that is not its own.
    """
    for moment in ("before", "after"):
        figures = result["ceiling"][moment].get("cpu_ms_per_request") or {}
        busy = figures.get("machine busy %")
        if busy is not None and busy < SATURATED_BUSY_PERCENT:
            print(f"the ceiling ({moment}) left the machine {100 - busy} % idle: it is bounded by the load "
                  f"generator ({figures['load generator']} ms a request on its one core), not by the server "
                  f"({figures['server']} ms)")


def run() -> dict:
    runs = [_measure("sqlite", None)]
    runs.append(_measure("postgresql", ensure_postgres_database()))
    for result in runs:
        rows = [(r["name"], r["requests"], r["failures"], f"{r['rps']:.1f}", r["p50"], r["p95"], r["p99"])
                for r in result["endpoints"]]
        print_table(f"{result['database']}: {USERS} users at a person's pace, {DURATION}, "
                    f"gunicorn -w {WORKERS} (ms)", rows,
                    ("endpoint", "requests", "failures", "req/s", "p50", "p95", "p99"))
        ceiling = result["ceiling"]
        rows = [(f"ceiling (bare Flask), {moment}", f"{ceiling[moment]['rps']:.1f}", "",
                 ceiling[moment]["p95"]) for moment in ("before", "after")]
        rows.append(("ceiling, mean", f"{ceiling['rps']:.1f}", "1", ""))
        mix = result["saturated"]
        rows.append(("the mix above", f"{mix['rps']:.1f}", result["throughput_ratio"], mix["p95"]))
        for endpoint, row in result["single_endpoint"].items():
            ratio = result["endpoint_ratios"][endpoint]
            rows.append((f"{endpoint} alone", f"{row['rps']:.1f}", ratio, row["p95"]))
        print_table(f"{result['database']}: throughput at saturation, {USERS} users with no pause", rows,
                    ("load", "req/s", "of ceiling", "p95 ms"))
        _print_cpu(result)
        _say_what_bounds_the_ceiling(result)
        print(f"section save p95 < 100 ms at a person's pace: {result['section_save_p95_ok']}; "
              f">= 1/3 of the ceiling: {result['throughput_ok']}")
    figures = {"runs": runs}
    write_result("latency", figures)
    return figures


if __name__ == "__main__":
    run()
