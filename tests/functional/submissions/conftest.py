"""A signed-in professional with a complete draft, for the submission tests."""

import pytest

from tests.conftest import sign_in
from tests.functional.submissions.factory import make_draft


@pytest.fixture
def app(app_factory):
    # The post-submit render thread is tested on its own; elsewhere the job is run explicitly.
    return app_factory(PDF_RENDER_AFTER_SUBMIT=False)


@pytest.fixture
def user_id(make_user):
    return make_user()


@pytest.fixture
def signed_in(client, user_id):
    sign_in(client)
    return client


@pytest.fixture
def draft_id(app, user_id):
    with app.app_context():
        return make_draft(user_id)

