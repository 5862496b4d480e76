"""The top bar, as the council's guide shows it (2.4): "Portal Home" beside the account name."""

import re

from tests.conftest import sign_in

PORTAL_HOME = re.compile(r'<header[^>]*>.*<a class="app-header__link" href="/">Portal Home</a>.*</header>',
                         re.S)


def test_portal_home_is_on_the_top_bar_signed_out(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert PORTAL_HOME.search(response.get_data(as_text=True))


def test_portal_home_is_on_the_top_bar_beside_the_account_name(client, make_user):
    make_user()
    sign_in(client)
    for page in ("/submitted", "/drafts", "/account", "/forms/safeguarding-concern"):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        header = html.split("<header", 1)[1].split("</header>", 1)[0]
        assert PORTAL_HOME.search(html), page
        assert header.index("Portal Home") < header.index("Priya Shah"), page
