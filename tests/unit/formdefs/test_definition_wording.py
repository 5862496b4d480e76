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


def _date_questions(fields, where):
    for f in fields:
        if f.type == "date":
            yield f"{where}.{f.name}", f
        yield from _date_questions(f.fields, where)


@pytest.mark.parametrize("form_id", [d.id for d in CATALOGUE.all()])
def test_every_date_question_shows_an_example_in_the_order_the_boxes_take(form_id):
    """Three boxes without an example leave people guessing whether the month or the day goes first,
    and how to write the year (the GOV.UK date input pattern gives one every time). The consent date
    and the other children's dates of birth had none."""
    definition = CATALOGUE.get(form_id)
    questions = [q for s in definition.sections for q in _date_questions(s.fields, s.id)]
    assert questions
    assert not [where for where, q in questions
                if not re.match(r"For example, \d{1,2} \d{1,2} \d{4}\b", q.hint or "")]
