"""What a person types between one save and the next, with JavaScript: typed while Next is on its way,
typed just before leaving the page, and what the page says after a failed save is put right. Found by a
review walk that tried to make the portal lose typed text."""

import re
import time

import pytest
from playwright.sync_api import expect

from e2e.people import sign_in
from e2e.test_forms_runner import heading, next_section, start_a_concern_at
from webapp.drafts.models import Draft
from webapp.extensions import db

pytestmark = pytest.mark.e2e

WORRIES = "What are you worried about?"
CHILD_VIEWS = "The child's own words and views"



def answer_the_required_questions(page):
    page.get_by_label(WORRIES).fill("Bruising on both arms.")
    page.get_by_label("What has happened today or what has changed?").fill("She said her dad hit her.")
    page.get_by_label("What is the impact on the child?").fill("Withdrawn in class.")


def slow_connection(page, latency_ms: int):
    """Every request takes `latency_ms` to be answered, as on a slow mobile connection."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1})


def choose_by_keyboard(choice) -> None:
    """Space on a radio, as a keyboard user chooses it (the browser clicks it). A mouse click was made
    here, and now and then, on a loaded machine, Playwright found the radio "outside of the viewport"
    while the page was still scrolling to it."""
    choice.focus()
    choice.page.keyboard.press("Space")


def hold_the_save_of(page, section: str) -> list:
    """Holds the section's save on its way, as a slow connection would, until the test lets it go: a
    fixed network latency raced the test's own steps, and on a busy machine the answer could arrive
    (and swap the page) in the middle of one."""
    held = []
    page.route(re.compile(rf"/drafts/[0-9a-f]{{32}}/{section}$"),
               lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    return held


def let_go(page, held: list, count: int = 1) -> None:
    """Lets the held request go on once it is there. Playwright hands a held request to the test only
    while the test is waiting on the browser, so a page saying "Saving your answers" may be ahead of
    the list: the test waits (up to 5 seconds) for the request, and fails if another one was held too."""
    waited_until = time.monotonic() + 5
    while len(held) < count and time.monotonic() < waited_until:
        page.wait_for_timeout(50)
    assert len(held) == count
    held[-1].continue_()


def test_the_boxes_wait_while_next_is_on_its_way(page, live_server, professional):
    """Text typed while Next was on its way was replaced by the next section without a word: the answers
    sent were saved, the later words nowhere. The boxes are read-only until the answer comes, and the
    form says it is saving."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    answer_the_required_questions(page)
    held = hold_the_save_of(page, "concerns")
    next_section(page)
    expect(page.get_by_text("Saving your answers")).to_be_visible()
    views = page.get_by_label(CHILD_VIEWS)
    expect(views).not_to_be_editable()
    views.press_sequentially("typed while saving", timeout=2_000)
    expect(views).to_have_value("")
    earlier_concerns = page.get_by_role("group", name=re.compile("previous concerns")).get_by_label("Yes")
    choose_by_keyboard(earlier_concerns)
    expect(earlier_concerns).not_to_be_checked()
    let_go(page, held)
    expect(heading(page, "Contact Information")).to_be_visible()


def test_a_question_whose_check_comes_back_while_next_is_on_its_way_is_held(page, live_server, professional):
    """The check sent on leaving a question can come back while Next is still on its way, and brings
    the question's box anew: that box is held as the others are."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    answer_the_required_questions(page)
    held = hold_the_save_of(page, "concerns")
    views = page.get_by_label(CHILD_VIEWS)
    views.fill("She wants to stay with her nan.")
    with page.expect_response(lambda response: response.url.endswith("/validate")):
        page.keyboard.press("Tab")  # leaving the question sends its check, a moment later
        next_section(page)  # Next is held on its way until the check has come back
    expect(page.get_by_text("Saving your answers")).to_be_visible()
    expect(views).not_to_be_editable()
    expect(views).to_have_value("She wants to stay with her nan.")
    let_go(page, held)
    expect(heading(page, "Contact Information")).to_be_visible()


def test_a_button_pressed_while_an_autosave_is_on_its_way_does_what_it_says(page, live_server, professional):
    """A press waits behind an autosave still on its way, and htmx read which button it was only when it
    sent it: a click in a box meanwhile made it forget, and "Save and complete later" went as Next. The
    form is held from the press, and the button goes with its own request."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    held = []
    # Only the first autosave is held. Typing that takes longer than the 0.2 s (a busy machine) starts a
    # second, which htmx queues behind the first and sends when it is let go: held too, it would stand
    # in front of the press for ever (CI, once).
    page.route(re.compile(r"/autosave$"), lambda route: route.continue_() if held else held.append(route))
    page.evaluate("document.querySelector('.app-autosave').dataset.autosaveSeconds = '0.2'")
    with page.expect_request(lambda request: request.url.endswith("/autosave")):
        page.get_by_label(WORRIES).press_sequentially("Bruising")
    page.get_by_role("button", name="Save and complete later").click()
    expect(page.get_by_text("Saving your answers")).to_be_visible()
    expect(page.get_by_label(WORRIES)).not_to_be_editable()
    page.get_by_label("What is the impact on the child?").click()
    let_go(page, held)
    expect(heading(page, "Your form has been saved")).to_be_visible()


