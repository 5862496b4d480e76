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


def _saved(app, draft_id: str, section_id: str) -> dict:
    from webapp.drafts.models import Draft
    from webapp.extensions import db

    with app.app_context():
        return db.session.get(Draft, draft_id).answers[section_id]


@pytest.mark.parametrize("typed", ["1/2/2015", "01.02.2015", "1-2-2015", " 1 Feb 2015 "])
@pytest.mark.parametrize("box", ["day", "year"])
def test_a_whole_date_typed_into_one_box_is_taken_as_that_date(app, client, make_user, typed, box):
    """People write a date "1/2/2015", and autofill or a paste puts it all in one box: it was refused as
    "must include a month and year", with the whole date left in the Day box to be split by hand."""
    runner = _runner(client, make_user, "safeguarding-concern")
    draft_id = runner.start()
    child = {**CHILD, "date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": "",
             f"date_of_birth-{box}": typed}

    response = runner.post(draft_id, "child", child)

    assert response.status_code == 303, unescape(response.get_data(as_text=True))
    assert _saved(app, draft_id, "child")["date_of_birth"] == "2015-02-01"


def test_a_whole_date_with_a_two_digit_year_is_shown_in_its_boxes_and_asks_for_the_year(client, make_user):
    runner = _runner(client, make_user, "safeguarding-concern")
    draft_id = runner.start()
    child = {**CHILD, "date_of_birth-day": "1/2/15", "date_of_birth-month": "", "date_of_birth-year": ""}

    html = runner.post(draft_id, "child", child).get_data(as_text=True)

    assert html.count("Year must include 4 numbers") == 2
    for part, value in (("day", "1"), ("month", "2"), ("year", "15")):
        assert f'id="date_of_birth-{part}" name="date_of_birth-{part}" type="text" value="{value}"' in html


def test_a_whole_date_works_in_an_add_another_item_too(app, client, make_user):
    runner = _runner(client, make_user, "safeguarding-concern")
    draft_id = runner.start()
    additional = {"siblings-0-first_name": "Ava", "siblings-0-date_of_birth-day": "3/4/2019",
                  "parents-0-name": "Mary O'Brien", "parents-0-relationship": "Mother",
                  "parents-0-parental_responsibility": "yes"}

    assert runner.post(draft_id, "additional", additional).status_code == 303
    assert _saved(app, draft_id, "additional")["siblings"][0]["date_of_birth"] == "2019-04-03"
