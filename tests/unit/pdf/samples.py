"""A realistic submission for PDF tests and benchmarks.

Kept outside conftest.py so benchmarks can `from tests.unit.pdf.samples import
sample_submission_context` without pulling in pytest fixtures.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime

from PIL import Image, ImageDraw

from webapp.pdf.document import image_data_url


def sample_jpeg(width: int = 1000, height: int = 750, seed: int = 0) -> bytes:
    """A photo-like JPEG (gradient plus shapes) so compression is realistic, not a flat colour."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(10, 120)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


SECTIONS = [
    {
        "title": "About you",
        "rows": [
            {"label": "Your full name", "value": "Priya Raman"},
            {"label": "Your role", "value": "Designated Safeguarding Lead"},
            {"label": "Organisation", "value": "Hillside Primary School"},
            {"label": "Work telephone number", "value": "01632 960 123"},
            {"label": "Work email address", "value": "p.raman@hillside.example.sch.uk"},
            {"label": "Are you happy to be contacted about this referral?", "value": "Yes"},
        ],
    },
    {
        "title": "About the child",
        "rows": [
            {"label": "Child's first name", "value": "Jordan"},
            {"label": "Child's last name", "value": "Ellison-Hart"},
            {"label": "Date of birth", "value": "14 February 2017"},
            {"label": "Gender", "value": "Male"},
            {"label": "Home address", "value": "Flat 4, Orchard Court\n12 Mill Lane\nAnytown\nAN1 2BC"},
            {"label": "School or nursery", "value": "Hillside Primary School, Year 4"},
            {"label": "First language", "value": "English"},
            {"label": "Does the child have any disabilities or additional needs?",
             "value": "Has an EHCP for speech and language needs."},
            {"label": "NHS number (if known)", "value": ""},
        ],
    },
    {
        "title": "Parents, carers and household",
        "rows": [
            {"label": "Parent or carer 1", "value": "Samantha Ellison (mother)"},
            {"label": "Parent or carer 1 telephone", "value": "07700 900 456"},
            {"label": "Parent or carer 2", "value": "Unknown: father not in contact"},
            {"label": "Other adults in the household",
             "value": "Mother's partner, first name Lee, surname not known"},
            {"label": "Other children in the household", "value": "Half-sister, aged 2"},
            {"label": "Are the parents or carers aware of this referral?", "value": "No"},
            {"label": "If not, why not?",
             "value": "Informing the mother may place Jordan at increased risk of harm, "
                      "given what he said about Lee's reaction to him speaking to staff."},
        ],
    },
    {
        "title": "Your concern",
        "rows": [
            {"label": "Category of concern", "value": "Physical abuse; Neglect"},
            {"label": "Describe your concern",
             "value": ((
                 "On Monday 2 March at morning drop-off, Jordan arrived without a coat in heavy rain and "
                 "appeared hungry; he ate two portions at breakfast club.\n\n"
                 "At 10:40 his class teacher noticed bruising to his upper left arm, roughly the size of "
                 "fingertips, in a pattern consistent with being gripped. When asked, Jordan said he "
                 "\"fell off the sofa\" and then said \"Lee gets cross when I'm slow\".\n\n"
                 "He has been late 9 times this half term and his attendance has dropped to 82 %. His "
                 "uniform has not been washed for several weeks and he has asked staff for food to take "
                 "home for his sister.\n\n") * 2).strip()},
            {"label": "When did this happen?", "value": "2 March 2026, observed at 10:40"},
            {"label": "What has the child said, in their own words?",
             "value": "\"Lee gets cross when I'm slow.\"\n\"I'm not allowed to say.\""},
            {"label": "Has the child been seen by a health professional?", "value": "No"},
            {"label": "Is the child at immediate risk of harm?",
             "value": "Not known. He goes home at 15:15 today."},
        ],
    },
    {
        "title": "Actions taken and other agencies",
        "rows": [
            {"label": "What action has been taken so far?",
             "value": "Bruising recorded on a body map by the class teacher and DSL at 11:05. "
                      "Conversation recorded verbatim on CPOMS. Head teacher informed."},
            {"label": "Other agencies involved", "value": "School nursing team (2025, enuresis)"},
            {"label": "Has the police been informed?", "value": "No"},
            {"label": "Consent to share information",
             "value": "Consent not sought: seeking consent would place the child at risk."},
            {"label": "Anything else we should know?",
             "value": "The family moved into the area in September 2025 from another local authority; "
                      "previous school reported no concerns."},
        ],
    },
]


def sample_submission_context(images: int = 3) -> dict:
    """A full professional safeguarding concern: five sections, a Word document and `images` photos."""
    attachments = [
        {"name": "Body map 2 March.docx", "kind": "Word document", "size_text": "48 KB",
         "description": "Body map drawn by the class teacher", "image_data_url": None},
    ]
    for index in range(images):
        data = sample_jpeg(seed=index)
        attachments.append({
            "name": f"Photo {index + 1} of bruising.jpg",
            "kind": "JPEG image",
            "size_text": f"{len(data) / 1024:.0f} KB",
            "description": "Bruise on the upper arm" if index == 0 else "",
            "image_data_url": image_data_url(data, "image/jpeg"),
        })
    return {
        "council_name": "Anytown Borough Council",
        "form_title": "Professional safeguarding concern",
        "reference": "CP-2026-000123-v2",
        "version": 2,
        "submitted_at": datetime(2026, 3, 2, 14, 7, tzinfo=UTC),
        "submitter_name": "Priya Raman",
        "team_name": "Children First Partnership Hub",
        # Version 2 was sent in answer to a request for more information about version 1.
        "answers_request": {
            "returned_at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
            "reason": "Insufficient detail",
            "comments": "Please say when the bruising was first seen, and by whom.\nHas a GP seen it?",
            "sections": ["Concerns", "Supporting Documentation"],
            "earlier_reference": "CP-2026-000123",
        },
        "sections": [dict(section, rows=[dict(row) for row in section["rows"]]) for section in SECTIONS],
        "attachments": attachments,
        "generated_at": datetime(2026, 3, 2, 14, 8, tzinfo=UTC),
    }
