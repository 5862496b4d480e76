"""Display names: what a person sees, and what their browser saves a download as."""

from __future__ import annotations

import pytest

from webapp.attachments.filenames import (
    FALLBACK_NAME,
    MAX_DISPLAY_NAME_LENGTH,
    clean_display_name,
    content_disposition,
    replace_extension,
    split_extension,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.docx", "report.docx"),
        ("C:\\Users\\sam\\Documents\\report.docx", "report.docx"),
        ("/home/sam/report.docx", "report.docx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("folder/sub\\mixed/name.pdf", "name.pdf"),
    ],
)
def test_path_parts_are_removed(raw, clean):
    assert clean_display_name(raw) == clean


def test_right_to_left_override_cannot_disguise_an_extension():
    # Shown as "report‮fdp.exe" this reads "reportexe.pdf" in many file managers.
    name = clean_display_name("report\u202efdp.exe")
    assert name == "reportfdp.exe"
    for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f":
        assert char not in clean_display_name(f"a{char}b.pdf")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b.pdf", "ab.pdf"),
        ("line\r\nbreak.pdf", "line break.pdf"),
        ("tab\there.pdf", "tab here.pdf"),
        ("esc\x1b[31mred.pdf", "esc[31mred.pdf"),
        ("bell\x07.pdf", "bell.pdf"),
        ("del\x7f.pdf", "del.pdf"),
        ("   lots    of   space   .pdf", "lots of space .pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("line\u2028separator.pdf", "line separator.pdf"),
    ],
)
def test_control_characters_and_whitespace(raw, clean):
    assert clean_display_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (".bashrc", "bashrc"),
        ("...hidden.pdf", "hidden.pdf"),
        ("trailing dots...", "trailing dots"),
        ("", FALLBACK_NAME),
        (None, FALLBACK_NAME),
        ("...", FALLBACK_NAME),
        ("\u202e\x00 ", FALLBACK_NAME),
        ("C:\\", FALLBACK_NAME),
    ],
)
def test_leading_dots_and_empty_names(raw, clean):
    assert clean_display_name(raw) == clean


@pytest.mark.parametrize(
    "name",
    [
        "Zoë's report — 2026.docx",
        "Отчёт о визите.pdf",
        "تقرير الزيارة.pdf",
        "訪問記録.docx",
        "Photo 👨‍👩‍👧 family.jpg",  # the zero-width joiners inside the emoji stay
        "Ffion ap Siôn (Cymraeg).odt",
    ],
)
def test_unicode_names_stay_readable(name):
    assert clean_display_name(name) == name


def test_names_are_nfc_normalised():
    decomposed = "Zoe\u0308.docx"  # e + combining diaeresis
    assert clean_display_name(decomposed) == "Zo\u00eb.docx"


def test_long_names_are_capped_keeping_the_extension():
    name = clean_display_name("a" * 500 + ".docx")
    assert len(name) == MAX_DISPLAY_NAME_LENGTH
    assert name.endswith("aaa.docx")


def test_long_name_without_extension_is_cut():
    assert clean_display_name("b" * 500) == "b" * MAX_DISPLAY_NAME_LENGTH


def test_long_unicode_name_is_capped_in_characters():
    name = clean_display_name("ë" * 300 + ".pdf")
    assert len(name) == MAX_DISPLAY_NAME_LENGTH and name.endswith(".pdf")


def test_split_and_replace_extension():
    assert split_extension("report.final.docx") == ("report.final", ".docx")
    assert split_extension("Mr. Smith's notes") == ("Mr. Smith's notes", "")
    assert split_extension("README") == ("README", "")
    assert replace_extension("IMG_0001.HEIC", ".jpg") == "IMG_0001.jpg"
    assert replace_extension("scan", ".pdf") == "scan.pdf"


def test_content_disposition_ascii_name():
    assert (
        content_disposition("report.pdf")
        == "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
    )


def test_content_disposition_unicode_name_has_ascii_fallback_and_utf8_filename_star():
    header = content_disposition("Zoë's report — 2026.docx")
    assert header == (
        'attachment; filename="Zoe\'s report _ 2026.docx"; '
        "filename*=UTF-8''Zo%C3%AB%27s%20report%20%E2%80%94%202026.docx"
    )
    header.encode("latin-1")  # a header value Werkzeug can send


def test_content_disposition_cannot_be_broken_out_of():
    header = content_disposition('evil"; filename="x.exe\r\nSet-Cookie: a=b.pdf')
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert '"' not in fallback
    assert header.count('"') == 2
    assert "%22" in header  # the real quote travels percent-encoded in filename*


def test_content_disposition_for_an_all_non_latin_name():
    header = content_disposition("訪問記録.docx")
    assert 'filename="____.docx"' in header
    assert "filename*=UTF-8''%E8%A8%AA%E5%95%8F%E8%A8%98%E9%8C%B2.docx" in header
