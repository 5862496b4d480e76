"""A file over the request limit in a real browser, JavaScript on and off: the friendly message, not a
bare 413 or a reset connection, and the form's answers untouched."""

import pytest
from playwright.sync_api import expect

from e2e.test_attachments import open_supporting_documentation

pytestmark = pytest.mark.e2e
MB = 1024 * 1024


def test_oversized_file_gets_the_friendly_message(journey_page, js_mode, live_server, check_a11y, tmp_path):
    page = journey_page
    big = tmp_path / "holiday video.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"\0" * (13 * MB))
    open_supporting_documentation(page, live_server)

    page.get_by_label("Upload a file").set_input_files(big)
    page.get_by_role("button", name="Upload file").click()
    error = page.locator("#attachment-file-error")
    expect(error).to_contain_text("must be smaller than 10 MB")
    if js_mode == "js":  # the script tells the server the name of a file it cannot read
        expect(error).to_contain_text("holiday video.pdf: the file must be smaller than 10 MB")
    expect(page.get_by_text("No files have been attached.")).to_be_visible()
    check_a11y(page, "file too large")
