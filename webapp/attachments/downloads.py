"""One way to hand a stored file back, whoever may download it (its owner, the submitter, the team).

The file is sent as an attachment under its cleaned name (RFC 6266), never sniffed as another type,
never cached, and should a browser render it anyway, it runs nothing and fetches nothing.
"""

from flask import Response, make_response

from .filenames import content_disposition
from .models import Attachment


def file_download(attachment: Attachment) -> Response:
    response = make_response(attachment.data)
    response.headers["Content-Type"] = attachment.content_type
    response.headers["Content-Disposition"] = content_disposition(attachment.display_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return response
