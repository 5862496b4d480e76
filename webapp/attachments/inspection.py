"""Deciding whether an uploaded file may be attached to a form, from its content rather than its name.

The files end up in front of social workers, on council machines, next to information about children:
an attachment must be a document or photo and nothing that runs, calls out or leaks. So the type is read
from the bytes (a renamed spreadsheet is still a spreadsheet), Office files are unpacked only under limits
(zip bombs, zip slip) before anything inside them is trusted, macros and embedded objects are refused, and
images are decoded and re-encoded so that no location or other metadata about a child is stored.

Everything here is pure: bytes in, an `InspectedFile` or an `UploadRejected` with a message for the user out.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeET
import olefile
from defusedxml import DefusedXmlException
from PIL import ExifTags, Image, ImageCms, ImageOps

from webapp.attachments.filenames import clean_display_name, replace_extension, split_extension

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


def _format_megabytes(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.3g} MB"
    return f"{size / 1024:.3g} KB" if size >= 1024 else f"{size} bytes"


def size_message(display_name: str, limits: UploadLimits = DEFAULT) -> str:
    """The too-large message, also for callers that refuse a request before reading all of it."""
    return f"{display_name}: the file must be smaller than {_format_megabytes(limits.max_file_bytes)}"


def check_quota(existing_sizes: list[int], new_size: int, limits: UploadLimits = DEFAULT) -> None:
    """Refuse a new file when the form already has as many files, or as many megabytes, as it may."""
    if len(existing_sizes) + 1 > limits.max_files:
        raise UploadRejected(f"You can attach up to {limits.max_files} files to a form", "too_many_files")
    if sum(existing_sizes) + new_size > limits.max_total_bytes:
        total = _format_megabytes(limits.max_total_bytes)
        raise UploadRejected(f"The files attached to a form must add up to less than {total}", "quota")


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


_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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


# --- zip containers: Word (.docx), OpenDocument (.odt) ----------------------------------------------------

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


_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "ms-office.vbaproject")
_EMBEDDED_MARKERS = ("activex", "oleobject", "spreadsheetml", "ms-excel", "opendocument.spreadsheet")
_SPREADSHEET_NAME = re.compile(r"\.(xls[xmb]?|xlt[xm]?|ods|csv)$", re.IGNORECASE)
_HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _parse_xml(name: str, data: bytes):
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as error:
        raise _damaged(name, "bad_xml") from error


def _identify_zip(name: str, extension: str, data: bytes, limits: UploadLimits) -> str:
    safe = open_zip_safely(name, data, limits)
    if "[Content_Types].xml" in safe.parts:
        return _identify_ooxml(name, safe)
    if "mimetype" in safe.parts:
        return _identify_odf(name, safe)
    if extension in SPREADSHEET_EXTENSIONS:
        raise _excel(name)
    raise _not_allowed(name, "archive")


def _identify_ooxml(name: str, safe: _SafeZip) -> str:
    root = _parse_xml(name, safe.parts["[Content_Types].xml"])
    # Part names are case-insensitive in Open Packaging Conventions.
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for element in root:
        content_type = (element.get("ContentType") or "").strip().lower()
        if element.tag == f"{_CT_NS}Override":
            overrides[(element.get("PartName") or "").lstrip("/").lower()] = content_type
        elif element.tag == f"{_CT_NS}Default":
            defaults[(element.get("Extension") or "").lower()] = content_type

    def part_type(part: str) -> str:
        return overrides.get(part) or defaults.get(part.rsplit(".", 1)[-1], "")

    parts = [n.lower() for n in safe.names if not n.endswith("/")]
    types = {part: part_type(part) for part in parts}
    mains = [t for t in types.values() if t.endswith(".main+xml")]

    if any("spreadsheetml" in t or "ms-excel" in t for t in mains):
        raise _excel(name)
    if any("presentationml" in t or "ms-powerpoint" in t for t in mains):
        raise _reject(name, "PowerPoint presentations cannot be attached; save it as a PDF", "powerpoint")
    if not any("wordprocessingml" in t or "ms-word" in t for t in mains):
        raise _not_allowed(name)
    if any(m in t for t in types.values() for m in _MACRO_MARKERS) or any(
        p.endswith(("vbaproject.bin", "vbadata.xml")) for p in parts
    ):
        raise _reject(
            name,
            "this Word document contains macros, which cannot be attached; "
            "save it as a .docx without macros or as a PDF",
            "macros",
        )
    if mains != [_WORD_MAIN]:
        # Templates (.dotx), glossaries alone, or several main parts: not a plain Word document.
        raise _not_allowed(name)
    if any(_is_embedded_object(part, content_type) for part, content_type in types.items()):
        raise _reject(
            name,
            "this Word document contains an embedded spreadsheet or object, which cannot be attached; "
            "save it as a PDF",
            "embedded_object",
        )
    for part, content in safe.parts.items():
        if part.endswith(".rels") and _has_external_content(name, content):
            # Remote templates, linked images and frames are fetched when the document is opened.
            raise _reject(
                name,
                "this Word document loads content from outside the document, which cannot be attached; "
                "save it as a PDF",
                "external_content",
            )
    return "docx"


_WORD_MEDIA = re.compile(r"^word/media/[^/]+$", re.IGNORECASE)


def _photo_format(content: bytes) -> str | None:
    """JPEG and PNG carry EXIF; a document's drawings (EMF, WMF, SVG) and GIFs are left as they are."""
    if content.startswith(_JPEG_MAGIC):
        return "jpeg"
    if content.startswith(_PNG_MAGIC):
        return "png"
    return None


