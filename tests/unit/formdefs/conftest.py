"""Shared fixtures: the shipped catalogue, and a Jinja environment with the same loaders as create_app."""

from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

from webapp.formdefs import load_catalogue, markup

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def jinja_env():
    loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "partials": FileSystemLoader(str(ROOT / "partials")),
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    env = Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    markup.install(env)
    return env


@pytest.fixture
def render_field(jinja_env):
    def render(section, form, field_name, errors=None, validate_url=None):
        template = jinja_env.from_string(
            "{{ render_field(form, field_def, errors, section, validate_url) }}"
        )
        return template.render(
            form=form,
            field_def=section.field(field_name),
            errors=errors or {},
            section=section,
            validate_url=validate_url,
        )

    return render


@pytest.fixture
def render_section(jinja_env):
    def render(section, form, errors=None, validate_url=None):
        template = jinja_env.from_string(
            '{% from "partials/forms/_fields.html" import render_section_fields %}'
            "{{ render_section_fields(section, form, errors, validate_url) }}"
        )
        return template.render(section=section, form=form, errors=errors or {}, validate_url=validate_url)

    return render
