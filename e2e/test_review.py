"""The Local Authority back office in Chromium, with JavaScript on and off: a caseworker signs in with
the emailed code, finds a submission in the queue, returns it with "Insufficient detail", and posts a
response on another. axe-core checks every back-office page and state on the way."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from e2e.conftest import own_browser, unique_reference
from tests.functional.review.builders import answers, make_submission
from webapp.accounts import services as accounts
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.submissions.models import Submission

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


@pytest.fixture
def seeded(live_server):
    """A caseworker, a professional and three of the professional's submissions, unique to this test."""
    tag = secrets.token_hex(4)
    app = live_server.app
    with app.app_context():
        staff = accounts.create_staff(f"caseworker-{tag}@council.example", "social-care", PASSWORD,
                                      first_name="Sam", surname="Carter")
        submitter = User(email=f"teacher-{tag}@example.com", password_hash=hash_password(PASSWORD),
                         first_name="Priya", surname="Shah", is_professional=True, email_verified_at=utcnow(),
                         terms_version=app.config["TERMS_VERSION"], terms_accepted_at=utcnow())
        db.session.add(submitter)
        db.session.commit()
        child = f"Jordan Ellison{tag}"
        to_return = make_submission(submitter.id, reference=unique_reference(), child_name=child)
        to_answer = make_submission(submitter.id, reference=unique_reference(),
                                    child_name=f"Maisie Brook{tag}", status="resubmitted",
                                    versions=[answers(), answers(child={"surname": "Brook"})])
        other_team = make_submission(submitter.id, reference=unique_reference(), team="lado",
                                     child_name=f"Lado Child{tag}")
        references = {sid: db.session.get(Submission, sid).reference
                      for sid in (to_return, to_answer, other_team)}
        return {"staff": staff.email, "submitter": submitter.email, "child": child,
                "return": (to_return, references[to_return]), "answer": (to_answer, references[to_answer]),
                "other": (other_team, references[other_team])}


def staff_signs_in(page, live_server, e2e_sink, email, check_a11y):
    page.goto(live_server.url + "/la/")
    expect(page.get_by_role("heading", name="Back office sign in")).to_be_visible()
    check_a11y(page, "staff sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Check your email – "))
    check_a11y(page, "sign-in code")
    page.get_by_label("Sign-in code").fill("00000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="The code is not correct. Check the email and try again")
           ).to_be_visible()
    check_a11y(page, "sign-in code with an error")
    code = e2e_sink.wait_for(email, "Your sign-in code").code()
    page.get_by_label("Sign-in code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Submissions")).to_be_visible()
    # And its scripts: a filter or page link used before they have run loads a page, as without
    # JavaScript (one CI run's Filter did, and the live region the test listens to was gone with it).
    page.wait_for_load_state("load")


def queue_summary(page, text):
    """The line above the queue's table saying what it shows. After Filter the page's live region says
    the same words (queue.js), so the text alone finds two elements once the region has spoken."""
    return page.locator("#queue-table").get_by_text(text)


