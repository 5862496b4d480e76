"""Properties that must hold for any input, not just the samples: whatever arrives, the inspection
answers with a stored file or a message, and a display name is always harmless."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import samples
from webapp.attachments.filenames import MAX_DISPLAY_NAME_LENGTH, clean_display_name, content_disposition
from webapp.attachments.inspection import InspectedFile, UploadRejected, inspect_upload

BIDI_AND_INVISIBLE = set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\ufeff"
)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_display_names_are_always_harmless(raw):
    name = clean_display_name(raw)
    assert 0 < len(name) <= MAX_DISPLAY_NAME_LENGTH
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".") and name == name.strip()
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)
    assert not (set(name) & BIDI_AND_INVISIBLE)
    assert "  " not in name
    assert clean_display_name(name) == name


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_content_disposition_is_always_a_single_safe_header_value(raw):
    header = content_disposition(raw)
    header.encode("ascii")
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="') and header.count('"') == 2


SEEDS = [
    samples.docx(),
    samples.pdf(),
    samples.png(),
    samples.jpeg_with_gps(),
    samples.odt(),
    samples.legacy_doc(),
]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    return bytes(data)


@given(mutated())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_damaged_files_are_accepted_or_refused_never_crash(data):
    try:
        result = inspect_upload("upload", data)
    except UploadRejected as error:
        assert error.message.startswith("upload: ")
    else:
        assert isinstance(result, InspectedFile) and result.size == len(result.data) > 0


@given(st.binary(max_size=2048))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_are_accepted_or_refused_never_crash(data):
    try:
        inspect_upload("upload.pdf", data)
    except UploadRejected:
        pass
