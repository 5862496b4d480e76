"""What every part of the inspection shares: the limits, the rejection and its messages, the result,
and the table of the formats a file may turn out to be.

A module of its own so that the format modules and the package's entry point can all import it without
importing one another in a circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024

ALLOWED_SUMMARY = "You can attach Word documents, PDFs and images (JPEG, PNG, GIF or HEIC)"


@dataclass(frozen=True)
class UploadLimits:
    """Upload limits; the first three are the ones a council may want to change in configuration."""

    max_file_bytes: int = 10 * MB
    max_files: int = 10
    max_total_bytes: int = 30 * MB
    max_zip_entries: int = 1000
    max_zip_uncompressed_bytes: int = 100 * MB
    max_zip_ratio: int = 100
    max_image_pixels: int = 40_000_000

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> UploadLimits:
        """Read ATTACHMENTS_MAX_FILE_BYTES, ATTACHMENTS_MAX_FILES and ATTACHMENTS_MAX_TOTAL_BYTES."""
        default = cls()
        return cls(
            max_file_bytes=int(config.get("ATTACHMENTS_MAX_FILE_BYTES") or default.max_file_bytes),
            max_files=int(config.get("ATTACHMENTS_MAX_FILES") or default.max_files),
            max_total_bytes=int(config.get("ATTACHMENTS_MAX_TOTAL_BYTES") or default.max_total_bytes),
        )


DEFAULT = UploadLimits()


class UploadRejected(ValueError):
    """The file cannot be attached. `message` is written for the person uploading; `reason` is for logs
    and tests (a short code such as "excel", "macros", "zip_bomb")."""

    def __init__(self, message: str, reason: str = "rejected") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class InspectedFile:
    display_name: str
    kind: str  # "word" | "pdf" | "image"
    content_type: str
    extension: str  # with the dot, matching the stored bytes: ".docx", ".pdf", ".jpg"...
    data: bytes = field(repr=False)  # what to store: the upload itself, or the re-encoded image
    size: int


@dataclass(frozen=True)
class _Format:
    key: str
    kind: str
    description: str  # with its article, as it reads in "its content is ..."
    content_type: str
    extensions: tuple[str, ...]  # the first one is used when a name needs correcting


_FORMATS = {
    f.key: f
    for f in (
        _Format(
            "docx",
            "word",
            "a Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        _Format("doc", "word", "a Word document", "application/msword", (".doc",)),
        _Format(
            "odt",
            "word",
            "an OpenDocument text document",
            "application/vnd.oasis.opendocument.text",
            (".odt",),
        ),
        _Format("pdf", "pdf", "a PDF", "application/pdf", (".pdf",)),
        _Format("jpeg", "image", "a JPEG image", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif")),
        _Format("png", "image", "a PNG image", "image/png", (".png",)),
        _Format("gif", "image", "a GIF image", "image/gif", (".gif",)),
        _Format("heic", "image", "a HEIC image", "image/heic", (".heic", ".heif", ".hif")),
    )
}

SPREADSHEET_EXTENSIONS = frozenset({".xlsx", ".xls", ".xlsm", ".xlsb", ".xltx", ".xltm", ".csv", ".ods"})


# --- messages -------------------------------------------------------------------------------------------


def _reject(name: str, text: str, reason: str) -> UploadRejected:
    return UploadRejected(f"{name}: {text}", reason)


def _not_allowed(name: str, reason: str = "file_type") -> UploadRejected:
    return _reject(name, f"this file type cannot be attached. {ALLOWED_SUMMARY}", reason)


def _excel(name: str) -> UploadRejected:
    return _reject(name, "Excel spreadsheets cannot be attached; save it as a PDF", "excel")


def _damaged(name: str, reason: str = "damaged") -> UploadRejected:
    return _reject(name, "this file is damaged or cannot be read; save it again and try once more", reason)


def _unsafe_archive(name: str, reason: str) -> UploadRejected:
    return _reject(
        name,
        "this file cannot be opened safely (it is too large when unpacked or is badly formed); "
        "save it again and try once more",
        reason,
    )


def _password(name: str) -> UploadRejected:
    return _reject(
        name, "password-protected files cannot be attached; remove the password and try again", "encrypted"
    )
