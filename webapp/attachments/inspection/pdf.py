"""PDFs: refused when they contain anything that acts rather than shows (JavaScript, launching
programs, embedded files, forms that submit), looked for in the PDF's text and inside its compressed object
streams, which are unpacked under a cap.

A PDF is stored as it was uploaded, not rewritten as images are, so what it could do when opened has to be
found here.
"""

from __future__ import annotations

import re
import zlib

from webapp.attachments.inspection.common import MB, _reject, _unsafe_archive

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

