"""Guidance that names an answer or a section must name one the person can find on the form: a hint
that says "tick 'I do not know'" where the box says something else, or points to "the next section"
(read out of order after a Change link, and not always where the answer goes), sends people looking."""

import re

import pytest

from webapp.formdefs import load_catalogue

CATALOGUE = load_catalogue()
NAMED_ANSWER = re.compile(r"\b(?:tick|select|choose)\s+'([^']+)'", re.I)
BUTTONS = {"Save and complete later", "Next", "Submit to Local Authority"}


def _guidance(definition):
    """(where, text) of every hint and every piece of section guidance, and the answers on the form."""
    texts, answers = [], set(BUTTONS)

    def walk(where, fields):
        for f in fields:
            answers.update(o.label for o in f.options)
            if f.not_known:
                answers.add(f.not_known)
            if f.hint:
                texts.append((f"{where}.{f.name}", f.hint))
            texts.extend((f"{where}.{f.name}={o.value}", o.reveal_text) for o in f.options if o.reveal_text)
            walk(where, f.fields)

    for section in definition.sections:
        walk(section.id, section.fields)
        for block in section.content:
            texts.extend((section.id, text) for text in (block.text, *block.items) if text)
    return texts, answers


@pytest.mark.parametrize("form_id", [d.id for d in CATALOGUE.all()])
def test_guidance_names_only_answers_that_are_on_the_form(form_id):
    texts, answers = _guidance(CATALOGUE.get(form_id))
    wrong = [(where, named) for where, text in texts for named in NAMED_ANSWER.findall(text)
             if named not in answers]
    assert not wrong


@pytest.mark.parametrize("form_id", [d.id for d in CATALOGUE.all()])
def test_guidance_names_the_section_it_sends_people_to(form_id):
    texts, _ = _guidance(CATALOGUE.get(form_id))
    assert not [where for where, text in texts if re.search(r"\b(next|previous) sections?\b", text)]
