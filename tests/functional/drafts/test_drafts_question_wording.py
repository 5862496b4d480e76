"""Error messages name a question as words in a sentence, the way GOV.UK's do ("What action your
agency has taken must be 3,000 characters or fewer"), never as the question itself ("What action has
your agency taken? must be 3,000 characters or fewer")."""

import re
from html import unescape

import pytest

from tests.conftest import sign_in
from tests.functional.drafts.conftest import Runner
from webapp.formdefs import load_catalogue

CATALOGUE = load_catalogue()
FREE_TYPED = ("text", "textarea")


def _questions():
    """(form, section, field, the answer that reveals it) for each question typed freely whose label asks."""
    for definition in CATALOGUE.latest():
        for section in definition.sections:
            revealed = section.revealed_by()
            for f in section.fields:
                if f.type in FREE_TYPED and f.label.rstrip().endswith("?"):
                    yield pytest.param(definition.id, section.id, f, revealed.get(f.name),
                                       id=f"{definition.id}.{section.id}.{f.name}")


def _error_of(html: str, name: str) -> str:
    match = re.search(rf'<p id="{name}-error" class="govuk-error-message">\s*'
                      r'<span class="govuk-visually-hidden">Error:</span>(.*?)</p>', html, re.S)
    assert match, f"no error at {name}"
    return unescape(match.group(1)).strip()


@pytest.mark.parametrize(("form_id", "section_id", "question", "revealed_by"), list(_questions()))
def test_a_too_long_answer_to_a_question_is_named_in_words_not_as_the_question(
        client, make_user, form_id, section_id, question, revealed_by):
    public = CATALOGUE.get(form_id).audience == "public"
    make_user(is_professional=not public, **({"role": None, "organisation": None} if public else {}))
    sign_in(client)
    runner = Runner(client)
    draft_id = runner.start(form_id)
    answer = {question.name: "a" * ((question.max_length or 5000) + 1)}
    if revealed_by:
        answer[revealed_by[0]] = revealed_by[1]

    response = runner.post(draft_id, section_id, answer)

    assert response.status_code == 422
    message = _error_of(response.get_data(as_text=True), question.name)
    assert "must be" in message and "characters or fewer" in message
    assert "?" not in message, message


@pytest.mark.parametrize("form_id", ["safeguarding-concern", "early-help"])
def test_the_child_section_names_the_section_where_the_other_children_go(client, make_user, form_id):
    """It said to give the other children's details "in the next sections": the next is Consent, and
    after a Change link on Check your answers there is no "next" at all. It now names the section, as
    the section list and the council's guide call it."""
    make_user()
    sign_in(client)
    runner = Runner(client)
    draft_id = runner.start(form_id)
    siblings = next(s for s in CATALOGUE.get(form_id).sections if any(f.name == "siblings" for f in s.fields))

    html = unescape(runner.page(draft_id, "child").get_data(as_text=True))

    assert f"give the other children's details in {siblings.title}." in html
    assert not re.search(r"\bnext sections?\b", html)