def _clean_word_pictures(name: str, data: bytes, limits: UploadLimits) -> bytes:
    """Photos pasted into a Word document lose their EXIF (GPS, camera, time), XMP and comments, as
    attached photos do. Every other part is copied unchanged. Runs after `open_zip_safely` and the
    Word checks have accepted the document, so its sizes and names are known to be sound."""
    output = io.BytesIO()
    changed = False
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            key = _photo_format(content) if _WORD_MEDIA.match(info.filename) else None
            if key is not None:
                content, _ = _reencode_image(name, _FORMATS[key], content, limits, in_document=True)
                changed = True
            target.writestr(info, content)
    return output.getvalue() if changed else data


def _is_embedded_object(part: str, content_type: str) -> bool:
    if "/activex/" in f"/{part}" or any(m in content_type for m in ("activex", "oleobject")):
        return True
    if "/embeddings/" not in f"/{part}":
        return False
    return (
        "oleobject" in part.rsplit("/", 1)[-1]
        or part.endswith(".bin")
        or _SPREADSHEET_NAME.search(part) is not None
        or any(m in content_type for m in _EMBEDDED_MARKERS)
    )


def _has_external_content(name: str, rels: bytes) -> bool:
    for rel in _parse_xml(name, rels):
        if rel.tag != f"{_REL_NS}Relationship":
            continue
        if (rel.get("TargetMode") or "").lower() == "external" and rel.get("Type") != _HYPERLINK_REL:
            return True
    return False


_ODF_TEXT = "application/vnd.oasis.opendocument.text"


def _identify_odf(name: str, safe: _SafeZip) -> str:
    mimetype = safe.parts["mimetype"].decode("ascii", "replace").strip()
    if mimetype.startswith("application/vnd.oasis.opendocument.spreadsheet"):
        raise _excel(name)
    if mimetype != _ODF_TEXT:
        raise _not_allowed(name)
    macros = any(n.startswith(("Basic/", "Scripts/")) for n in safe.names)
    embedded_types: list[str] = []
    manifest = safe.parts.get("META-INF/manifest.xml")
    if manifest is None:
        # Without a manifest nothing says what the embedded objects are.
        raise _damaged(name)
    for entry in _parse_xml(name, manifest).iter():
        for key, value in entry.attrib.items():
            if key.endswith("}media-type"):
                embedded_types.append(value.lower())
    if macros or any("basic" in t or "script" in t for t in embedded_types):
        raise _reject(
            name,
            "this document contains macros, which cannot be attached; save it without macros or as a PDF",
            "macros",
        )
    if any("spreadsheet" in t or "oleobject" in t for t in embedded_types):
        raise _reject(
            name,
            "this document contains an embedded spreadsheet or object, which cannot be attached; "
            "save it as a PDF",
            "embedded_object",
        )
    return "odt"