def test_the_boxes_stay_held_until_the_page_a_button_leads_to_has_come(page, live_server, professional):
    """After "Save and complete later" was saved, the boxes were given back while the browser was still
    on its way to the next page, and words typed then went nowhere; a button pressed then sent the
    answers again."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    page.get_by_label(WORRIES).fill("Bruising on both arms.")
    held = []
    page.route(re.compile(r"/saved$"), lambda route: held.append(route))
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" and
            request.url.endswith("/concerns") else None)
    # The page is on its way out, where a locator waits for the next page: it reports for itself.
    page.evaluate("""() => document.addEventListener('htmx:afterRequest', event => {
      if (event.detail.requestConfig.elt.id !== 'section-form') return
      setTimeout(() => {
        console.log('after the answer: ' + JSON.stringify({
          editable: !document.getElementById('impact').readOnly,
          saying: document.querySelector('.app-saving').textContent}))
        document.querySelector('#section-form button[value=next]').click()
        setTimeout(() => console.log('pressed Next'), 300)
      }, 300)
    })""")
    with page.expect_console_message(lambda message: message.text == "pressed Next"):
        with page.expect_console_message(lambda message: message.text.startswith("after the answer")) as said:
            page.get_by_role("button", name="Save and complete later").click(no_wait_after=True)
    assert said.value.text == 'after the answer: {"editable":false,"saying":"Saving your answers"}'
    assert len(sent) == 1
    let_go(page, held)
    expect(heading(page, "Your form has been saved")).to_be_visible()


def test_a_choice_held_while_saving_shows_no_follow_up_question(page, live_server, professional):
    """The click on another choice was refused, but GOV.UK Frontend still showed that choice's follow-up
    question, which could then be typed in (and thrown away, the choice being unchanged)."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    previous = page.get_by_role("group", name=re.compile("previous concerns"))
    with page.expect_response(lambda response: response.url.endswith("/validate")):
        previous.get_by_label("No", exact=True).check()
    page.wait_for_timeout(200)  # the question, checked, is swapped in
    held = hold_the_save_of(page, "concerns")
    next_section(page)
    expect(page.get_by_text("Saving your answers")).to_be_visible()
    choose_by_keyboard(previous.get_by_label("Yes", exact=True))
    expect(previous.get_by_label("No", exact=True)).to_be_checked()
    expect(page.get_by_label("Tell us about the previous concerns")).to_be_hidden()
    let_go(page, held)


def test_a_drop_down_waits_too(page, live_server, professional):
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "child")
    ethnicity = page.get_by_label("Ethnicity")
    before = ethnicity.input_value()
    held = hold_the_save_of(page, "child")
    next_section(page)
    expect(page.get_by_role("status").filter(has_text="Saving your answers")).to_be_visible()
    ethnicity.focus()
    page.keyboard.press("ArrowDown")
    assert ethnicity.input_value() == before
    let_go(page, held)


