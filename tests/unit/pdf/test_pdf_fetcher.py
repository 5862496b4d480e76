import base64
import logging

import pytest

from webapp.pdf import PdfRenderError, render_pdf_inline
from webapp.pdf.fetcher import DataOnlyURLFetcher, RefusedURLError


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:5000/",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "/etc/passwd",
        "../../etc/passwd",
        "x.png",
        "//example.com/x.png",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_everything_but_data_urls(url):
    with pytest.raises(RefusedURLError):
        DataOnlyURLFetcher().fetch(url)


def test_fetcher_has_no_urllib_handlers_to_fall_back_on():
    # No file/http/ftp handler and no redirect handler, even if urllib's
    # OpenerDirector machinery were reached by some other code path.
    fetcher = DataOnlyURLFetcher()
    assert fetcher.handlers == []
    assert fetcher.handle_open == {}
    with pytest.raises(RefusedURLError):
        fetcher.open("file:///etc/passwd")
    with pytest.raises(RefusedURLError):
        fetcher("http://example.com/")


def test_fetcher_serves_data_urls():
    payload = b"\x89PNG fake bytes"
    url = "data:image/png;base64," + base64.b64encode(payload).decode()
    response = DataOnlyURLFetcher().fetch(url)
    assert response.read() == payload
    assert response.content_type == "image/png"

    text = DataOnlyURLFetcher().fetch("data:text/plain;charset=utf-8,hello%20there")
    assert text.read() == b"hello there"


def test_weasyprint_never_loads_a_file_url(caplog):
    # A file: image in raw HTML (which our template never produces) is refused
    # by the fetcher, logged, and fails the render rather than dropping silently.
    caplog.set_level(logging.WARNING)
    html = '<html lang="en-GB"><title>t</title><img src="file:///etc/passwd" alt="x"><p>text</p></html>'
    with pytest.raises(PdfRenderError):
        render_pdf_inline(html)
    assert any("refused a file URL" in record.getMessage() for record in caplog.records)
