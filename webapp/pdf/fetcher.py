"""The only way WeasyPrint may load a resource while we render a submission.

WeasyPrint's stock fetcher reads local files and follows HTTP redirects, so a
`<link rel=attachment href=file:///…>` or a CSS `url(file:…)` that slipped into
the HTML would embed server files in a PDF that is then handed to a member of
the public. Everything the document needs (its CSS and the re-encoded image
copies) is inline, so the fetcher serves `data:` URLs and refuses anything else.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit
from urllib.request import DataHandler, Request

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

#: A data: URL bigger than this is refused: it can only be a mistake or an attack
#: (an image copy is re-encoded to a few hundred KB before it gets here).
MAX_DATA_URL_CHARS = 40 * 1024 * 1024


class RefusedURLError(ValueError):
    """A non-`data:` URL reached the fetcher.

    A ValueError, not WeasyPrint's FatalURLFetchingError: WeasyPrint logs it and
    renders on without the resource, so a stray URL costs an image, not the PDF
    of a safeguarding referral.
    """


class DataOnlyURLFetcher(URLFetcher):
    """Decodes `data:` URLs itself and never reaches urllib's opener.

    The parent class is kept only because WeasyPrint 70 asserts on its type and
    reads its `_fail_on_errors`; its handler chain (file, http, ftp, redirects)
    is emptied so even an accidental `open()` through urllib has nowhere to go.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        # Drop urllib's handlers: nothing in this class uses them, and an empty
        # chain turns any future code path that calls OpenerDirector.open into
        # an error instead of a file read or a network request.
        self.handlers = []
        self.handle_open = {}
        self.handle_error = {}
        self.process_request = {}
        self.process_response = {}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower() if ":" in url else ""
        if scheme != "data":
            # Log the scheme only: a URL may carry a path or query we do not
            # want in logs, and the scheme is enough to tell what was tried.
            log.warning("PDF render refused a %s URL", scheme or "relative")
            raise RefusedURLError(f"Only data: URLs may be loaded (got a {scheme or 'relative'} URL)")
        if len(url) > MAX_DATA_URL_CHARS:
            raise RefusedURLError("data: URL too large")
        # urllib's DataHandler parses the media type, charset and base64 flag
        # per RFC 2397; it never touches the network or the file system.
        response = DataHandler().data_open(Request(url))  # noqa: S310 (scheme checked above)
        try:
            body = response.read()
        finally:
            response.close()
        return URLFetcherResponse(url, body, dict(response.headers.items()), 200)
