import base64
import io
import statistics
import time

import pytest
from PIL import Image
from pypdf.generic import IndirectObject, StreamObject

from tests.unit.pdf.conftest import pdf_text, read_pdf, squash
from webapp.pdf import (
    PdfRenderError,
    build_submission_html,
    image_data_url,
    render,
    render_pdf,
    render_pdf_inline,
)
from webapp.pdf.render import check_pdf_is_inert

HOSTILE_VALUES = [
    "<script>alert(1)</script>",
    "</td><img src=x>",
    '<link rel=attachment href="file:///etc/passwd">',
    "<style>@import url(file:///etc/passwd)</style>",
    "url(file:///etc/passwd)",
    "{{7*7}}",
    "javascript:alert(1)",
    '<a rel="attachment" href="data:text/plain,secret">x</a>',
    "<img src=\"file:///etc/passwd\" onerror=\"alert(1)\">",
]


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def all_stream_bytes(pdf: bytes) -> bytes:
    """Every object's decoded stream, so compressed content is searched too."""
    reader = read_pdf(pdf)
    chunks = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: S112 (free or missing object numbers)
            continue
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
        elif obj is not None:
            chunks.append(repr(obj).encode())
    return b"\n".join(chunks)


def assert_no_embedded_files(pdf: bytes) -> None:
    reader = read_pdf(pdf)
    root = _resolve(reader.trailer["/Root"])
    names = _resolve(root.get("/Names")) or {}
    assert "/EmbeddedFiles" not in names
    assert "/JavaScript" not in names
    assert "/OpenAction" not in root
    for page in reader.pages:
        for annot in _resolve(page.get("/Annots")) or []:
            annot = _resolve(annot)
            assert annot.get("/Subtype") != "/FileAttachment"
            assert "/FS" not in annot


def image_xobject_count(pdf: bytes) -> int:
    """Distinct image XObjects reachable from the pages (WeasyPrint shares one resource dict)."""
    images, seen = set(), set()

    def walk(resources):
        resources = _resolve(resources) or {}
        for ref in (_resolve(resources.get("/XObject")) or {}).values():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            if key in seen:
                continue
            seen.add(key)
            xobject = _resolve(ref)
            if xobject.get("/Subtype") == "/Image":
                images.add(key)
            elif xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in read_pdf(pdf).pages:
        walk(page.get("/Resources"))
    return len(images)


def body_text(pdf: bytes, context: dict) -> str:
    """The squashed text layer without page headers, footers and repeated table headers.

    An answer that runs over a page break is interrupted by those in reading
    order, so they are taken out before looking for the whole answer.
    """
    pages = read_pdf(pdf).pages
    chunks = []
    for number, page in enumerate(pages, start=1):
        text = squash(page.extract_text())
        for margin in (context["council_name"], "Reference " + context["reference"], context["form_title"],
                       f"Page {number} of {len(pages)}", "Question Answer", "File name Type Size"):
            text = text.replace(squash(margin), "")
        chunks.append(text)
    return "".join(chunks)


@pytest.fixture(scope="module")
def sample_pdf():
    from tests.unit.pdf.samples import sample_submission_context

    html = build_submission_html(sample_submission_context(images=3))
    start = time.perf_counter()
    pdf = render_pdf(html)
    elapsed = time.perf_counter() - start
    print(f"\nfirst render of 5 sections + 3 images, worker start included: {elapsed:.2f} s")
    return pdf


def test_every_label_value_and_the_reference_are_in_the_text_layer(sample_pdf, submission_context):
    text = body_text(sample_pdf, submission_context)
    assert squash("CP-2026-000123-v2") in text
    assert "Anytown Borough Council" in pdf_text(sample_pdf)
    for section in submission_context["sections"]:
        assert squash(section["title"]) in text
        for row in section["rows"]:
            assert squash(row["label"]) in text
            if row["value"]:
                assert squash(row["value"]) in text
    for attachment in submission_context["attachments"]:
        assert squash(attachment["name"]) in text
        assert squash(attachment["size_text"]) in text
        if attachment["description"]:
            assert squash(attachment["description"]) in text
    assert squash("No description") in text


