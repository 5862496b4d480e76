"""The child's date of birth and due date, as a person meets them in the Child / Young Person's Details
section of each form that asks for them."""

from html import unescape

import pytest

from tests.conftest import sign_in
from tests.functional.drafts.conftest import CHILD, Runner

PROFESSIONAL_FORMS = ("safeguarding-concern", "early-help")
PUBLIC_FORMS = ("public-concern", "public-early-help")


def _runner(client, make_user, form_id: str) -> Runner:
    public = form_id in PUBLIC_FORMS
    make_user(is_professional=not public, **({"role": None, "organisation": None} if public else {}))
    sign_in(client)
    return Runner(client)


@pytest.mark.parametrize("form_id", PROFESSIONAL_FORMS + PUBLIC_FORMS)
def test_a_missing_date_of_birth_asks_for_the_childs_date_of_birth(client, make_user, form_id):
    """GOV.UK's error for a missing date says whose it is: "Enter date of birth" read as a fragment,
    and on a page that asks about the referrer too, it did not say whose date was meant."""
    runner = _runner(client, make_user, form_id)
    draft_id = runner.start(form_id)
    child = {**CHILD, "date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": ""}

    html = unescape(runner.post(draft_id, "child", child).get_data(as_text=True))
    assert html.count("Enter the child's date of birth") == 2  # the summary and the field
    assert "Enter date of birth" not in html

    child.update({"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "2016"})
    html = unescape(runner.post(draft_id, "child", child).get_data(as_text=True))
    assert html.count("The child's date of birth must be a real date") == 2


@pytest.mark.parametrize("form_id", PROFESSIONAL_FORMS)
def test_a_missing_due_date_asks_for_the_expected_due_date(client, make_user, form_id):
    runner = _runner(client, make_user, form_id)
    draft_id = runner.start(form_id)
    unborn = {**CHILD, "dob_status": "unborn"}

    html = unescape(runner.post(draft_id, "child", unborn).get_data(as_text=True))
    assert html.count("Enter the expected due date") == 2
    assert "Enter expected due date" not in html
