"""The PDF of a submitted referral, rendered once with WeasyPrint locked down.

Other domains feed this package plain data, never models, so the scheduler can
render off the request path and the PDF shows exactly the labels and answers
the form had when it was submitted.

Usage::

    from webapp.pdf import build_submission_html, render_pdf, PdfRenderError
    pdf_bytes = render_pdf(build_submission_html(context))

Context contract for ``build_submission_html`` (templates/pdf/submission.html).
Every string is plain text: the template autoescapes it, and newlines in a
value are kept by CSS (``white-space: pre-wrap``). Never pass ``Markup``.

``council_name`` : str
    Shown in the header band of the first page, e.g. "Anytown Borough Council".
``form_title`` : str
    The form definition's title at the version answered.
``reference`` : str
    The submission reference, e.g. "CP-2026-000123" or "CP-2026-000123-v2";
    repeated in every page header.
``version`` : int
    The submission version (1 for the first submission).
``submitted_at`` : datetime
    When it was submitted: naive UTC as stored, or timezone-aware; shown in London time as the
    portal's pages show it ("5 March 2026 at 2:07pm").
``submitter_name`` : str
``submitter_email`` : str, optional
    The address of the account that submitted, as it was then. A member of the public's forms ask
    for no email address of their own ("only contact me by email" has nothing else to go on), and
    the PDF is the copy a caseworker prints for the case file. Omitted or "": no row.
``team_name`` : str
    The Local Authority team the submission was routed to, as the council's user guide names it
    ("Children First Partnership Hub"; webapp.accounts.models.RECEIVING_TEAMS).
``answers_request`` : dict, optional
    For a resubmission, the request for more information it was sent in answer to
    (webapp.submissions.services.request_answered_by): ``returned_at`` (datetime), ``reason``,
    ``comments`` (the caseworker's text, plain and possibly multi-line), ``sections`` (list of
    section titles) and ``earlier_reference``. Printed near the top, before the answers. Omitted
    or None: a first version, no such section.
``sections`` : list of {"title": str, "rows": list of {"label": str, "value": str, "items"?: list}}
    In form order; labels as they were when answered. An unanswered optional
    question should be passed with value "" (shown as "Not answered"). ``items``,
    when given and not empty, are an add-another answer's items (each child or
    agency: ``.title`` and ``.rows`` of (label, text)), printed as a block each
    with its sub-questions one under another instead of ``value``'s lines.
``attachments`` : list of {"name": str, "kind": str, "size_text": str, "description": str,
    "image_data_url": str | None}
    ``kind`` is a human description ("JPEG image", "Word document");
    ``size_text`` is pre-formatted ("1.2 MB"). ``description`` is what the
    submitter said the file is ("What is this document?"), "" when nothing
    (shown as "No description"). ``image_data_url`` is None for
    non-images, else a base64 data: URL of the re-encoded JPEG/PNG copy, built
    with ``webapp.pdf.document.image_data_url(data, mime_type)``; it is the only
    kind of URL the renderer will load.
``declaration`` : list of {"text": str, "items": list of str}, optional
    The words the submitter confirmed on the Declaration & Submit page, in the form version's own
    wording: each block a paragraph (``text``) or a bulleted list (``items``, ``text`` ""). Printed
    near the end, as agreed at ``submitted_at``. Omitted or empty: no declaration section.
``declaration_label`` : str, optional
    The words of the box ticked to agree ("I confirm the declaration above").
``generated_at`` : datetime
    When the PDF was produced (printed in the footer of the last section).

Failure is loud: ``render_pdf`` raises ``PdfRenderError`` (time-out after
``timeout_seconds``, more than ``memory_limit_mb``, an image that would not
load, or a PDF with embedded files or actions) rather than returning a PDF with
something missing; the submission is kept and the render can be retried.
"""

from webapp.pdf.document import build_submission_html, image_data_url
from webapp.pdf.render import PdfRenderError, render_pdf, render_pdf_inline, shutdown

__all__ = [
    "PdfRenderError",
    "build_submission_html",
    "image_data_url",
    "render_pdf",
    "render_pdf_inline",
    "shutdown",
]
