"""What the section runner calls: build, validate, store and summarise one section at a time.

Everything takes plain values (a werkzeug MultiDict, a dict of stored answers), never the Flask
request, so the same functions serve a section POST, an inline check on blur, the autosave, the
check-your-answers page, the PDF and the final submit.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form

from .fieldtypes import capitalise, field_type
from .model import Field, FormDefinition, Section, SummaryRow

ACTION_RE = re.compile(r"^(add):([a-z][a-z0-9_]*)$|^(remove):([a-z][a-z0-9_]*):(\d{1,3})$")
#: A question of an "add another" item, as its inputs are named: `<group>-<index>-<question>`.
ITEM_QUESTION_RE = re.compile(r"^([a-z][a-z0-9_]*)-(\d{1,3})-([a-z][a-z0-9_]*)$")


@functools.lru_cache(maxsize=256)
def _form_class(section: Section) -> type[Form]:
    attrs = {f.name: field_type(f.type).make_field(f) for f in section.fields}
    return type(f"SectionForm_{section.id}", (Form,), attrs)


def build_section_form(section: Section, formdata: MultiDict | None = None, data: dict | None = None) -> Form:
    """A POST wins over stored answers; stored answers are turned back into what the inputs show."""
    stored = data or {}
    converted = {
        f.name: field_type(f.type).form_data(f, stored[f.name]) for f in section.fields if f.name in stored
    }
    return _form_class(section)(formdata=_ascii_names_only(formdata), data=converted)


def _ascii_names_only(formdata: MultiDict | None) -> MultiDict | None:
    """The posted fields whose names could be ours: every name a definition gives is ASCII.

    A tampered name such as "siblings-²-first_name" was a server error: WTForms reads a repeat's item
    numbers with str.isdigit, which accepts "²", then int(), which refuses it.
    """
    if formdata is None or all(name.isascii() for name in formdata):
        return formdata
    return MultiDict([(name, value) for name, value in formdata.items(multi=True) if name.isascii()])


def _selected(parent: Field, wtfield: Any, value: str) -> bool:
    data = wtfield.data
    if parent.type == "checkboxes":
        return isinstance(data, list | tuple) and value in data
    return data == value


def active_fields(section: Section, form: Form) -> list[Field]:
    """Fields the user can currently see: a revealed field only counts when its option is chosen."""
    revealed = section.revealed_by()
    active: list[Field] = []
    names: set[str] = set()
    for f in section.display_order():
        if f.name in revealed:
            parent_name, value = revealed[f.name]
            if parent_name not in names or not _selected(
                section.field(parent_name), form[parent_name], value
            ):
                continue
        active.append(f)
        names.add(f.name)
    return active


def _errors_of(f: Field, form: Form) -> dict[str, str]:
    """All errors of one visible field (an address or repeat group can have several); the first is
    kept on the WTForms field, where the field's markup shows it."""
    errors = field_type(f.type).validate(f, form[f.name])
    form[f.name].errors = list(errors.values())[:1]
    return errors


def field_errors(section: Section, form: Form, field_name: str) -> dict[str, str]:
    """All errors of one question, or none if it is hidden.

    A choice's inline check draws again the questions it reveals, so those with something in them are
    checked with it: a date still wrong kept its error until the choice was checked, and lost it then.
    One still empty is not answered yet, and says nothing until it is left or the section is sent.
    A question of an "add another" item has the errors its item is given when the section is sent:
    none in an item left blank, which is an unused "Add another" rather than an answer."""
    item = ITEM_QUESTION_RE.match(field_name)
    if item:
        return _item_question_errors(section, form, item.group(1), field_name)
    revealed = section.revealed_by()
    family = {field_name}  # a hidden field's revealed questions are hidden too: it has no errors
    errors: dict[str, str] = {}
    for f in active_fields(section, form):
        if f.name == field_name:
            errors.update(_errors_of(f, form))
        elif f.name in revealed and revealed[f.name][0] in family:
            family.add(f.name)
            if not field_type(f.type).is_blank(f, form[f.name]):
                errors.update(_errors_of(f, form))
    return errors


