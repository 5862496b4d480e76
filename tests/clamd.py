"""A private clamd for the tests, with a one-signature database that matches the EICAR test file.

Debian's signature updater (freshclam) cannot reach the internet here, and the real databases take
tens of seconds and a gigabyte to load; a database we write ourselves loads in well under a second
and still exercises the whole path: INSTREAM over a socket, a FOUND reply, a clean reply.

Use it from a conftest.py: `from tests.clamd import clamd, clamd_socket  # noqa: F401`.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.samples import EICAR

CLAMD = Path("/usr/sbin/clamd")
SIGNATURE_NAME = "Portal-Test-EICAR"
STARTUP_TIMEOUT = 30.0


@dataclass(frozen=True)
class ClamdServer:
    socket_path: str
    host: str
    port: int
    log_path: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pong(socket_path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(socket_path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


def write_config(folder: Path, port: int) -> Path:
    database = folder / "db"
    database.mkdir(parents=True, exist_ok=True)
    # A body signature (.ndb: name, any target type, any offset, hex bytes): it matches EICAR wherever it
    # sits, including inside a PDF comment or a Word document's XML, which clamd unpacks.
    (database / "portal-test.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {folder / 'clamd.sock'}",
                "LocalSocketMode 600",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {folder}",
                f"LogFile {folder / 'clamd.log'}",
                f"PidFile {folder / 'clamd.pid'}",
                # Above the portal's 10 MB file limit, so a large clean upload is scanned, not refused.
                "StreamMaxLength 32M",
                "SelfCheck 0",
                "",
            ]
        )
    )
    return config


@pytest.fixture(scope="session")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    """Start clamd for the test session and stop it afterwards."""
    if not CLAMD.exists():
        pytest.fail(
            f"{CLAMD} is missing: install Debian's clamav-daemon "
            "(apt-get install -y --no-install-recommends clamav-daemon); the virus-scan tests need it"
        )
    # A short folder name: a unix socket path must fit in 108 bytes.
    folder = Path(tmp_path_factory.mktemp("clamd", numbered=True))
    port = _free_port()
    config = write_config(folder, port)
    socket_path = folder / "clamd.sock"
    log = folder / "clamd.out"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(CLAMD), "-c", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _pong(socket_path):
            if process.poll() is not None or time.monotonic() > deadline:
                details = log.read_text(errors="replace")[-2000:]
                clamd_log = folder / "clamd.log"
                if clamd_log.exists():
                    details += clamd_log.read_text(errors="replace")[-2000:]
                pytest.fail(f"clamd did not start (exit code {process.poll()}):\n{details}")
            time.sleep(0.05)
        yield ClamdServer(
            socket_path=str(socket_path), host="127.0.0.1", port=port, log_path=folder / "clamd.log"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def clamd_socket(clamd: ClamdServer) -> str:
    """The unix socket path of the test clamd, for CLAMD_SOCKET."""
    return clamd.socket_path
