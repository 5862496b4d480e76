"""Per-record access: another account's draft id is "not found" on every endpoint and changes nothing."""

import pytest

from tests.conftest import post_form
from tests.functional.drafts.conftest import CHILD, HX
from tests.support import csrf_token
from webapp.drafts.models import Draft
from webapp.extensions import db

GETS = ["/drafts/{id}/child", "/drafts/{id}/overview", "/drafts/{id}/check", "/drafts/{id}/saved",
        "/drafts/{id}/cancel"]
POSTS = ["/drafts/{id}/child", "/drafts/{id}/child/autosave", "/drafts/{id}/child/validate/first_name",
         "/drafts/{id}/child/validate", "/drafts/{id}/cancel"]


def snapshot(app, draft_id):
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        return draft and (draft.version, draft.answers, draft.section_status, draft.saved_at)


@pytest.fixture
def owned_draft(runner):
    draft_id = runner.start()
    runner.post(draft_id, "child", CHILD)
    return draft_id


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_another_accounts_draft_is_404_everywhere_and_unchanged(app, owned_draft, other_runner, htmx):
    before = snapshot(app, owned_draft)
    headers = HX if htmx else {}
    client = other_runner.client
    token = csrf_token(client.get("/drafts").get_data(as_text=True) + client.get("/").get_data(as_text=True))
    for path in GETS:
        assert client.get(path.format(id=owned_draft), headers=headers).status_code == 404, path
    for path in POSTS:
        response = client.post(path.format(id=owned_draft), headers=headers,
                               data={"csrf_token": token, "draft_version": str(before[0]),
                                     "first_name": "Intruder", "action": "next"})
        assert response.status_code == 404, path
    assert snapshot(app, owned_draft) == before
    assert "Sam Jones" not in client.get("/drafts").get_data(as_text=True)


def test_a_made_up_draft_id_is_404(runner):
    assert runner.client.get("/drafts/" + "0" * 32 + "/child").status_code == 404
    assert runner.client.get("/drafts/not-hex/child").status_code == 404


def test_a_back_office_session_is_sent_to_the_portal_sign_in_which_says_so(app, client, make_user,
                                                                          owned_draft):
    """A caseworker following a link to Recover a Form got "Page not found" while the header showed them
    signed in; the other pages for portal accounts sent them to a sign-in page that said nothing of it."""
    staff_client = app.test_client()
    make_user(email="caseworker@example.gov.uk", first_name="Sam", surname="Carter")
    from tests.conftest import sign_in

    sign_in(staff_client, email="caseworker@example.gov.uk")  # then made a back-office session
    with staff_client.session_transaction() as session:
        session["staff"] = True
    for path in ("/drafts", f"/drafts/{owned_draft}/child", "/account", "/submitted"):
        response = staff_client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == f"/sign-in?next={path}", path
    page = staff_client.get("/sign-in?next=/drafts").get_data(as_text=True)
    assert ("You are signed in to the back office as Sam Carter. The portal&#39;s forms and accounts need a "
            "portal account: signing in here signs you out of the back office.") in page
    signed_out = app.test_client().get("/sign-in?next=/drafts").get_data(as_text=True)
    assert "Secure login" in signed_out and "signed in to the back office" not in signed_out


def test_signing_in_to_the_portal_from_the_back_office_ends_it_and_carries_nothing_over(
        app, make_user, smtp_sink):
    """The sign-in page says it signs the caseworker out of the back office: it does, and their saved
    searches (often a child's name) are not carried into the portal account's session."""
    from tests.conftest import sign_in
    from tests.functional.review.conftest import staff_sign_in

    make_user("caseworker@council.example", is_staff=True, team="social-care", is_professional=False,
              role=None, organisation=None)
    make_user("parent@example.com")
    browser = app.test_client()
    staff_sign_in(browser, smtp_sink, "caseworker@council.example")
    searched = post_form(browser, "/la/queue", {"q": "Jordan Ellison"})
    assert searched.status_code == 303
    sign_in(browser, "parent@example.com")
    with browser.session_transaction() as session:
        assert "staff" not in session or not session["staff"]
        assert "queue_searches" not in session
    assert browser.get("/la/queue").status_code == 404  # a portal account: no back office here
    assert browser.get("/drafts").status_code == 200


def test_signed_out_gets_sign_in_and_htmx_gets_401(client, owned_draft):
    fresh = client.application.test_client()
    page = fresh.get(f"/drafts/{owned_draft}/child")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in?next=")
    hx = fresh.post(f"/drafts/{owned_draft}/child", headers=HX, data={"first_name": "x"})
    assert hx.status_code == 401 and hx.headers["HX-Redirect"].startswith("/sign-in")


def test_post_without_csrf_token_is_refused_when_signed_in(app, runner, owned_draft):
    before = snapshot(app, owned_draft)
    response = runner.client.post(f"/drafts/{owned_draft}/child",
                                  data={"draft_version": str(before[0]), "first_name": "Forged"})
    assert response.status_code == 400
    assert snapshot(app, owned_draft) == before
