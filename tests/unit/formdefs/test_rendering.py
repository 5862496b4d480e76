"""The field partials: GOV.UK markup, required markers, errors at the field, reveals, stable ids."""

import re

from werkzeug.datastructures import MultiDict

from webapp.formdefs import build_section_form, validate_section


def test_required_marker_is_visible_and_announced(catalogue, render_field):
    child = catalogue.get("safeguarding-concern").section("child")
    html = render_field(child, build_section_form(child), "first_name")
    assert '<span class="app-required" aria-hidden="true">*</span>' in html
    assert '<span class="govuk-visually-hidden"> (required)</span>' in html
    other = render_field(child, build_section_form(child), "other_names")
    assert "(required)" not in other


def test_error_message_sits_at_the_field(catalogue, render_field):
    child = catalogue.get("safeguarding-concern").section("child")
    form = build_section_form(child, MultiDict({"first_name": ""}))
    errors = validate_section(child, form)
    html = render_field(child, form, "first_name", errors)
    assert 'id="first_name-error"' in html and "Enter the child&#39;s first name" in html
    assert "govuk-input--error" in html and 'aria-describedby="first_name-hint first_name-error"' in html


def test_each_field_has_a_stable_wrapper_id_and_htmx_only_with_a_url(catalogue, render_field):
    professional = catalogue.get("safeguarding-concern").section("professional")
    form = build_section_form(professional, data={"phone": "+441632960001"})
    html = render_field(professional, form, "phone", validate_url="/drafts/7/professional/validate")
    assert html.startswith('<div id="field-phone" class="app-field app-field--phone" hx-target="this" '
                           'hx-swap="outerHTML" hx-sync="this:replace" '
                           'hx-vals=\'{"validate_field": "phone"}\'>')
    assert 'hx-post="/drafts/7/professional/validate"' in html
    assert 'type="tel"' in html and 'value="01632 960001"' in html
    assert "hx-" not in render_field(professional, form, "phone")


def test_conditional_reveal_uses_govuk_markup_and_renders_the_revealed_field(catalogue, render_field):
    consent = catalogue.get("safeguarding-concern").section("consent")
    html = render_field(consent, build_section_form(consent), "consent")
    assert 'data-aria-controls="conditional-consent-2"' in html
    block = html.split('id="conditional-consent-2"')[1]
    assert 'id="field-no_consent_reason"' in block and 'name="no_consent_reason"' in block
    # hidden only by the class, which GOV.UK Frontend's CSS applies only when its JS runs
    assert "govuk-radios__conditional--hidden" in html
    chosen = render_field(consent, build_section_form(consent, MultiDict({"consent": "no"})), "consent")
    assert 'class="govuk-radios__conditional" id="conditional-consent-2"' in chosen


def test_early_help_no_consent_explains_before_submit(catalogue, render_field):
    consent = catalogue.get("early-help").section("consent")
    html = render_field(consent, build_section_form(consent, MultiDict({"consent": "no"})), "consent")
    assert "You cannot send an Early Help referral without the family&#39;s consent" in html


def test_date_renders_three_named_inputs_and_a_not_known_box(catalogue, render_field):
    subject = catalogue.get("lado").section("subject")
    form = build_section_form(
        subject,
        MultiDict({"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "2020"}),
    )
    errors = validate_section(subject, form)
    html = render_field(subject, form, "date_of_birth", errors)
    for part in ("day", "month", "year"):
        assert f'name="date_of_birth-{part}"' in html and f'id="date_of_birth-{part}"' in html
    assert 'value="31"' in html and "must be a real date" in html
    assert 'name="date_of_birth-not_known"' in html


def test_repeat_group_has_item_fieldsets_and_no_js_add_remove_buttons(catalogue, render_field):
    additional = catalogue.get("safeguarding-concern").section("additional")
    form = build_section_form(additional, MultiDict({"parents-0-name": "Jo", "parents-1-name": "Sam"}))
    html = render_field(additional, form, "parents")
    assert html.count('class="govuk-fieldset"') >= 3
    buttons = re.findall(r"<button[^>]*>", html)
    assert [re.search(r'value="([^"]+)"', b).group(1) for b in buttons] == [
        "remove:parents:0",
        "remove:parents:1",
        "add:parents",
    ]
    assert all('name="action"' in b and 'type="submit"' in b for b in buttons)
    assert "Add another parent or carer" in html
    assert '<span class="govuk-visually-hidden"> parent or carer 2</span>' in html
    assert 'id="field-parents-1-name"' in html and 'value="Sam"' in html
    single = render_field(additional, build_section_form(additional), "parents")
    assert "remove:parents" not in single  # at least one parent or carer is needed


def test_every_section_of_every_form_renders_with_unique_ids(catalogue, render_section):
    for definition in catalogue.all():
        for section in definition.sections:
            form = build_section_form(section)
            html = render_section(section, form, validate_section(section, form), "/validate")
            ids = re.findall(r' id="([^"]+)"', html)
            assert len(ids) == len(set(ids)), (definition.id, section.id)
            assert "<input" not in html or "govuk-" in html
            for field in section.fields:
                assert f'id="field-{field.name}"' in html, (definition.id, section.id, field.name)


def test_overview_content_renders_warning_headings_and_lists(catalogue, jinja_env):
    overview = catalogue.get("safeguarding-concern").section("overview")
    html = jinja_env.from_string(
        '{% from "partials/forms/_content.html" import render_content %}{{ render_content(blocks) }}'
    ).render(blocks=overview.content)
    assert '<h2 class="govuk-heading-m">What does safeguarding children mean?</h2>' in html
    assert "govuk-warning-text" in html and "call 999" in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
