"""Office files are zips: they are unpacked under limits before anything inside them is believed."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from tests import samples
from webapp.attachments.inspection import UploadLimits, UploadRejected, inspect_upload, open_zip_safely

UNSAFE = (
    "this file cannot be opened safely (it is too large when unpacked or is badly formed); "
    "save it again and try once more"
)


def rejected(name, data, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(name, data, **kwargs)
    return caught.value


def test_zip_bomb_is_rejected_from_its_declared_sizes_quickly():
    data = samples.zip_bomb_docx(120)
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    error = rejected("bomb.docx", data)
    assert time.perf_counter() - started < 0.5  # refused from the central directory, not by inflating it
    assert error.reason == "zip_bomb"
    assert error.message == f"bomb.docx: {UNSAFE}"


def test_plain_zip_bomb_is_rejected_as_a_bomb_before_it_is_called_an_archive():
    assert rejected("bomb.zip", samples.zip_bomb(120)).reason == "zip_bomb"


def test_high_ratio_is_rejected_even_under_the_total_limit():
    # 20 MB of zeros is under the 100 MB total but far beyond 100:1.
    assert rejected("bomb.docx", samples.zip_bomb_docx(20)).reason == "zip_bomb"


def test_total_uncompressed_limit_is_enforced():
    limits = UploadLimits(max_zip_uncompressed_bytes=20_000, max_zip_ratio=10**9)
    assert rejected("notes.docx", samples.docx(), limits=limits).reason == "zip_bomb"


def test_sizes_that_lie_are_caught_while_inflating():
    data = samples.zip_with_lying_sizes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("word/media/image1.png").file_size == 1024  # what the headers claim
    error = rejected("liar.docx", data)
    assert error.reason in {"zip_bomb", "zip_damaged"}
    assert error.message.startswith("liar.docx: ")


def test_too_many_entries_are_rejected():
    assert rejected("many.docx", samples.zip_with_many_entries(1500)).reason == "zip_entries"


@pytest.mark.parametrize(
    "entry",
    ["../../evil.sh", "word/../../evil.sh", "/etc/cron.d/evil", "..\\..\\evil.bat", "C:/Windows/evil.dll"],
)
def test_zip_slip_names_are_rejected(entry):
    error = rejected("slip.docx", samples.zip_slip(entry))
    assert error.reason == "zip_slip"
    assert error.message == f"slip.docx: {UNSAFE}"


def test_encrypted_zip_entries_are_rejected():
    data = bytearray(samples.docx())
    # Set the "encrypted" flag on the first entry in both headers; nothing can be inspected after that.
    data[6] |= 1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    assert rejected("locked.docx", bytes(data)).reason == "encrypted"


def test_duplicate_entry_names_are_rejected():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(samples.docx())) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zout.writestr("word/document.xml", b"<other/>")
    assert rejected("twice.docx", out.getvalue()).reason == "zip_duplicate"


def test_open_zip_safely_keeps_only_the_parts_needed_to_decide():
    safe = open_zip_safely("notes.docx", samples.docx())
    assert "[Content_Types].xml" in safe.parts and "word/document.xml" not in safe.parts
    assert "word/document.xml" in safe.names
