"""The benchmark's CPU accounting: a server's workers are counted as the server, the rest is not."""

import subprocess
import sys
import time

from benchmarks import cpu

SPIN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def _spawn_spinning_worker(seconds: float) -> subprocess.Popen:
    """A "server" whose only work is done by a child process, as gunicorn's master leaves it to workers."""
    spin = SPIN.format(seconds=seconds)
    worker = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {spin!r}])"
    return subprocess.Popen([sys.executable, "-c", worker])


def test_a_workers_cpu_counts_as_the_servers_and_is_shared_out_per_request():
    server = _spawn_spinning_worker(1.5)
    idle_load_generator = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])
    try:
        time.sleep(0.5)  # both started; the worker is spinning
        before = cpu.read(server.pid, idle_load_generator.pid)
        time.sleep(0.5)
        after = cpu.read(server.pid, idle_load_generator.pid)
    finally:
        server.wait(timeout=10)
        idle_load_generator.kill()

    figures = cpu.per_request(before, after, requests_per_second=100)

    # A worker spinning on a core of its own is a core's worth of CPU: 10 ms for each of 100 requests
    # a second. On a machine busy with other work it gets less of a core (under 4 ms was seen with
    # browsers running beside it), but far more than the master, which only waits: counting the
    # master alone would give about 0.
    assert 1 <= figures["server"] <= 10.5
    assert figures["load generator"] < 1
    assert 0 < figures["machine busy %"] <= 100
