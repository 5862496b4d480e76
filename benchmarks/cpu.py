"""Where the machine's CPU goes during a saturation run: the server, the load generator, PostgreSQL.

The throughput ratio compares requests a second, but on two cores shared by the server and the load
generator a request's cost is the sum of both sides' CPU. Reading each side's CPU over the same window
shows what a ratio is made of (and so what a change to the portal can and cannot move). Linux only:
figures come from /proc, as `top` reads them.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may itself contain spaces)."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None  # the process has gone


def _cpu_seconds(fields: list[str]) -> float:
    user, system = int(fields[11]), int(fields[12])  # utime and stime: fields 14 and 15 of stat(5)
    return (user + system) / TICKS_PER_SECOND


def _command_name(pid: int) -> str:
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def _machine_busy_and_total() -> tuple[int, int]:
    values = [int(x) for x in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class Reading:
    at: float
    by_family: dict[str, float]
    machine_busy: int
    machine_total: int


def read(server_pid: int, load_generator_pid: int) -> Reading:
    """CPU seconds so far of the server (master and workers), the load generator and PostgreSQL."""
    families = {"server": 0.0, "load generator": 0.0, "postgresql": 0.0}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        fields = _stat_fields(pid)
        if fields is None:
            continue
        parent = int(fields[1])
        if pid == server_pid or parent == server_pid:
            families["server"] += _cpu_seconds(fields)
        elif pid == load_generator_pid:
            families["load generator"] += _cpu_seconds(fields)
        elif _command_name(pid) == "postgres":
            families["postgresql"] += _cpu_seconds(fields)
    busy, total = _machine_busy_and_total()
    return Reading(time.monotonic(), families, busy, total)


def per_request(before: Reading, after: Reading, requests_per_second: float) -> dict:
    """Milliseconds of CPU each request cost each side, and how busy the machine's cores were."""
    seconds = after.at - before.at
    figures = {family: round((after.by_family[family] - before.by_family[family]) / seconds
                             / requests_per_second * 1000, 2) if requests_per_second else None
               for family in before.by_family}
    total = after.machine_total - before.machine_total
    busy = after.machine_busy - before.machine_busy
    figures["machine busy %"] = round(100 * busy / total) if total else None
    return figures
