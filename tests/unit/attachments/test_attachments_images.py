"""Images are decoded under a pixel limit and re-encoded: upright, and with nothing but pixels."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from PIL import ExifTags, Image

from tests import samples
from webapp.attachments.inspection import UploadLimits, UploadRejected, inspect_upload

RED, BLUE = (220, 20, 20), (20, 20, 220)


def close(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def assert_no_metadata(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), "EXIF survived"
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "icc_profile", "photoshop"):
        assert key not in image.info, f"{key} survived"
    for marker in (b"GPS", b"Exif\0\0", b"http://ns.adobe.com/xap", b"xmpmeta", b"Acacia", b"PhoneMaker"):
        assert marker not in data, f"{marker!r} survived"
    return image


def test_the_jpeg_sample_really_carries_gps_and_orientation():
    image = Image.open(io.BytesIO(samples.jpeg_with_gps()))
    exif = image.getexif()
    assert exif[ExifTags.Base.Orientation] == 6
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == samples.GPS_LATITUDE
    assert {"xmp", "comment", "icc_profile"} <= set(image.info)


def test_jpeg_is_stored_without_gps_or_any_metadata():
    result = inspect_upload("Jamie at the park.jpg", samples.jpeg_with_gps())
    assert (result.kind, result.content_type, result.extension) == ("image", "image/jpeg", ".jpg")
    assert result.size == len(result.data)
    image = assert_no_metadata(result.data)
    assert image.format == "JPEG"


def test_jpeg_orientation_is_applied_to_the_pixels():
    result = inspect_upload("photo.jpg", samples.jpeg_with_gps(orientation=6))
    image = Image.open(io.BytesIO(result.data)).convert("RGB")
    # 60x40, red left and blue right, turned 90° clockwise: 40x60, red on top and blue below.
    assert image.size == (40, 60)
    assert close(image.getpixel((20, 5)), RED)
    assert close(image.getpixel((20, 55)), BLUE)


def test_jpeg_with_normal_orientation_keeps_its_shape():
    result = inspect_upload("photo.jpeg", samples.jpeg_with_gps(orientation=1))
    image = Image.open(io.BytesIO(result.data)).convert("RGB")
    assert image.size == (60, 40)
    assert close(image.getpixel((5, 20)), RED) and close(image.getpixel((55, 20)), BLUE)
    assert result.display_name == "photo.jpeg"


def test_png_is_stored_without_metadata_and_keeps_transparency():
    result = inspect_upload("drawing.png", samples.png())
    assert (result.content_type, result.extension) == ("image/png", ".png")
    image = assert_no_metadata(result.data)
    assert image.format == "PNG"
    assert image.convert("RGBA").getpixel((0, 0))[3] == 0
    assert close(image.convert("RGBA").getpixel((5, 20)), RED)


def test_gif_is_stored_as_its_first_frame_without_comments():
    result = inspect_upload("wave.gif", samples.gif())
    assert (result.content_type, result.extension) == ("image/gif", ".gif")
    image = assert_no_metadata(result.data)
    assert image.format == "GIF" and getattr(image, "n_frames", 1) == 1
    assert close(image.convert("RGB").getpixel((5, 20)), RED)


def test_heic_is_converted_to_jpeg_without_gps():
    import pillow_heif

    data = samples.heic()
    assert pillow_heif.open_heif(io.BytesIO(data)).info.get("exif"), "the sample should carry EXIF"
    result = inspect_upload("IMG_0042.HEIC", data)
    assert (result.display_name, result.content_type, result.extension) == (
        "IMG_0042.jpg",
        "image/jpeg",
        ".jpg",
    )
    image = assert_no_metadata(result.data)
    assert image.format == "JPEG" and image.size == (60, 40)
    assert close(image.convert("RGB").getpixel((5, 20)), RED)


def test_heic_orientation_is_kept():
    import pillow_heif

    out = io.BytesIO()
    heif = pillow_heif.from_pillow(samples._two_tone())
    heif.save(out, quality=80, exif=samples._gps_exif(6).tobytes())
    image = Image.open(io.BytesIO(inspect_upload("turned.heic", out.getvalue()).data)).convert("RGB")
    assert image.size == (40, 60)
    assert close(image.getpixel((20, 5)), RED) and close(image.getpixel((20, 55)), BLUE)


def test_a_jpeg_named_png_is_stored_as_a_jpeg_with_a_jpeg_name():
    result = inspect_upload("photo.png", samples.jpeg_with_gps())
    assert (result.display_name, result.content_type) == ("photo.jpg", "image/jpeg")


def test_pixel_flood_is_rejected_before_decoding():
    data = samples.pixel_flood_png()
    assert len(data) < 1000
    with pytest.raises(UploadRejected) as caught:
        inspect_upload("flood.png", data)
    assert caught.value.reason == "pixel_flood"
    assert caught.value.message == (
        "flood.png: the image is too large; it must have fewer than 40 million pixels. "
        "Resize it and try again"
    )


def test_image_between_our_limit_and_pillows_is_rejected_too():
    # 8000 x 8000 = 64 megapixels: under Pillow's own bomb limit (about 89 MP), over ours (40 MP).
    with pytest.raises(UploadRejected) as caught:
        inspect_upload("big.png", samples.pixel_flood_png(8000, 8000))
    assert caught.value.reason == "pixel_flood"


def test_pixel_limit_is_configurable():
    limits = UploadLimits(max_image_pixels=1000)
    with pytest.raises(UploadRejected) as caught:
        inspect_upload("photo.jpg", samples.jpeg_with_gps(), limits=limits)
    assert caught.value.reason == "pixel_flood"


def test_truncated_image_is_rejected():
    data = samples.jpeg_with_gps()
    with pytest.raises(UploadRejected) as caught:
        inspect_upload("photo.jpg", data[: len(data) // 3])
    assert caught.value.reason.startswith("image")


def test_a_png_header_on_other_bytes_is_rejected():
    with pytest.raises(UploadRejected) as caught:
        inspect_upload("photo.png", b"\x89PNG\r\n\x1a\n" + samples.jpeg_with_gps())
    assert caught.value.reason.startswith("image")


def _encoded(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _palette_image() -> Image.Image:
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] * 128)
    return image


@pytest.mark.parametrize(
    ("name", "data", "alpha"),
    [
        ("palette.png", _encoded(_palette_image(), "PNG", transparency=1), 0),
        ("rgb-key.png", _encoded(Image.new("RGB", (10, 10)), "PNG", transparency=(0, 0, 0)), 0),
        ("grey-alpha.png", _encoded(Image.new("LA", (10, 10), (3, 4)), "PNG"), 4),
        ("sixteen-bit.png", _encoded(Image.new("I;16", (10, 10), 300), "PNG"), 255),
        ("one-bit.png", _encoded(Image.new("1", (10, 10), 1), "PNG"), 255),
        ("palette.gif", _encoded(_palette_image(), "GIF", transparency=1), 0),
        ("cmyk.jpg", _encoded(Image.new("CMYK", (10, 10), (0, 255, 0, 0)), "JPEG"), 255),
        ("grey.jpg", _encoded(Image.new("L", (10, 10), 5), "JPEG"), 255),
        ("rgb.gif", _encoded(Image.new("RGB", (10, 10), (1, 2, 3)), "GIF"), 255),
    ],
)
def test_image_modes_survive_re_encoding(name, data, alpha):
    result = inspect_upload(name, data)
    image = assert_no_metadata(result.data)
    assert image.size == (10, 10)
    assert image.convert("RGBA").getpixel((0, 0))[3] == alpha


def test_malformed_exif_does_not_stop_an_image_being_stored():
    exif = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x05\x01\x12\x00\x03\xff\xff\xff\xff"
    data = _encoded(samples._two_tone(), "JPEG", exif=exif)
    result = inspect_upload("odd.jpg", data)
    assert_no_metadata(result.data)


def _parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_photo_in_a_word_document_loses_its_gps_and_keeps_only_its_orientation():
    sent = samples.docx_with_picture_and_table()
    stored = _parts(inspect_upload("visit.docx", sent).data)
    original = _parts(sent)
    assert list(stored) == list(original)
    photo = stored["word/media/image1.jpg"]
    for marker in (b"GPS", b"ns.adobe.com/xap", b"xmpmeta", b"Acacia", b"PhoneMaker", b"Jamie at the park"):
        assert marker not in photo, f"{marker!r} survived"
    image = Image.open(io.BytesIO(photo))
    # Not turned: the document was laid out for the picture as its reader shows it, tag included.
    assert dict(image.getexif()) == {ExifTags.Base.Orientation: 6}
    assert image.size == Image.open(io.BytesIO(original["word/media/image1.jpg"])).size
    for name in original:
        if name != "word/media/image1.jpg":
            assert stored[name] == original[name], f"{name} changed"
    assert len(docx.Document(io.BytesIO(inspect_upload("visit.docx", sent).data)).inline_shapes) == 1


def test_a_damaged_photo_in_a_word_document_is_refused_by_name():
    with zipfile.ZipFile(io.BytesIO(samples.docx_with_picture_and_table())) as archive:
        photo = archive.read("word/media/image1.jpg")
    broken = samples.rezip(samples.docx_with_picture_and_table(),
                           replace={"word/media/image1.jpg": photo[:40]})
    with pytest.raises(UploadRejected) as refused:
        inspect_upload("visit.docx", broken)
    assert "visit.docx" in str(refused.value)
