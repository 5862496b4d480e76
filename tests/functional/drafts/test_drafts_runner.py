"""The section runner: starting a form, per-section save, errors, add-another, inline checks, autosave."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from flask import request
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests import samples
from tests.conftest import post_form
from tests.functional.drafts.conftest import CHILD, HX, page_version
from tests.support import at_the_same_moment, csrf_token, sessions_saved_in_order
from webapp.clock import utcnow
from webapp.drafts.models import Draft
from webapp.extensions import db
from webapp.web.dates import uk_date, uk_time


def load(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        db.session.expunge(draft)
        return draft


# --- Starting -------------------------------------------------------------------------------------

def test_overview_is_readable_signed_out_and_next_asks_to_login_or_register(client):
    response = client.get("/forms/safeguarding-concern")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "What does safeguarding children mean?" in html
    assert 'href="/forms/safeguarding-concern/login-or-register"' in html

    page = client.get("/forms/safeguarding-concern/login-or-register").get_data(as_text=True)
    assert "In order to progress with this form you must either login or register" in page
    assert "/sign-in?next=/forms/safeguarding-concern" in page
    assert "/register" in page


def test_sign_in_from_login_or_register_returns_to_the_same_form(client, make_user):
    make_user()
    response = post_form(client, "/sign-in?next=/forms/lado",
                         {"email": "teacher@example.com", "password": "correct horse battery staple"})
    assert response.headers["Location"] == "/forms/lado"


def test_unknown_form_is_404(client):
    assert client.get("/forms/no-such-form").status_code == 404


def test_start_needs_sign_in(client):
    page = client.get("/sign-in")
    response = client.post("/forms/safeguarding-concern/start",
                           data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_start_creates_a_draft_with_30_days_and_prefills_professional_details(app, runner):
    draft_id = runner.start()
    draft = load(app, draft_id)
    assert draft.form_id == "safeguarding-concern" and draft.form_version == 1
    assert (draft.expires_at - draft.saved_at).days == 30
    html = runner.page(draft_id, "professional").get_data(as_text=True)
    assert 'value="Priya"' in html and 'value="Meadow Primary School"' in html
    assert "app-section-nav" in html and "Not started" in html
    assert "we will sign you out if you do nothing for 30 minutes" in html
    assert "Save and complete later" in html


START_KEY_RE = re.compile(r'name="start_key" value="([^"]+)"')


def _press_next_on_the_overview(client, form_id: str = "safeguarding-concern", times: int = 1,
                                at_once_with=None) -> list[str]:
    """Load the Overview once, then press its Next `times` times (a double-click with JavaScript
    off); return where each press leads."""
    html = client.get(f"/forms/{form_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "start_key": START_KEY_RE.search(html).group(1)}
    presses = [lambda: client.post(f"/forms/{form_id}/start", data=data) for _ in range(times)]
    responses = at_once_with(presses) if at_once_with else [press() for press in presses]
    assert all(response.status_code == 303 for response in responses)
    return [response.headers["Location"] for response in responses]


def _drafts_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Draft))


def test_next_pressed_twice_on_the_overview_starts_one_draft(app, runner):
    """Without JavaScript nothing stops a double-click: each post started a draft, and an empty twin
    appeared in Recover a Form."""
    first, second = _press_next_on_the_overview(runner.client, times=2)
    assert first == second
    assert _drafts_count(app) == 1
    assert runner.client.get("/drafts").get_data(as_text=True).count(">Resume<") == 1


def test_next_pressed_twice_at_the_same_moment_starts_one_draft(app, runner, monkeypatch):
    from webapp.drafts import services

    def at_once(presses):
        return at_the_same_moment(monkeypatch, services, "_started_with", presses)

    first, second = _press_next_on_the_overview(runner.client, times=2, at_once_with=at_once)
    assert first == second
    assert _drafts_count(app) == 1


def _draft_id(location: str) -> str:
    return re.search(r"/drafts/([0-9a-f]{32})/", location).group(1)


def test_each_visit_to_the_overview_starts_a_draft_of_its_own_once_an_answer_is_saved(app, runner):
    """Starting the same form again later (another child) is a new draft, not the first one back."""
    [first] = _press_next_on_the_overview(runner.client)
    assert runner.post(_draft_id(first), "child", CHILD).status_code == 303
    [second] = _press_next_on_the_overview(runner.client)
    assert first != second
    assert _drafts_count(app) == 2


def test_next_on_the_overview_again_resumes_the_draft_it_started_if_nothing_was_saved(app, runner):
    """Start a form, go back to its Overview, press Next again: each press left another empty draft in
    Recover a Form. The one never saved to is resumed (with its 30 days from now), however often."""
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        [first] = _press_next_on_the_overview(runner.client)
    with time_machine.travel(datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        [second] = _press_next_on_the_overview(runner.client)
        [third] = _press_next_on_the_overview(runner.client)
        assert first == second == third
        assert _drafts_count(app) == 1
        assert runner.client.get("/drafts").get_data(as_text=True).count(">Resume<") == 1
        assert load(app, _draft_id(first)).expires_at == datetime(2026, 4, 19, 12)


def test_a_started_draft_is_resumed_only_if_it_is_this_forms_own_and_alive_and_never_saved(
        app, runner, other_runner, tmp_path):
    """What is not resumed: another form's draft, another account's, one past its 30 days, one with an
    answer saved (even an empty section), one with only a file attached."""
    from webapp.attachments import services as attachments

    [lado] = _press_next_on_the_overview(runner.client, "lado")
    [theirs] = _press_next_on_the_overview(other_runner.client)
    [mine] = _press_next_on_the_overview(runner.client)
    assert len({lado, theirs, mine}) == 3

    assert runner.post(_draft_id(mine), "child", {}, action="save-later").status_code == 303
    [after_an_empty_save] = _press_next_on_the_overview(runner.client)
    assert after_an_empty_save != mine

    with app.app_context():
        draft = db.session.get(Draft, _draft_id(after_an_empty_save))
        attachments.add_file(draft, draft.user_id, "notes.pdf", samples.pdf(), "", app.config, 30)
    [after_a_file] = _press_next_on_the_overview(runner.client)
    assert after_a_file != after_an_empty_save

    [again] = _press_next_on_the_overview(runner.client)
    assert again == after_a_file  # never saved to yet
    with app.app_context():
        draft = db.session.get(Draft, _draft_id(again))
        draft.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    [after_expiry] = _press_next_on_the_overview(runner.client)
    assert after_expiry != after_a_file
    assert _drafts_count(app) == 6


def test_the_same_key_from_another_account_starts_that_accounts_own_draft(app, runner, other_runner):
    html = runner.client.get("/forms/safeguarding-concern").get_data(as_text=True)
    key = START_KEY_RE.search(html).group(1)
    [mine] = [runner.client.post("/forms/safeguarding-concern/start",
                                 data={"csrf_token": csrf_token(html), "start_key": key}).headers["Location"]]
    other_html = other_runner.client.get("/forms/safeguarding-concern").get_data(as_text=True)
    response = other_runner.client.post("/forms/safeguarding-concern/start",
                                        data={"csrf_token": csrf_token(other_html), "start_key": key})
    assert response.status_code == 303 and response.headers["Location"] != mine
    assert _drafts_count(app) == 2


@pytest.mark.parametrize("key", ["", "x" * 5000, "not a key at all!!!!!!", "\u00e9" * 22])
def test_a_start_key_that_is_not_one_the_page_made_still_starts_a_draft(app, runner, key):
    """Ignored: the press starts a draft, and the second (nothing saved yet) resumes it."""
    html = runner.client.get("/forms/safeguarding-concern").get_data(as_text=True)
    for _ in range(2):
        response = runner.client.post("/forms/safeguarding-concern/start",
                                      data={"csrf_token": csrf_token(html), "start_key": key})
        assert response.status_code == 303
    assert _drafts_count(app) == 1


def _section_list(html: str) -> list[tuple[str, str, str]]:
    """(element, what it does, title) of each entry: a button's action or a link's address."""
    nav = re.search(r'<nav class="app-section-nav".*?</nav>', html, re.S).group(0)
    entries = re.findall(r'<(a|button) class="app-section-nav__link"[^>]*?(?:href|value)="([^"]+)"[^>]*>'
                         r'([^<]+)</(?:a|button)>', nav)
    entries += re.findall(r'<(button) type="submit" form="section-form" name="action" value="([^"]+)" '
                          r'class="app-section-nav__link"[^>]*>([^<]+)</button>', nav)
    return [(element, target, unescape(title)) for element, target, title in entries]


def test_the_section_list_is_the_sections_buttons_on_a_section_and_links_on_the_check(app, runner):
    draft_id = runner.start()
    titles = [s.title for s in app.extensions["form_catalogue"].get("safeguarding-concern").sections]
    on_section = _section_list(runner.page(draft_id, "concerns").get_data(as_text=True))
    assert [title for _, _, title in on_section] == titles
    assert {element for element, _, _ in on_section} == {"button"}
    assert all(target.startswith("go-to:") for _, target, _ in on_section)

    on_check = _section_list(runner.client.get(f"/drafts/{draft_id}/check").get_data(as_text=True))
    assert [title for _, _, title in on_check] == titles
    for element, href, title in on_check:
        assert element == "a"
        page = unescape(runner.client.get(href, follow_redirects=True).get_data(as_text=True))
        expected = "Check your answers" if href.endswith("/check") else f'tabindex="-1">{title}</h1>'
        assert expected in page


def test_leaving_by_the_section_list_keeps_what_was_typed_without_javascript(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Sam"}, action="go-to:concerns")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/drafts/{draft_id}/concerns"
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "Sam"
    # Not a claim to have finished: the missing answers are not errors yet.
    assert draft.section_status["child"] == "in-progress"

    page = runner.page(draft_id, "child").get_data(as_text=True)
    assert 'value="Sam"' in page and "There is a problem" not in page


def _shown(html: str) -> dict[str, str]:
    """What a browser would post of the section's text inputs as the page shows them."""
    form = re.search(r'<form[^>]*id="section-form".*?</form>', html, re.S).group(0)
    return {name: unescape(value) for name, value in
            re.findall(r'<input class="govuk-input[^"]*"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}


def test_a_section_only_looked_at_is_not_saved_nor_marked(app, runner):
    draft_id = runner.start()
    version = load(app, draft_id).version
    shown = _shown(runner.page(draft_id, "professional").get_data(as_text=True))
    assert "Priya" in shown.values()  # filled in from the account
    for section_id, data in (("professional", shown), ("concerns", {})):
        response = runner.post(draft_id, section_id, data, action="go-to:child")
        assert response.status_code == 303
    draft = load(app, draft_id)
    assert draft.version == version
    assert "professional" not in draft.section_status and "concerns" not in draft.section_status


def test_the_section_list_with_htmx_swaps_the_chosen_section_in(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Sam"}, action="go-to:concerns", htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == f"/drafts/{draft_id}/concerns"
    assert 'tabindex="-1">Concerns</h1>' in response.get_data(as_text=True)
    assert load(app, draft_id).answers["child"]["first_name"] == "Sam"


def test_the_section_list_leads_to_the_answer_check_and_nowhere_else(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Sam"}, action="go-to:declaration")
    assert (response.status_code, response.headers["Location"]) == (303, f"/drafts/{draft_id}/check")
    assert load(app, draft_id).answers["child"]["first_name"] == "Sam"
    response = runner.post(draft_id, "child", {"first_name": "Jo"}, action="go-to:no-such-section")
    assert response.status_code == 404
    assert load(app, draft_id).answers["child"]["first_name"] == "Sam"


def test_enter_in_a_text_box_still_means_next(runner):
    """A form's default button is its first submit button: the hidden Next, before the form's own
    buttons ("Add another") and the section list's."""
    draft_id = runner.start()
    html = runner.page(draft_id, "additional").get_data(as_text=True)
    default = html.index('<button type="submit" form="section-form" name="action" value="next"')
    assert default < html.index('id="section-form"') < html.index('value="add:')
    assert default < html.index('value="go-to:')


def test_the_heading_and_questions_come_before_the_section_list(runner):
    """On a phone the grid stacks in the page's order: the section's heading, its questions and its
    buttons come first, and the list of nine sections follows them, on Check your answers too."""
    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    assert html.index("<h1") < html.index('name="first_name"') < html.index("Save and complete later") \
        < html.index('id="sections-heading"')
    html = runner.client.get(f"/drafts/{draft_id}/check").get_data(as_text=True)
    assert html.index("Check your answers before you submit") < html.index('id="sections-heading"')


# --- Sections: page and fragment ------------------------------------------------------------------

def test_section_page_and_fragment_come_from_one_partial(runner):
    draft_id = runner.start()
    page = runner.page(draft_id, "child")
    fragment = runner.client.get(f"/drafts/{draft_id}/child", headers=HX)
    page_html, fragment_html = page.get_data(as_text=True), fragment.get_data(as_text=True)
    assert "<html" in page_html and "<html" not in fragment_html
    assert 'id="section-runner"' in page_html and 'id="section-runner"' in fragment_html
    assert "HX-Request" in fragment.headers["Vary"]
    assert page.headers["Cache-Control"] == "no-store"


def test_next_saves_marks_completed_and_redirects(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", CHILD)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/drafts/{draft_id}/consent"
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "Sam"
    assert draft.answers["child"]["date_of_birth"] == "2016-04-03"
    assert draft.section_status["child"] == "completed"
    assert draft.version == 2
    assert "Sam Jones" in draft.description


def test_next_with_htmx_returns_next_fragment_and_pushes_url(runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", CHILD, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == f"/drafts/{draft_id}/consent"
    assert "<html" not in html and ">Consent</h1>" in html
    assert "<title>Consent" in html
    assert "Completed" in html


def test_errors_re_render_with_422_summary_and_keep_answers(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Séverine \u2603", "other_names": "Bea"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert "Enter the child&#39;s last name" in html
    assert 'href="#surname"' in html
    assert 'value="Séverine \u2603"' in html and 'value="Bea"' in html
    assert "<title>Error: " in html
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "Séverine \u2603"
    assert draft.section_status["child"] == "has-errors"

    fragment = runner.post(draft_id, "child", {"first_name": "x"}, htmx=True)
    assert fragment.status_code == 422
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Has errors" in runner.page(draft_id, "consent").get_data(as_text=True)


def _date_parts_in_error(html: str, name: str) -> list[str]:
    return [part for part in ("day", "month", "year")
            if re.search(rf'class="[^"]*govuk-input--error[^"]*" id="{name}-{part}"', html)]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_date_missing_one_part_links_to_and_marks_only_that_part(runner, htmx):
    """GOV.UK date input: the summary's link goes to the first part in error and only the parts in error
    are red; a date missing its year used to send the person to Day and mark all three."""
    draft_id = runner.start()
    child = {**CHILD, "date_of_birth-day": "3", "date_of_birth-month": "4", "date_of_birth-year": ""}
    html = runner.post(draft_id, "child", child, htmx=htmx).get_data(as_text=True)
    assert "The child&#39;s date of birth must include a year" in html
    assert 'href="#date_of_birth-year"' in html
    assert _date_parts_in_error(html, "date_of_birth") == ["year"]

    child.update({"date_of_birth-day": "", "date_of_birth-year": "2016"})
    html = runner.post(draft_id, "child", child, htmx=htmx).get_data(as_text=True)
    assert 'href="#date_of_birth-day"' in html
    assert _date_parts_in_error(html, "date_of_birth") == ["day"]

    # Every part there but no such date: the whole date is in error, and the link goes to its first part.
    child.update({"date_of_birth-day": "31", "date_of_birth-month": "2"})
    html = runner.post(draft_id, "child", child, htmx=htmx).get_data(as_text=True)
    assert 'href="#date_of_birth-day"' in html
    assert _date_parts_in_error(html, "date_of_birth") == ["day", "month", "year"]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_two_digit_year_asks_for_4_numbers_on_the_year_and_keeps_what_was_typed(runner, htmx):
    """GOV.UK date input: "Year must include 4 numbers", with the year alone red and linked to; a year
    like "16" used to get "must be a real date" with all three parts marked."""
    draft_id = runner.start()
    child = {**CHILD, "date_of_birth-day": "3", "date_of_birth-month": "4", "date_of_birth-year": "16"}
    response = runner.post(draft_id, "child", child, htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count("Year must include 4 numbers") == 2  # the summary and the field
    assert 'href="#date_of_birth-year"' in html
    assert _date_parts_in_error(html, "date_of_birth") == ["year"]
    assert 'id="date_of_birth-year" name="date_of_birth-year" type="text" value="16"' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_a_date_no_one_could_mean_is_refused_with_the_limit_and_kept_as_typed(app, runner, htmx):
    """A slip of the century (a child born in 1915) or of the year (a baby due in 2062) was saved as
    "Completed" and reached a caseworker; now the section says which date is the limit."""
    draft_id = runner.start()
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        child = {**CHILD, "date_of_birth-year": "1915"}
        response = runner.post(draft_id, "child", child, htmx=htmx)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        message = "The child&#39;s date of birth must be the same as or after 1 March 2001"
        assert html.count(message) == 2  # summary, field
        assert 'href="#date_of_birth-day"' in html
        assert 'name="date_of_birth-year" type="text" value="1915"' in html

        unborn = {**CHILD, "dob_status": "unborn", "due_date-day": "14", "due_date-month": "8",
                  "due_date-year": "2062"}
        html = runner.post(draft_id, "child", unborn, htmx=htmx).get_data(as_text=True)
        assert "The expected due date must be the same as or before 26 December 2026" in html
        assert runner.post(draft_id, "child", {**unborn, "due_date-year": "2026"}).status_code == 303
    assert load(app, draft_id).answers["child"]["due_date"] == "2026-08-14"


@pytest.mark.parametrize("htmx", [False, True])
def test_the_lado_subjects_date_of_birth_is_bounded_as_a_childs_is(app, runner, htmx):
    """The person an allegation is about could be given a date of birth in 1901 (a slip of the
    century, as with a child's) and it was saved as "Completed"; now the section names the limit,
    keeps what was typed, and a real adult's date is accepted."""
    draft_id = runner.start("lado")
    subject = {"first_name": "Alex", "surname": "Brown", "job_title": "Football coach",
               "employer": "Wigan Juniors FC", "date_of_birth-day": "14", "date_of_birth-month": "2",
               "date_of_birth-year": "1901"}
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        response = runner.post(draft_id, "subject", subject, htmx=htmx)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        message = "The person&#39;s date of birth must be the same as or after 1 March 1926"
        assert html.count(message) == 2  # summary, field
        assert 'href="#date_of_birth-day"' in html
        assert 'name="date_of_birth-year" type="text" value="1901"' in html
        assert runner.post(draft_id, "subject", {**subject, "date_of_birth-year": "1966"}).status_code == 303
    assert load(app, draft_id).answers["subject"]["date_of_birth"] == "1966-02-14"


def test_a_lado_referral_s_children_have_their_dates_of_birth_bounded_as_on_every_other_form(app, runner):
    """The children an allegation involves could be born in 1916 (a slip of the century), where every
    other form's child must be under 25."""
    draft_id = runner.start("lado")
    child = {"children-0-first_name": "Mia", "children-0-surname": "Cole",
             "children-0-date_of_birth-day": "3", "children-0-date_of_birth-month": "4",
             "children-0-date_of_birth-year": "1916"}
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        html = runner.post(draft_id, "children", child).get_data(as_text=True)
        assert "The child&#39;s date of birth must be the same as or after 1 March 2001" in html
        assert 'name="children-0-date_of_birth-year" type="text" value="1916"' in html
        response = runner.post(draft_id, "children", {**child, "children-0-date_of_birth-year": "2016"})
        assert response.status_code == 303, response.get_data(as_text=True)


def test_a_month_typed_as_a_name_is_accepted(app, runner):
    draft_id = runner.start()
    child = {**CHILD, "date_of_birth-day": "3", "date_of_birth-month": "April", "date_of_birth-year": "2016"}
    assert runner.post(draft_id, "child", child).status_code == 303
    html = runner.page(draft_id, "child").get_data(as_text=True)
    assert 'name="date_of_birth-month" type="text" value="4"' in html


def test_a_date_typed_in_with_its_not_known_box_ticked_asks_which_and_keeps_both(app, runner):
    """Typing the date and ticking "Date of birth not known" (no JavaScript clears either): the tick
    used to win and the date typed in was dropped without a word."""
    draft_id = runner.start()
    data = {"siblings-0-first_name": "Ali", "siblings-0-date_of_birth-day": "3",
            "siblings-0-date_of_birth-month": "4", "siblings-0-date_of_birth-year": "2016",
            "siblings-0-date_of_birth-not_known": "yes"}
    response = runner.post(draft_id, "additional", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = ("Enter the other child&#39;s date of birth or select &#39;Date of birth not known&#39;, "
               "not both")
    assert html.count(message) == 2  # the summary and the field
    assert 'href="#siblings-0-date_of_birth-day"' in html
    html = runner.page(draft_id, "additional").get_data(as_text=True)
    for part, value in (("day", "3"), ("month", "4"), ("year", "2016")):
        assert f'name="siblings-0-date_of_birth-{part}" type="text" value="{value}"' in html
    assert re.search(r'name="siblings-0-date_of_birth-not_known"[^>]*value="yes" checked', html)


def test_a_date_in_an_add_another_item_links_to_the_part_in_error(runner):
    draft_id = runner.start()
    data = {"siblings-0-first_name": "Ali", "siblings-0-date_of_birth-day": "3",
            "siblings-0-date_of_birth-month": "", "siblings-0-date_of_birth-year": "2016"}
    html = runner.post(draft_id, "additional", data).get_data(as_text=True)
    assert 'href="#siblings-0-date_of_birth-month"' in html
    assert _date_parts_in_error(html, "siblings-0-date_of_birth") == ["month"]


def test_a_revealed_answer_over_several_lines_comes_back_exactly_as_typed(app, runner):
    """Saved, shown again and saved again, as a person pressing Next twice would: nothing is added."""
    draft_id = runner.start()
    typed = "Referred in May.\n  - school nurse involved\n  - police visit in June"
    answers = {"worries": "Bruising", "what_changed": "Today", "impact": "Withdrawn",
               "previous_concerns": "yes", "previous_details": typed}
    for _ in range(2):
        runner.post(draft_id, "concerns", answers)
        html = runner.page(draft_id, "concerns").get_data(as_text=True)
        shown = re.search(r'<textarea[^>]*name="previous_details"[^>]*>(.*?)</textarea>', html, re.S).group(1)
        answers["previous_details"] = unescape(shown)
    assert answers["previous_details"] == typed
    assert load(app, draft_id).answers["concerns"]["previous_details"] == typed


def test_a_nul_character_pasted_into_a_name_is_dropped_and_the_rest_saved(app, runner):
    """No keyboard types one, a damaged document can paste one, and PostgreSQL cannot store one in
    the draft's description (the child's name): it was a server error there."""
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {**CHILD, "first_name": "Sa\x00m",
                                               "address-line1": "2 Mill\x00 Street"})
    assert response.status_code == 303
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "Sam"
    assert draft.answers["child"]["address"]["line1"] == "2 Mill Street"
    assert "Sam Jones" in runner.client.get("/drafts").get_data(as_text=True)


def test_a_phone_number_pasted_from_an_email_signature_is_accepted(app, runner):
    """Outlook and web pages put no-break spaces and en dashes into phone numbers; they look exactly
    like spaces and hyphens, and the number was refused with 'Enter a UK phone number'."""
    draft_id = runner.start()
    details = {"first_name": "Priya", "last_name": "Shah", "role": "Teacher",
               "organisation": "Meadow Primary School", "email": "teacher@example.com",
               "phone": "0161\u2013496\u00a00000"}
    response = runner.post(draft_id, "professional", details)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert load(app, draft_id).answers["professional"]["phone"] == "+441614960000"
    assert 'value="0161 496 0000"' in runner.page(draft_id, "professional").get_data(as_text=True)


def test_a_parents_phone_number_abroad_is_accepted_and_shown_with_its_country_code(app, runner):
    """A parent living abroad: the number was refused as "Enter a UK phone number", so the referrer could
    not give the council a way to reach them."""
    draft_id = runner.start()
    data = {"parents-0-name": "Samantha Ellison", "parents-0-relationship": "Mother",
            "parents-0-parental_responsibility": "yes", "parents-0-phone": "0033 (0)1 23 45 67 89"}
    response = runner.post(draft_id, "additional", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert load(app, draft_id).answers["additional"]["parents"][0]["phone"] == "+33123456789"
    assert 'value="+33 1 23 45 67 89"' in runner.page(draft_id, "additional").get_data(as_text=True)


def test_a_problem_in_an_add_another_item_says_which_item_in_the_summary(runner):
    """Two parents' numbers refused read the same in the summary, away from each item's heading."""
    draft_id = runner.start()
    parent = {"relationship": "Mother", "parental_responsibility": "yes", "phone": "12345"}
    data = {**{f"parents-0-{k}": v for k, v in parent.items()}, "parents-0-name": "Ann Jones",
            **{f"parents-1-{k}": v for k, v in parent.items()}, "parents-1-name": "Bob Jones"}
    html = runner.post(draft_id, "additional", data).get_data(as_text=True)
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    assert re.search(r'href="#parents-0-phone">Parent or carer 1: Enter a phone number, like', summary)
    assert re.search(r'href="#parents-1-phone">Parent or carer 2: Enter a phone number, like', summary)
    # At the question itself, under its item's heading, the message is the question's own.
    assert re.search(r'id="parents-1-phone-error"[^>]*>\s*<span class="govuk-visually-hidden">Error:</span> '
                     r"Enter a phone number, like", html)


def test_previous_saves_without_blocking_on_errors(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Sam"}, action="previous")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/drafts/{draft_id}/professional"
    assert load(app, draft_id).answers["child"] == {"first_name": "Sam"}


@pytest.mark.parametrize("action", ["previous", "save-later"])
def test_leaving_half_done_by_previous_or_save_later_is_in_progress_not_has_errors(app, runner, action):
    """Neither button says 'I have finished', and neither shows the section's errors: the section
    list then greeted the person with a red 'Has errors' they had never been shown. As when leaving
    by the section list, a half-done section is 'In progress'; a finished one is still 'Completed'."""
    draft_id = runner.start()
    runner.post(draft_id, "child", {"first_name": "Sam"}, action=action)
    assert load(app, draft_id).section_status["child"] == "in-progress"
    html = runner.page(draft_id, "consent").get_data(as_text=True)
    assert "Has errors" not in html and "In progress" in html
    runner.post(draft_id, "child", CHILD, action=action)
    assert load(app, draft_id).section_status["child"] == "completed"
    # Errors the person was shown stay marked until they are put right.
    runner.post(draft_id, "child", {"first_name": "Sam"})
    runner.post(draft_id, "child", {"first_name": "Sam"}, action=action)
    assert load(app, draft_id).section_status["child"] == "has-errors"


def test_any_section_can_be_visited_and_unknown_sections_are_404(runner):
    draft_id = runner.start()
    assert runner.page(draft_id, "contact").status_code == 200
    assert runner.page(draft_id, "overview").status_code == 200
    assert runner.page(draft_id, "nope").status_code == 404


def test_last_section_leads_to_check_answers(runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "supporting-documentation", {})
    assert response.headers["Location"] == f"/drafts/{draft_id}/check"
    hx = runner.post(draft_id, "supporting-documentation", {}, htmx=True)
    assert hx.headers["HX-Redirect"] == f"/drafts/{draft_id}/check"


def test_add_and_remove_another_without_js(app, runner):
    draft_id = runner.start()
    base = {"parents-0-name": "Ann Jones", "parents-0-relationship": "Mother",
            "parents-0-parental_responsibility": "yes"}
    response = runner.post(draft_id, "additional", base, action="add:parents")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="parents-1-name"' in html and 'value="Ann Jones"' in html
    assert "govuk-error-summary" not in html
    assert load(app, draft_id).answers["additional"]["parents"][0]["name"] == "Ann Jones"

    data = {**base, "parents-1-name": "Bob Jones", "parents-1-relationship": "Father",
            "parents-1-parental_responsibility": "yes"}
    response = runner.post(draft_id, "additional", data, action="remove:parents:0")
    html = response.get_data(as_text=True)
    assert 'value="Bob Jones"' in html and "Ann Jones" not in html
    assert 'name="parents-1-name"' not in html
    hx = runner.post(draft_id, "additional", data, action="add:parents", htmx=True)
    assert hx.status_code == 200 and "<html" not in hx.get_data(as_text=True)


@pytest.mark.parametrize("tampered", ["siblings-²-first_name", "parents-①-name"])
def test_a_tampered_item_number_is_ignored_not_a_server_error(app, runner, tampered):
    """A repeat item's number that str.isdigit accepts and int refuses ("²") was a server error; such a
    field is not one of the page's, so it is ignored and the rest of what was sent is kept."""
    app.testing = False  # an unhandled error becomes the 500 page a person would see
    draft_id = runner.start()
    posted = {"parents-0-name": "Ann Jones", tampered: "x"}
    for action in ("next", "add:siblings"):
        response = runner.post(draft_id, "additional", posted, action=action)
        assert response.status_code in (200, 422), (action, response.status_code)
        assert 'value="Ann Jones"' in response.get_data(as_text=True)
    assert load(app, draft_id).answers["additional"]["parents"][0]["name"] == "Ann Jones"


def test_save_and_complete_later_confirms_the_expiry_date(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Sam"}, action="save-later")
    assert response.headers["Location"] == f"/drafts/{draft_id}/saved"
    html = runner.client.get(response.headers["Location"]).get_data(as_text=True)
    draft = load(app, draft_id)
    assert "Your form has been saved" in html
    # The time as well as the day: the form is deleted at this time of that day, not at its end.
    assert (f"You have until {uk_time(draft.expires_at)} on {uk_date(draft.expires_at)} to complete it"
            in html)
    assert "Recover a Form" in html
    hx = runner.post(draft_id, "child", {"first_name": "Sam"}, action="save-later", htmx=True)
    assert hx.headers["HX-Redirect"] == f"/drafts/{draft_id}/saved"


@pytest.mark.parametrize("section_id", ["overview", "supporting-documentation"])
def test_sections_without_questions_have_the_save_and_complete_later_their_notice_names(
        app, runner, section_id):
    """Every section says "Select 'Save and complete later' to keep your answers"; the Overview and
    Supporting Documentation had only Previous and Next."""
    draft_id = runner.start()
    html = unescape(runner.page(draft_id, section_id).get_data(as_text=True))
    assert "Select 'Save and complete later' to keep your answers." in html
    form = html[html.index('id="section-form"'):]
    form = form[:form.index("</form>")]
    button = re.search(r"<button[^>]*>\s*Save and complete later\s*</button>", form)
    assert button and 'name="action"' in button.group(0) and 'value="save-later"' in button.group(0)

    response = runner.post(draft_id, section_id, {}, action="save-later")
    assert response.status_code == 303 and response.headers["Location"] == f"/drafts/{draft_id}/saved"
    hx = runner.post(draft_id, section_id, {}, action="save-later", htmx=True)
    assert hx.headers["HX-Redirect"] == f"/drafts/{draft_id}/saved"


# --- Conflicts ------------------------------------------------------------------------------------

def test_two_tabs_second_save_is_a_conflict_and_overwrites_nothing(app, runner):
    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    version = page_version(html)
    first = runner.post(draft_id, "child", {**CHILD, "first_name": "First tab"}, version=version)
    assert first.status_code == 303
    second = runner.post(draft_id, "child", {**CHILD, "first_name": "Second tab"}, version=version)
    body = second.get_data(as_text=True)
    assert second.status_code == 409
    title = re.search(r"<title>\s*(.*?) – ", body).group(1)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", body).group(1)
    assert title == heading == "This form has been changed since you opened this page"
    assert f'href="/drafts/{draft_id}/child"' in body
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "First tab"
    assert draft.version == version + 1

    hx = runner.post(draft_id, "child", {"first_name": "Third"}, version=version, htmx=True)
    assert hx.status_code == 409 and "<html" not in hx.get_data(as_text=True)
    reloaded = runner.post(draft_id, "child", {"first_name": "Fourth"})  # the reloaded page's version
    assert reloaded.status_code == 422
    assert load(app, draft_id).answers["child"]["first_name"] == "Fourth"


@pytest.mark.parametrize("htmx", [False, True])
def test_two_tabs_on_different_sections_both_save(app, runner, htmx):
    """One tab on the child's details, another on the concerns, both opened at the same version:
    the second tab's Next is no conflict, as it changes nothing the first saved."""
    draft_id = runner.start()
    version = page_version(runner.page(draft_id, "child").get_data(as_text=True))
    assert page_version(runner.page(draft_id, "concerns").get_data(as_text=True)) == version
    first = runner.post(draft_id, "child", {**CHILD, "first_name": "First tab"}, version=version, htmx=htmx)
    assert first.status_code == (200 if htmx else 303)
    second = runner.post(draft_id, "concerns", {"worries": "Second tab"}, action="save-later",
                         version=version, htmx=htmx)
    assert second.status_code == (200 if htmx else 303)
    assert (second.headers.get("HX-Redirect") if htmx else second.headers["Location"]) == \
        f"/drafts/{draft_id}/saved"
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "First tab"
    assert draft.answers["concerns"]["worries"] == "Second tab"
    assert draft.version == version + 2


def test_autosave_from_a_page_older_than_another_sections_save_saves(app, runner):
    """The second tab's autosave keeps what it typed, and its page takes the newest version, so its
    next save is judged from there; answers it did not change are not saved and not refused."""
    draft_id = runner.start()
    version = page_version(runner.page(draft_id, "concerns").get_data(as_text=True))
    runner.post(draft_id, "child", {**CHILD, "first_name": "First tab"}, version=version)

    unchanged = runner.post(draft_id, "concerns", {}, action=None, htmx=True, path="/autosave",
                            version=version)
    assert unchanged.status_code == 200 and "not saved" not in unchanged.get_data(as_text=True)
    assert page_version(unchanged.get_data(as_text=True)) == version + 1
    typed = runner.post(draft_id, "concerns", {"worries": "Typed in the second tab"}, action=None,
                        htmx=True, path="/autosave", version=version)
    assert typed.status_code == 200 and "Saved at" in typed.get_data(as_text=True)
    assert page_version(typed.get_data(as_text=True)) == version + 2
    draft = load(app, draft_id)
    assert draft.answers["concerns"]["worries"] == "Typed in the second tab"
    assert draft.answers["child"]["first_name"] == "First tab"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_double_click_on_next_is_not_a_conflict(app, runner, htmx):
    """The same page sent twice (a double-click) carries the same version: the second finds the
    draft saved by the first, with exactly its answers, and goes on as the first did."""
    draft_id = runner.start()
    version = page_version(runner.page(draft_id, "child").get_data(as_text=True))
    responses = [runner.post(draft_id, "child", CHILD, version=version, htmx=htmx) for _ in range(2)]
    assert [r.status_code for r in responses] == [200 if htmx else 303] * 2
    next_page = f"/drafts/{draft_id}/consent"
    assert [r.headers.get("HX-Push-Url" if htmx else "Location") for r in responses] == [next_page] * 2
    assert load(app, draft_id).version == version + 1
    different = runner.post(draft_id, "child", {**CHILD, "first_name": "Another"}, version=version,
                            htmx=htmx)
    assert different.status_code == 409


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.mark.parametrize("htmx", [False, True])
def test_a_conflict_shows_what_was_typed_and_can_save_it_instead(app, runner, htmx):
    """Refused so as not to overwrite the other tab, the second tab's answers are still not lost."""
    draft_id = runner.start()
    version = page_version(runner.page(draft_id, "child").get_data(as_text=True))
    runner.post(draft_id, "child", {**CHILD, "first_name": "First tab"}, version=version)
    typed = {**CHILD, "first_name": "Second tab", "other_names": "Bea \"B\" <Jones>"}
    conflict = runner.post(draft_id, "child", typed, version=version, htmx=htmx)
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "What you typed on this page" in html and "Second tab" in html
    assert "Bea &#34;B&#34; &lt;Jones&gt;" in html
    # Beside it, what it would be saved over: the other tab's answers where they are not what was typed.
    start = html.index("What is saved now")
    newer = html[start:html.index('<form method="post"', start)]
    assert "First tab" in newer and "Second tab" not in newer
    assert re.search(r"Other names.*?Not answered", newer, re.S)  # typed here, left blank there
    assert CHILD["surname"] not in newer and "Mill Street" not in newer  # the same in both: not listed
    form = html[html.index('<form method="post"'):html.index("Save these answers instead")]
    resent = [(name, unescape(value)) for name, value in HIDDEN.findall(form)]
    assert ("draft_version", str(version + 1)) in resent and ("other_names", typed["other_names"]) in resent
    saved = runner.client.post(f"/drafts/{draft_id}/child", data=MultiDict(resent))
    assert saved.status_code == 303 and saved.headers["Location"] == f"/drafts/{draft_id}/consent"
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "Second tab"
    assert draft.answers["child"]["other_names"] == typed["other_names"]
    assert draft.version == version + 2


def test_a_save_without_a_version_is_refused(app, runner):
    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    response = runner.client.post(f"/drafts/{draft_id}/child",
                                  data={"csrf_token": csrf_token(html), "first_name": "X"})
    assert response.status_code == 409
    assert "child" not in load(app, draft_id).answers


# --- Inline validation ----------------------------------------------------------------------------

def test_inline_validation_returns_just_the_field(runner):
    draft_id = runner.start()
    bad = runner.post(draft_id, "professional", {"phone": "12ab"}, action=None, htmx=True,
                      path="/validate/phone")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert html.startswith('<div id="field-phone"') and "govuk-error-message" in html
    assert len(bad.get_data()) < 4096

    good = runner.post(draft_id, "professional", {"phone": "+44 (0)1942 000 001"}, action=None, htmx=True,
                       path="/validate/phone")
    assert good.status_code == 200 and "govuk-error-message" not in good.get_data(as_text=True)

    via_vals = runner.post(draft_id, "professional", {"validate_field": "email", "email": "nope"},
                           action=None, htmx=True, path="/validate")
    assert via_vals.status_code == 422 and 'id="field-email"' in via_vals.get_data(as_text=True)
    assert runner.post(draft_id, "professional", {}, action=None, path="/validate/nope").status_code == 404


def test_a_question_of_an_add_another_item_is_checked_on_its_own(runner):
    """A brother's date of birth put wrong says so when it is left, at that item's question only, as
    the section's Next would; its answer stands alone, as any question's does."""
    draft_id = runner.start()
    page = runner.page(draft_id, "additional").get_data(as_text=True)
    item_input = re.search(r'<input[^>]*name="siblings-0-first_name"[^>]*>', page).group(0)
    assert f'hx-post="/drafts/{draft_id}/additional/validate"' in item_input
    assert re.search(r'<div id="field-siblings-0-first_name"[^>]*"validate_field": "siblings-0-first_name"',
                     page)
    typed = {"siblings-0-first_name": "Ali", "siblings-0-date_of_birth-day": "31",
             "siblings-0-date_of_birth-month": "2", "siblings-0-date_of_birth-year": "2016"}

    wrong = runner.post(draft_id, "additional", {**typed, "validate_field": "siblings-0-date_of_birth"},
                        action=None, htmx=True, path="/validate")
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and len(wrong.get_data()) < 4096
    assert html.startswith('<div id="field-siblings-0-date_of_birth"')
    assert "The other child&#39;s date of birth must be a real date" in html
    assert 'value="31"' in html and 'hx-post=' in html

    name_check = runner.post(draft_id, "additional", {**typed, "validate_field": "siblings-0-first_name"},
                             action=None, htmx=True, path="/validate")
    assert name_check.status_code == 200 and "govuk-error-message" not in name_check.get_data(as_text=True)
    assert 'value="Ali"' in name_check.get_data(as_text=True)


def test_an_add_another_item_is_judged_as_next_would_judge_it(runner):
    """An item left blank is an unused "Add another", not an answer: leaving its questions says nothing.
    One with something in it is an answer, and a required question left empty in it says so."""
    draft_id = runner.start()

    def check(data: dict, name: str):
        return runner.post(draft_id, "additional", {**data, "validate_field": name}, action=None, htmx=True,
                           path="/validate")

    blank = check({"siblings-0-first_name": "", "siblings-0-surname": ""}, "siblings-0-first_name")
    assert blank.status_code == 200 and "govuk-error-message" not in blank.get_data(as_text=True)
    started = check({"siblings-0-first_name": "", "siblings-0-surname": "Khan"}, "siblings-0-first_name")
    assert started.status_code == 422
    assert "Enter the other child&#39;s first name" in started.get_data(as_text=True)
    parent = check({"parents-0-name": "Sara Khan", "parents-0-phone": "12ab"}, "parents-0-phone")
    assert parent.status_code == 422 and 'id="field-parents-0-phone"' in parent.get_data(as_text=True)

    unknown = ("siblings-1-first_name", "siblings-0-nickname", "nothing-0-first_name", "siblings-x-surname")
    for name in unknown:
        assert check({"siblings-0-first_name": "Ali"}, name).status_code == 404, name


def test_inline_validation_of_a_large_field_stays_under_4kb(runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"dob_status": "born", "date_of_birth-day": "40"},
                           action=None, htmx=True, path="/validate/date_of_birth")
    assert response.status_code == 422
    assert len(response.get_data()) < 4096


# --- Autosave -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("section_id", "saves"), [
    ("child", True), ("overview", False), ("supporting-documentation", False)])
def test_only_a_section_of_questions_says_it_saves_itself(runner, section_id, saves):
    """The timeout warning said "Anything you have typed is saved" on Supporting Documentation, whose
    description and chosen file were not (its autosave answered 204 and kept nothing): only a section
    whose answers the autosave keeps has one, and the page's script reads that from it."""
    draft_id = runner.start()
    html = runner.page(draft_id, section_id).get_data(as_text=True)
    region = re.search(r'<div id="autosave-[^"]+" class="app-autosave"[^>]*>', html).group(0)
    assert ("hx-post=" in region) is saves and ("data-autosave-seconds" in region) is saves
    assert 'name="draft_version" value="1"' in html  # the section's Next still says which version it saw


def test_autosave_saves_without_validating(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Half typed", "date_of_birth-day": "99"},
                           action=None, htmx=True, path="/autosave")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saved at" in html and f'name="draft_version" value="{load(app, draft_id).version}"' in html
    assert len(response.get_data()) < 1024
    draft = load(app, draft_id)
    assert draft.answers["child"]["first_name"] == "Half typed"
    assert draft.section_status["child"] == "in-progress"


def test_autosave_of_unchanged_answers_writes_nothing(app, runner):
    draft_id = runner.start()
    runner.post(draft_id, "child", {"first_name": "A"}, action=None, htmx=True, path="/autosave")
    version = load(app, draft_id).version
    again = runner.post(draft_id, "child", {"first_name": "A"}, action=None, htmx=True, path="/autosave")
    assert again.status_code == 200
    assert load(app, draft_id).version == version


def test_autosave_conflict_says_so_and_never_claims_saved(app, runner):
    draft_id = runner.start()
    response = runner.post(draft_id, "child", {"first_name": "Stale"}, action=None, htmx=True,
                           path="/autosave", version=0)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "not saved" in html and "Saved at" not in html
    assert "child" not in load(app, draft_id).answers


def test_after_an_autosave_conflict_the_page_cannot_save_over_the_other_tabs_answers(app, runner):
    """Tab A's page is older than tab B's save. A's autosave is refused, and its answer used to hand A
    the newest version: A's next autosave, or its Next, then replaced B's answers without a word. Now
    every save from A's page is refused until A reloads or chooses on the conflict page."""
    draft_id = runner.start()
    tab_a_version = page_version(runner.page(draft_id, "concerns").get_data(as_text=True))
    runner.post(draft_id, "concerns", {"worries": "Tab B: bruises seen on Monday"}, action="save-later")

    refused = runner.post(draft_id, "concerns", {"child_views": "Tab A"}, action=None, htmx=True,
                          path="/autosave", version=tab_a_version)
    assert refused.status_code == 409
    assert page_version(refused.get_data(as_text=True)) == tab_a_version
    again = runner.post(draft_id, "concerns", {"child_views": "Tab A, more"}, action=None, htmx=True,
                        path="/autosave", version=tab_a_version)
    assert again.status_code == 409
    next_pressed = runner.post(draft_id, "concerns", {"child_views": "Tab A, more"}, htmx=True,
                               version=tab_a_version)
    assert next_pressed.status_code == 409
    assert "Save these answers instead" in next_pressed.get_data(as_text=True)
    answers = load(app, draft_id).answers["concerns"]
    assert answers["worries"] == "Tab B: bruises seen on Monday" and not answers.get("child_views")


def test_htmx_request_after_session_expiry_gets_401_and_hx_redirect(app, runner):
    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    later = datetime.now(UTC) + timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        response = runner.client.post(
            f"/drafts/{draft_id}/child/autosave", headers={**HX, "X-CSRFToken": csrf_token(html)},
            data={"draft_version": str(page_version(html)), "first_name": "Typed"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in")
    assert "Saved at" not in response.get_data(as_text=True)
    assert "child" not in load(app, draft_id).answers


@pytest.mark.parametrize(("background", "signed_in_after"), [(None, True), ("timeout", False)])
def test_only_the_person_keeps_the_session_alive(app, client, runner, background, signed_in_after):
    """An autosave the timeout warning asked for saves the answers but is not activity: the session
    still ends on time. An autosave while the person types is activity and extends it."""
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        draft_id = runner.start()
        html = runner.page(draft_id, "child").get_data(as_text=True)
        clock.shift(timedelta(minutes=25))
        headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(html)}
        if background:
            headers["X-Portal-Background"] = background
        saved = client.post(f"/drafts/{draft_id}/child/autosave", headers=headers,
                            data={"draft_version": page_version(html), "first_name": "Kept"})
        assert saved.status_code == 200
        clock.shift(timedelta(minutes=6))  # 31 minutes after the last thing the person did
        response = client.get(f"/drafts/{draft_id}/child")
    assert load(app, draft_id).answers["child"]["first_name"] == "Kept"
    assert (response.status_code == 200) is signed_in_after


def test_next_after_the_session_idled_out_without_javascript_keeps_what_was_typed(app, runner, make_user):
    """With JavaScript off nothing saves the page before the timeout: Next after a long pause led to
    sign-in, which said 'Your answers were saved', then to the home page, and every answer on the
    page was lost. Now sign-in says what happened and returns to the section, which shows the
    answers again until the person saves them; nothing is written while signed out."""
    from tests.conftest import PASSWORD

    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    posted = {"csrf_token": csrf_token(html), "draft_version": str(page_version(html)), **CHILD,
              "other_names": "Sammy \"Jo\"", "action": "next"}
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3), tick=False):
        response = runner.client.post(f"/drafts/{draft_id}/child", data=posted)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/sign-in?next=/drafts/{draft_id}/child"
        assert load(app, draft_id).answers == {}
        page = runner.client.get(response.headers["Location"]).get_data(as_text=True)
        assert "were not saved. We have kept them" in page and "Your answers were saved" not in page
        signed_in = post_form(runner.client, response.headers["Location"],
                              {"email": "teacher@example.com", "password": PASSWORD})
        assert signed_in.headers["Location"] == f"/drafts/{draft_id}/child"
        shown = runner.page(draft_id, "child").get_data(as_text=True)
        assert "You were signed out before these answers were saved" in shown
        assert 'value="Sam"' in shown and 'value="Sammy &#34;Jo&#34;"' in shown
        assert 'value="2 Mill Street"' in shown and 'value="2016"' in shown
        assert load(app, draft_id).answers == {}  # shown, not saved, until the person saves them
        # Shown once: the next visit shows the saved answers.
        assert "You were signed out" not in runner.page(draft_id, "child").get_data(as_text=True)


@pytest.mark.parametrize("how", ["signed out in another tab", "cookie cleared"])
def test_next_after_signing_out_elsewhere_keeps_what_was_typed(app, runner, how):
    """The session ended while the form was open, not by the timeout: Next led to a plain sign-in page,
    then (without JavaScript) to the home page, and the page's answers were lost without a word."""
    from tests.conftest import PASSWORD

    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    posted = {"csrf_token": csrf_token(html), "draft_version": str(page_version(html)), **CHILD,
              "action": "next"}
    if how == "cookie cleared":
        runner.client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    else:
        post_form(runner.client, "/account", {}, post_url="/sign-out")
    response = runner.client.post(f"/drafts/{draft_id}/child", data=posted)
    assert response.headers["Location"] == f"/sign-in?next=/drafts/{draft_id}/child"
    page = runner.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out, so the answers on the page you were on were not saved. We have kept them" \
        in page
    post_form(runner.client, response.headers["Location"],
              {"email": "teacher@example.com", "password": PASSWORD})
    shown = runner.page(draft_id, "child").get_data(as_text=True)
    assert "You were signed out before these answers were saved" in shown and 'value="Sam"' in shown
    assert load(app, draft_id).answers == {}


@pytest.mark.parametrize("finishing_last", ["the sign-in page", "the answers"])
def test_answers_sent_after_signing_out_and_the_sign_in_page_at_once_both_keep_their_part(
        app, runner, monkeypatch, finishing_last):
    """Signed out in another tab, a section's Next and the sign-in page it leads to can reach the server
    together (the page sends its answers again as it goes). Each wrote the whole signed-out session
    back, so whichever finished last undid the other: the answers kept for after sign-in were lost, or
    the sign-in form's token was, and signing in said 'Your session needs refreshing' (a CI run)."""
    from tests.conftest import PASSWORD
    from webapp.accounts import sessions

    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    posted = {"csrf_token": csrf_token(html), "draft_version": str(page_version(html)), **CHILD,
              "action": "next"}
    post_form(runner.client, "/account", {}, post_url="/sign-out")
    sign_in_url = f"/sign-in?next=/drafts/{draft_id}/child"

    sign_in_page_last = finishing_last == "the sign-in page"
    with sessions_saved_in_order(lambda: (request.path == "/sign-in") == sign_in_page_last):
        page, sent = at_the_same_moment(monkeypatch, sessions, "utcnow", [
            lambda: runner.client.get(sign_in_url),
            lambda: runner.client.post(f"/drafts/{draft_id}/child", data=posted)])
    assert sent.headers["Location"] == sign_in_url

    signed_in = runner.client.post(sign_in_url, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "email": "teacher@example.com",
        "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    assert signed_in.headers["Location"] == f"/drafts/{draft_id}/child"
    shown = runner.page(draft_id, "child").get_data(as_text=True)
    assert "You were signed out before these answers were saved" in shown and 'value="Sam"' in shown


def test_two_tabs_whose_autosaves_arrive_after_the_timeout_both_keep_what_was_typed(app, runner,
                                                                                    monkeypatch):
    """A laptop woken after the timeout with two sections open: each tab sends its autosave at once.
    Each found the session ended and started a signed-out one of its own; the browser kept the cookie
    of the last, so only one tab's answers were waiting after sign-in. Kept under one key, a second
    page's answers would replace the first's too."""
    from tests.conftest import PASSWORD
    from webapp.accounts import sessions

    draft_id = runner.start()
    typed = {"child": {**CHILD, "first_name": "Kept in one tab"},
             "concerns": {"worries": "Kept in the other tab", "previous_concerns": "no"}}
    sent = {}
    for section_id, answers in typed.items():
        html = runner.page(draft_id, section_id).get_data(as_text=True)
        sent[section_id] = {"csrf_token": csrf_token(html), "draft_version": str(page_version(html)),
                            **answers}
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3), tick=False):
        responses = at_the_same_moment(monkeypatch, sessions, "utcnow", [
            lambda section_id=section_id: runner.client.post(
                f"/drafts/{draft_id}/{section_id}/autosave", data=sent[section_id],
                headers={**HX, "HX-Current-URL": f"http://localhost/drafts/{draft_id}/{section_id}"})
            for section_id in typed])
        assert [response.status_code for response in responses] == [401, 401]
        page = runner.client.get(f"/sign-in?next=/drafts/{draft_id}/child").get_data(as_text=True)
        assert ("You were signed out because you had not done anything for a while, so the answers on the 2 "
                "pages you had open were not saved. We have kept them") in page
        post_form(runner.client, f"/sign-in?next=/drafts/{draft_id}/child",
                  {"email": "teacher@example.com", "password": PASSWORD})
        for section_id, kept in (("child", 'value="Kept in one tab"'),
                                 ("concerns", ">Kept in the other tab<")):
            shown = runner.page(draft_id, section_id).get_data(as_text=True)
            assert "You were signed out before these answers were saved" in shown and kept in shown
    assert load(app, draft_id).answers == {}


def test_a_signed_out_session_keeps_the_four_pages_sent_last(app, runner):
    """The session is read on every request: pages kept in it are few, the oldest going first."""
    from tests.conftest import PASSWORD

    draft_id = runner.start()
    sections = ["professional", "child", "additional", "concerns", "contact"]
    tokens = {section_id: csrf_token(runner.page(draft_id, section_id).get_data(as_text=True))
              for section_id in sections}
    post_form(runner.client, "/account", {}, post_url="/sign-out")
    for section_id in sections:
        runner.client.post(f"/drafts/{draft_id}/{section_id}", data={"csrf_token": tokens[section_id],
                                                                    "action": "next"})
    page = runner.client.get("/sign-in").get_data(as_text=True)
    assert "the answers on the 4 pages you had open were not saved" in page
    post_form(runner.client, "/sign-in", {"email": "teacher@example.com", "password": PASSWORD})
    kept = [section_id for section_id in sections
            if "You were signed out before" in runner.page(draft_id, section_id).get_data(as_text=True)]
    assert kept == sections[1:]


def test_answers_kept_from_an_idled_out_session_are_shown_to_no_other_account(app, runner, make_user):
    from tests.conftest import sign_in

    draft_id = runner.start()
    runner.post(draft_id, "child", {"first_name": "Saved"})
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3), tick=False):
        # Only a post keeps anything: opening a page after the timeout is no answer.
        assert runner.client.get(f"/drafts/{draft_id}/child").status_code == 302
        sign_in(runner.client)
        page = runner.page(draft_id, "child").get_data(as_text=True)
        assert 'value="Saved"' in page and "You were signed out" not in page
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=6), tick=False):
        runner.client.post(f"/drafts/{draft_id}/child", data={**CHILD, "draft_version": "2",
                                                              "csrf_token": csrf_token(page)})
        make_user(email="other@example.com")
        sign_in(runner.client, email="other@example.com")
        assert runner.page(draft_id, "child").status_code == 404
        other_draft = runner.start()
        assert 'value="Sam"' not in runner.page(other_draft, "child").get_data(as_text=True)


def test_an_autosave_sent_after_the_session_idled_out_keeps_what_was_typed(app, runner):
    """A laptop closed mid-form and opened after the timeout: its autosave reached a signed-out
    server, got 401 and sign-in, and the answers typed before the lid closed were lost."""
    from tests.conftest import PASSWORD

    draft_id = runner.start()
    html = runner.page(draft_id, "child").get_data(as_text=True)
    posted = {"csrf_token": csrf_token(html), "draft_version": str(page_version(html)), **CHILD}
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3), tick=False):
        response = runner.client.post(f"/drafts/{draft_id}/child/autosave", data=posted,
                                      headers={**HX, "HX-Current-URL": f"http://localhost/drafts/{draft_id}/child"})
        assert response.status_code == 401
        location = response.headers["HX-Redirect"]
        assert location == f"/sign-in?next=/drafts/{draft_id}/child"
        post_form(runner.client, location, {"email": "teacher@example.com", "password": PASSWORD})
        shown = runner.page(draft_id, "child").get_data(as_text=True)
        assert "You were signed out before these answers were saved" in shown
        assert 'value="Sam"' in shown and 'value="2 Mill Street"' in shown


