"""Registration, seed Section 1: three steps, an emailed code, then the Terms and Conditions."""

import re

import pytest

from tests.conftest import PASSWORD, post_form, sign_in
from tests.functional.accounts.conftest import VERIFY_SUBJECT
from tests.support import at_the_same_moment, csrf_token
from webapp.accounts import services
from webapp.accounts.models import User
from webapp.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def user_by_email(app, email):
    with app.app_context():
        return db.session.query(User).filter_by(email=email).one_or_none()


def assert_error(response, field_id: str, message: str):
    """A GOV.UK error summary linking to the field, the same message at the field, and 422."""
    html = text(response)
    assert response.status_code == 422, html
    assert "govuk-error-summary" in html
    assert f'href="#{field_id}"' in html
    assert html.count(message) >= 2, f"{message!r} not both in summary and at field"
    assert "<title>Error: " in html


# --- Step 1 ---------------------------------------------------------------------------------------

def test_step1_page_uses_the_seed_wording(client):
    html = text(client.get("/register"))
    assert "Register a new account" in html
    assert "Is this account being used in a professional capacity?" in html
    assert ">\n  Next\n</button>" in html or ">Next<" in html


def test_a_browser_fills_the_first_line_of_an_address_into_street(client):
    """Autofill puts the first address line ("12 High Street") in the field marked address-line1. It was
    Property name, and the second line (mostly empty) went into Street, the one required line: people
    who let the browser fill the address were told to enter their street (WCAG 1.3.5)."""
    html = text(client.get("/register"))
    tokens = dict(re.findall(r'<input[^>]*?name="(\w+)"[^>]*?autocomplete="([^"]+)"', html))
    assert tokens["street"] == "address-line1"
    assert "property_name" not in tokens and "house_no" not in tokens
    assert tokens["town"] == "address-level2" and tokens["postcode"] == "postal-code"


@pytest.mark.parametrize(("field", "message"), [
    ("first_name", "Enter your first name"),
    ("surname", "Enter your surname"),
    ("street", "Enter your street"),
    ("town", "Enter your town or city"),
    ("postcode", "Enter your postcode"),
])
def test_step1_required_fields(journey, field, message):
    response = journey.details(**{field: ""})
    assert_error(response, field, message)


def test_step1_keeps_what_was_typed_on_error(journey):
    response = journey.details(first_name="", surname="O'Brien-Łukasz", town="Leigh", phone="07700 900 982")
    html = text(response)
    assert response.status_code == 422
    assert 'value="O&#39;Brien-Łukasz"' in html
    assert 'value="Leigh"' in html
    assert 'value="07700 900982"' in html  # a valid number comes back normalised
    assert 'value="no" checked' in html or re.search(r'value="no"[^>]*checked', html)


def test_step1_professional_question_is_required(journey):
    response = journey.details(is_professional="")
    assert_error(response, "is_professional",
                 "Select yes if this account is being used in a professional capacity")


def test_role_and_organisation_required_only_for_professionals(journey, client):
    response = journey.details(is_professional="yes", role="", organisation="")
    assert_error(response, "role", "Enter your role")
    assert_error(response, "organisation", "Enter your organisation")
    # The reveal is open when "Yes" was chosen, so the messages are visible.
    assert 'govuk-radios__conditional--hidden" id="conditional-is_professional"' not in text(response)
    assert journey.details(is_professional="no", role="", organisation="").status_code == 302


def test_role_is_dropped_for_members_of_the_public(app, journey):
    journey.to_step3(is_professional="no", role="Teacher", organisation="School")
    user = user_by_email(app, "jo@example.com")
    assert (user.is_professional, user.role, user.organisation) == (False, None, None)


def test_a_name_of_invisible_characters_is_asked_for_again(journey):
    """A zero-width space pasted into a name looks blank: it must not make an account with no name."""
    assert_error(journey.details(first_name="\u200b\ufeff"), "first_name", "Enter your first name")


@pytest.mark.parametrize(("typed", "stored"), [
    ("wn11aa", "WN1 1AA"), (" wn1 1aa ", "WN1 1AA"), ("SW1A1AA", "SW1A 1AA"), ("m1 1ae", "M1 1AE"),
    ("bfpo 1234", "BFPO 1234"),  # a forces family's address
])
def test_postcode_is_normalised(app, journey, typed, stored):
    journey.to_step3(postcode=typed)
    assert user_by_email(app, "jo@example.com").postcode == stored