def test_reference_and_page_numbers_on_every_page(sample_pdf):
    pages = read_pdf(sample_pdf).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "Reference CP-2026-000123-v2" in text
        assert f"Page {number} of {len(pages)}" in text


def test_pdf_is_tagged_for_screen_readers(sample_pdf):
    root = _resolve(read_pdf(sample_pdf).trailer["/Root"])
    assert _resolve(root["/MarkInfo"])["/Marked"] in (True, "true")
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"


def structure(pdf: bytes) -> list[str]:
    """The structure tree's element types in reading order ("/Sect", "/H2", ...)."""
    kinds = []

    def walk(node):
        node = _resolve(node)
        if not hasattr(node, "get") or "/S" not in node:
            return
        kinds.append(str(node["/S"]))
        kids = _resolve(node.get("/K"))
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    root = _resolve(read_pdf(pdf).trailer["/Root"])
    kids = _resolve(_resolve(root["/StructTreeRoot"])["/K"])
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid)
    return kinds


def test_a_resubmission_says_near_the_top_what_it_answers_in_a_tagged_section(sample_pdf,
                                                                              submission_context):
    """Version 2 of a form returned for more information says, before its answers, which request it
    answers and what that asked: a section with its own heading, like the answers' sections, its table
    captioned and its sections to check a list."""
    text = body_text(sample_pdf, submission_context)
    said = squash("In answer to a request for more information This version answers the Local Authority’s "
                  "request for more information of 1 March 2026 at 9:30am about the earlier version, "
                  "CP-2026-000123. What was asked Reason Insufficient detail Comments Please say when the "
                  "bruising was first seen, and by whom. Has a GP seen it? Sections to check Concerns "
                  "Supporting Documentation Earlier version CP-2026-000123")
    assert said in text
    assert text.index(said) < text.index(squash(submission_context["sections"][0]["title"]))
    kinds = structure(sample_pdf)
    first = kinds.index("/Sect")  # the first section after the submission details
    assert kinds[first + 1] == "/H2"
    answered = kinds[first:kinds.index("/Sect", first + 1)]
    assert "/Caption" in answered and "/L" in answered and answered.count("/LI") == 2


def test_images_are_embedded_as_image_xobjects(sample_pdf):
    assert image_xobject_count(sample_pdf) == 3


def test_sample_has_no_embedded_files(sample_pdf):
    assert_no_embedded_files(sample_pdf)
    check_pdf_is_inert(sample_pdf)


def test_hostile_answers_come_out_as_inert_text(submission_context):
    rows = [{"label": f"Question {i} {value}", "value": value} for i, value in enumerate(HOSTILE_VALUES)]
    submission_context["sections"] = [{"title": "<h1>Section</h1>", "rows": rows}]
    submission_context["answers_request"] = {
        "returned_at": submission_context["submitted_at"], "reason": HOSTILE_VALUES[1],
        "comments": "\n".join(HOSTILE_VALUES), "sections": [HOSTILE_VALUES[0]],
        "earlier_reference": "CP-2026-000123"}
    submission_context["attachments"] = [
        {"name": '"><link rel=attachment href="file:///etc/passwd">', "kind": "<b>x</b>",
         "size_text": "1 KB", "description": '<img src="file:///etc/passwd"> & notes',
         "image_data_url": None},
    ]
    pdf = render_pdf(build_submission_html(submission_context))

    text = squash(pdf_text(pdf))
    for value in HOSTILE_VALUES:
        assert squash(value) in text, value
    # The caseworker's comments on a request for more information are printed as typed too.
    assert squash("Comments" + "".join(HOSTILE_VALUES)) in text
    assert squash('<img src="file:///etc/passwd"> & notes') in text
    assert squash("<h1>Section</h1>") in text
    assert "49" not in pdf_text(pdf).replace("CP-2026-000123", "")
    assert_no_embedded_files(pdf)
    assert image_xobject_count(pdf) == 0
    with open("/etc/passwd", "rb") as passwd:
        first_line = passwd.readline().strip()
    streams = all_stream_bytes(pdf)
    assert b"root:x:0:0" not in streams
    assert first_line not in streams