GUIDE_SECTIONS = ["Overview", "Professional's Details", "Child / Young Person's Details", "Consent",
                  "Additional Child / Young Person's Information", "Concerns", "Contact Information",
                  "Supporting Documentation", "Declaration & Submit"]


def numbered_sections(html: str) -> list[tuple[str, str]]:
    """(number, title) of each entry of the section list, as a sighted user reads it."""
    nav = html.split('<nav class="app-section-nav"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r'app-section-nav__number" aria-hidden="true">(\d+)</span>.*?'
                         r'class="app-section-nav__link"[^>]*>([^<]+)<', nav, flags=re.S)
    return [(number, unescape(title)) for number, title in entries]


@pytest.mark.parametrize("htmx", [False, True])
def test_section_list_numbers_the_sections_as_the_guide_does(runner, htmx):
    """The guide (2.1, 2.3) shows the form's sections numbered down the left, "1 Overview",
    "2 Professional's Details", "3 Child / Young Person's Details"…; the list here numbers them the same,
    on the page and in the fragment htmx swaps in."""
    draft_id = runner.start()
    if htmx:
        response = runner.post(draft_id, "professional", {}, action="go-to:child", htmx=True)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    else:
        html = runner.page(draft_id, "child").get_data(as_text=True)
    expected = [(str(number), title) for number, title in enumerate(GUIDE_SECTIONS, start=1)]
    assert numbered_sections(html) == expected
    # The list itself tells a screen reader where each entry is; the number is not read twice.
    assert html.count('class="app-section-nav__number" aria-hidden="true"') == len(GUIDE_SECTIONS)


def test_overview_lists_the_sections_with_the_same_numbers(runner):
    html = runner.client.get("/forms/safeguarding-concern").get_data(as_text=True)
    listed = html.split("Sections in this form</h2>", 1)[1].split("</ol>", 1)[0]
    titles = [unescape(t) for t in re.findall(r"<li>([^<]+)</li>", listed)]
    assert titles == ["Overview (this page)", *GUIDE_SECTIONS[1:]]