def test_a_next_that_fails_gives_the_boxes_back(page, live_server, professional):
    """Offline, Next keeps the page: its boxes can be typed in again, and the message that the changes
    were not saved goes once a later save has worked."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    answer_the_required_questions(page)
    page.context.set_offline(True)
    next_section(page)
    not_saved = page.get_by_role("alert").filter(has_text="Your latest changes were not saved")
    expect(not_saved).to_be_visible()
    views = page.get_by_label(CHILD_VIEWS)
    expect(views).to_be_editable()
    expect(page.get_by_text("Saving your answers")).to_be_hidden()

    page.context.set_offline(False)
    with page.expect_response(lambda response: response.url.endswith("/validate")):
        views.fill("He said he is scared to go home.")
        views.blur()
    expect(not_saved).to_be_visible()  # a check saves nothing: the answers are still not saved
    next_section(page)
    expect(heading(page, "Contact Information")).to_be_visible()
    expect(not_saved).to_have_count(0)


def saved_answer(app, draft_id: str, question: str):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        answer = (draft.answers.get("concerns") or {}).get(question)
        db.session.remove()
        return answer


def wait_for_saved(app, draft_id: str, question: str, answer: str):
    """The save sent as a page goes is the browser's to finish: wait for it in the database."""
    deadline = time.monotonic() + 10
    while saved_answer(app, draft_id, question) != answer and time.monotonic() < deadline:
        time.sleep(0.1)
    assert saved_answer(app, draft_id, question) == answer


def test_words_typed_just_before_leaving_the_page_are_saved(page, live_server, professional):
    """Typed less than the autosave's 30 seconds before a link, Back or a reload: the words went with
    the page. They are now sent as the page goes (on a request the browser finishes on its own)."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    concerns_url = page.url
    draft_id = re.search(r"/drafts/([0-9a-f]{32})/", concerns_url).group(1)
    typed = "She told her teacher she had not eaten since Friday."
    page.get_by_label(WORRIES).fill(typed)
    page.get_by_role("link", name="Portal Home").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Concerns")
    wait_for_saved(live_server.app, draft_id, "worries", typed)
    page.goto(concerns_url)
    expect(page.get_by_label(WORRIES)).to_have_value(typed)



def test_next_after_being_signed_out_elsewhere_brings_the_answers_back(page, live_server, professional):
    """Signed out in another tab (here: the session's cookie gone) with answers typed: Next went to a
    plain sign-in page and the answers were lost. Sign-in now says they were kept, and shows them."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    page.get_by_label(WORRIES).fill("Typed before the other tab signed out.")
    page.context.clear_cookies()
    next_section(page)
    expect(page.get_by_text("You were signed out, so the answers on the page you were on were not saved. "
                            "We have kept them")).to_be_visible()
    sign_in(page, professional)
    expect(heading(page, "Concerns")).to_be_visible()
    expect(page.get_by_text("You were signed out before these answers were saved")).to_be_visible()
    expect(page.get_by_label(WORRIES)).to_have_value("Typed before the other tab signed out.")

    # Shown, not saved: leaving the page without a word typed saves them rather than losing them.
    draft_id = re.search(r"/drafts/([0-9a-f]{32})/", page.url).group(1)
    page.get_by_role("link", name="Portal Home").click()
    wait_for_saved(live_server.app, draft_id, "worries", "Typed before the other tab signed out.")


def test_two_tabs_signed_out_in_a_third_both_bring_their_answers_back(page, live_server, check_a11y,
                                                                      professional):
    """Two sections open in two tabs, and the person signed out in a third: Next in each led to
    sign-in, and only the answers of the tab sent last came back (a session kept one page's). Each
    tab's now do, and the sign-in page says how many pages were kept."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    other = page.context.new_page()
    other.set_default_timeout(10_000)
    other.goto(re.sub(r"/[^/]+$", "/child", page.url))
    page.get_by_label(WORRIES).fill("Typed in the first tab.")
    other.get_by_label("Other names they are known by").fill("Typed in the second tab")

    third = page.context.new_page()
    third.goto(f"{live_server.url}/account")
    third.locator("summary.app-account-menu__toggle").click()
    third.get_by_role("button", name="Logout").click()
    third.close()

    next_section(page)
    expect(page.get_by_text("the answers on the page you were on were not saved")).to_be_visible()
    next_section(other)
    expect(other.get_by_text("You were signed out, so the answers on the 2 pages you had open were not "
                             "saved. We have kept them")).to_be_visible()
    check_a11y(other, "sign-in with two pages kept")
    sign_in(other, professional)
    expect(heading(other, "Child / Young Person's Details")).to_be_visible()
    expect(other.get_by_text("You were signed out before these answers were saved")).to_be_visible()
    expect(other.get_by_label("Other names they are known by")).to_have_value("Typed in the second tab")

    page.reload()  # the first tab's sign-in page: signed in now, it goes on to its section
    expect(heading(page, "Concerns")).to_be_visible()
    expect(page.get_by_text("You were signed out before these answers were saved")).to_be_visible()
    expect(page.get_by_label(WORRIES)).to_have_value("Typed in the first tab.")


def test_a_signed_out_next_and_a_check_beside_it_lead_to_one_sign_in_page(page, live_server, professional):
    """Next and the check of the question it left both came back "signed out", each saying to go to sign
    in. Following both loaded the sign-in page twice, and the second time the page was left sent the
    answers Next had posted (and the server had kept) once more: that request wrote the signed-out
    session beside the sign-in page's own, the form's token could be lost, and signing in then said
    "Your session needs refreshing" (CI, once). The sign-in page is held here until both have come
    back, as a busy machine holds it."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    page.get_by_label(WORRIES).fill("Typed before the other tab signed out.")
    page.context.clear_cookies()
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url.split("?")[0])))
    held, released = [], []
    page.route(re.compile(r"/sign-in\?"), lambda route: held.append(route)
               if route.request.method == "GET" and not released else route.continue_())
    with page.expect_response(lambda response: response.url.endswith("/validate")) as check:
        next_section(page)
    assert check.value.status == 401
    waited_until = time.monotonic() + 5
    while not held and time.monotonic() < waited_until:
        page.wait_for_timeout(50)
    page.wait_for_timeout(500)  # for a second redirect, and a save as the page goes, to be sent
    sign_in_pages = len(held)
    released.append(True)
    for route in held:
        route.continue_()
    expect(page.get_by_text("We have kept them")).to_be_visible()
    assert not [url for method, url in sent if url.endswith("/autosave")]
    assert sign_in_pages == 1
    sign_in(page, professional)
    expect(page.get_by_label(WORRIES)).to_have_value("Typed before the other tab signed out.")


