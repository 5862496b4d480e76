"""Submissions made straight in the database, as the submit service would leave them, so the back office
can be tested on its own. Answers are a realistic Child/Young Person Safeguarding Concern (v1)."""

from __future__ import annotations

import copy
import itertools
from datetime import datetime, timedelta

from webapp.attachments.models import Attachment
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.submissions.models import Submission, SubmissionVersion
from webapp.validation import fold_for_search

FORM_ID = "safeguarding-concern"
FORM_TITLE = "Child/Young Person Safeguarding Concern"

ANSWERS = {
    "professional": {"first_name": "Priya", "last_name": "Shah", "role": "Designated Safeguarding Lead",
                     "organisation": "Meadow Primary School", "phone": "01942000001",
                     "email": "teacher@example.com"},
    "child": {"first_name": "Jordan", "surname": "Ellison", "dob_status": "born",
              "date_of_birth": "2017-02-14",
              "gender": "male", "address": {"line1": "Flat 4, Orchard Court", "line2": "12 Mill Lane",
                                            "town": "Wigan", "postcode": "WN1 2BC"},
              "first_language": "English", "interpreter": "no", "disability": "no",
              "school": "Meadow Primary School"},
    "consent": {"parents_aware": "yes", "consent": "yes"},
    "additional": {"parents": [{"name": "Kerry Ellison", "relationship": "Mother",
                                "parental_responsibility": "yes"}],
                   "other_household": "Mother's partner, about 30."},
    "concerns": {"worries": "Jordan came to school with a bruise on his cheek and said he fell.",
                 "what_changed": "This is the third bruise this half term.",
                 "impact": "Jordan is withdrawn and tired in class.", "previous_concerns": "no"},
    "contact": {"contact_method": "phone", "contact_times": "Weekday mornings"},
}

_counter = itertools.count(1)


def answers(**changes) -> dict:
    """The sample answers with some changed: answers(child={"surname": "Ellis"})."""
    out = copy.deepcopy(ANSWERS)
    for section, values in changes.items():
        out.setdefault(section, {}).update(values)
    return out


def make_submission(user_id: int | None, *, team: str = "social-care", status: str = "submitted",
                    child_name: str = "Jordan Ellison", reference: str | None = None,
                    submitted_at: datetime | None = None, versions: list[dict] | None = None,
                    pdf: bytes | None = b"%PDF-1.7 sample", files: list[tuple[str, str, bytes]] = ()) -> str:
    """A submission with one version per answers dict in `versions`; files go on the latest version.

    Call inside an app context; returns the submission id.
    """
    submitted_at = submitted_at or utcnow()
    versions = versions or [answers()]
    number = next(_counter)
    submission = Submission(reference=reference or f"CP-2026-{number:06d}", user_id=user_id, form_id=FORM_ID,
                            form_title=FORM_TITLE, team=team, child_name=child_name,
                            searched_names=fold_for_search(child_name), status=status,
                            first_submitted_at=submitted_at - timedelta(hours=len(versions) - 1),
                            last_submitted_at=submitted_at)
    db.session.add(submission)
    db.session.flush()
    version = None
    for index, version_answers in enumerate(versions, start=1):
        version = SubmissionVersion(submission_id=submission.id, number=index, form_version=1,
                                    answers=version_answers, submitted_by=user_id,
                                    submitted_at=submitted_at - timedelta(hours=len(versions) - index),
                                    idempotency_key=f"test-{submission.id}-{index}", pdf=pdf,
                                    pdf_rendered_at=utcnow() if pdf else None)
        db.session.add(version)
    db.session.flush()
    for name, content_type, data in files:
        db.session.add(Attachment(user_id=user_id, version_id=version.id, display_name=name, kind="pdf",
                                  content_type=content_type, size=len(data), data=data))
    db.session.commit()
    return submission.id
