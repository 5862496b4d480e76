"""A postcode or phone number is asked for at registration (and in Update Account) and again in every
form. The examples people are shown, in the hints and in the messages when what they typed is not
accepted, had drifted apart ("like AA3 1AB" at registration, "like SW1A 1AA" in the forms; two phone
examples in one place, three in the other; "You can include spaces, brackets or +44" beside "You can
include spaces."). These tests collect them from every place they are shown and fail if they differ."""

import re
from html import unescape

import pytest

from tests.conftest import post_form, sign_in
from tests.functional.accounts.conftest import DETAILS
from tests.functional.drafts.conftest import CHILD, Runner
from webapp.formdefs import load_catalogue
from webapp.validation import PHONE_HINT

CATALOGUE = load_catalogue()


def _field_texts(html: str, field_id: str) -> tuple[str | None, str | None]:
    """The hint and the error message shown at one field of a rendered page (None where there is none)."""
    def text(kind):
        match = re.search(rf'id="{re.escape(field_id)}-{kind}"[^>]*>(.*?)</(?:div|p)>', html, re.S)
        if match is None:
            return None
        plain = re.sub(r"<span class=\"govuk-visually-hidden\">Error:</span>", "", match.group(1))
        return " ".join(unescape(re.sub(r"<[^>]+>", "", plain)).split())
    return text("hint"), text("error")


def _example(message: str) -> str:
    """What follows "like" in a GOV.UK message ("Enter a full UK postcode, like SW1A 1AA")."""
    assert message and " like " in message, message
    return message.split(" like ", 1)[1]


def _fields_of_type(field_type: str):
    """(where, field) of every field of this type in every form definition, add-another groups included."""
    def walk(where, fields):
        for f in fields:
            if f.type == field_type:
                yield f"{where}.{f.name}", f
            yield from walk(f"{where}.{f.name}", f.fields)

    for definition in CATALOGUE.all():
        for section in definition.sections:
            yield from walk(f"{definition.id}/{section.id}", section.fields)


@pytest.fixture
def registration_page(client):
    """Registration's details step, answered with a postcode and a phone number it does not accept."""
    response = post_form(client, "/register", {**DETAILS, "postcode": "WN1", "phone": "12345"})
    assert response.status_code == 422
    return response.get_data(as_text=True)


@pytest.fixture
def form_pages(app, make_user):
    """A safeguarding concern's child and professional sections, given the same postcode and number."""
    make_user()
    client = app.test_client()
    sign_in(client)
    runner = Runner(client)
    draft_id = runner.start()
    child = runner.post(draft_id, "child", {**CHILD, "address-postcode": "WN1"})
    referrer = runner.post(draft_id, "professional", {"phone": "12345"})
    assert child.status_code == referrer.status_code == 422
    return child.get_data(as_text=True), referrer.get_data(as_text=True)


def test_the_postcode_and_phone_examples_in_messages_are_the_same_at_registration_and_in_the_forms(
        registration_page, form_pages):
    child_html, referrer_html = form_pages
    _, registration_postcode = _field_texts(registration_page, "postcode")
    _, registration_phone = _field_texts(registration_page, "phone")
    _, form_postcode = _field_texts(child_html, "address-postcode")
    _, form_phone = _field_texts(referrer_html, "phone")

    assert _example(registration_postcode) == _example(form_postcode) == "SW1A 1AA"
    assert _example(registration_phone) == _example(form_phone) == (
        "01632 960 001, 07700 900 982 or +44 808 157 0192")


def test_every_phone_field_says_the_same_about_what_can_be_typed(registration_page):
    """Each phone hint may first say why the number is asked; what it says about typing the number is
    the same sentence at registration and on every phone question of every form."""
    registration_hint, _ = _field_texts(registration_page, "phone")
    hints = {"registration": registration_hint}
    hints.update({where: f.hint for where, f in _fields_of_type("phone")})
    assert len(hints) > 5
    missing = [where for where, hint in hints.items() if not hint]
    assert not missing, f"phone questions without a hint: {missing}"
    endings = {where: re.split(r"(?<=\.) ", hint.strip())[-1] for where, hint in hints.items()}
    assert set(endings.values()) == {PHONE_HINT}, endings


def test_every_postcode_field_has_the_same_hint(registration_page):
    """No postcode question has a hint today; if one is given, all are given the same."""
    registration_hint, _ = _field_texts(registration_page, "postcode")
    hints = {registration_hint} | {f.hint for _, f in _fields_of_type("postcode")}
    assert len(hints) == 1, hints
