"""The HTML that becomes a submission's PDF.

It has its own Jinja environment, not Flask's, because the PDF is rendered by
the scheduler off the request path where there is no app context, and because
autoescaping must not depend on Flask's file-extension rule: every answer in
the context is text typed by the public.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from webapp.web.dates import uk_datetime

#: templates/ at the repository root (webapp/pdf/document.py → ../../templates).
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_NAME = "pdf/submission.html"

#: Only these image types may be embedded; they are the re-encoded copies the
#: attachments service makes, never the uploaded bytes.
IMAGE_MIME_TYPES = frozenset({"image/jpeg", "image/png"})


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(  # noqa: S701 (autoescape is forced on just below)
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["uk_datetime"] = _uk_datetime
    return env


def _uk_datetime(value: Any) -> str:
    """A time as the portal's pages give it: in London time, "1 July 2026 at 5:05pm".

    Stored times are naive UTC (webapp.clock). Shown as they were, a summer submission's PDF said
    16:05 where every page said 5:05pm, in a record that may be read beside them.
    """
    if isinstance(value, datetime):
        return uk_datetime(value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value)
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


#: JPEG segments that carry no personal metadata: JFIF header, ICC profile, Adobe colour transform.
_HARMLESS_JPEG_SEGMENTS = frozenset({"APP0", "APP2", "APP14"})
_HARMLESS_PNG_INFO = frozenset(
    {"dpi", "gamma", "transparency", "icc_profile", "srgb", "chromaticity", "aspect"}
)


def image_data_url(data: bytes, mime_type: str) -> str:
    """Builds the only kind of image URL the PDF fetcher will load.

    The mime type is checked against a fixed set so a caller cannot smuggle an
    SVG (which could reference other URLs) into the document. WeasyPrint copies
    JPEG bytes into the PDF unchanged, EXIF (GPS, camera serial) included, so a
    copy that still carries metadata is re-encoded without it here rather than
    trusting every caller to have stripped it.
    """
    if mime_type not in IMAGE_MIME_TYPES:
        raise ValueError(f"Only JPEG and PNG copies may be embedded, not {mime_type!r}")
    data = _without_metadata(data, mime_type)
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"


def _without_metadata(data: bytes, mime_type: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        expected = "JPEG" if mime_type == "image/jpeg" else "PNG"
        if image.format != expected:
            raise ValueError(f"Image data is {image.format}, not {expected}")
        if expected == "JPEG":
            segments = {marker for marker, _ in getattr(image, "applist", [])}
            clean = segments <= _HARMLESS_JPEG_SEGMENTS and "comment" not in image.info
        else:
            clean = set(image.info) <= _HARMLESS_PNG_INFO
        if clean:
            return data
        # Apply the EXIF orientation before dropping it, or portrait photos
        # would come out on their side.
        image = ImageOps.exif_transpose(image)
        buffer = io.BytesIO()
        if expected == "JPEG":
            image.convert("RGB").save(buffer, "JPEG", quality=90)
        else:
            image.save(buffer, "PNG")
        return buffer.getvalue()


def build_submission_html(context: Mapping[str, Any]) -> str:
    """Renders templates/pdf/submission.html; see webapp.pdf for the context contract."""
    for attachment in context.get("attachments") or []:
        url = attachment.get("image_data_url")
        if url is not None and not (
            isinstance(url, str) and url.startswith(("data:image/jpeg;base64,", "data:image/png;base64,"))
        ):
            raise ValueError("image_data_url must be a base64 JPEG or PNG data: URL (see image_data_url())")
    return _environment().get_template(TEMPLATE_NAME).render(**context)