def _item_question_errors(section: Section, form: Form, group_name: str, name: str) -> dict[str, str]:
    group = next((f for f in active_fields(section, form) if f.name == group_name), None)
    if group is None:
        return {}
    return {key: message for key, message in _errors_of(group, form).items()
            if key == name or key.startswith(f"{name}-")}


def question_to_check(section: Section, form: Form, name: str) -> tuple[Field, Form, Section | None] | None:
    """The question an inline check names, with the form its inputs are read from and the section
    that says what it reveals: the section's own form, or for a question of an "add another" item,
    the item's (which has no follow-up questions). None for a name the section does not have."""
    try:
        return section.field(name), form, section
    except KeyError:
        pass
    item = ITEM_QUESTION_RE.match(name)
    if not item:
        return None
    group_name, index, question_name = item.group(1), int(item.group(2)), item.group(3)
    try:
        group = section.field(group_name)
    except KeyError:
        return None
    question = next((sub for sub in group.fields if sub.name == question_name), None)
    entries = form[group_name].entries if group.type == "repeat" else []
    if question is None or index >= len(entries):
        return None
    return question, entries[index].form, None


def validate_section(section: Section, form: Form) -> dict[str, str]:
    # Which fields are visible is worked out once for the section, not again for each field.
    errors: dict[str, str] = {}
    for f in active_fields(section, form):
        errors.update(_errors_of(f, form))
    return errors


def validate_field(section: Section, form: Form, field_name: str) -> str | None:
    try:
        section.field(field_name)
    except KeyError:
        return None
    errors = field_errors(section, form, field_name)
    return next(iter(errors.values()), None)


def answers_from_form(section: Section, form: Form) -> dict[str, Any]:
    """Hidden (unrevealed) answers are dropped so a changed mind never leaves stale details behind."""
    answers: dict[str, Any] = {}
    for f in active_fields(section, form):
        value = field_type(f.type).answer(f, form[f.name])
        if value is not None:
            answers[f.name] = value
    return answers


def _item_indices(formdata: MultiDict, group: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(group)}-(\d+)-")
    return sorted({int(m.group(1)) for key in formdata.keys() if (m := pattern.match(key))})


def _repeat_group(section: Section, name: str) -> Field | None:
    """The section's add-another group of that name; None for any other name (a tampered post)."""
    try:
        field = section.field(name)
    except KeyError:
        return None
    return field if field.type == "repeat" else None


def apply_repeat_action(section: Section, formdata: MultiDict, action: str) -> MultiDict:
    """Add or remove an "add another" item in the posted data, so it works with JavaScript off.

    An action that names no repeat group of this section, or would go past max_items, is ignored:
    a tampered or stale button should re-show the section, not fail.
    """
    result = MultiDict([(k, v) for k, v in formdata.items(multi=True) if k != "action"])
    match = ACTION_RE.match(action or "")
    if not match:
        return result
    group = match.group(2) or match.group(4)
    f = _repeat_group(section, group)
    if f is None:
        return result
    indices = _item_indices(result, group)
    if match.group(1) == "add":
        shown = max(len(indices), max(f.min_items, 1))
        if shown >= f.max_items:
            return result
        for index in range(len(indices), shown + 1):
            for name in field_type("repeat").input_names(f, f"{group}-{index}"):
                if name not in result:
                    result.add(name, "")
        return result
    removed = int(match.group(5))
    if removed not in indices:
        return result
    renumbered: MultiDict = MultiDict()
    item_key = re.compile(rf"^{re.escape(group)}-(\d+)-(.*)$", re.S)
    for key, value in result.items(multi=True):
        m = item_key.match(key)
        if not m:
            renumbered.add(key, value)
            continue
        index = int(m.group(1))
        if index == removed:
            continue
        new_index = index - 1 if index > removed else index
        renumbered.add(f"{group}-{new_index}-{m.group(2)}", value)
    return renumbered


