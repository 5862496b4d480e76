"""The section API the runner calls: reveals, add another, cross-field rules, summaries."""

import json

from werkzeug.datastructures import MultiDict

from webapp.formdefs import (
    SummaryItem,
    answers_from_form,
    apply_repeat_action,
    build_section_form,
    child_name,
    error_summary,
    field_errors,
    is_section_complete,
    missing_for_submit,
    prefill_answers,
    searched_names,
    summarise_form,
    summarise_section,
    validate_field,
    validate_section,
)


def test_revealed_fields_are_only_required_when_their_option_is_chosen(catalogue):
    consent = catalogue.get("safeguarding-concern").section("consent")
    form = build_section_form(
        consent, MultiDict({"parents_aware": "yes", "consent": "yes", "no_consent_reason": "x"})
    )
    assert validate_section(consent, form) == {}
    assert answers_from_form(consent, form) == {
        "parents_aware": "yes",
        "consent": "yes",
    }  # hidden answer dropped
    form = build_section_form(consent, MultiDict({"parents_aware": "yes", "consent": "no"}))
    assert validate_section(consent, form) == {"no_consent_reason": "Enter why you have not got consent"}
    assert validate_field(consent, form, "no_consent_reason") == "Enter why you have not got consent"
    form = build_section_form(consent, MultiDict({"consent": "yes"}))
    assert validate_field(consent, form, "no_consent_reason") is None