@pytest.mark.parametrize("postcode", ["WN1", "12345", "WN1 1AA 1", "<b>WN1</b>"])
def test_postcode_must_be_a_uk_postcode(journey, postcode):
    assert_error(journey.details(postcode=postcode), "postcode", "Enter a full UK postcode")


@pytest.mark.parametrize(("typed", "stored"), [
    ("07911 123 456", "07911 123456"),
    ("07911123456", "07911 123456"),
    ("+44 7911 123456", "07911 123456"),
    ("+44 (0)7911 123456", "07911 123456"),
    ("+447911123456", "07911 123456"),
    ("(01942) 244991", "01942 244991"),
    # A desk phone's extension is kept, and the longest still fits the account's phone column.
    ("01942 244991 ext 123", "01942 244991 x123"),
    ("020 7946 0000 extension 12345", "020 7946 0000 x12345"),
])
def test_phone_with_spaces_brackets_and_plus44_is_accepted(app, journey, typed, stored):
    journey.to_step3(phone=typed)
    assert user_by_email(app, "jo@example.com").phone == stored


@pytest.mark.parametrize("phone", ["12", "not a number", "+1 202 555 0143", "0" * 300,
                                   "01942 244991 x123456"])
def test_phone_must_be_a_uk_number(journey, phone):
    assert_error(journey.details(phone=phone), "phone", "Enter a UK phone number")


def test_two_phone_numbers_are_asked_for_one(journey):
    page = journey.details(phone="0161 496 0000 / 07700 900123")
    assert_error(page, "phone", "Enter one phone number only")


@pytest.mark.parametrize("name", ["Jo\r\nBcc: victim@example.com", "Jo\nBloggs", "Jo\x01", "Jo\x1b[31m"])
def test_line_breaks_and_control_characters_in_names_are_rejected(journey, name):
    response = journey.details(first_name=name)
    assert_error(response, "first_name", "First name must not contain line breaks or special characters")


@pytest.mark.parametrize("name", ["Jo\u202eevil", "\u2067Amira\u2069"])
def test_a_hidden_direction_character_in_a_name_is_named_as_hidden(journey, name):
    """Refused as it was, it said "special characters" of a name that showed none: it came with a paste."""
    response = journey.details(first_name=name)
    assert_error(response, "first_name", "First name must not contain hidden characters. Type it in rather "
                                         "than copying and pasting it")


def test_a_nul_in_a_name_is_dropped_before_the_form_sees_it(app, journey):
    """Every form field loses its NULs as the request is read (webapp/web/requests.py)."""
    journey.register(first_name="Jo\x00")
    assert user_by_email(app, "jo@example.com").first_name == "Jo"


