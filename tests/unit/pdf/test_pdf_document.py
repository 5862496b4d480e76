import base64
import io

import pytest
from PIL import Image

from webapp.pdf import build_submission_html, image_data_url

HOSTILE = "<script>alert(1)</script>"


def test_builds_without_a_flask_app_context(submission_context):
    # The scheduler renders off the request path; nothing here may need Flask.
    html = build_submission_html(submission_context)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert "<title>Professional safeguarding concern – CP-2026-000123-v2</title>" in html


def test_answers_are_escaped_not_markup(submission_context):
    submission_context["sections"][0]["rows"][0]["value"] = HOSTILE
    submission_context["sections"][0]["rows"][1]["label"] = "</th><img src=x>"
    submission_context["attachments"][0]["name"] = '"><link rel=attachment href="file:///etc/passwd">'
    submission_context["attachments"][1]["description"] = "<i>Photo</i> of the arm"
    submission_context["council_name"] = "<b>Council</b>"
    html = build_submission_html(submission_context)
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html
    assert "<link rel=attachment" not in html
    assert "<b>Council</b>" not in html
    assert "<i>Photo</i>" not in html and "&lt;i&gt;Photo&lt;/i&gt; of the arm" in html


def test_template_syntax_in_answers_is_not_evaluated(submission_context):
    submission_context["sections"][0]["rows"][0]["value"] = "{{7*7}} {% raw %}"
    html = build_submission_html(submission_context)
    assert "{{7*7}} {% raw %}" in html


def test_unanswered_questions_say_so(submission_context):
    html = build_submission_html(submission_context)
    assert "Not answered" in html  # the sample leaves the NHS number empty


def test_no_url_other_than_the_image_data_urls(submission_context):
    html = build_submission_html(submission_context)
    for marker in ("http:", "https:", "file:", "@import", "url("):
        assert marker not in html
    assert html.count('src="data:image/jpeg;base64,') == 3


def test_only_jpeg_and_png_copies_can_be_embedded(submission_context):
    with pytest.raises(ValueError):
        image_data_url(b"<svg/>", "image/svg+xml")
    submission_context["attachments"][1]["image_data_url"] = "file:///etc/passwd"
    with pytest.raises(ValueError):
        build_submission_html(submission_context)
    submission_context["attachments"][1]["image_data_url"] = "data:image/svg+xml;base64,PHN2Zy8+"
    with pytest.raises(ValueError):
        build_submission_html(submission_context)


def test_missing_context_key_is_an_error_not_a_blank(submission_context):
    del submission_context["reference"]
    with pytest.raises(Exception, match="reference"):
        build_submission_html(submission_context)


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (100, 80), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMake"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_image_copies_lose_exif_but_keep_their_orientation():
    data = _jpeg_with_exif()
    assert b"SecretCameraMake" in data
    url = image_data_url(data, "image/jpeg")
    cleaned = base64.b64decode(url.split(",", 1)[1])
    assert b"SecretCameraMake" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif()
        assert image.size == (80, 100)


def test_clean_copies_are_embedded_byte_for_byte():
    image = Image.new("RGB", (40, 30), "green")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    url = image_data_url(buffer.getvalue(), "image/png")
    assert base64.b64decode(url.split(",", 1)[1]) == buffer.getvalue()


def test_mime_type_must_match_the_bytes():
    with pytest.raises(ValueError):
        image_data_url(_jpeg_with_exif(), "image/png")
