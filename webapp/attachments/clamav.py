"""A small client for ClamAV's clamd, speaking INSTREAM so the file never has to touch a shared disk.

A scanner that is configured but cannot be reached is an error, never a pass: uploads are refused until
it is back (`ScannerUnavailable`), so nothing unscanned is ever stored while scanning is switched on.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_PORT = 3310
DEFAULT_TIMEOUT = 30.0
CHUNK_SIZE = 64 * 1024

UNAVAILABLE_MESSAGE = "Files cannot be checked for viruses at the moment. Try again later."


def virus_message(display_name: str) -> str:
    return f"{display_name}: this file contains a virus and cannot be attached"


class VirusFound(Exception):
    def __init__(self, signature: str) -> None:
        super().__init__(signature)
        self.signature = signature


class ScannerUnavailable(Exception):
    """clamd could not be reached, timed out, or answered with an error (a file over its StreamMaxLength)."""


@dataclass(frozen=True)
class ClamdScanner:
    socket_path: str | None = None
    host: str | None = None
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT

    def _connect(self) -> socket.socket:
        try:
            if self.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                try:
                    sock.connect(self.socket_path)
                except BaseException:
                    sock.close()
                    raise
                return sock
            if self.host:
                return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            raise ScannerUnavailable(f"cannot connect to clamd at {self.address}: {error}") from error
        raise ScannerUnavailable("no clamd address configured")

    @property
    def address(self) -> str:
        return self.socket_path or f"{self.host}:{self.port}"

    def _command(self, command: bytes, payload: bytes | None = None) -> str:
        with self._connect() as sock:
            try:
                sock.sendall(b"z" + command + b"\0")
                if payload is not None:
                    try:
                        for start in range(0, len(payload), CHUNK_SIZE):
                            chunk = payload[start : start + CHUNK_SIZE]
                            sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                        sock.sendall(struct.pack(">I", 0))
                    except (BrokenPipeError, ConnectionResetError):
                        # clamd hangs up mid-stream when a file exceeds StreamMaxLength; its reason is
                        # already waiting to be read.
                        pass
                reply = bytearray()
                while not reply.endswith(b"\0"):
                    data = sock.recv(4096)
                    if not data:
                        break
                    reply += data
            except OSError as error:
                raise ScannerUnavailable(f"clamd at {self.address} failed: {error}") from error
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        try:
            return self._command(b"PING") == "PONG"
        except ScannerUnavailable:
            return False

    def scan(self, data: bytes) -> None:
        """Return quietly for a clean file; raise `VirusFound` or `ScannerUnavailable` otherwise."""
        reply = self._command(b"INSTREAM", data)
        # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
        _, _, verdict = reply.partition(": ")
        if verdict == "OK":
            return
        if verdict.endswith(" FOUND"):
            raise VirusFound(verdict.removesuffix(" FOUND").strip())
        raise ScannerUnavailable(f"clamd at {self.address} answered {reply!r}")


def scanner_from_config(config: Mapping[str, Any]) -> ClamdScanner | None:
    """A scanner when CLAMD_SOCKET or CLAMD_HOST (with CLAMD_PORT, CLAMD_TIMEOUT) is set, otherwise None."""
    socket_path = config.get("CLAMD_SOCKET") or None
    host = config.get("CLAMD_HOST") or None
    if not socket_path and not host:
        return None
    return ClamdScanner(
        socket_path=socket_path,
        host=host,
        port=int(config.get("CLAMD_PORT") or DEFAULT_PORT),
        timeout=float(config.get("CLAMD_TIMEOUT") or DEFAULT_TIMEOUT),
    )
