"""Display names for attached files.

The name a browser sends with an upload is chosen by whoever sent it. It is never used as a path (files
are stored under a random id); it is kept only so people can recognise their documents, so it is cleaned
of anything that could mislead a reader (right-to-left overrides that turn "cod.exe.docx" around, control
characters, path parts) or break a header, while staying readable in any language.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_DISPLAY_NAME_LENGTH = 120
FALLBACK_NAME = "document"

# Longest tail that still counts as an extension when shortening a name; longer tails are just text.
_MAX_EXTENSION_LENGTH = 10

# Invisible characters that change how the text around them is displayed: bidi embeddings, overrides and
# isolates, the implicit direction marks, and zero-width characters that hide parts of a name. Zero-width
# joiners (U+200C/U+200D) are kept: several scripts and emoji need them.
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff", "\u180e"]
)

_WHITESPACE = re.compile(r"\s+")


def _drop_unsafe_characters(text: str) -> str:
    kept = []
    for char in text:
        if char in _INVISIBLE:
            continue
        category = unicodedata.category(char)
        if category in ("Zl", "Zp"):
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn"):
            # Control characters (NUL, CR, LF, ESC...), lone surrogates, private-use and unassigned code
            # points: none of them display as anything a person could read.
            if char in "\t\n\r\x0b\x0c":
                kept.append(" ")
        else:
            kept.append(char)
    return "".join(kept)


def split_extension(name: str) -> tuple[str, str]:
    """Split "report.final.docx" into ("report.final", ".docx").

    A name without a dot, or whose tail is long or has spaces ("Mr. Smith's notes"), has no extension.
    """
    stem, dot, tail = name.rpartition(".")
    if not dot or not stem or not tail or len(tail) > _MAX_EXTENSION_LENGTH or " " in tail:
        return name, ""
    return stem, "." + tail


def clean_display_name(name: str | None, *, max_length: int = MAX_DISPLAY_NAME_LENGTH) -> str:
    """A readable, harmless version of a user's file name, for showing on pages and in downloads."""
    text = unicodedata.normalize("NFC", name or "")
    text = _drop_unsafe_characters(text)
    # Browsers on Windows used to send the full path ("C:\\Users\\...\\report.docx"): keep the last part.
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _WHITESPACE.sub(" ", text).strip()
    # Leading dots hide files on Unix and make ".." names; trailing dots and spaces are dropped by Windows.
    text = text.lstrip(". ").rstrip(". ")
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_length:
        stem, extension = split_extension(text)
        if len(extension) >= max_length:
            stem, extension = text, ""
        text = stem[: max_length - len(extension)].rstrip(" .") + extension
    return text or FALLBACK_NAME


def replace_extension(display_name: str, extension: str) -> str:
    """The display name with its extension swapped (or added), still within the length cap."""
    stem, _ = split_extension(display_name)
    stem = stem[: MAX_DISPLAY_NAME_LENGTH - len(extension)].rstrip(" .") or FALLBACK_NAME
    return stem + extension


def _ascii_fallback(name: str) -> str:
    # Old clients read only filename="...": decompose accents so "Zoë" becomes "Zoe" rather than "Zo_".
    decomposed = unicodedata.normalize("NFKD", name)
    chars = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        if char in '"\\' or not (0x20 <= ord(char) < 0x7F):
            chars.append("_")
        else:
            chars.append(char)
    fallback = _WHITESPACE.sub(" ", "".join(chars)).strip()
    return fallback or FALLBACK_NAME


def content_disposition(display_name: str) -> str:
    """An RFC 6266 attachment header: an ASCII filename for old clients and the exact name in filename*."""
    name = clean_display_name(display_name)
    # RFC 5987 attr-char: everything else is percent-encoded as UTF-8.
    encoded = quote(name, safe="!#$&+-.^_`|~", encoding="utf-8")
    return f"attachment; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"
