"""Inspection by content: what may be attached, what may not, and what the person is told."""

from __future__ import annotations

import random

import pytest

from tests import samples
from webapp.attachments.inspection import (
    ALLOWED_SUMMARY,
    DEFAULT,
    MB,
    InspectedFile,
    UploadLimits,
    UploadRejected,
    check_quota,
    inspect_upload,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "Excel spreadsheets cannot be attached; save it as a PDF"
MACROS = (
    "this Word document contains macros, which cannot be attached; "
    "save it as a .docx without macros or as a PDF"
)


def rejected(name: str, data: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(name, data, **kwargs)
    assert caught.value.message.startswith(f"{caught.value.message.split(':', 1)[0]}: ")
    return caught.value


# --- accepted -----------------------------------------------------------------------------------------------


def test_docx_is_accepted_and_stored_unchanged():
    data = samples.docx()
    result = inspect_upload("Home visit notes.docx", data)
    assert result == InspectedFile(
        display_name="Home visit notes.docx",
        kind="word",
        content_type=DOCX_TYPE,
        extension=".docx",
        data=data,
        size=len(data),
    )
    assert result.data is data


def test_docx_with_a_picture_and_a_table_is_accepted():
    assert inspect_upload("visit.docx", samples.docx_with_picture_and_table()).kind == "word"


def test_docx_with_an_ordinary_hyperlink_is_accepted():
    assert inspect_upload("links.docx", samples.docx_with_hyperlink()).kind == "word"


def test_legacy_doc_is_accepted():
    result = inspect_upload("old notes.doc", samples.legacy_doc())
    assert (result.kind, result.content_type, result.extension) == ("word", "application/msword", ".doc")


def test_odt_is_accepted():
    result = inspect_upload("notes.odt", samples.odt())
    assert (result.kind, result.content_type) == ("word", "application/vnd.oasis.opendocument.text")


def test_pdf_is_accepted():
    data = samples.pdf()
    result = inspect_upload("report.pdf", data)
    assert (result.kind, result.content_type, result.extension, result.data) == (
        "pdf",
        "application/pdf",
        ".pdf",
        data,
    )


def test_upper_case_extension_is_accepted():
    result = inspect_upload("REPORT.PDF", samples.pdf())
    assert result.display_name == "REPORT.PDF" and result.extension == ".pdf"


def test_name_without_extension_gets_the_one_its_content_has():
    assert inspect_upload("scan", samples.pdf()).display_name == "scan.pdf"


def test_display_name_is_cleaned():
    result = inspect_upload("C:\\fakepath\\\u202eZoë's report.pdf", samples.pdf())
    assert result.display_name == "Zoë's report.pdf"


def test_a_word_format_under_another_word_extension_is_renamed_to_match_its_content():
    # A .doc saved with a .docx name still opens in Word, as long as the download is called .doc.
    result = inspect_upload("notes.docx", samples.legacy_doc())
    assert (result.display_name, result.content_type) == ("notes.doc", "application/msword")


# --- spreadsheets -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "builder"),
    [
        ("budget.xlsx", samples.xlsx),
        ("budget.xlsm", samples.xlsm),
        ("budget.xls", samples.xls),
        ("budget.csv", samples.csv),
        ("budget.ods", samples.ods),
    ],
)
def test_spreadsheets_are_rejected_with_the_excel_message(name, builder):
    error = rejected(name, builder())
    assert error.message == f"{name}: {EXCEL}"
    assert error.reason == "excel"


@pytest.mark.parametrize(
    ("name", "builder"),
    [
        ("budget.docx", samples.xlsx),
        ("budget.pdf", samples.xlsx),
        ("budget.doc", samples.xls),
        ("budget.odt", samples.ods),
        ("budget", samples.xlsx),
    ],
)
def test_a_renamed_spreadsheet_is_still_a_spreadsheet(name, builder):
    assert rejected(name, builder()).message == f"{name}: {EXCEL}"


# --- names that disagree with content -----------------------------------------------------------------------


def test_pdf_named_docx_is_rejected():
    error = rejected("report.docx", samples.pdf())
    assert error.message == (
        "report.docx: the file's name says Word document but its content is a PDF; rename it to end in .pdf"
    )
    assert error.reason == "name_mismatch"


def test_docx_named_pdf_is_rejected():
    error = rejected("report.pdf", samples.docx())
    assert error.message == (
        "report.pdf: the file's name says PDF but its content is a Word document; rename it to end in .docx"
    )


def test_image_named_pdf_is_rejected():
    assert rejected("photo.pdf", samples.png(with_metadata=False)).reason == "name_mismatch"


def test_pdf_under_an_unknown_extension_is_rejected():
    error = rejected("report.txt", samples.pdf())
    assert error.message == (
        "report.txt: the file's name ends in .txt but its content is a PDF; rename it to end in .pdf"
    )


# --- macros, ActiveX, embedded objects, remote content ------------------------------------------------------


def test_docm_is_rejected():
    error = rejected("report.docm", samples.docm())
    assert error.message == f"report.docm: {MACROS}"
    assert error.reason == "macros"


def test_docm_renamed_docx_is_rejected():
    assert rejected("report.docx", samples.docm()).message == f"report.docx: {MACROS}"


def test_docx_carrying_a_vba_project_is_rejected():
    assert rejected("report.docx", samples.docx_with_vba_project()).reason == "macros"


def test_docx_with_activex_is_rejected():
    error = rejected("form.docx", samples.docx_with_activex())
    assert error.reason == "embedded_object"
    assert error.message == (
        "form.docx: this Word document contains an embedded spreadsheet or object, which cannot be attached; "
        "save it as a PDF"
    )


def test_docx_with_embedded_spreadsheet_is_rejected():
    assert rejected("report.docx", samples.docx_with_embedded_xlsx()).reason == "embedded_object"


def test_docx_with_ole_object_is_rejected():
    assert rejected("report.docx", samples.docx_with_ole_object()).reason == "embedded_object"


def test_docx_with_remote_template_is_rejected():
    assert rejected("report.docx", samples.docx_with_remote_template()).reason == "external_content"


def test_docx_with_external_entity_is_refused_by_the_xml_parser():
    assert rejected("report.docx", samples.docx_with_xxe()).reason == "bad_xml"


def test_legacy_doc_with_macros_is_rejected():
    error = rejected("old.doc", samples.legacy_doc_with_macros())
    assert error.message == f"old.doc: {MACROS}"


def test_oletools_agrees_the_legacy_sample_has_macros():
    # The sample must look like a VBA project to oletools as well, or the test above proves little.
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser("old.doc", data=samples.legacy_doc_with_macros())
    try:
        assert parser.detect_vba_macros()
    finally:
        parser.close()


def test_xls_disguised_as_doc_is_rejected_as_excel():
    assert rejected("notes.doc", samples.xls()).message == f"notes.doc: {EXCEL}"


def test_password_protected_word_documents_are_rejected():
    assert rejected("secret.docx", samples.encrypted_ooxml()).reason == "encrypted"
    assert rejected("secret.doc", samples.legacy_doc_encrypted()).reason == "encrypted"


def test_odt_with_basic_macros_is_rejected():
    error = rejected("notes.odt", samples.odt_with_macros())
    assert error.reason == "macros"
    assert error.message == (
        "notes.odt: this document contains macros, which cannot be attached; "
        "save it without macros or as a PDF"
    )


# --- PDFs ---------------------------------------------------------------------------------------------------

PDF_ACTIVE = (
    "this PDF contains active content (such as JavaScript or an embedded file), which cannot be attached; "
    "print it to a new PDF and attach that"
)


@pytest.mark.parametrize(
    "builder",
    [
        samples.pdf_with_javascript,
        samples.pdf_with_escaped_javascript,
        samples.pdf_with_javascript_in_object_stream,
        samples.pdf_with_launch,
        samples.pdf_with_embedded_file,
    ],
)
def test_pdfs_with_active_content_are_rejected(builder):
    error = rejected("form.pdf", builder())
    assert error.message == f"form.pdf: {PDF_ACTIVE}"
    assert error.reason == "pdf_active"


def test_the_object_stream_sample_hides_its_javascript_from_a_plain_search():
    assert b"JavaScript" not in samples.pdf_with_javascript_in_object_stream()


def test_active_names_by_chance_inside_binary_stream_data_are_not_mistaken_for_javascript():
    # Compressed image data contains every 3-byte sequence sooner or later, "/JS " included.
    payload = random.Random(4).randbytes(200_000)
    payload = payload[:1000] + b"/JS " + payload[1000:] + b"/JS\n"
    assert inspect_upload("scan.pdf", samples.pdf_with_stream(payload)).kind == "pdf"


@pytest.mark.parametrize(
    "payload",
    [
        b"<< /S /JavaScript /JS (app.alert(1)) >>",
        b"junk /JS (app.alert(1)) junk",
        b"x /JS 12 0 R y",
        b"/Launch",
    ],
)
def test_javascript_inside_stream_data_is_rejected(payload):
    assert rejected("form.pdf", samples.pdf_with_stream(payload)).reason == "pdf_active"


def test_an_object_stream_that_cannot_be_unpacked_is_rejected():
    error = rejected("locked.pdf", samples.pdf_with_encrypted_object_stream())
    assert error.reason == "pdf_uncheckable"
    assert error.message == (
        "locked.pdf: this PDF cannot be checked; save it again as a PDF without a password and try once more"
    )


def test_a_pdf_from_a_real_writer_with_object_streams_is_accepted():
    from weasyprint import HTML

    data = HTML(
        string="<h1>Report</h1><p>Zoë’s notes</p><a href='https://www.gov.uk/'>GOV.UK</a>"
    ).write_pdf()
    assert b"/ObjStm" in data
    assert inspect_upload("report.pdf", data).kind == "pdf"


def test_a_pdf_from_a_real_writer_with_an_attached_file_is_rejected():
    from weasyprint import HTML, Attachment

    data = HTML(string="<h1>Report</h1>").write_pdf(attachments=[Attachment(string="<p>hidden</p>")])
    assert rejected("report.pdf", data).reason == "pdf_active"


# --- other types --------------------------------------------------------------------------------------------


def test_svg_is_rejected():
    error = rejected("photo.svg", samples.svg())
    assert error.message == "photo.svg: SVG images cannot be attached; save it as a PNG or JPEG"


def test_svg_renamed_png_is_still_rejected_as_svg():
    assert rejected("photo.png", samples.svg()).reason == "svg"


def test_html_is_rejected():
    assert rejected("page.html", samples.html()).reason == "html"


@pytest.mark.parametrize(
    ("name", "builder"),
    [
        ("setup.exe", samples.exe),
        ("setup.docx", samples.exe),
        ("tool", samples.elf),
        ("run.sh", samples.shell_script),
    ],
)
def test_programs_and_scripts_are_rejected(name, builder):
    error = rejected(name, builder())
    assert error.reason == "executable"
    assert error.message == f"{name}: programs and scripts cannot be attached. {ALLOWED_SUMMARY}"


@pytest.mark.parametrize(
    ("name", "builder"),
    [("x.zip", samples.plain_zip), ("x.7z", samples.seven_zip), ("x.docx", samples.plain_zip)],
)
def test_archives_are_rejected(name, builder):
    error = rejected(name, builder())
    assert error.message == (
        f"{name}: this file type cannot be attached. "
        "You can attach Word documents, PDFs and images (JPEG, PNG, GIF or HEIC)"
    )


def test_unknown_content_is_rejected():
    assert rejected("notes.txt", b"just some text\n").reason == "file_type"
    assert rejected("eicar.com", samples.EICAR).reason == "file_type"


def test_empty_file_is_rejected():
    assert rejected("empty.pdf", b"").message == "empty.pdf: the file is empty"


def test_damaged_docx_is_rejected():
    data = samples.docx()
    error = rejected("broken.docx", data[: len(data) // 2])
    assert (
        error.message
        == "broken.docx: this file is damaged or cannot be read; save it again and try once more"
    )


# --- sizes and quotas ---------------------------------------------------------------------------------------


def test_file_over_the_size_limit_is_rejected():
    big = samples.pdf() + b"%" + b"x" * (10 * MB)
    assert rejected("big.pdf", big).message == "big.pdf: the file must be smaller than 10 MB"


def test_size_limit_is_configurable():
    limits = UploadLimits(max_file_bytes=512)
    assert rejected("report.pdf", samples.pdf(), limits=limits).message == (
        "report.pdf: the file must be smaller than 512 bytes"
    )
    assert inspect_upload("small.pdf", samples.pdf(), limits=UploadLimits(max_file_bytes=4096)).kind == "pdf"


def test_limits_from_config():
    limits = UploadLimits.from_config(
        {
            "ATTACHMENTS_MAX_FILE_BYTES": 2 * MB,
            "ATTACHMENTS_MAX_FILES": 3,
            "ATTACHMENTS_MAX_TOTAL_BYTES": 5 * MB,
        }
    )
    assert (limits.max_file_bytes, limits.max_files, limits.max_total_bytes) == (2 * MB, 3, 5 * MB)
    assert UploadLimits.from_config({}) == DEFAULT
    assert rejected("big.pdf", samples.pdf() + b"%" * (2 * MB), limits=limits).message == (
        "big.pdf: the file must be smaller than 2 MB"
    )


def test_quota_allows_up_to_ten_files_and_thirty_megabytes():
    check_quota([MB] * 9, MB)
    check_quota([10 * MB, 10 * MB], 10 * MB)


def test_quota_refuses_an_eleventh_file():
    with pytest.raises(UploadRejected) as caught:
        check_quota([1000] * 10, 1000)
    assert caught.value.message == "You can attach up to 10 files to a form. Remove a file to attach this one"


def test_quota_refuses_going_over_thirty_megabytes():
    with pytest.raises(UploadRejected) as caught:
        check_quota([10 * MB, 10 * MB, 9 * MB], 2 * MB)
    assert caught.value.message == ("The files attached to a form must add up to less than 30 MB. "
                                    "Remove a file, or make this one smaller")


def test_quota_is_configurable():
    limits = UploadLimits(max_files=2, max_total_bytes=5 * MB)
    with pytest.raises(UploadRejected, match="up to 2 files"):
        check_quota([1, 1], 1, limits)
    with pytest.raises(UploadRejected, match="less than 5 MB"):
        check_quota([3 * MB], 3 * MB, limits)
