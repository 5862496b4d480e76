"""Components with fixed parameters are what the GOV.UK macro renders, and are rendered once."""

import pytest

from webapp.web import components

# The section page's buttons (partials/drafts/section.html).
SECTION_BUTTONS = [
    {"text": "Previous", "name": "action", "value": "previous", "classes": "govuk-button--secondary"},
    {"text": "Next", "name": "action", "value": "next"},
    {"text": "Save and complete later", "name": "action", "value": "save-later",
     "classes": "govuk-button--secondary"},
]


def _macro(app):
    return app.jinja_env.get_template("govuk_frontend_jinja/components/button/macro.html").module.govukButton


@pytest.mark.parametrize("params", SECTION_BUTTONS, ids=lambda p: p["text"])
def test_a_button_is_the_macros_markup_first_and_second_time(app, params):
    static_component = app.jinja_env.globals["static_component"]
    expected = str(_macro(app)(params))
    assert 'class="govuk-button' in expected and params["text"] in expected
    assert str(static_component("button", params)) == expected
    assert str(static_component("button", dict(reversed(params.items())))) == expected


def test_different_parameters_are_different_markup(app):
    static_component = app.jinja_env.globals["static_component"]
    previous, following = (str(static_component("button", p)) for p in SECTION_BUTTONS[:2])
    assert 'value="previous"' in previous and 'value="next"' in following


def test_the_macro_runs_once_per_set_of_parameters(app, monkeypatch):
    cache = components.StaticComponents(app.jinja_env)
    calls = []
    render = cache._render
    monkeypatch.setattr(cache, "_render", lambda *args: calls.append(args) or render(*args))
    for _ in range(3):
        cache("button", SECTION_BUTTONS[1])
    assert len(calls) == 1


def test_templates_being_edited_are_rendered_afresh(app, monkeypatch):
    cache = components.StaticComponents(app.jinja_env)
    monkeypatch.setattr(app.jinja_env, "auto_reload", True)
    calls = []
    render = cache._render
    monkeypatch.setattr(cache, "_render", lambda *args: calls.append(args) or render(*args))
    cache("button", SECTION_BUTTONS[1])
    cache("button", SECTION_BUTTONS[1])
    assert len(calls) == 2


def test_only_known_components(app):
    with pytest.raises(KeyError):
        app.jinja_env.globals["static_component"]("header", {})
