"""Cached field markup is byte for byte what the GOV.UK macros render, for every field of every form.

`render_field` renders each shape of the answers once, with placeholders, and fills in the typed text
per request (webapp/formdefs/markup.py). These tests render every field of every shipped definition
both ways: empty, filled with hostile text, filled again with different text of the same shape (so
the second render reuses the first one's skeleton), with every option chosen in turn, with errors,
and with and without the inline-check URL.
"""

import pytest
from werkzeug.datastructures import MultiDict

from webapp.formdefs import answers_from_form, build_section_form, field_type, markup, validate_section

# One line: the GOV.UK macros indent nested markup, which (rendered directly) also indents the lines
# of a revealed textarea's answer; the cache fills answers in after that (see the last test).
HOSTILE = "Jo <b>\"O'Neil\"</b> & {{7*7}} \ue000first_name\ue001 \ue000@validate_url\ue001 </textarea>"
PLAIN = "Sam"
URL = "/drafts/abc/child/validate"


def _value(field_def, name: str, variant: int, text: str) -> list[str]:
    """What one input posts in one variant: each option in turn, a date part, a tick, or text."""
    if name.endswith("-not_known"):
        return ["yes"] if variant % 2 else []
    if field_def.options:
        values = [o.value for o in field_def.options] + ["not-an-option"]
        chosen = values[variant % len(values)]
        if field_def.type == "checkboxes":
            return [chosen, values[(variant + 1) % len(values)]]
        return [chosen]
    if field_def.type == "date":
        part = name.rsplit("-", 1)[1]
        return [{"day": "31", "month": "2", "year": "2020"}[part]] if variant % 3 else [""]
    return [text] if variant % 3 != 2 else [""]


def _formdata(section, variant: int, text: str) -> MultiDict:
    data = MultiDict()

    def add(field_def, prefix: str) -> None:
        names = field_type(field_def.type).input_names(field_def, prefix)
        if field_def.not_known:
            names = [*names, f"{prefix}-not_known"]
        for name in names:
            for value in _value(field_def, name, variant, text):
                data.add(name, value)

    for field_def in section.fields:
        if field_def.type == "repeat":
            for index in range(variant % 3):
                for sub in field_def.fields:
                    add(sub, f"{field_def.name}-{index}-{sub.name}")
        else:
            add(field_def, field_def.name)
    return data


def _sections(catalogue):
    for definition in catalogue.all():
        for section in definition.sections:
            if section.fields:
                yield pytest.param(section, id=f"{definition.id}-{section.id}")


def pytest_generate_tests(metafunc):
    if "section" in metafunc.fixturenames:
        from webapp.formdefs import load_catalogue

        metafunc.parametrize("section", list(_sections(load_catalogue())))


@pytest.fixture
def renderer(jinja_env):
    return markup.FieldMarkup(jinja_env)


def _direct(jinja_env, form, field_def, errors, section, url=None):
    """What the GOV.UK macros render for the real form, without the cache."""
    macro = jinja_env.get_template(markup.MACROS).module.govuk_field
    return str(macro(form, field_def, errors, section, url))


def test_every_field_renders_as_the_macro_does(section, jinja_env, renderer):
    for variant in range(6):
        for text in (HOSTILE, PLAIN):
            form = build_section_form(section, _formdata(section, variant, text))
            for errors in ({}, validate_section(section, form)):
                for url in (None, URL):
                    # revealed fields are also rendered on their own, by the inline check on blur
                    for field_def in section.fields:
                        cached = str(renderer(form, field_def, errors, section, url))
                        assert cached == _direct(jinja_env, form, field_def, errors, section, url), (
                            field_def.name, variant, text, errors, url)
            # the same answers saved and the section opened again: stored answers, not a POST
            reopened = build_section_form(section, data=answers_from_form(section, form))
            for field_def in section.fields:
                cached = str(renderer(reopened, field_def, {}, section, URL))
                direct = _direct(jinja_env, reopened, field_def, {}, section, URL)
                assert cached == direct, (field_def.name, variant)


def test_stored_items_render_as_the_macro_does(catalogue, jinja_env, renderer):
    section = catalogue.get("safeguarding-concern").section("additional")
    stored = {"parents": [{"name": f"Parent {n}", "relationship": "mother"} for n in range(3)]}
    form = build_section_form(section, data=stored)
    for field_def in section.fields:
        assert str(renderer(form, field_def, {}, section)) == _direct(jinja_env, form, field_def, {}, section)


def test_typed_text_that_looks_like_a_placeholder_stays_text(catalogue, renderer):
    child = catalogue.get("safeguarding-concern").section("child")
    first_name = child.field("first_name")
    renderer(build_section_form(child, MultiDict({"first_name": "Ann"})), first_name, {}, child, URL)
    sneaky = f"{markup.OPEN}{markup.URL_SLOT}{markup.CLOSE}"
    form = build_section_form(child, MultiDict({"first_name": sneaky}))
    html = str(renderer(form, first_name, {}, child, URL))
    assert f'value="{sneaky}"' in html and f'hx-post="{URL}"' in html


def test_a_skeleton_is_kept_per_shape_and_holds_no_typed_text(catalogue, renderer):
    concerns = catalogue.get("safeguarding-concern").section("concerns")
    worries = concerns.field("worries")
    for text in ("Bruises on both arms", "Missed school all week", "Left alone at night"):
        form = build_section_form(concerns, MultiDict({"worries": text}))
        html = str(renderer(form, worries, {}, concerns, URL))
        assert f">{text}</textarea>" in html
    renderer(build_section_form(concerns), worries, {}, concerns, URL)
    assert len(renderer.skeletons) == 2  # one with an answer, one empty
    for _field, _section, skeleton in renderer.skeletons.values():
        assert "Bruises" not in skeleton and "school" not in skeleton and URL not in skeleton
    for key in renderer.skeletons.keys():
        assert "Bruises" not in repr(key) and "abc" not in repr(key)


def test_a_revealed_answer_keeps_its_lines_exactly(catalogue, renderer, jinja_env):
    """Rendered directly, the macros' indent() shifted every line of a revealed textarea's answer."""
    concerns = catalogue.get("safeguarding-concern").section("concerns")
    typed = "First line\nSecond line\n  - a list item"
    form = build_section_form(concerns, MultiDict({"previous_concerns": "yes", "previous_details": typed}))
    parent = concerns.field("previous_concerns")
    assert f">{typed}</textarea>" in str(renderer(form, parent, {}, concerns))
    assert f">{typed}</textarea>" not in _direct(jinja_env, form, parent, {}, concerns)


def test_answers_of_different_kinds_never_share_a_shape():
    """A skeleton is reused only for the same shape, so shapes must tell apart what renders differently."""

    def shape(value):
        walk = markup.Walk()
        walk.value(value, "address", {"yes"})
        return walk.shape

    unknown_flat = {"line1": "1 Mill Lane", "not_known": True}
    assert shape(unknown_flat) != shape({"line1": "1 Mill Lane", "line2": "Flat 2"})
    assert shape("Typed") != shape(True) and shape("yes") != shape("Typed") and shape("") != shape(None)
    assert shape({"line1": "1 Mill Lane"}) == shape({"line1": "2 Mill Lane"})