def repeat_focus_id(section: Section, form: Form, action: str) -> str | None:
    """After "Add another" or "Remove", the input to put focus on: the first question of the item
    added, or of the item now in the removed one's place (the last, when the last was removed)."""
    match = ACTION_RE.match(action or "")
    if not match:
        return None
    group = match.group(2) or match.group(4)
    try:
        f = section.field(group)
    except KeyError:
        return None
    if f.type != "repeat" or not f.fields:
        return None
    entries = form[f.name].entries
    if not entries:
        return None
    index = len(entries) - 1 if match.group(1) == "add" else min(int(match.group(5)), len(entries) - 1)
    first = f.fields[0]
    return field_type(first.type).first_input_id(first, f"{f.name}-{index}-{first.name}")


def can_add(f: Field, form: Form) -> bool:
    return len(form[f.name].entries) < f.max_items


def can_remove(f: Field, form: Form) -> bool:
    return len(form[f.name].entries) > max(f.min_items, 1)


def summarise_section(section: Section, answers: dict[str, Any], *, answered_only: bool = False
                      ) -> list[SummaryRow]:
    """A row per question shown, or only per question answered (what someone typed on a page)."""
    form = build_section_form(section, data=answers)
    rows = []
    for f in active_fields(section, form):
        kind = field_type(f.type)
        text = kind.summary(f, answers.get(f.name))
        if not (answered_only and text == kind.summary_blank):
            rows.append(SummaryRow(f.label, text, f.name, kind.summary_items(f, answers.get(f.name))))
    return rows


def newer_answers_that_differ(section: Section, typed: dict[str, Any], saved: dict[str, Any]
                              ) -> list[SummaryRow]:
    """The saved answers to the questions where they differ from what a page typed: what a page refused
    as out of date is weighed against (another tab's). A question the page answered that the saved
    answers leave blank, or do not ask (a follow-up of a different choice), is listed as not answered."""
    typed_rows = {row.field_name: row for row in summarise_section(section, typed)}
    saved_rows = summarise_section(section, saved)
    differing = [row for row in saved_rows if row.value_text != (
        typed_rows[row.field_name].value_text if row.field_name in typed_rows
        else _blank_text(section, row.field_name))]
    asked = {row.field_name for row in saved_rows}
    return differing + [SummaryRow(row.label, _blank_text(section, name), name)
                        for name, row in typed_rows.items()
                        if name not in asked and row.value_text != _blank_text(section, name)]


def _blank_text(section: Section, field_name: str) -> str:
    return field_type(section.field(field_name).type).summary_blank


def summarise_form(
    definition: FormDefinition, answers_by_section: dict[str, dict]
) -> list[tuple[Section, list]]:
    return [(s, summarise_section(s, answers_by_section.get(s.id) or {})) for s in definition.sections]


def is_section_complete(section: Section, answers: dict[str, Any]) -> bool:
    if not section.fields:
        return True
    return not validate_section(section, build_section_form(section, data=answers or {}))


def missing_for_submit(definition: FormDefinition, answers_by_section: dict[str, dict]) -> list[tuple]:
    """Every problem that stops a submit, cross-field rules included, in the order of the form."""
    return [(section, section.field(key.split("-", 1)[0]), message)
            for section, _, key, message in _submit_errors(definition, answers_by_section)]


#: For a section never saved whose page opens filled in from the account: "Enter your first name" was
#: wrong there, as the page the link opened showed the name already in its box.
PREFILLED_NOT_SAVED = "Check the details filled in from your account, then select Next to save them"


def submit_summary(definition: FormDefinition, answers_by_section: dict[str, dict],
                   account: Any = None) -> list[tuple]:
    """The problems that stop a submit as each section's error summary words them and links them:
    [(section, message, id of the input in error)]. A question of an "add another" item says which
    item, and leads to that question ("Parent or carer 1: Enter their relationship to the child"),
    not to the item's first question.

    Given the `account`, a section that was only looked at, whose page fills itself in from the
    account (Professional's Details), is one problem, PREFILLED_NOT_SAVED, not one per question."""
    problems, told = [], set()
    for section, form, key, message in _submit_errors(definition, answers_by_section):
        if (account is not None and section.id not in answers_by_section
                and prefill_answers(section, account)):
            if section.id not in told:
                told.add(section.id)
                problems.append((section, PREFILLED_NOT_SAVED, input_id(section, key, form)))
            continue
        problems.append((section, _summary_text(section, key, message), input_id(section, key, form)))
    return problems


