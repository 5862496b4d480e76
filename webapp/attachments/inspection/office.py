"""Word and OpenDocument files: what an OOXML (.docx), OpenDocument (.odt) or OLE (.doc) file holds,
read from its parts once `zips` has opened it safely, so that spreadsheets, presentations, macros, embedded
objects and content fetched from elsewhere are refused; and the photos in an accepted .docx are re-encoded
as attached photos are.

Legacy .doc files get a second opinion from oletools' olevba, which knows more places to hide macros.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile

import defusedxml.ElementTree as SafeET
import olefile
from defusedxml import DefusedXmlException

from webapp.attachments.inspection.common import (
    _FORMATS,
    SPREADSHEET_EXTENSIONS,
    UploadLimits,
    UploadRejected,
    _damaged,
    _excel,
    _not_allowed,
    _password,
    _reject,
)
from webapp.attachments.inspection.images import _JPEG_MAGIC, _PNG_MAGIC, _reencode_image
from webapp.attachments.inspection.zips import _SafeZip, open_zip_safely

# --- zip containers: Word (.docx), OpenDocument (.odt) ----------------------------------------------------

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