# --- OLE compound files: legacy Word (.doc) ---------------------------------------------------------------


def _identify_ole(name: str, data: bytes) -> str:
    try:
        ole = olefile.OleFileIO(data)
    except Exception as error:  # olefile raises bare exceptions of several kinds on malformed files
        raise _damaged(name) from error
    with ole:
        try:
            entries = ole.listdir(streams=True, storages=True)
        except Exception as error:
            raise _damaged(name) from error
        top = {e[0].lower() for e in entries}
        paths = {"/".join(e).lower() for e in entries}
        if "encryptedpackage" in top or "encryptioninfo" in top:
            raise _password(name)  # an encrypted .docx or .xlsx wrapped in OLE: nothing to inspect
        if "workbook" in top or "book" in top:
            raise _excel(name)
        if "powerpoint document" in top:
            raise _reject(name, "PowerPoint presentations cannot be attached; save it as a PDF", "powerpoint")
        if "worddocument" not in top:
            raise _not_allowed(name)
        if (
            "macros" in top
            or "_vba_project_cur" in top
            or any(p.endswith(("/vba/dir", "/_vba_project")) or "/vba/" in p for p in paths)
        ):
            raise _macro_doc(name)
        if any(p.startswith("objectpool/") for p in paths):
            raise _reject(
                name,
                "this Word document contains an embedded spreadsheet or object, which cannot be attached; "
                "save it as a PDF",
                "embedded_object",
            )
        if _word_binary_encrypted(ole):
            raise _password(name)
    if _olevba_finds_macros(name, data):
        raise _macro_doc(name)
    return "doc"


def _macro_doc(name: str) -> UploadRejected:
    return _reject(
        name,
        "this Word document contains macros, which cannot be attached; "
        "save it as a .docx without macros or as a PDF",
        "macros",
    )


def _word_binary_encrypted(ole: olefile.OleFileIO) -> bool:
    # The FIB's fEncrypted bit (MS-DOC 2.5.2): an encrypted document's text cannot be inspected or scanned.
    try:
        fib = ole.openstream("WordDocument").read(12)
    except Exception:
        return False
    return len(fib) >= 12 and bool(int.from_bytes(fib[10:12], "little") & 0x0100)


def _olevba_finds_macros(name: str, data: bytes) -> bool:
    """A second opinion from oletools, which knows more hiding places than the stream names above."""
    import logging

    with warnings.catch_warnings():
        # oletools 0.60 uses pyparsing names that newer pyparsing deprecates, loudly, on import.
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    logging.getLogger("olevba").setLevel(logging.CRITICAL)
    try:
        parser = VBA_Parser("upload.doc", data=data)
    except Exception as error:
        # oletools refused a container olefile opened: unreadable, and so not known to be clean.
        raise _damaged(name) from error
    try:
        return bool(parser.detect_vba_macros())
    except Exception as error:
        raise _damaged(name) from error
    finally:
        parser.close()


# --- PDF --------------------------------------------------------------------------------------------------

# Names that make a PDF act rather than show: scripts, launching programs, carrying other files, forms
# that submit or import data, rich media (Flash, 3D). PDF names may spell characters as #xx, so names are
# decoded before they are compared.
_PDF_ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"SubmitForm",
        b"ImportData",
        b"XFA",
        b"GoToE",
        b"Sound",
        b"Movie",
    }
)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
# Inside stream data (compressed images, fonts) three bytes "/JS" turn up by chance about once in 30 MB;
# there it only counts followed by what a JavaScript action's value looks like. Longer names do not turn
# up by chance.
_PDF_JS_VALUE = re.compile(rb"/J(?:S|#53)\s*(?:[(<\[]|\d+\s+\d+\s+R)")
_PDF_FILTERS = frozenset(
    {b"FlateDecode", b"ASCIIHexDecode", b"ASCII85Decode", b"LZWDecode", b"RunLengthDecode", b"Crypt"}
    | {b"CCITTFaxDecode", b"JBIG2Decode", b"DCTDecode", b"JPXDecode"}
)
_MAX_PDF_INFLATE = 64 * MB


