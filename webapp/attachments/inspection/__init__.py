"""Deciding whether an uploaded file may be attached to a form, from its content rather than its name.

The files end up in front of social workers, on council machines, next to information about children:
an attachment must be a document or photo and nothing that runs, calls out or leaks. So the type is read
from the bytes (a renamed spreadsheet is still a spreadsheet), Office files are unpacked only under limits
(zip bombs, zip slip) before anything inside them is trusted, macros and embedded objects are refused, and
images are decoded and re-encoded so that no location or other metadata about a child is stored.

Everything here is pure: bytes in, an `InspectedFile` or an `UploadRejected` with a message for the user out.

The package is cut by the formats it reads: `zips` opens a zip container under limits, `office` decides what
a Word or OpenDocument file holds (and cleans the photos in a .docx), `pdf` looks for active content and
`images` decodes and re-encodes pictures; `common` holds what they all share. This module is the public API
and the dispatch: it checks the size, reads the magic numbers, hands the file to its format's module and
makes sure the name agrees with what was found.
"""

from __future__ import annotations

import re

from webapp.attachments.filenames import clean_display_name, replace_extension, split_extension
from webapp.attachments.inspection.common import (
    _FORMATS,
    ALLOWED_SUMMARY,
    DEFAULT,
    MB,
    SPREADSHEET_EXTENSIONS,
    InspectedFile,
    UploadLimits,
    UploadRejected,
    _excel,
    _Format,
    _not_allowed,
    _reject,
)
from webapp.attachments.inspection.images import _JPEG_MAGIC, _PNG_MAGIC, _reencode_image
from webapp.attachments.inspection.office import _clean_word_pictures, _identify_ole, _identify_zip
from webapp.attachments.inspection.pdf import _check_pdf
from webapp.attachments.inspection.zips import open_zip_safely

__all__ = [
    "ALLOWED_SUMMARY",
    "DEFAULT",
    "MB",
    "SPREADSHEET_EXTENSIONS",
    "InspectedFile",
    "UploadLimits",
    "UploadRejected",
    "check_quota",
    "inspect_upload",
    "open_zip_safely",
    "size_message",
]

# What a name's extension says the file is, for the "the file's name says ..." message.
_NAME_SAYS = {
    **{ext: "Word document" for ext in (".docx", ".doc", ".odt", ".docm", ".dotx", ".dot", ".rtf")},
    ".pdf": "PDF",
    **{ext: "JPEG image" for ext in (".jpg", ".jpeg", ".jpe", ".jfif")},
    ".png": "PNG image",
    ".gif": "GIF image",
    **{ext: "HEIC image" for ext in (".heic", ".heif", ".hif")},
    **{ext: "Excel spreadsheet" for ext in (".xlsx", ".xls", ".xlsm", ".xlsb", ".xltx", ".csv", ".ods")},
}


# --- size and number ------------------------------------------------------------------------------------


def _format_megabytes(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.3g} MB"
    return f"{size / 1024:.3g} KB" if size >= 1024 else f"{size} bytes"


def size_message(display_name: str, limits: UploadLimits = DEFAULT) -> str:
    """The too-large message, also for callers that refuse a request before reading all of it."""
    return f"{display_name}: the file must be smaller than {_format_megabytes(limits.max_file_bytes)}"


def check_quota(existing_sizes: list[int], new_size: int, limits: UploadLimits = DEFAULT) -> None:
    """Refuse a new file when the form already has as many files, or as many megabytes, as it may;
    the message says what to do about it (it said only what the limit was)."""
    if len(existing_sizes) + 1 > limits.max_files:
        raise UploadRejected(f"You can attach up to {limits.max_files} files to a form. Remove a file to "
                             "attach this one", "too_many_files")
    if sum(existing_sizes) + new_size > limits.max_total_bytes:
        total = _format_megabytes(limits.max_total_bytes)
        raise UploadRejected(f"The files attached to a form must add up to less than {total}. Remove a "
                             "file, or make this one smaller", "quota")


# --- entry point ----------------------------------------------------------------------------------------


