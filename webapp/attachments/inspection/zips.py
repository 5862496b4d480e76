"""Opening a zip (the container of .docx and .odt files) without trusting it: every entry's name is
checked (zip slip) and every byte decompressed under limits (zip bombs) before any part is read.

Kept apart from the formats that live in zips because it guards against the container itself, whatever
the container claims to hold.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from webapp.attachments.inspection.common import (
    DEFAULT,
    MB,
    UploadLimits,
    UploadRejected,
    _damaged,
    _password,
    _unsafe_archive,
)

_ZIP_CHUNK = 64 * 1024
# Parts read into memory to decide the type; anything else is only streamed through and counted.
_ZIP_PARTS_TO_READ = re.compile(r"^(\[Content_Types\]\.xml|mimetype|META-INF/manifest\.xml|.*\.rels)$")
_MAX_PART_TO_READ = 8 * MB
# Below this size a high compression ratio is normal (a page of spaces, an empty table) and harmless.
_RATIO_FLOOR = 1 * MB


class _SafeZip:
    """A zip whose every entry has been decompressed under limits, with the small parts we need kept."""

    def __init__(self, names: list[str], parts: dict[str, bytes]) -> None:
        self.names = names
        self.parts = parts


def _check_zip_name(name: str, entry: str) -> None:
    if (
        not entry
        or "\\" in entry
        or "\x00" in entry
        or entry.startswith("/")
        or re.match(r"^[A-Za-z]:", entry)
        or ".." in entry.split("/")
    ):
        raise _unsafe_archive(name, "zip_slip")


def open_zip_safely(name: str, data: bytes, limits: UploadLimits = DEFAULT) -> _SafeZip:
    """Check a zip's entries from the central directory, then prove it by decompressing with caps.

    Sizes in zip headers are written by whoever made the file, so they are only a first filter; the
    decompressed byte count is what is enforced.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        OSError,
        EOFError,
    ) as error:
        raise _damaged(name) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_entries:
            raise _unsafe_archive(name, "zip_entries")
        seen: set[str] = set()
        declared_total = 0
        for info in infos:
            _check_zip_name(name, info.filename)
            # Two entries with one name (in any case: Office part names ignore it) let different readers
            # see different documents.
            if info.filename.lower() in seen:
                raise _unsafe_archive(name, "zip_duplicate")
            seen.add(info.filename.lower())
            if info.flag_bits & 0x1:
                raise _password(name)
            declared_total += info.file_size
            if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_zip_ratio * max(
                info.compress_size, 1
            ):
                raise _unsafe_archive(name, "zip_bomb")
        if declared_total > limits.max_zip_uncompressed_bytes:
            raise _unsafe_archive(name, "zip_bomb")
        if declared_total > _RATIO_FLOOR and declared_total > limits.max_zip_ratio * len(data):
            raise _unsafe_archive(name, "zip_bomb")

        parts: dict[str, bytes] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            keep = _ZIP_PARTS_TO_READ.match(info.filename) is not None
            chunks: list[bytes] = []
            entry_total = 0
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(_ZIP_CHUNK):
                        entry_total += len(chunk)
                        total += len(chunk)
                        if (
                            entry_total > info.file_size
                            or total > limits.max_zip_uncompressed_bytes
                            or (
                                entry_total > _RATIO_FLOOR
                                and entry_total > limits.max_zip_ratio * max(info.compress_size, 1)
                            )
                        ):
                            raise _unsafe_archive(name, "zip_bomb")
                        if keep:
                            if entry_total > _MAX_PART_TO_READ:
                                raise _unsafe_archive(name, "zip_bomb")
                            chunks.append(chunk)
            except UploadRejected:
                raise
            except (
                zipfile.BadZipFile,
                NotImplementedError,
                zlib.error,
                ValueError,
                OSError,
                EOFError,
            ) as error:
                # A CRC mismatch (sizes that lie), an unsupported compression method, a truncated entry.
                raise _damaged(name, "zip_damaged") from error
            if keep:
                parts[info.filename] = b"".join(chunks)
        return _SafeZip([info.filename for info in infos], parts)
