"""Images (JPEG, PNG, GIF, HEIC): decoded under a pixel limit, turned upright, folded into sRGB and
re-encoded from the pixels alone, so that no location, camera or other metadata about a child is stored.
HEIC photos are stored as JPEGs.

Also used by `office` for the photos pasted into a Word document.
"""

from __future__ import annotations

import io
import warnings

from PIL import ExifTags, Image, ImageCms, ImageOps

from webapp.attachments.inspection.common import (
    _FORMATS,
    UploadLimits,
    UploadRejected,
    _damaged,
    _Format,
    _reject,
)

# The signatures of the photo formats, also read by the dispatch and by `office`.
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

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