def inspect_upload(filename: str, data: bytes, *, limits: UploadLimits = DEFAULT) -> InspectedFile:
    """Accept a Word document, PDF or image and return what to store, or raise `UploadRejected`."""
    name = clean_display_name(filename)
    _, extension = split_extension(name)
    extension = extension.lower()

    if not data:
        raise _reject(name, "the file is empty", "empty")
    if len(data) > limits.max_file_bytes:
        raise UploadRejected(size_message(name, limits), "too_large")

    key = _identify(name, extension, data, limits)
    fmt = _FORMATS[key]
    _check_name_agrees(name, extension, fmt)

    if fmt.kind == "image":
        data, fmt = _reencode_image(name, fmt, data, limits)
    elif key == "docx":
        data = _clean_word_pictures(name, data, limits)

    if extension not in fmt.extensions:
        # Same kind, other format (a JPEG saved as photo.png, a HEIC that is now a JPEG): the stored bytes
        # decide, so a download opens in the right program.
        name = replace_extension(name, fmt.extensions[0])
    return InspectedFile(
        display_name=name,
        kind=fmt.kind,
        content_type=fmt.content_type,
        extension=split_extension(name)[1].lower(),
        data=data,
        size=len(data),
    )


def _check_name_agrees(name: str, extension: str, fmt: _Format) -> None:
    if not extension or extension in fmt.extensions:
        return
    says = _NAME_SAYS.get(extension)
    if (
        (says == "Word document" and fmt.kind == "word")
        or (says or "").endswith("image")
        and fmt.kind == "image"
    ):
        # Same kind, another format: the name is corrected to match the content instead.
        return
    if says is not None:
        text = f"the file's name says {says} but its content is {fmt.description}"
    else:
        text = f"the file's name ends in {extension} but its content is {fmt.description}"
    raise _reject(name, f"{text}; rename it to end in {fmt.extensions[0]}", "name_mismatch")


# --- identification by magic numbers ------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows/DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"#!",
    b"\x00asm",
    b"dex\n",
)
_ARCHIVE_MAGIC = (
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # cab
    b"!<arch>",
    b"xar!",
)
# Only unmistakable starts: an ordinary letter that begins "Set up a meeting" must not be called a script.
_SCRIPT_START = re.compile(rb"^(?:@echo off|<\?php|<%@|on error resume next|#requires|powershell(?:\.exe)? )")


def _identify(name: str, extension: str, data: bytes, limits: UploadLimits) -> str:
    head = data[:16]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _identify_zip(name, extension, data, limits)
    if head.startswith(_OLE_MAGIC):
        return _identify_ole(name, data)
    if head.startswith(b"%PDF-"):
        _check_pdf(name, data)
        return "pdf"
    if head.startswith(_JPEG_MAGIC):
        return "jpeg"
    if head.startswith(_PNG_MAGIC):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    if head.startswith(_EXECUTABLE_MAGIC):
        raise _reject(name, f"programs and scripts cannot be attached. {ALLOWED_SUMMARY}", "executable")
    if head.startswith(_ARCHIVE_MAGIC) or data[257:262] == b"ustar":
        raise _not_allowed(name, "archive")
    _reject_text_formats(name, extension, data)
    if extension in SPREADSHEET_EXTENSIONS:
        raise _excel(name)
    raise _not_allowed(name)


def _reject_text_formats(name: str, extension: str, data: bytes) -> None:
    sample = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if sample.startswith(bom):
            sample = sample[len(bom) :]
            break
    if b"\x00" in sample[:200]:
        # UTF-16 text: look at it without the zero bytes, enough to recognise markup.
        sample = sample.replace(b"\x00", b"")
    text = sample.lstrip().lower()
    if b"<svg" in text and (text.startswith((b"<svg", b"<?xml", b"<!doctype svg", b"<!--"))):
        raise _reject(name, "SVG images cannot be attached; save it as a PNG or JPEG", "svg")
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")) or (
        text.startswith((b"<?xml", b"<!--")) and b"<html" in text
    ):
        raise _reject(name, "web pages cannot be attached; save it as a PDF", "html")
    if text.startswith(b"{\\rtf"):
        raise _reject(name, "rich text (RTF) files cannot be attached; save it as a .docx or a PDF", "rtf")
    if _SCRIPT_START.match(text) and extension not in SPREADSHEET_EXTENSIONS:
        raise _reject(name, f"programs and scripts cannot be attached. {ALLOWED_SUMMARY}", "executable")