def test_caseworker_returns_one_form_and_answers_another(journey_page, js_mode, live_server, e2e_sink, seeded,
                                                        check_a11y):
    page = journey_page
    staff_signs_in(page, live_server, e2e_sink, seeded["staff"], check_a11y)
    check_a11y(page, "queue")
    expect(page.get_by_role("link", name=seeded["other"][1])).to_have_count(0)

    # Find the submission by the child's name.
    page.get_by_label("Reference or name").fill(seeded["child"])
    page.get_by_role("button", name="Filter").click()
    expect(queue_summary(page, "1 submission matching")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"Jordan|Ellison|q="))  # no child data in URLs
    # The title says what is shown (htmx swaps it with the table), but not the name: history keeps it.
    expect(page).to_have_title(re.compile(r"^Submissions matching your search – "))
    check_a11y(page, "queue filtered")
    page.get_by_role("link", name=seeded["return"][1]).click()

    expect(page.get_by_role("heading", name=re.compile(seeded["return"][1]))).to_be_visible()
    expect(page.get_by_text("Jordan came to school with a bruise")).to_be_visible()
    check_a11y(page, "submission page")

    page.get_by_role("button", name="Return for further information").click()
    expect(page.get_by_role("heading", name="Return for further information")).to_be_visible()
    check_a11y(page, "return form")
    page.get_by_role("button", name="Return for further information").click()
    expect(page.get_by_role("link", name="Select why the form needs more information")).to_be_visible()
    check_a11y(page, "return form with errors")
    page.get_by_label("Insufficient detail").check()
    page.get_by_label("Comments for the submitter").fill("Please tell us when the bruises were seen.")
    page.get_by_label("Concerns", exact=True).check()
    page.get_by_role("button", name="Return for further information").click()
    expect(page.get_by_text("has been returned for more information")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Returned for more information"))).to_be_visible()
    expect(page.get_by_role("cell", name="Insufficient detail")).to_be_visible()
    expect(page.get_by_role("cell", name="Returned for more information")).to_be_visible()
    check_a11y(page, "submission after return")

    # Returned: not returned twice; a response would close the request, which the page says first.
    page.goto(live_server.url + f"/la/submissions/{seeded['return'][0]}/return")
    expect(page.get_by_role("heading", name="This form cannot be returned")).to_be_visible()
    check_a11y(page, "409 page")
    page.goto(live_server.url + f"/la/submissions/{seeded['return'][0]}/respond")
    expect(page.get_by_text("Posting a response closes that request")).to_be_visible()
    check_a11y(page, "response form for a returned form")

    # The resubmitted one: see what changed, then post a response.
    page.goto(live_server.url + "/la/queue?status=resubmitted")
    page.get_by_role("link", name=seeded["answer"][1]).click()
    expect(page.get_by_role("heading", name="What changed in version 2")).to_be_visible()
    expect(page.locator("ins", has_text="Brook")).to_be_visible()
    page.get_by_role("button", name="Post a response").click()
    expect(page.get_by_role("heading", name="Post a response")).to_be_visible()
    check_a11y(page, "response form")
    page.get_by_label("Response").fill("Accepted \u2014 passed to the Children First Hub")
    page.get_by_role("button", name="Post response").click()
    expect(page.get_by_text("Your response to")).to_be_visible()
    expect(page.get_by_text("Accepted \u2014 passed to the Children First Hub")).to_be_visible()
    check_a11y(page, "submission after response")

    # A mistake in the response is corrected, not left standing.
    page.get_by_role("link", name="Correct the response").click()
    expect(page.get_by_role("heading", name="Correct the response")).to_be_visible()
    expect(page.get_by_label("Response")).to_have_value("Accepted \u2014 passed to the Children First Hub")
    check_a11y(page, "correct the response")
    page.get_by_label("Response").fill("")
    page.get_by_role("button", name="Post corrected response").click()
    expect(page.get_by_role("link", name="Enter a response")).to_be_visible()
    check_a11y(page, "correct the response with an error")
    page.get_by_label("Response").fill("Accepted \u2014 passed to the MASH")
    page.get_by_role("button", name="Post corrected response").click()
    expect(page.get_by_text("Your corrected response to")).to_be_visible()
    expect(page.get_by_text("Accepted \u2014 passed to the MASH")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\. Corrected \d"))).to_be_visible()
    page.get_by_text("What the response said before").click()
    expect(page.get_by_text("Accepted \u2014 passed to the Children First Hub")).to_be_visible()
    check_a11y(page, "submission after a corrected response")

    # Another team's submission is not found.
    response = page.goto(live_server.url + f"/la/submissions/{seeded['other'][0]}")
    assert response.status == 404
    check_a11y(page, "404 page")


def test_a_much_opened_submissions_whole_audit_log_pages_by_keyboard(journey_page, js_mode, live_server,
                                                                   e2e_sink, seeded, check_a11y):
    from datetime import timedelta

    from webapp.submissions.models import AuditEntry

    submission_id, reference = seeded["answer"]
    with live_server.app.app_context():
        staff_id = db.session.query(User.id).filter_by(email=seeded["staff"]).scalar()
        db.session.add_all(AuditEntry(submission_id=submission_id, user_id=staff_id, action="view:1",
                                      at=utcnow() - timedelta(hours=n + 1)) for n in range(70))
        db.session.commit()
    page = journey_page
    staff_signs_in(page, live_server, e2e_sink, seeded["staff"], check_a11y)
    page.goto(live_server.url + f"/la/submissions/{submission_id}")
    expect(page.get_by_text("The latest 10 of 71 entries.")).to_be_visible()
    link = page.get_by_role("link", name=f"View the whole audit log of {reference}")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_text("71 entries (page 1 of 2)")).to_be_visible()
    check_a11y(page, "audit log page 1")
    page.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("71 entries (page 2 of 2)")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(22)  # a header and 21 entries
    check_a11y(page, "audit log page 2")


def test_paging_the_queue_by_keyboard_keeps_the_caseworkers_place(journey_page, js_mode, live_server,
                                                                  e2e_sink, seeded, check_a11y):
    """With JavaScript, paging swapped the table (and the link just pressed) away, leaving focus on the
    page's body: focus now lands on the line that says which page is shown. Oldest first is kept."""
    with live_server.app.app_context():
        submitter = db.session.query(User.id).filter_by(email=seeded["submitter"]).scalar()
        # Each with its PDF already stored: ones waiting to be rendered would queue ahead of a later
        # test's submission in this shared server (the post-submit render takes the oldest first).
        for _ in range(26):
            make_submission(submitter, reference=unique_reference())
    page = journey_page
    staff_signs_in(page, live_server, e2e_sink, seeded["staff"], check_a11y)
    page.get_by_label("Sort by").select_option("Oldest first")
    page.get_by_role("button", name="Filter").click()
    expect(queue_summary(page, re.compile(r"submissions, oldest first \(page 1 of \d+\)"))).to_be_visible()
    check_a11y(page, "queue, oldest first")
    page.get_by_role("navigation", name="Submissions pages").get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    status = queue_summary(page, re.compile(r"submissions, oldest first \(page 2 of \d+\)"))
    expect(status).to_be_visible()
    if js_mode == "js":
        expect(status).to_be_focused()
    check_a11y(page, "queue page 2")


def test_what_a_filter_found_is_said_by_a_live_region_already_on_the_page(page, live_server, e2e_sink, seeded,
                                                                         check_a11y):
    """With JavaScript, Filter swapped the table and with it the line saying what it shows, which was
    the live region itself: a region that arrives with its text already in it is not announced (NVDA and
    JAWS say nothing), so a screen reader user heard nothing after Filter. A region on the page from the
    start now says it."""
    staff_signs_in(page, live_server, e2e_sink, seeded["staff"], check_a11y)
    region = page.get_by_role("status")
    expect(region).to_have_count(1)
    region.evaluate("element => { window.regionBeforeFilter = element }")
    page.get_by_label("Reference or name").fill(seeded["child"])
    page.get_by_role("button", name="Filter").click()
    expect(queue_summary(page, "1 submission matching")).to_be_visible()
    expect(region).to_have_text(re.compile(r"^\s*1 submission matching .Jordan Ellison\w+.\.\s*$"))
    assert page.evaluate("window.regionBeforeFilter.isConnected")
    expect(page.get_by_role("button", name="Filter")).to_be_focused()
    check_a11y(page, "queue filtered, said by the live region")


SIGNED_OUT = "You were signed out because you had not done anything for a while. Sign in again to carry on."


def staff_signs_in_quickly(page, base, e2e_sink, email):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Sign-in code").fill(e2e_sink.wait_for(email, "Your sign-in code").code())
    e2e_sink.clear()
    page.get_by_role("button", name="Sign in").click()


def test_a_caseworker_timed_out_signs_in_again_at_the_back_office(page, live_server_factory, e2e_sink,
                                                                 check_a11y):
    """With JavaScript the countdown sent a caseworker to the public sign-in, which said their answers
    were saved and refused their staff account; its warning said what was typed was saved, which the back
    office's forms never do. A 15-second staff session (the public one is untouched): warned 10 s ahead."""
    server = live_server_factory(STAFF_SESSION_IDLE_MINUTES=0.25, SESSION_WARNING_SECONDS=10)
    with server.app.app_context():
        email = accounts.create_staff(f"caseworker-{secrets.token_hex(4)}@council.example", "social-care",
                                      PASSWORD, first_name="Sam", surname="Carter").email
        db.session.remove()
    page.goto(server.url + "/la/sign-in")
    staff_signs_in_quickly(page, server.url, e2e_sink, email)
    expect(page.get_by_role("heading", name="Submissions")).to_be_visible()

    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("Anything you have typed and not sent will be lost. "
                                   "Select 'Continue' to stay signed in.", use_inner_text=True)
    expect(dialog).not_to_contain_text("saved", use_inner_text=True)
    expect(dialog).not_to_contain_text("kept", use_inner_text=True)
    check_a11y(page, "back office timeout warning")

    expect(page).to_have_url(re.compile(r"/la/sign-in\?expired=1&next=%2Fla%2Fqueue$"), timeout=20_000)
    expect(page.get_by_text(SIGNED_OUT)).to_be_visible()
    expect(page.get_by_text("answers were saved")).to_have_count(0)
    expect(page.get_by_role("group", name=re.compile("Account menu"))).to_have_count(0)
    expect(page.locator(".app-account-menu")).to_have_count(0)
    check_a11y(page, "back office sign-in after the timeout")
    staff_signs_in_quickly(page, server.url, e2e_sink, email)
    expect(page.get_by_role("heading", name="Submissions")).to_be_visible()
    assert page.url == server.url + "/la/queue"


def respond_page_with_a_short_staff_session(page, live_server_factory, e2e_sink):
    """A caseworker signed in on a submission's "Post a response" page, on a portal whose staff session
    lasts 15 seconds (warned 10 s ahead): (server, their email, the submission's id)."""
    server = live_server_factory(STAFF_SESSION_IDLE_MINUTES=0.25, SESSION_WARNING_SECONDS=10)
    with server.app.app_context():
        email = accounts.create_staff(f"caseworker-{secrets.token_hex(4)}@council.example", "social-care",
                                      PASSWORD, first_name="Sam", surname="Carter").email
        submission_id = make_submission(None, reference=unique_reference())
        db.session.remove()
    page.goto(f"{server.url}/la/sign-in?next=/la/submissions/{submission_id}/respond")
    staff_signs_in_quickly(page, server.url, e2e_sink, email)
    return server, email, submission_id


def test_a_response_written_when_the_timeout_came_is_there_after_signing_in_again(
        page, live_server_factory, e2e_sink, check_a11y):
    """A caseworker writing a response who was called away came back to the sign-in page, and what they
    had typed was gone (the warning could only say it would be). Now the page keeps it as the timeout
    comes, and the form shows it again once they have signed in. A 15-second staff session."""
    server, email, submission_id = respond_page_with_a_short_staff_session(page, live_server_factory,
                                                                           e2e_sink)
    respond = f"/la/submissions/{submission_id}/respond"
    expect(page.get_by_role("heading", name="Post a response")).to_be_visible()
    written = "Accepted. Passed to the Children First Hub; a social worker will call you today."
    page.get_by_role("textbox", name="Response").fill(written)

    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("What you have typed on this page will be kept, for when you sign in "
                                   "again. Select 'Continue' to stay signed in.", use_inner_text=True)
    expect(dialog).not_to_contain_text("will be lost", use_inner_text=True)
    check_a11y(page, "back office timeout warning on a form that keeps what is typed")

    expect(page).to_have_url(re.compile(r"/la/sign-in\?expired=1"), timeout=20_000)
    staff_signs_in_quickly(page, server.url, e2e_sink, email)
    expect(page.get_by_text("You were signed out before you sent this")).to_be_visible()
    assert page.url == server.url + respond
    expect(page.get_by_role("textbox", name="Response")).to_have_value(written)
    check_a11y(page, "a response kept over the timeout, shown again")
    page.get_by_role("button", name="Post response").click()
    expect(page.get_by_text("has been posted")).to_be_visible()
    with server.app.app_context():
        assert db.session.get(Submission, submission_id).response_text == written
        db.session.remove()


def test_without_javascript_a_response_sent_after_the_timeout_is_there_after_signing_in_again(
        browser, live_server_factory, e2e_sink, check_a11y):
    """Nothing counts down without JavaScript: a response posted after the 15-second staff session had
    ended was "not saved". It is kept for the next sign-in, and the same form shows it, unsent."""
    with own_browser(browser, "no-js") as page:
        server, email, submission_id = respond_page_with_a_short_staff_session(page, live_server_factory,
                                                                               e2e_sink)
        written = "Accepted. Passed to the Children First Hub; a social worker will call you today."
        page.get_by_role("textbox", name="Response").fill(written)
        page.wait_for_timeout(16_000)  # longer than the session
        page.get_by_role("button", name="Post response").click()
        expect(page.get_by_role("heading", name="Back office sign in")).to_be_visible()
        expect(page.get_by_text("what you were writing has not been sent. We have kept it")).to_be_visible()
        check_a11y(page, "back office sign-in, writing kept")
        staff_signs_in_quickly(page, server.url, e2e_sink, email)
        expect(page.get_by_text("You were signed out before you sent this")).to_be_visible()
        expect(page.get_by_role("textbox", name="Response")).to_have_value(written)
        check_a11y(page, "a response kept over the timeout without JavaScript, shown again")
        with server.app.app_context():
            assert db.session.get(Submission, submission_id).response_text is None  # kept, not sent
            db.session.remove()
        # Not wanted after all: deleted from the banner, by keyboard, rather than coming back each time.
        page.get_by_role("button", name="Delete what you had typed").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("What you had typed has been deleted.")).to_be_visible()
        expect(page.get_by_role("textbox", name="Response")).to_have_value("")
        expect(page.get_by_text("You were signed out before you sent this")).to_have_count(0)


def test_a_caseworker_who_stays_signed_in_is_not_greeted_later_by_what_the_warning_kept(
        page, live_server_factory, e2e_sink):
    """The warning keeps what the form holds as it opens. A caseworker who selected 'Continue' and then
    left the form of their own accord was shown it at their next sign-in as if they had been signed out
    while writing it. Staying signed in now forgets it."""
    from webapp.review.kept import KeptWriting

    server, _, submission_id = respond_page_with_a_short_staff_session(page, live_server_factory, e2e_sink)

    def kept_rows() -> int:
        with server.app.app_context():
            count = db.session.query(KeptWriting).filter_by(submission_id=submission_id).count()
            db.session.remove()
            return count

    page.get_by_role("textbox", name="Response").fill("Received; we will decide tomorrow.")
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_visible(timeout=15_000)
    for _ in range(40):  # the page keeps what it holds as the warning opens
        if kept_rows():
            break
        page.wait_for_timeout(100)
    assert kept_rows() == 1
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog).to_be_hidden()
    for _ in range(40):
        if not kept_rows():
            break
        page.wait_for_timeout(100)
    assert kept_rows() == 0
    expect(page.get_by_role("textbox", name="Response")).to_have_value("Received; we will decide tomorrow.")
