"""Complete drafts of the professional safeguarding concern, made the way the runner saves them
(posted form data through formdefs.answers_from_form), for the functional, e2e and benchmark code."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta

from werkzeug.datastructures import MultiDict

from tests.conftest import post_form
from webapp import formdefs
from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.drafts.models import Draft
from webapp.extensions import db

FORM_ID = "safeguarding-concern"
CHILD_FIRST = "Jordan"
CHILD_SURNAME = "Ellison-Hart"

POSTED = {
    "professional": {
        "first_name": "Priya", "last_name": "Shah", "role": "Designated Safeguarding Lead",
        "organisation": "Meadow Primary School", "phone": "01942 000001", "email": "teacher@example.com",
    },
    "child": {
        "first_name": CHILD_FIRST, "surname": CHILD_SURNAME, "dob_status": "born",
        "date_of_birth-day": "14", "date_of_birth-month": "2", "date_of_birth-year": "2017",
        "gender": "male", "address-line1": "Flat 4, Orchard Court", "address-town": "Wigan",
        "address-postcode": "WN1 1AB", "ethnicity": "not_known", "first_language": "English",
        "interpreter": "no", "disability": "no", "school": "Meadow Primary School",
    },
    "consent": {"parents_aware": "no", "consent": "no",
                "no_consent_reason": "Asking would increase the risk to Jordan."},
    "additional": {
        "parents-0-name": "Samantha Ellison", "parents-0-relationship": "Mother",
        "parents-0-parental_responsibility": "yes",
        "other_household": "Mother's partner, first name Lee",
    },
    "concerns": {
        "worries": "Jordan arrived with bruising to his upper arm and said Lee grabbed him.",
        "what_changed": "This is the second injury this month.",
        "impact": "Jordan is withdrawn and has missed four days of school.",
        "previous_concerns": "no",
    },
    "contact": {"contact_method": "either", "contact_times": "Weekday mornings"},
}


def complete_answers(overrides: dict | None = None) -> dict:
    """{section_id: answers} for every question section, valid for submit."""
    definition = formdefs.load_catalogue().get(FORM_ID)
    answers = {}
    for section_id, posted in POSTED.items():
        values = dict(posted)
        values.update((overrides or {}).get(section_id, {}))
        section = definition.section(section_id)
        answers[section_id] = formdefs.answers_from_form(
            section, formdefs.build_section_form(section, MultiDict(values)))
    missing = formdefs.missing_for_submit(definition, answers)
    assert not missing, missing
    return answers


def make_draft(user_id: int, answers: dict | None = None, *, form_version: int = 1, **fields) -> str:
    """Insert a draft (inside an app context) and return its id."""
    now = utcnow()
    draft = Draft(user_id=user_id, form_id=FORM_ID, form_version=form_version,
                  answers=complete_answers() if answers is None else answers, section_status={},
                  description="Child/Young Person Safeguarding Concern", saved_at=now, created_at=now,
                  expires_at=now + timedelta(days=30), **fields)
    db.session.add(draft)
    db.session.commit()
    return draft.id


def photo_with_exif(seed: int = 0, size: tuple[int, int] = (800, 600)) -> bytes:
    """A JPEG that still carries EXIF (camera model and GPS-like data), as a phone photo would."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (200 - seed * 20, 120, 40 + seed * 30))
    ImageDraw.Draw(image).ellipse((100, 100, 400, 400), fill=(20, 60, 200))
    exif = Image.Exif()
    exif[0x0110] = "SecretCam 3000"  # Model
    exif[0x010E] = "Taken at 12 Mill Lane"  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def attach(draft_id: str, user_id: int, name: str, data: bytes, *, kind: str = "image",
           content_type: str = "image/jpeg", description: str = "") -> str:
    attachment = Attachment(user_id=user_id, draft_id=draft_id, display_name=name, kind=kind,
                            content_type=content_type, size=len(data), data=data,
                            description=description)
    db.session.add(attachment)
    db.session.commit()
    return attachment.id


def add_reworded_declaration_version(app) -> None:
    """Give the app a version 2 of the safeguarding concern that differs from version 1 only in its
    declaration's words, as a reworded form would: what each version's submitter agreed to differs."""
    from webapp.submissions import services

    with app.app_context():
        catalogue = services.catalogue()
        v1 = catalogue.get("safeguarding-concern", 1)
        reworded = dataclasses.replace(v1.section("declaration"), content=(
            formdefs.Block(kind="paragraph", text="I promise this is all true, reworded."),))
        v2 = dataclasses.replace(v1, version=2, sections=tuple(
            reworded if s.id == "declaration" else s for s in v1.sections))
        app.extensions["form_catalogue"] = formdefs.FormCatalogue((*catalogue.definitions, v2))


def submit(client, draft_id: str, declaration: str | None = "y", **kwargs):
    """POST the dialog's (or the confirmation page's) form, with the CSRF token of the declaration page."""
    data = {"declaration": declaration} if declaration else {}
    return post_form(client, f"/drafts/{draft_id}/declaration", data, post_url=f"/drafts/{draft_id}/submit",
                     **kwargs)


def return_for_information(app, submission_id: str, reason="Insufficient detail",
                           comments="Please tell us more about the bruising.", sections=("concerns",)):
    """What the back office does when it returns a form (its own service is tested there)."""
    from webapp.extensions import db
    from webapp.submissions.models import ReturnRequest, Submission

    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        submission.status = "returned"
        db.session.add(ReturnRequest(submission_id=submission_id, version_number=submission.latest.number,
                                     reason=reason, comments=comments, sections=list(sections)))
        db.session.commit()


def printed_lines(row: dict) -> list[str]:
    """The lines a PDF prints for one row of rendering.answer_sections: an add-another answer as a
    block per item (its title, then each sub-question and its answer's lines), any other its value's."""
    if row.get("items"):
        lines = []
        for item in row["items"]:
            lines.append(item.title)
            for label, text in item.rows:
                lines.extend([label, *text.splitlines()])
        return lines
    return row["value"].splitlines()