def _submit_errors(definition: FormDefinition, answers_by_section: dict[str, dict]):
    for section in definition.sections:
        if not section.fields:
            continue
        form = build_section_form(section, data=answers_by_section.get(section.id) or {})
        for key, message in validate_section(section, form).items():
            yield section, form, key, message


def input_id(section: Section, key: str, form: Form | None = None) -> str:
    """The id of the input an error should link to: the first of a date's or address's inputs, or,
    given the form that was posted, the first one in error (a date missing only its year: the year)."""
    parts = key.split("-")
    try:
        f = section.field(parts[0])
    except KeyError:
        return key
    if len(parts) == 1:
        if form is not None:
            return field_type(f.type).error_input_id(f, key, form[f.name])
        return field_type(f.type).first_input_id(f, key)
    if f.type == "repeat" and len(parts) == 3:
        try:
            sub = f.subfield(parts[2])
        except StopIteration:
            return key
        entry = _repeat_entry(form, f.name, parts[1]) if form is not None else None
        if entry is not None:
            return field_type(sub.type).error_input_id(sub, key, entry.form[sub.name])
        return field_type(sub.type).first_input_id(sub, key)
    return key


def _repeat_entry(form: Form, name: str, index: str):
    entries = form[name].entries
    return entries[int(index)] if index.isascii() and index.isdigit() and int(index) < len(entries) else None


def error_summary(section: Section, errors: dict[str, str], form: Form | None = None) -> list[dict[str, str]]:
    """Items for govukErrorSummary's errorList, each linked to its field (given the posted form, to
    the part of it in error)."""
    return [{"text": _summary_text(section, key, message), "href": f"#{input_id(section, key, form)}"}
            for key, message in errors.items()]


def _summary_text(section: Section, key: str, message: str) -> str:
    """A problem in one item of an add-another list says which item, as the item's heading does
    ("Parent or carer 2: Enter a phone number, like ..."): in the summary, away from the heading, two
    parents' phone numbers otherwise read the same. error-summary.js does the same for a check's message."""
    name, _, rest = key.partition("-")
    index, _, sub = rest.partition("-")
    if not sub or not index.isascii() or not index.isdigit():
        return message
    group = _repeat_group(section, name)
    if group is None:
        return message
    return f"{capitalise(group.item_label or 'item')} {int(index) + 1}: {message}"


def child_name(definition: FormDefinition, answers_by_section: dict[str, dict]) -> str | None:
    parts = []
    for ref in definition.child_name_fields:
        section_id, field_name, *sub = ref.split(".")
        value = (answers_by_section.get(section_id) or {}).get(field_name)
        if sub and isinstance(value, list):  # group.sub: the first child added names the form
            value = value[0].get(sub[0]) if value and isinstance(value[0], dict) else None
        if isinstance(value, str) and value.strip():
            parts.append(value.strip())
    return " ".join(parts) or None


def searched_names(definition: FormDefinition, answers_by_section: dict[str, dict]) -> str:
    """The child's name and the other names the back office can find the submission by, one string:
    every item of an add-another group counts (each sibling, each parent), a LADO referral's subject
    too. Search needs only the words, so they are joined by spaces."""
    names = [child_name(definition, answers_by_section) or ""]
    for ref in definition.searched_name_fields:
        section_id, field_name, *sub = ref.split(".")
        value = (answers_by_section.get(section_id) or {}).get(field_name)
        if not sub:
            values = [value]
        elif isinstance(value, list):
            values = [item.get(sub[0]) for item in value if isinstance(item, dict)]
        else:
            values = []
        names.extend(v.strip() for v in values if isinstance(v, str) and v.strip())
    return " ".join(name for name in names if name)


def prefill_answers(section: Section, account: Any) -> dict[str, Any]:
    """Starting answers for a new section from the signed-in account (editable afterwards)."""
    answers = {}
    for f in section.fields:
        if not f.prefill:
            continue
        attribute = f.prefill.split(".", 1)[1]
        value = account.get(attribute) if isinstance(account, dict) else getattr(account, attribute, None)
        if value:
            answers[f.name] = value
    return answers
