"""Where you are signed in: each of the account's sessions, named by browser and system, and
signing out of one or all of the others after entering the password again (ASVS 5.0 7.5.2)."""

import re
from html import unescape

from tests.conftest import PASSWORD, post_form, sign_in
from tests.support import csrf_token
from webapp.accounts.devices import describe_device

CHROME_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/120.0.0.0 Safari/537.36")
SAFARI_ON_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")
FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def text(response) -> str:
    return response.get_data(as_text=True)


def browser(app, user_agent: str, email: str = "teacher@example.com"):
    """A test client that sends `user_agent` with every request, signed in."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    sign_in(client, email)
    return client


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def sign_out_links(page: str, pages: str = "/account/devices") -> list[str]:
    return re.findall(rf'href="({pages}/[^"/]+/sign-out)"', page)


def test_device_names_come_from_the_browser_s_user_agent():
    assert describe_device(CHROME_ON_WINDOWS) == "Chrome on Windows"
    assert describe_device(SAFARI_ON_IPHONE) == "Mobile Safari on iOS"
    assert describe_device(FIREFOX_ON_LINUX) == "Firefox on Linux"
    assert describe_device("") is None
    assert describe_device(None) is None
    assert len(describe_device("Mozilla/5.0 " + "x" * 5000) or "") <= 100


def test_the_page_lists_this_device_and_the_others(app, make_user):
    make_user()
    here = browser(app, CHROME_ON_WINDOWS)
    browser(app, SAFARI_ON_IPHONE)
    page = text(here.get("/account/devices"))
    assert "Your account is signed in on 2 devices" in page
    assert page.index("Chrome on Windows") < page.index("This device") < page.index("Mobile Safari on iOS")
    assert len(sign_out_links(page)) == 1  # only the other device; this one signs out with Sign out
    assert "Sign out of every other device" not in page  # one other: its own link does it
    assert "Where you are signed in" in text(here.get("/account"))


def test_another_account_s_sessions_are_not_listed(app, make_user):
    make_user()
    make_user(email="someone@example.com")
    here = browser(app, CHROME_ON_WINDOWS)
    browser(app, SAFARI_ON_IPHONE, email="someone@example.com")
    page = text(here.get("/account/devices"))
    assert "Mobile Safari" not in page
    assert "signed in on this device only" in page
    assert sign_out_links(page) == []


def test_signing_out_of_another_device_asks_for_the_password_and_ends_only_that_session(app, make_user):
    make_user()
    here = browser(app, CHROME_ON_WINDOWS)
    phone = browser(app, SAFARI_ON_IPHONE)
    laptop = browser(app, FIREFOX_ON_LINUX)
    link = next(link for link in sign_out_links(text(here.get("/account/devices")))
                if "Mobile Safari on iOS" in text(here.get(link)))

    response = post_form(here, link, {"password": ""})
    assert response.status_code == 422
    assert "Enter your password" in text(response)
    response = post_form(here, link, {"password": "not my password"})
    assert response.status_code == 422
    assert "Your password is not correct" in text(response)
    assert signed_in(phone)

    response = post_form(here, link, {"password": PASSWORD})
    assert response.headers["Location"] == "/account/devices"
    page = text(here.get("/account/devices"))
    assert "You have signed out of Mobile Safari on iOS." in page
    assert "Mobile Safari" not in page.split('<dl class="govuk-summary-list">')[1]
    assert not signed_in(phone)
    assert signed_in(laptop)
    assert signed_in(here)


def test_signing_out_of_every_other_device(app, make_user):
    make_user()
    here = browser(app, CHROME_ON_WINDOWS)
    others = [browser(app, SAFARI_ON_IPHONE), browser(app, FIREFOX_ON_LINUX)]
    page = text(here.get("/account/devices"))
    assert "Sign out of every other device" in page
    confirm = text(here.get("/account/devices/sign-out-all"))
    assert "Mobile Safari on iOS" in confirm and "Firefox on Linux" in confirm

    assert post_form(here, "/account/devices/sign-out-all", {"password": "wrong"}).status_code == 422
    assert all(signed_in(other) for other in others)
    response = post_form(here, "/account/devices/sign-out-all", {"password": PASSWORD})
    assert response.headers["Location"] == "/account/devices"
    assert "You have signed out of every other device." in text(here.get("/account/devices"))
    assert not any(signed_in(other) for other in others)
    assert signed_in(here)
    # Nothing else to sign out of: the confirmation page leads back to the list.
    assert here.get("/account/devices/sign-out-all").headers["Location"] == "/account/devices"


def test_this_device_and_another_account_s_device_cannot_be_signed_out_here(app, make_user):
    make_user()
    make_user(email="someone@example.com")
    theirs = browser(app, SAFARI_ON_IPHONE, email="someone@example.com")
    their_link = sign_out_links(text(browser(app, FIREFOX_ON_LINUX, email="someone@example.com")
                                     .get("/account/devices")))[0]
    here = browser(app, CHROME_ON_WINDOWS)
    assert here.get(their_link).status_code == 404
    token = csrf_token(text(here.get("/account/password")))
    response = here.post(their_link, data={"csrf_token": token, "password": PASSWORD})
    assert response.headers["Location"] == "/account/devices"
    assert "That device was already signed out." in text(here.get("/account/devices"))
    assert signed_in(theirs)
    assert here.get("/account/devices/0123456789abcdef0123/sign-out").status_code == 404


def test_a_device_that_signed_out_meanwhile_is_reported_as_already_signed_out(app, make_user):
    make_user()
    here = browser(app, CHROME_ON_WINDOWS)
    phone = browser(app, SAFARI_ON_IPHONE)
    link = sign_out_links(text(here.get("/account/devices")))[0]
    page = text(here.get(link))
    phone.post("/sign-out", data={"csrf_token": csrf_token(text(phone.get("/account")))})
    response = here.post(link, data={"csrf_token": csrf_token(page), "password": PASSWORD})
    assert response.headers["Location"] == "/account/devices"
    assert "That device was already signed out." in text(here.get("/account/devices"))


def test_the_pages_need_sign_in(client):
    for path in ("/account/devices", "/account/devices/sign-out-all",
                 "/account/devices/0123456789abcdef0123/sign-out"):
        assert client.get(path).headers["Location"].startswith("/sign-in")


def test_a_caseworker_signs_out_of_another_device_in_the_back_office(app, make_user, smtp_sink):
    from tests.functional.review.conftest import staff_sign_in

    make_user("caseworker@council.example", is_staff=True, team="social-care", is_professional=False,
              role=None, organisation=None)
    office, laptop = app.test_client(), app.test_client()
    office.environ_base["HTTP_USER_AGENT"] = CHROME_ON_WINDOWS
    laptop.environ_base["HTTP_USER_AGENT"] = FIREFOX_ON_LINUX
    staff_sign_in(laptop, smtp_sink, "caseworker@council.example")
    staff_sign_in(office, smtp_sink, "caseworker@council.example")
    assert "Where you are signed in" in text(office.get("/la/queue"))  # in the account menu
    page = text(office.get("/la/devices"))
    assert "Your account is signed in on 2 devices" in page
    # Not the public's reset: the back office's own Change your password, and whom to tell.
    assert "IT service desk" in page
    assert '<a class="govuk-link" href="/la/password">change your password</a>' in page
    assert "15 minutes without use" in page
    [link] = sign_out_links(page, "/la/devices")
    assert "Firefox on Linux" in text(office.get(link))
    response = post_form(office, link, {"password": PASSWORD})
    assert response.headers["Location"] == "/la/devices"
    assert "You have signed out of Firefox on Linux." in text(office.get("/la/devices"))
    assert laptop.get("/la/queue").headers["Location"].startswith("/la/sign-in")
    assert office.get("/la/queue").status_code == 200


def test_the_back_office_pages_are_not_a_citizen_s(app, make_user):
    make_user()
    citizen = browser(app, CHROME_ON_WINDOWS)
    assert citizen.get("/la/devices").status_code == 404


def test_guessing_the_password_here_or_on_any_page_that_asks_for_it_signs_the_session_out(app, make_user):
    """Signing devices out was an oracle for the password limited only by network address (ten an hour),
    apart from the count the change-password page keeps: someone at a computer left signed in could
    guess there, then here, then on Change your email address. Wrong passwords on all of them now count
    together, the last two are warned of, and the one that reaches the limit ends this session only."""
    make_user()
    here = browser(app, CHROME_ON_WINDOWS)
    phone = browser(app, SAFARI_ON_IPHONE)
    [link] = sign_out_links(text(here.get("/account/devices")))
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    pages = [(link, {"password": "a guess"}),
             ("/account/email", {"email": "new@example.com", "password": "a guess"}),
             ("/account/password", {"current_password": "a guess", "password": "a new long password",
                                    "confirm_password": "a new long password"}),
             ("/account/devices/sign-out-all", {"password": "a guess"})]
    warnings = []
    for tries in range(limit - 1):
        url, data = pages[tries % len(pages)]
        page = text(post_form(here, url, data))
        assert "password is not correct" in page
        warning = re.search(r'<strong class="govuk-warning-text__text">(.*?)</strong>', page, re.S)
        warnings.append(" ".join(re.sub(r"<[^>]+>", " ", warning.group(1)).split()) if warning else None)
    assert warnings[:limit - 3] == [None] * (limit - 3)
    assert warnings[-1] == ("Warning If you enter the wrong password once more, you will be signed out. "
                            "If you have forgotten it, you can reset it instead.")

    response = post_form(here, link, {"password": "a guess"})
    assert response.headers["Location"] == f"/sign-in?next={link}"
    assert ("You have been signed out because your password was entered wrongly too many times. Sign in "
            "again to sign out of your other devices. If you have forgotten your password, reset it with "
            "'Forgotten your password?'.") in unescape(text(here.get(response.headers["Location"])))
    assert not signed_in(here)
    assert signed_in(phone)  # neither the device it tried to end nor the account is locked out
    assert sign_in(here).status_code == 302
    assert "govuk-warning-text" not in text(post_form(here, link, {"password": "a guess"}))


def test_the_right_password_starts_the_count_again_once_a_device_is_signed_out(app, make_user):
    make_user()
    here = browser(app, CHROME_ON_WINDOWS)
    browser(app, SAFARI_ON_IPHONE)
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    for _ in range(limit - 1):
        assert post_form(here, "/account/devices/sign-out-all", {"password": "a guess"}).status_code == 422
    assert post_form(here, "/account/devices/sign-out-all", {"password": PASSWORD}).status_code == 302
    browser(app, FIREFOX_ON_LINUX)
    page = text(post_form(here, "/account/devices/sign-out-all", {"password": "a guess"}))
    assert "govuk-warning-text" not in page
    assert signed_in(here)


def test_a_caseworker_guessing_on_the_device_pages_is_signed_out_and_told_whom_to_ask(app, make_user,
                                                                                       smtp_sink):
    from tests.functional.review.conftest import staff_sign_in

    make_user("caseworker@council.example", is_staff=True, team="social-care", is_professional=False,
              role=None, organisation=None)
    office, laptop = app.test_client(), app.test_client()
    staff_sign_in(laptop, smtp_sink, "caseworker@council.example")
    staff_sign_in(office, smtp_sink, "caseworker@council.example")
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"] - 1):
        page = text(post_form(office, "/la/devices/sign-out-all", {"password": "a guess"}))
    assert "If you have forgotten it, ask the IT service desk for a new one." in page
    response = post_form(office, "/la/devices/sign-out-all", {"password": "a guess"})
    assert response.headers["Location"] == "/la/sign-in?next=/la/devices/sign-out-all"
    assert "ask the IT service desk for a new one" in text(office.get(response.headers["Location"]))
    assert office.get("/la/queue").headers["Location"].startswith("/la/sign-in")
    assert laptop.get("/la/queue").status_code == 200


def test_one_session_may_send_a_device_page_ten_times_an_hour_and_others_are_not_held_up(app, make_user):
    """The limit was the network address's: everyone in one office shares it."""
    make_user()
    make_user("colleague@example.com")
    here = browser(app, CHROME_ON_WINDOWS)
    browser(app, SAFARI_ON_IPHONE)
    colleague = browser(app, FIREFOX_ON_LINUX, "colleague@example.com")
    browser(app, SAFARI_ON_IPHONE, "colleague@example.com")
    for _ in range(10):
        assert post_form(here, "/account/devices/sign-out-all", {"password": ""}).status_code == 422
    assert post_form(here, "/account/devices/sign-out-all", {"password": ""}).status_code == 429
    assert post_form(colleague, "/account/devices/sign-out-all", {"password": ""}).status_code == 422