def test_a_reload_straight_after_typing_shows_what_was_typed(page, live_server, professional):
    """The reloaded page was often read before the save sent as the old one went was written: the
    words just typed vanished from the boxes (kept in the database), and Next then met the conflict
    page. The page now checks once that it is not older than that save."""
    page.set_default_timeout(10_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    for attempt in range(3):
        typed = f"Typed just before reloading, time {attempt}."
        page.get_by_label(WORRIES).fill(typed)
        page.reload()
        expect(page.get_by_label(WORRIES)).to_have_value(typed)


def test_a_section_too_large_to_send_as_the_page_goes_asks_before_leaving(page, live_server, professional):
    """A request that outlives its page carries 64 KB at most: long answers in a script of three bytes
    a letter were silently not sent. Such a page is saved the ordinary way, and the browser asks before
    leaving, which gives that save the time to arrive."""
    page.set_default_timeout(15_000)
    start_a_concern_at(page, live_server, professional, "concerns")
    draft_id = re.search(r"/drafts/([0-9a-f]{32})/", page.url).group(1)
    devanagari = "बच्चे ने कहा कि वह घर नहीं जाना चाहता। " * 200
    limits = {WORRIES: 5000, "What has happened today or what has changed?": 5000,
              "What is the impact on the child?": 5000, CHILD_VIEWS: 5000,
              "Strengths and protective factors": 3000, "What action has your agency taken?": 3000}
    for question, limit in limits.items():  # each within its limit, about 66 KB in all
        page.get_by_label(question).fill(devanagari[:limit - 100])
    asked = []
    # The question left last is checked as the link is pressed: that check is still on its way when
    # the page is left, and the save must not wait behind it.
    slow_connection(page, 1_000)

    def leave_when_saved(dialog):
        """A person reads the question before answering it; the save goes on meanwhile. (Leaving at
        once, before it arrives, would lose what was typed since the last autosave.)"""
        asked.append(dialog.type)
        deadline = time.monotonic() + 10
        while saved_answer(live_server.app, draft_id, "worries") is None and time.monotonic() < deadline:
            time.sleep(0.1)
        dialog.accept()

    page.on("dialog", leave_when_saved)
    page.get_by_role("link", name="Portal Home").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Concerns")
    assert asked == ["beforeunload"]
    assert saved_answer(live_server.app, draft_id, "worries") == devanagari[:4900]
