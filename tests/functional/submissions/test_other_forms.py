"""The four forms other than the safeguarding concern, walked as the right kind of account: Early Help
and LADO by a professional, 'Worried about a child' and 'Request Early Help for my family' by a member
of the public."""

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.support import csrf_token
from webapp.drafts.models import Draft
from webapp.extensions import db

PROFESSIONAL_FORMS = ["early-help", "lado", "safeguarding-concern"]
PUBLIC_FORMS = ["public-concern", "public-early-help"]


@pytest.fixture
def public_client(app, client, make_user):
    make_user(email="parent@example.com", first_name="Jo", surname="Bloggs", is_professional=False,
              role=None, organisation=None)
    sign_in(client, email="parent@example.com")
    return client


@pytest.fixture
def professional_client(client, make_user):
    make_user()
    sign_in(client)
    return client


def _drafts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Draft))


def _try_to_start(client, form_id):
    html = client.get(f"/forms/{form_id}").get_data(as_text=True)
    return html, client.post(f"/forms/{form_id}/start", data={"csrf_token": csrf_token(html)})


@pytest.mark.parametrize("form_id", PROFESSIONAL_FORMS)
def test_a_member_of_the_public_is_told_a_professional_form_is_not_theirs(app, public_client, form_id):
    """A public account could start a LADO referral or a professional's Early Help request: its
    Professional's Details were blank, and it reached the team as if from a professional."""
    html, response = _try_to_start(public_client, form_id)
    assert f'action="/forms/{form_id}/start"' not in html
    assert "This form is for professionals" in html and 'href="/public"' in html
    assert response.status_code == 403
    assert "This form is for professionals" in response.get_data(as_text=True)
    assert _drafts(app) == 0


@pytest.mark.parametrize("form_id", PUBLIC_FORMS)
def test_a_professional_is_told_a_public_form_is_not_theirs(app, professional_client, form_id):
    html, response = _try_to_start(professional_client, form_id)
    assert f'action="/forms/{form_id}/start"' not in html
    assert "This form is for members of the public" in html and 'href="/professional"' in html
    assert response.status_code == 403
    assert _drafts(app) == 0


@pytest.mark.parametrize(("account", "forms"), [("public_client", PUBLIC_FORMS),
                                                 ("professional_client", PROFESSIONAL_FORMS)])
def test_each_account_starts_its_own_forms(app, request, account, forms):
    client = request.getfixturevalue(account)
    for form_id in forms:
        html, response = _try_to_start(client, form_id)
        assert "This form is for" not in html
        assert response.status_code == 303, form_id
    assert _drafts(app) == len(forms)