def test_no_exif_reaches_the_pdf(submission_context):
    image = Image.new("RGB", (400, 300), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMake"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    submission_context["attachments"] = [{
        "name": "photo.jpg", "kind": "JPEG image", "size_text": "5 KB", "description": "",
        "image_data_url": image_data_url(buffer.getvalue(), "image/jpeg"),
    }]
    pdf = render_pdf(build_submission_html(submission_context))
    assert image_xobject_count(pdf) == 1
    assert b"SecretCameraMake" not in all_stream_bytes(pdf)
    assert b"Exif" not in all_stream_bytes(pdf)


def test_hostile_raw_html_is_still_contained():
    # Even HTML that bypassed the template cannot embed files or read the disk:
    # attachment links are stripped, and a file: stylesheet fails the render.
    secret = base64.b64encode(b"secret attachment").decode()
    html = (
        '<html lang="en-GB"><title>t</title>'
        f'<link rel="attachment" href="data:text/plain;base64,{secret}">'
        f'<p><a rel="attachment" href="data:text/plain;base64,{secret}">attach</a></p></html>'
    )
    pdf = render_pdf_inline(html)
    assert_no_embedded_files(pdf)
    assert b"secret attachment" not in all_stream_bytes(pdf)

    with pytest.raises(PdfRenderError):
        render_pdf_inline('<html lang="en-GB"><link rel="stylesheet" href="file:///etc/passwd"><p>x</p></html>')


def test_a_render_that_takes_too_long_is_killed():
    rows = "".join(f"<tr><th>Row {i}</th><td>{'word ' * 40}</td></tr>" for i in range(4000))
    html = f'<html lang="en-GB"><title>slow</title><table>{rows}</table></html>'
    start = time.perf_counter()
    with pytest.raises(PdfRenderError, match="longer than"):
        render_pdf(html, timeout_seconds=1)
    assert time.perf_counter() - start < 5
    # The killed worker is replaced: the next render works.
    assert render_pdf('<html lang="en-GB"><title>t</title><p>after</p></html>').startswith(b"%PDF-")


def test_a_render_that_needs_too_much_memory_fails_cleanly():
    image = Image.new("RGB", (7000, 7000), "red")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    html = f'<html lang="en-GB"><title>big</title><img alt="big" src="{data_url}"></html>'
    with pytest.raises(PdfRenderError):
        render_pdf(html, memory_limit_mb=512)
    assert render_pdf('<html lang="en-GB"><title>t</title><p>after</p></html>').startswith(b"%PDF-")


def _peak_address_space_mb() -> float:
    """Run in the render worker: the most address space it has held (what its limit counts)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmPeak:"))
    return int(line.split()[1]) / 1024


def test_a_full_submission_renders_far_inside_the_memory_limit(submission_context):
    """The limit is on address space. glibc gave each of pango's font threads a malloc arena of its own,
    64 MB reserved apiece: a 3-photo submission reserved about 370 MB while using 150, and a worker that
    had rendered many met the 512 MB limit starting a thread ("Error creating thread") and died. With
    one arena the same renders reserve about 210 MB."""
    html = build_submission_html(submission_context)
    for _ in range(3):
        assert render_pdf(html).startswith(b"%PDF-")
    peak = render._get_pool(512).submit(_peak_address_space_mb).result(timeout=10)
    assert peak < 300, f"the render worker reserved {peak:.0f} MB"


def test_steady_state_render_time(submission_context):
    html = build_submission_html(submission_context)
    render_pdf(html)  # warm the worker
    times = []
    for _ in range(5):
        start = time.perf_counter()
        render_pdf(html)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"\nsteady-state render, 5 sections + 3 images: median {median:.2f} s over 5 "
          f"(min {min(times):.2f}, max {max(times):.2f})")
    assert median < 10