def test_script_tags_in_names_are_inert(app, journey, client, smtp_sink):
    name = '<script>alert("x")</script>'
    response = journey.details(first_name=name, town="")
    assert response.status_code == 422
    assert "<script>alert" not in text(response)
    assert "&lt;script&gt;alert" in text(response)
    journey.register(first_name=name)
    html = text(client.get("/account"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize(("field", "message"), [
    ("first_name", "First name must be 100 characters or fewer"),
    ("surname", "Surname must be 100 characters or fewer"),
    ("street", "Street must be 150 characters or fewer"),
    ("title", "Title must be 20 characters or fewer"),  # the label's "(optional)" is not the box's name
    ("property_name", "Property name must be 100 characters or fewer"),
    ("house_no", "House number must be 20 characters or fewer"),
    ("postcode", "Enter a full UK postcode"),
    ("phone", "Enter a UK phone number"),
])
def test_very_long_input_gets_a_message(journey, field, message):
    assert_error(journey.details(**{field: "x" * 5000}), field, message)


def test_very_long_role_gets_a_message(journey):
    response = journey.details(is_professional="yes", role="r" * 5000, organisation="o" * 5000)
    assert_error(response, "role", "Role must be 100 characters or fewer")
    assert_error(response, "organisation", "Organisation must be 150 characters or fewer")


def test_unexpected_radio_value_gets_a_message_not_500(journey):
    response = journey.details(is_professional="maybe")
    assert response.status_code == 422


# --- Step 2 ---------------------------------------------------------------------------------------

def test_step2_sent_twice_at_the_same_moment_makes_one_account(app, client, journey, monkeypatch):
    """A double-click on Next without JavaScript sends step 2 twice: both found no account for
    the address, both created one, and the second, refused by the database, was a server error."""
    journey.details()
    token = csrf_token(text(client.get("/register/account")))
    posted = {"csrf_token": token, "email": "jo@example.com", "password": PASSWORD,
              "confirm_password": PASSWORD}
    responses = at_the_same_moment(monkeypatch, services, "find_by_email", [
        lambda: client.post("/register/account", data=posted) for _ in range(2)])
    assert [response.headers.get("Location") for response in responses] == ["/register/verify"] * 2
    with app.app_context():
        assert db.session.query(User).filter_by(email="jo@example.com").count() == 1
    assert journey.verify(journey.code_for()).headers["Location"] == "/terms"


def test_step2_needs_step1_first(client):
    assert client.get("/register/account").headers["Location"] == "/register?resume=1"


def test_step2_errors_keep_the_email_but_never_the_password(journey):
    journey.details()
    response = journey.account("jo@example.com", PASSWORD, confirm="something else entirely")
    assert_error(response, "confirm_password", "Passwords must match")
    html = text(response)
    assert 'value="jo@example.com"' in html
    assert PASSWORD not in html


@pytest.mark.parametrize("email", ["not-an-email", "jo@", "jo@example.com\r\nBcc: x@example.com",
                                   "a" * 250 + "@example.com"])
def test_step2_email_must_be_valid(journey, email):
    journey.details()
    response = journey.account(email)
    assert response.status_code == 422
    assert 'href="#email"' in text(response)


@pytest.mark.parametrize("email", ["jö@example.com", "\u0130nci@example.com", "\uff4a\uff4f@example.com"])
def test_step2_letters_the_mail_cannot_carry_before_the_at_get_a_message(app, journey, email):
    """The code email to such an address could not be sent: the person saw a server error, and the
    account it left behind could never be verified."""
    journey.details()
    response = journey.account(email)
    assert_error(response, "email", "Enter an email address in the correct format, like name@example.com")
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_step2_a_domain_in_another_alphabet_is_fine(journey, smtp_sink):
    journey.details()
    assert journey.account("jo@exämple.com").headers["Location"] == "/register/verify"
    assert smtp_sink.wait_for("jo@xn--exmple-cua.com", VERIFY_SUBJECT).code()


@pytest.mark.parametrize(("password", "message"), [
    ("short12", "Password must be 8 characters or more"),
    ("p" * 129, "Password must be 128 characters or fewer"),
    ("password1", "This password is too common"),
    ("iloveyou", "This password is too common"),
    ("jo@example.com", "Your password must not be made up only of your name, your email address"),
])
def test_password_rules(journey, password, message):
    journey.details()
    response = journey.account("jo@example.com", password)
    assert response.status_code == 422
    assert message in text(response)


def test_step2_shows_every_problem_at_once(journey):
    """A short password was reported only after the email address had been put right: two rounds."""
    journey.details()
    response = journey.account("jo@example", "short")
    assert_error(response, "email", "Enter an email address in the correct format, like name@example.com")
    assert_error(response, "password", "Password must be 8 characters or more")


@pytest.mark.parametrize("password", ["Wigan Council 2026!", "jo bloggs 1234", "childrensservices"])
def test_step2_refuses_a_password_of_the_council_s_the_service_s_or_the_person_s_name(journey, password):
    """ASVS 5.0 6.2.11: these were accepted, not being in the list of breached passwords."""
    journey.details()
    response = journey.account("jo@example.com", password)
    assert_error(response, "password", "Your password must not be made up only of your name, your email "
                                       "address, or the name of the council or this service")


def test_long_passphrases_without_composition_rules_are_fine(journey):
    journey.details()
    assert journey.account("jo@example.com", "p" * 8 + "q" * 120).status_code == 302


def test_password_fields_allow_paste_and_password_managers(journey):
    journey.details()
    html = text(journey.client.get("/register/account"))
    assert 'autocomplete="new-password"' in html
    assert "onpaste" not in html.lower()
    assert 'autocomplete="off"' not in html


def test_email_is_unique_whatever_its_case(journey, make_user):
    make_user("Taken@Example.com".lower())
    journey.details()
    response = journey.account("TAKEN@example.COM")
    assert_error(response, "email", "An account with this email address already exists")


@pytest.mark.parametrize("spelling", ["jo@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com", "jo@EXAMPLE.com "])
def test_one_mailbox_one_account_however_the_domain_is_written(journey, make_user, spelling):
    """Mail to a domain in full-width letters goes to the plain domain: the same inbox verified a
    second account for an address that already had one."""
    make_user("jo@example.com")
    journey.details()
    response = journey.account(spelling)
    assert_error(response, "email", "An account with this email address already exists")


def test_the_ascii_and_the_native_spelling_of_a_domain_are_one_account(app, journey, client):
    journey.to_step3("jo@exämple.com")
    journey.verify(journey.code_for("jo@xn--exmple-cua.com"))
    journey.accept_terms()
    assert user_by_email(app, "jo@exämple.com") is not None
    client.post("/sign-out", data={"csrf_token": csrf_token(text(client.get("/")))})
    response = post_form(client, "/sign-in", {"email": "JO@xn--exmple-cua.com", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_an_account_stored_with_the_ascii_spelling_before_normalising_still_signs_in(client, make_user):
    make_user("jo@xn--exmple-cua.com")
    response = post_form(client, "/sign-in", {"email": "jo@xn--exmple-cua.com", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_email_is_stored_in_lower_case(app, journey):
    journey.to_step3(email="Jo.Bloggs@Example.COM")
    assert user_by_email(app, "jo.bloggs@example.com") is not None


@pytest.mark.parametrize("typed", ["Jo Bloggs <Jo.Bloggs@example.com>",
                                   '"Bloggs, Jo" <jo.bloggs@example.com>', "mailto:jo.bloggs@example.com"])
def test_an_address_pasted_with_its_name_or_as_a_mailto_link_is_the_address(app, journey, typed):
    """Outlook copies an address as "Name <address>": it was refused as not an email address."""
    journey.to_step3(email=typed)
    assert user_by_email(app, "jo.bloggs@example.com") is not None


@pytest.mark.parametrize("typed", ["jo.bloggs@example.com.", "Jo.Bloggs@Example.com. ",
                                   "jo.bloggs @ example. com", "jo.bloggs@example.com,"])
def test_an_address_typed_with_a_full_stop_after_it_or_spaces_inside_is_the_address(app, journey, typed):
    """Copied from the end of a sentence, or finished by a phone keyboard's double-space full stop, an
    address was refused as "not in the correct format"."""
    journey.to_step3(email=typed)
    assert user_by_email(app, "jo.bloggs@example.com") is not None
    assert "jo.bloggs@example.com</strong>" in text(journey.client.get("/register/verify"))


# --- Step 3 and the code --------------------------------------------------------------------------

def test_step3_sends_the_code_by_email(app, journey, smtp_sink):
    journey.to_step3()
    message = smtp_sink.wait_for("jo@example.com", "Please verify your email address")
    # The guide tells people to look for this sender, in their spam folder too.
    assert message.sender.replace('"', "") == "Wigan Children's Services Portal <donotreply@example.gov.uk>"
    assert re.fullmatch(r"\d{8}", message.code())


def test_step3_page_has_the_code_input_and_the_seed_buttons(journey):
    journey.to_step3()
    html = text(journey.client.get("/register/verify"))
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert "Please send me a new code" in html
    assert "Cancel" in html
    assert "Back" in html
    assert "jo@example.com" in html


def test_code_with_spaces_is_accepted(app, journey):
    journey.to_step3()
    code = journey.code_for()
    response = journey.verify(f" {code[:4]} {code[4:]} ")
    assert response.headers["Location"] == "/terms"
    assert user_by_email(app, "jo@example.com").is_verified


@pytest.mark.parametrize("spelling", [
    lambda code: f"{code[:4]}\u2013{code[4:]}",  # an en dash, as a word processor or phone keyboard types it
    lambda code: "".join(chr(ord(d) + 0xFEE0) for d in code),  # full-width digits (a Japanese keyboard)
    lambda code: f"{code[:4]}\u00a0{code[4:]}",  # a no-break space, copied from the email
], ids=["en-dash", "full-width", "no-break-space"])
def test_code_typed_with_a_dash_or_full_width_digits_is_accepted(app, journey, spelling):
    journey.to_step3()
    response = journey.verify(spelling(journey.code_for()))
    assert response.headers["Location"] == "/terms"
    assert user_by_email(app, "jo@example.com").is_verified


@pytest.mark.parametrize("code", ["", "1234", "abcdefgh", "1" * 5000])
def test_malformed_code_gets_a_message(journey, code):
    journey.to_step3()
    response = journey.verify(code)
    assert response.status_code == 422
    assert 'href="#code"' in text(response)


def test_wrong_code_gets_a_message(journey):
    journey.to_step3()
    code = journey.code_for()
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    response = journey.verify(wrong)
    assert_error(response, "code", "The code is not correct")


def test_cancel_asks_before_deleting_anything(app, journey):
    """Cancel on step 3 used to delete the account and everything typed at once, with no question."""
    journey.to_step3()
    step3 = text(journey.client.get("/register/verify"))
    assert '<a class="govuk-link" href="/register/cancel">Cancel</a>' in step3
    page = journey.client.get("/register/cancel")
    html = text(page)
    assert page.status_code == 200
    assert "<title>Are you sure you want to cancel registering?" in html
    assert '<h1 class="govuk-heading-l">Are you sure you want to cancel registering?</h1>' in html
    assert "jo@example.com" in html
    assert re.search(r'<button type="submit" value="yes" name="confirm"[^>]*govuk-button--warning', html)
    assert 'name="csrf_token"' in html
    assert user_by_email(app, "jo@example.com") is not None


def test_no_on_the_cancel_page_goes_back_to_step3_with_nothing_lost(app, journey):
    journey.to_step3()
    html = text(journey.client.get("/register/cancel"))
    back = re.search(r'<a class="govuk-link" href="([^"]+)">No, go back to registering</a>', html)
    assert back, html
    response = journey.client.get(back.group(1).replace("&amp;", "&"), follow_redirects=True)
    assert response.request.path == "/register/verify"
    assert "jo@example.com" in text(response)
    assert journey.verify(journey.code_for()).headers["Location"] == "/terms"


def test_a_cancel_posted_from_an_old_step3_page_asks_first(app, journey):
    """A step 3 page open from before still posts straight to /register/cancel: it gets the question."""
    journey.to_step3()
    response = post_form(journey.client, "/register/verify", {}, post_url="/register/cancel")
    assert response.status_code == 303
    assert response.headers["Location"] == "/register/cancel"
    assert user_by_email(app, "jo@example.com") is not None
    assert journey.client.get("/register/verify").status_code == 200


def test_yes_cancel_registering_deletes_the_unverified_account(app, journey):
    journey.to_step3()
    response = post_form(journey.client, "/register/cancel", {"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert user_by_email(app, "jo@example.com") is None
    home = text(journey.client.get("/"))
    assert "You have cancelled registering" in home
    assert journey.client.get("/register/verify").headers["Location"] == "/register?resume=1"
    assert journey.client.get("/register/cancel").headers["Location"] == "/register?resume=1"
    assert 'value="Jo"' not in text(journey.client.get("/register"))


def test_yes_cancel_registering_needs_the_pages_csrf_token(app, journey):
    journey.to_step3()
    response = journey.client.post("/register/cancel", data={"confirm": "yes"})
    assert response.status_code == 400
    assert user_by_email(app, "jo@example.com") is not None


def test_back_from_step3_changes_the_email(app, journey, smtp_sink):
    journey.to_step3()
    page = journey.client.get("/register/account")
    assert page.status_code == 200
    assert 'value="jo@example.com"' in text(page)
    journey.account("joanne@example.com")
    code = journey.code_for("joanne@example.com")
    assert journey.verify(code).headers["Location"] == "/terms"


# --- State on the server --------------------------------------------------------------------------

def test_no_state_travels_in_hidden_fields(journey):
    journey.details()
    html = text(journey.client.get("/register/account"))
    hidden = re.findall(r'<input[^>]*type="hidden"[^>]*>', html)
    assert all('name="csrf_token"' in field for field in hidden), hidden


def test_leaving_and_coming_back_resumes_at_step2(journey):
    journey.details(first_name="Remembered")
    home = text(journey.client.get("/"))
    assert 'href="/register?resume=1"' in home and 'href="/register?resume=1"' in text(journey.client.get(
        "/sign-in"))
    assert journey.client.get("/register?resume=1").headers["Location"] == "/register/account"
    # The browser's Back from step 2 (and its Back link) shows step 1, filled in: it used to be sent
    # straight on to step 2 again.
    page = journey.client.get("/register")
    assert page.status_code == 200
    assert 'value="Remembered"' in text(page)
    assert 'href="/register">Back</a>' in text(journey.client.get("/register/account"))


def test_leaving_and_coming_back_resumes_at_step3(journey):
    journey.to_step3()
    journey.client.get("/")
    assert journey.client.get("/register?resume=1").headers["Location"] == "/register/verify"


def test_a_link_into_registration_with_nothing_to_resume_goes_to_step_1_at_its_own_address(client):
    """So that the page Back returns to from step 2 is step 1's plain address, not the link's."""
    assert client.get("/register?resume=1").headers["Location"] == "/register"
    from_a_form = client.get("/register?resume=1&next=/forms/lado")
    assert from_a_form.headers["Location"] == "/register?next=/forms/lado"


def test_signing_in_unverified_goes_to_step3_and_sends_a_code(app, client, journey, smtp_sink, time_machine):
    from datetime import UTC, datetime, timedelta

    journey.to_step3()
    smtp_sink.clear()
    time_machine.move_to(datetime.now(UTC) + timedelta(minutes=2), tick=False)  # comes back later
    other = app.test_client()  # another browser: no registration state at all
    response = post_form(other, "/sign-in", {"email": "JO@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/register/verify"
    code = smtp_sink.wait_for("jo@example.com", "Please verify your email address").code()
    assert post_form(other, "/register/verify", {"code": code}).headers["Location"] == "/terms"


def test_back_from_step3_reached_by_signing_in_changes_the_email(app, journey, smtp_sink):
    """Someone who registered with a mistyped address and came back by signing in with it: "Back
    (change your email address)" on step 3 led straight back to step 3, so the address could not be
    put right."""
    journey.to_step3(email="jo@exmaple.com", first_name="Joanne")
    other = app.test_client()  # another day, another browser: no registration state
    assert post_form(other, "/sign-in", {"email": "jo@exmaple.com", "password": PASSWORD}
                     ).headers["Location"] == "/register/verify"
    step3 = text(other.get("/register/verify"))
    back = re.search(r'href="([^"]+)">Back \(change your email address\)', step3)
    page = other.get(back.group(1), follow_redirects=True)
    assert page.request.path == "/register/account"
    assert 'value="jo@exmaple.com"' in text(page)
    assert 'value="Joanne"' in text(other.get("/register"))  # step 1 shows the details given
    journey.client = other
    assert journey.account("jo@example.com").headers["Location"] == "/register/verify"
    assert "jo@example.com</strong>" in text(other.get("/register/verify"))
    assert journey.verify(journey.code_for("jo@example.com")).headers["Location"] == "/terms"
    assert user_by_email(app, "jo@example.com").first_name == "Joanne"


def test_registering_an_address_again_takes_it_from_the_browser_that_started(app, journey, smtp_sink):
    """Step 2 for an address not yet verified replaces its password. The browser that registered it
    first could still verify it with the code from its inbox: the account was verified and signed
    in with a password someone else had chosen, who could then sign in to it as well."""
    owner = journey.client
    journey.to_step3("jo@example.com", "the owner's own long password")
    code = journey.code_for()
    token = csrf_token(text(owner.get("/register/verify")))
    journey.client = other = app.test_client()
    journey.details(first_name="Eve")
    assert journey.account("jo@example.com", "someone else's long password").status_code == 302
    journey.client = owner
    response = owner.post("/register/verify", data={"csrf_token": token, "code": code})
    assert response.headers["Location"] == "/register?resume=1"
    assert not user_by_email(app, "jo@example.com").is_verified
    page = owner.get("/register?resume=1", follow_redirects=True)
    assert page.request.path == "/register/account"
    assert "This email address has been registered again since you started" in text(page)
    # Resending is no way round it.
    resend = post_form(owner, "/register/account", {}, post_url="/register/verify/resend")
    assert resend.headers["Location"] == "/register?resume=1"
    assert not user_by_email(app, "jo@example.com").is_verified
    # The owner's own password takes the address back; the newest code in their inbox works.
    assert journey.account("jo@example.com", "the owner's own long password").status_code == 302
    newest = smtp_sink.to("jo@example.com")[-1].code()
    assert journey.verify(newest).headers["Location"] == "/terms"
    assert "Jo Bloggs" in text(owner.get("/terms"))
    assert post_form(other, "/sign-in", {"email": "jo@example.com",
                                         "password": "someone else's long password"}).status_code == 422
    assert other.get("/register/verify").headers["Location"] == "/register?resume=1"


def test_unverified_account_with_wrong_password_is_not_revealed(app, journey, smtp_sink):
    journey.to_step3()
    other = app.test_client()
    response = post_form(other, "/sign-in", {"email": "jo@example.com", "password": "wrong password here"})
    assert response.status_code == 422


# --- Terms and completion -------------------------------------------------------------------------

def test_terms_page_and_completion(app, journey, client):
    journey.to_step3()
    journey.verify(journey.code_for())
    page = client.get("/terms")
    html = text(page)
    assert "I agree to these Terms and Conditions" in html
    assert "Continue" in html
    response = post_form(client, "/terms", {})
    assert_error(response, "agree", "Select &#39;I agree to these Terms and Conditions&#39; to continue")
    response = journey.accept_terms()
    assert response.headers["Location"] == "/"
    user = user_by_email(app, "jo@example.com")
    assert user.terms_version == app.config["TERMS_VERSION"]
    assert user.terms_accepted_at is not None
    home = text(client.get("/"))
    assert "Registration complete" in home
    assert "Jo Bloggs" in home  # signed in: the account menu shows the name


def test_unaccepted_terms_block_account_pages(journey, client):
    journey.to_step3()
    journey.verify(journey.code_for())
    assert client.get("/account").headers["Location"].startswith("/terms")


def test_details_are_saved(app, journey):
    journey.register(is_professional="yes", role="Health visitor", organisation="NHS", phone="01942 244991",
                     house_no="12", property_name="Rose Cottage")
    user = user_by_email(app, "jo@example.com")
    assert (user.first_name, user.surname, user.role, user.organisation) == (
        "Jo", "Bloggs", "Health visitor", "NHS")
    assert (user.house_no, user.property_name, user.title) == ("12", "Rose Cottage", "Ms")
    assert user.is_professional


def test_signed_in_people_are_not_asked_to_register(journey, client):
    journey.register()
    assert client.get("/register").headers["Location"] == "/"


MARKER = (' <span class="app-required" aria-hidden="true">*</span>'
          '<span class="govuk-visually-hidden"> (required)</span>')


def labels(html: str) -> dict[str, str]:
    """Each field's label or legend as marked up, keyed by its text before any marker."""
    found = re.findall(r"<(?:label|legend)[^>]*>\s*(.*?)\s*</(?:label|legend)>", html, flags=re.S)
    return {re.split(r" <span", label)[0]: label for label in found}


def test_registration_marks_mandatory_fields_with_a_red_asterisk(client):
    """The guide (Section 1): "Any sections with a red asterisk (*) are mandatory fields", as in the forms."""
    required = ["First name", "Surname", "Is this account being used in a professional capacity?", "Role",
                "Organisation", "Street", "Town or city", "Postcode"]
    optional = ["Title (optional)", "Property name (optional)", "House number (optional)",
                "Phone number (optional)"]
    html = text(client.get("/register"))
    assert 'Questions marked with an asterisk (<span class="app-required">*</span>) must be answered.' in html
    marked = labels(html)
    for name in required:
        assert marked[name] == name + MARKER, name
    for name in optional:
        assert marked[name] == name, name


def test_registration_step2_marks_its_fields_with_a_red_asterisk(journey):
    assert journey.details().status_code == 302
    html = text(journey.client.get("/register/account"))
    assert "Questions marked with an asterisk" in html
    marked = labels(html)
    for name in ("Email address", "Password", "Confirm password"):
        assert marked[name] == name + MARKER, name


def test_update_account_marks_the_same_fields(client, make_user):
    make_user()
    sign_in(client)
    marked = labels(text(client.get("/account/update")))
    assert marked["Surname"] == "Surname" + MARKER
    assert marked["Postcode"] == "Postcode" + MARKER
    assert marked["Phone number (optional)"] == "Phone number (optional)"