def _pdf_names(data: bytes) -> set[bytes]:
    names = set()
    for match in _PDF_NAME.finditer(data):
        raw = match.group(1)
        if b"#" in raw:
            raw = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        names.add(raw)
    return names


def _pdf_segments(data: bytes) -> list[tuple[bytes, bytes | None]]:
    """Split a PDF into (text before a stream, that stream's raw data) pairs; the last has no stream."""
    segments: list[tuple[bytes, bytes | None]] = []
    position = 0
    while (match := _PDF_STREAM.search(data, position)) is not None:
        end = data.find(b"endstream", match.end())
        if end < 0:
            end = len(data)
        segments.append((data[position : match.start()], data[match.end() : end]))
        position = end
    segments.append((data[position:], None))
    return segments


def _check_pdf(name: str, data: bytes) -> None:
    """Refuse active content, conservatively: an active name anywhere in the PDF's objects, including
    those packed into compressed object streams where a plain byte search cannot see them, rejects it."""
    active = _reject(
        name,
        "this PDF contains active content (such as JavaScript or an embedded file), which cannot be "
        "attached; print it to a new PDF and attach that",
        "pdf_active",
    )
    uncheckable = _reject(
        name,
        "this PDF cannot be checked; save it again as a PDF without a password and try once more",
        "pdf_uncheckable",
    )
    inflated_total = 0
    for text, stream in _pdf_segments(data):
        names = _pdf_names(text)
        if names & _PDF_ACTIVE_NAMES:
            raise active
        if stream is None:
            continue
        if _pdf_names(stream) & (_PDF_ACTIVE_NAMES - {b"JS"}) or _PDF_JS_VALUE.search(stream):
            raise active
        # The stream's own dictionary is at the end of the text before it.
        dictionary = _pdf_names(text[max(0, text.rfind(b"obj")) :])
        if b"ObjStm" not in dictionary:
            continue
        filters = dictionary & _PDF_FILTERS
        if filters and filters != {b"FlateDecode"}:
            # An object stream in a form we do not unpack, or encrypted: we cannot see inside it.
            raise uncheckable
        if not filters:
            content = stream
        else:
            remaining = _MAX_PDF_INFLATE - inflated_total
            inflater = zlib.decompressobj()
            try:
                content = inflater.decompress(stream, remaining) if remaining > 0 else b""
            except zlib.error as error:
                raise uncheckable from error
            if remaining <= 0 or inflater.unconsumed_tail:
                raise _unsafe_archive(name, "pdf_bomb")
        inflated_total += len(content)
        if _pdf_names(content) & _PDF_ACTIVE_NAMES:
            raise active


# --- images -----------------------------------------------------------------------------------------------

_PIL_FORMATS = {"jpeg": ("JPEG", "MPO"), "png": ("PNG",), "gif": ("GIF",)}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _too_many_pixels(name: str, limits: UploadLimits) -> UploadRejected:
    megapixels = limits.max_image_pixels / 1_000_000
    return _reject(
        name,
        f"the image is too large; it must have fewer than {megapixels:g} million pixels. "
        "Resize it and try again",
        "pixel_flood",
    )


