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


def test_the_account_menu_names_its_pages_as_the_pages_and_the_guide_do(client, make_user):
    """It said "Recover a form", where the page and the council's guide say "Recover a Form"."""
    make_user()
    sign_in(client)
    header = client.get("/").get_data(as_text=True).split("<header", 1)[1].split("</header>", 1)[0]
    assert '<a class="app-account-menu__link" href="/drafts">Recover a Form</a>' in header
