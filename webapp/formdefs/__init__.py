"""Form definitions (versioned data) and the field-type registry (code).

Definitions live in `definitions/<form id>.v<N>.yaml`, checked against `schema.yaml` and by
`loader.py` at start-up; a mistake stops the app with the file and path named, rather than breaking
a referral half-way through. Older versions stay loadable because drafts and submissions keep the
version they answered.

Public API, for the section runner (views never reach further in than this):

    load_catalogue(directory=None) -> FormCatalogue      # .get(id, version=None), .for_audience(a), .all()
    build_section_form(section, formdata=None, data=None) -> wtforms.Form
    validate_section(section, form) -> dict[key, message]   # key: "field", "address-line1", "group-0-sub"
    validate_field(section, form, field_name) -> str | None # inline check on blur; same rules
    field_errors(section, form, name) -> dict[key, message]   # one question's, an item's ("group-0-sub") too
    question_to_check(section, form, name) -> (Field, form, Section | None) | None  # what a check draws
    answers_from_form(section, form) -> dict                # JSON-safe, normalised; hidden reveals dropped
    apply_repeat_action(section, formdata, action) -> MultiDict   # "add:<group>" / "remove:<group>:<i>"
    repeat_focus_id(section, form, action) -> str | None    # the input to focus after add / remove
    summarise_section(section, answers) -> list[SummaryRow]   # .items: an add-another's SummaryItems
    newer_answers_that_differ(section, typed, saved) -> list[SummaryRow]  # saved where a page differs
    summarise_form(definition, answers_by_section) -> list[(Section, list[SummaryRow])]
    is_section_complete(section, answers) -> bool
    missing_for_submit(definition, answers_by_section) -> list[(Section, Field, message)]
    submit_summary(definition, answers_by_section) -> list[(Section, message, input id)]  # as summaries say
    child_name(definition, answers_by_section) -> str | None
    searched_names(definition, answers_by_section) -> str   # every name the back office searches by
    prefill_answers(section, account) -> dict               # fields with prefill: account.<attr>
    error_summary(section, errors, form=None) -> list[{"text", "href"}]  # for govukErrorSummary
    input_id(section, key, form=None) -> str                # the input an error links to

Rendering: `partials/forms/_fields.html` has `render_section_fields(section, form, errors,
validate_url=None)`; one field is the `render_field(form, field_def, errors, section=None,
validate_url=None)` Jinja global (`markup.py`: the GOV.UK markup of `govuk_field` in _fields.html,
rendered once per shape of the answers and filled in per request);
`partials/forms/_content.html` has `render_content(blocks)` for overview and declaration text.
"""

from .fieldtypes import REGISTRY, field_type
from .loader import FormCatalogue, FormDefinitionError, load_catalogue, load_definition
from .model import Block, Field, FormDefinition, Option, Section, SummaryItem, SummaryRow
from .sections import (
    active_fields,
    answers_from_form,
    apply_repeat_action,
    build_section_form,
    can_add,
    can_remove,
    child_name,
    error_summary,
    field_errors,
    input_id,
    is_section_complete,
    missing_for_submit,
    newer_answers_that_differ,
    prefill_answers,
    question_to_check,
    repeat_focus_id,
    searched_names,
    submit_summary,
    summarise_form,
    summarise_section,
    validate_field,
    validate_section,
)

__all__ = [
    "REGISTRY",
    "Block",
    "Field",
    "FormCatalogue",
    "FormDefinition",
    "FormDefinitionError",
    "Option",
    "Section",
    "SummaryItem",
    "SummaryRow",
    "active_fields",
    "answers_from_form",
    "apply_repeat_action",
    "build_section_form",
    "can_add",
    "can_remove",
    "child_name",
    "error_summary",
    "field_errors",
    "question_to_check",
    "field_type",
    "input_id",
    "is_section_complete",
    "load_catalogue",
    "load_definition",
    "missing_for_submit",
    "newer_answers_that_differ",
    "submit_summary",
    "prefill_answers",
    "repeat_focus_id",
    "searched_names",
    "summarise_form",
    "summarise_section",
    "validate_field",
    "validate_section",
]
