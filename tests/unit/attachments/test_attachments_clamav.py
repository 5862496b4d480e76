"""The virus scan against a real clamd (Debian's clamav-daemon with a one-signature test database)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests import samples
from tests.clamd import SIGNATURE_NAME
from webapp.attachments.clamav import (
    UNAVAILABLE_MESSAGE,
    ClamdScanner,
    ScannerUnavailable,
    VirusFound,
    scanner_from_config,
    virus_message,
)
from webapp.attachments.inspection import inspect_upload


def test_eicar_is_found_over_the_unix_socket(clamd_socket):
    with pytest.raises(VirusFound) as caught:
        ClamdScanner(socket_path=clamd_socket).scan(samples.EICAR)
    assert caught.value.signature.startswith(SIGNATURE_NAME)


def test_eicar_is_found_over_tcp(clamd):
    with pytest.raises(VirusFound):
        ClamdScanner(host=clamd.host, port=clamd.port).scan(samples.EICAR)


def test_eicar_inside_an_acceptable_pdf_is_found(clamd_socket):
    data = samples.pdf_with_eicar()
    assert inspect_upload("report.pdf", data).kind == "pdf"  # inspection alone would let it through
    with pytest.raises(VirusFound):
        ClamdScanner(socket_path=clamd_socket).scan(data)


def test_eicar_inside_a_word_document_is_found(clamd_socket):
    # The text is deflated inside the .docx: clamd has to unpack the zip to see it.
    data = samples.docx_with_eicar()
    assert samples.EICAR not in data
    with pytest.raises(VirusFound):
        ClamdScanner(socket_path=clamd_socket).scan(data)


@pytest.mark.parametrize("builder", [samples.docx, samples.pdf, samples.jpeg_with_gps, samples.legacy_doc])
def test_clean_files_pass(clamd_socket, builder):
    ClamdScanner(socket_path=clamd_socket).scan(builder())


def test_a_large_clean_file_is_streamed_in_chunks(clamd_socket):
    ClamdScanner(socket_path=clamd_socket).scan(b"%PDF-1.7\n" + b"0" * (9 * 1024 * 1024))


def test_an_empty_stream_is_clean(clamd_socket):
    ClamdScanner(socket_path=clamd_socket).scan(b"")


def test_ping(clamd_socket, tmp_path):
    assert ClamdScanner(socket_path=clamd_socket).ping()
    assert not ClamdScanner(socket_path=str(tmp_path / "nothing.sock")).ping()


def test_configured_but_missing_socket_is_unavailable(tmp_path):
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(socket_path=str(tmp_path / "nothing.sock"), timeout=1).scan(samples.docx())


def test_configured_but_closed_tcp_port_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more.
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(host="127.0.0.1", port=port, timeout=1).scan(samples.docx())


def test_a_scanner_that_never_answers_times_out_as_unavailable():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def accept_and_ignore():
        connection, _ = listener.accept()
        accepted.append(connection)

    thread = threading.Thread(target=accept_and_ignore, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(host="127.0.0.1", port=listener.getsockname()[1], timeout=0.5).scan(b"hello")
        assert time.monotonic() - started < 5
    finally:
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        listener.close()


def test_an_error_reply_is_unavailable_not_clean():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def reply_with_error():
        connection, _ = listener.accept()
        with connection:
            connection.recv(100)
            connection.sendall(b"INSTREAM size limit exceeded. ERROR\0")

    thread = threading.Thread(target=reply_with_error, daemon=True)
    thread.start()
    try:
        with pytest.raises(ScannerUnavailable, match="size limit"):
            ClamdScanner(host="127.0.0.1", port=listener.getsockname()[1], timeout=2).scan(b"x" * 10)
    finally:
        thread.join(timeout=2)
        listener.close()


def test_scanner_from_config():
    assert scanner_from_config({}) is None
    assert scanner_from_config({"CLAMD_SOCKET": "", "CLAMD_HOST": None}) is None
    assert scanner_from_config({"CLAMD_SOCKET": "/run/clamav/clamd.ctl"}) == ClamdScanner(
        socket_path="/run/clamav/clamd.ctl"
    )
    scanner = scanner_from_config({"CLAMD_HOST": "clamav", "CLAMD_PORT": "3311", "CLAMD_TIMEOUT": "5"})
    assert (scanner.host, scanner.port, scanner.timeout, scanner.socket_path) == ("clamav", 3311, 5.0, None)


def test_messages_for_the_person_uploading():
    assert virus_message("x.docx") == "x.docx: this file contains a virus and cannot be attached"
    assert UNAVAILABLE_MESSAGE == "Files cannot be checked for viruses at the moment. Try again later."