def test_a_choice_s_check_checks_the_questions_it_reveals_once_they_have_something_in_them(catalogue):
    """The check of a choice draws its follow-up questions again: one still wrong keeps its error, one
    not yet answered says nothing."""
    child = catalogue.get("safeguarding-concern").section("child")
    chosen = {"dob_status": "born"}
    form = build_section_form(child, MultiDict(chosen))
    assert field_errors(child, form, "dob_status") == {}
    wrong = {**chosen, "date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "2015"}
    form = build_section_form(child, MultiDict(wrong))
    assert list(field_errors(child, form, "dob_status")) == ["date_of_birth"]
    assert "real date" in field_errors(child, form, "dob_status")["date_of_birth"]
    form = build_section_form(child, MultiDict({**wrong, "dob_status": "not_known"}))
    assert field_errors(child, form, "dob_status") == {}  # the date is hidden: its answer goes


def test_checkbox_reveals(catalogue):
    support = catalogue.get("public-early-help").section("support")
    base = {"needs": "We are struggling with mornings"}
    form = build_section_form(
        support, MultiDict([*base.items(), ("support_type", "other"), ("support_type", "send")])
    )
    assert validate_section(support, form) == {"support_other": "Enter what else you would like help with"}
    form = build_section_form(support, MultiDict([*base.items(), ("support_type", "send")]))
    assert validate_section(support, form) == {}


def test_errors_are_in_the_order_the_fields_appear(catalogue):
    child = catalogue.get("safeguarding-concern").section("child")
    form = build_section_form(child, MultiDict({"dob_status": "born", "interpreter": "yes"}))
    assert list(validate_section(child, form)) == [
        "first_name",
        "surname",
        "date_of_birth",
        "gender",
        "address-line1",
        "interpreter_language",
    ]
    assert error_summary(child, validate_section(child, form))[2] == {
        "text": "Enter the child's date of birth",
        "href": "#date_of_birth-day",
    }


def test_early_help_consent_no_blocks_submit_and_points_to_a_safeguarding_concern(catalogue):
    early_help = catalogue.get("early-help")
    consent = early_help.section("consent")
    form = build_section_form(consent, MultiDict({"consent": "no", "sharing_agencies": "school"}))
    message = validate_section(consent, form)["consent"]
    assert message.startswith("Early Help needs the family's consent")
    assert "Safeguarding Concern" in message
    answers = answers_from_form(consent, form)
    assert answers["consent"] == "no"
    assert not is_section_complete(consent, answers)
    problems = missing_for_submit(early_help, {"consent": answers})
    assert (consent, consent.field("consent"), message) in problems


def test_missing_for_submit_lists_every_unanswered_mandatory_question_in_order(catalogue):
    definition = catalogue.get("safeguarding-concern")
    problems = missing_for_submit(definition, {})
    assert [s.id for s, _, _ in problems][:1] == ["professional"]
    assert ("Enter the child's first name") in [m for _, _, m in problems]
    assert {s.id for s, _, _ in problems} == {
        "professional",
        "child",
        "consent",
        "additional",
        "concerns",
        "contact",
    }


def add_parent(formdata, section, index, name, relationship="Mother", pr="yes"):
    formdata[f"parents-{index}-name"] = name
    formdata[f"parents-{index}-relationship"] = relationship
    formdata[f"parents-{index}-parental_responsibility"] = pr
    return formdata


def test_repeat_add_and_remove_without_javascript(catalogue):
    section = catalogue.get("safeguarding-concern").section("additional")
    posted = add_parent(MultiDict({"action": "add:parents"}), section, 0, "Jo Bloggs")
    posted = apply_repeat_action(section, posted, "add:parents")
    assert "action" not in posted
    form = build_section_form(section, posted)
    assert len(form["parents"].entries) == 2
    # the new blank item is an unused "add another", not an error
    assert validate_section(section, form) == {}
    posted = add_parent(posted, section, 1, "Sam Bloggs", "Father")
    posted = apply_repeat_action(section, posted, "add:parents")
    add_parent(posted, section, 2, "Alex Smith", "Stepfather", "no")
    posted = apply_repeat_action(section, posted, "remove:parents:1")
    form = build_section_form(section, posted)
    names = [item["name"] for item in answers_from_form(section, form)["parents"]]
    assert names == ["Jo Bloggs", "Alex Smith"]


def test_repeat_limits_and_tampered_actions_are_ignored(catalogue):
    section = catalogue.get("safeguarding-concern").section("additional")
    posted = MultiDict()
    for i in range(6):
        add_parent(posted, section, i, f"Parent {i}")
    assert apply_repeat_action(section, posted, "add:parents") == posted  # max_items is 6
    for action in ("add:nope", "remove:parents:99", "add:other_household", "drop table", ""):
        assert apply_repeat_action(section, posted, action) == posted


def test_repeat_minimum_and_item_errors(catalogue):
    section = catalogue.get("safeguarding-concern").section("additional")
    form = build_section_form(section, MultiDict({"parents-0-name": "", "parents-0-relationship": ""}))
    assert validate_section(section, form) == {
        "parents-0-name": "Enter the parent or carer's name",
        "parents-0-relationship": "Enter their relationship to the child",
        "parents-0-parental_responsibility": "Select whether they have parental responsibility",
    }
    form = build_section_form(
        section,
        MultiDict(
            {
                "parents-0-name": "Jo",
                "parents-0-relationship": "Mum",
                "parents-0-parental_responsibility": "yes",
                "siblings-0-first_name": "",
                "siblings-1-first_name": "Max",
                "siblings-1-date_of_birth-day": "40",
            }
        ),
    )
    assert validate_section(section, form) == {
        "siblings-1-date_of_birth": "The other child's date of birth must include a month and year"
    }


def test_answers_are_json_and_round_trip(catalogue):
    child = catalogue.get("safeguarding-concern").section("child")
    posted = MultiDict(
        {
            "first_name": "Amy",
            "surname": "Smith",
            "dob_status": "born",
            "date_of_birth-day": "3",
            "date_of_birth-month": "4",
            "date_of_birth-year": "2019",
            "gender": "female",
            "address-line1": "1 High St",
            "address-town": "Wigan",
            "address-postcode": "wn1 1aa",
            "ethnicity": "not_known",
            "interpreter": "no",
        }
    )
    answers = answers_from_form(child, build_section_form(child, posted))
    assert json.loads(json.dumps(answers)) == answers
    assert answers["date_of_birth"] == "2019-04-03"
    assert is_section_complete(child, answers)
    assert answers_from_form(child, build_section_form(child, data=answers)) == answers


def test_summaries(catalogue):
    definition = catalogue.get("safeguarding-concern")
    answers = {
        "child": {
            "first_name": "Amy",
            "surname": "Smith",
            "dob_status": "born",
            "date_of_birth": "2019-04-03",
            "address": "not-known",
        },
        "professional": {"phone": "+441632960001"},
    }
    rows = {r.field_name: r for r in summarise_section(definition.section("child"), answers["child"])}
    assert rows["date_of_birth"].value_text == "3 April 2019"
    assert rows["dob_status"].value_text == "I know their date of birth"
    assert rows["address"].value_text == "I do not know the child's address"
    assert rows["gender"].value_text == "Not answered"
    assert "due_date" not in rows  # not revealed, so not part of the answers
    summary = summarise_form(definition, answers)
    assert [s.id for s, _ in summary] == [s.id for s in definition.sections]
    professional = dict((r.field_name, r.value_text) for r in summary[1][1])
    assert professional["phone"] == "01632 960001"
    assert summary[0][1] == []


def test_repeat_summary(catalogue):
    section = catalogue.get("safeguarding-concern").section("additional")
    rows = summarise_section(
        section, {"parents": [{"name": "Jo", "relationship": "Mum", "parental_responsibility": "yes"}]}
    )
    assert rows[0].value_text == "None added"
    assert (
        rows[1].value_text == "Parent or carer 1: Full name: Jo; Relationship to the child: Mum; "
        "Do they have parental responsibility?: Yes"
    )
    # The same, item by item, for pages that show each as a block of its own.
    assert rows[0].items == ()
    assert rows[1].items == (SummaryItem("Parent or carer 1", (
        ("Full name", "Jo"), ("Relationship to the child", "Mum"),
        ("Do they have parental responsibility?", "Yes"))),)


def test_searched_names_hold_every_person_the_form_names(catalogue):
    lado = catalogue.get("lado")
    answers = {"subject": {"first_name": "Gareth", "surname": " Pemberton "},
               "children": {"children": [{"first_name": "Kai", "surname": "Whitlow"},
                                         {"first_name": "Mia", "surname": ""}]}}
    # Only the words matter to the search: each field's values in turn, every child's first name first.
    assert searched_names(lado, answers) == "Kai Whitlow Gareth Pemberton Kai Mia Whitlow"
    concern = catalogue.get("safeguarding-concern")
    answers = {"child": {"first_name": "Amy", "surname": "Smith", "other_names": "Amy Jones"},
               "additional": {"siblings": [{"first_name": "Theo"}], "parents": [{"name": "Grace Smith"}]}}
    assert searched_names(concern, answers) == "Amy Smith Amy Jones Theo Grace Smith"
    assert searched_names(concern, {}) == ""


def test_child_name_and_prefill(catalogue):
    definition = catalogue.get("safeguarding-concern")
    assert child_name(definition, {}) is None
    assert child_name(definition, {"child": {"first_name": " Amy ", "surname": "Smith"}}) == "Amy Smith"
    assert child_name(catalogue.get("lado"), {"children": {"children": [{"first_name": "Bo"}]}}) == "Bo"
    account = {
        "first_name": "Dan",
        "surname": "Brock",
        "role": "Teacher",
        "organisation": "Wigan Council",
        "phone": "01942 000000",
        "email": "d@example.gov.uk",
    }
    assert prefill_answers(definition.section("professional"), account) == {
        "first_name": "Dan",
        "last_name": "Brock",
        "role": "Teacher",
        "organisation": "Wigan Council",
        "phone": "01942 000000",
        "email": "d@example.gov.uk",
    }