def _open_image(name: str, key: str, data: bytes, limits: UploadLimits) -> Image.Image:
    if key == "heic":
        return _open_heif(name, data, limits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data": the EXIF is dropped anyway
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Only the plugin for the format the bytes claim: a PNG may not turn out to be something else.
            image = Image.open(io.BytesIO(data), formats=list(_PIL_FORMATS[key][:1]))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(name, limits) from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise _damaged(name, "image_damaged") from error
        if image.format not in _PIL_FORMATS[key]:
            raise _damaged(name, "image_format")
        width, height = image.size
        # Checked from the header, before a single pixel is decoded.
        if width * height > limits.max_image_pixels or width <= 0 or height <= 0:
            raise _too_many_pixels(name, limits)
        try:
            image.seek(0)  # the first frame of an animation
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(name, limits) from error
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as error:
            raise _damaged(name, "image_damaged") from error
    return image


def _open_heif(name: str, data: bytes, limits: UploadLimits) -> Image.Image:
    import pillow_heif

    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        width, height = heif.size
        if width * height > limits.max_image_pixels:
            raise _too_many_pixels(name, limits)
        # libheif applies the container's rotation and mirroring when decoding, and pillow-heif then
        # resets the EXIF orientation to 1, so the image is upright and must not be turned again.
        image = heif.to_pillow()
        image.load()
    except UploadRejected:
        raise
    except Exception as error:  # pillow-heif and libheif raise several kinds for broken files
        raise _damaged(name, "image_damaged") from error
    return image


def _upright(image: Image.Image) -> Image.Image:
    """Turn the pixels the way the EXIF orientation says, so the picture still shows the right way up
    once the EXIF is gone."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data": it is dropped anyway
            return ImageOps.exif_transpose(image)
    except Exception:  # malformed EXIF raises struct, type and key errors from deep inside Pillow
        return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Fold an embedded colour profile (a phone's Display P3, say) into the pixels, then drop it: profiles
    can carry descriptive text, and a stored image keeps nothing but pixels."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _orientation(image: Image.Image) -> int | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            value = image.getexif().get(ExifTags.Base.Orientation)
    except Exception:  # malformed EXIF, as in _upright
        return None
    return value if value in range(2, 9) else None


def _reencode_image(name: str, fmt: _Format, data: bytes, limits: UploadLimits, *,
                    in_document: bool = False) -> tuple[bytes, _Format]:
    """The pixels alone, re-encoded. An attached photo is turned upright; a picture inside a document
    keeps its EXIF orientation as the one tag left, because the document's own layout was made for
    the picture as its reader shows it, and readers differ in whether they honour that tag."""
    image = _open_image(name, fmt.key, data, limits)
    out_key = "jpeg" if fmt.key == "heic" else fmt.key
    orientation = _orientation(image) if in_document else None
    try:
        if fmt.key != "heic" and not in_document:
            image = _upright(image)
        image = _to_srgb(image)
        transparency = image.info.get("transparency")
        # Mode changes first: they read the transparency from `info`.
        if out_key == "jpeg" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        elif out_key == "png" and (
            (transparency is not None and image.mode in ("P", "L", "RGB"))
            or image.mode not in ("1", "L", "LA", "I;16", "P", "RGB", "RGBA")
        ):
            image = image.convert("RGBA")
        elif out_key == "gif" and image.mode != "P":
            image = image.convert("P", palette=Image.Palette.ADAPTIVE)
            transparency = None
        # Then start from the pixels alone: EXIF, XMP, IPTC, comments and text chunks all live in `info`.
        image.info = {}
        output = io.BytesIO()
        kept = {}
        if orientation is not None:
            exif = Image.Exif()
            exif[ExifTags.Base.Orientation] = orientation
            kept["exif"] = exif.tobytes()
        if out_key == "jpeg":
            image.save(output, "JPEG", quality=88, optimize=True, **kept)
        elif out_key == "png":
            image.save(output, "PNG", optimize=True, **kept)
        else:  # gif: the first frame, with its transparent colour
            params = {"transparency": transparency} if isinstance(transparency, int) else {}
            image.save(output, "GIF", **params)
    except (OSError, ValueError, SyntaxError, MemoryError) as error:
        raise _damaged(name, "image_damaged") from error
    return output.getvalue(), _FORMATS[out_key]
