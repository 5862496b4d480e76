"""The shipped definitions load, and a broken one stops start-up with the file and path named."""

import shutil
from pathlib import Path

import pytest
import yaml

from webapp.formdefs import FormDefinitionError, load_catalogue
from webapp.formdefs.loader import DEFINITIONS
from webapp.formdefs.model import PREFILL_AUTOCOMPLETE

FORMS = {
    "safeguarding-concern": ("professional", "social-care"),
    "early-help": ("professional", "early-help"),
    "lado": ("professional", "lado"),
    "public-concern": ("public", "social-care"),
    "public-early-help": ("public", "early-help"),
}


def test_every_shipped_form_loads_with_its_audience_and_team(catalogue):
    assert {d.id for d in catalogue.all()} == set(FORMS)
    for form_id, (audience, team) in FORMS.items():
        definition = catalogue.get(form_id)
        assert (definition.audience, definition.team) == (audience, team)
        kinds = [s.kind for s in definition.sections]
        assert kinds[0] == "overview" and kinds[-2:] == ["attachments", "declaration"]
        assert definition.sections[-1].title == "Declaration & Submit"
        assert definition.child_name_fields


def test_for_audience_lists_only_that_audience(catalogue):
    assert [d.id for d in catalogue.for_audience("professional")] == [
        "safeguarding-concern",
        "early-help",
        "lado",
    ]
    assert [d.id for d in catalogue.for_audience("public")] == ["public-concern", "public-early-help"]


def test_safeguarding_sections_use_the_guide_titles(catalogue):
    titles = [s.title for s in catalogue.get("safeguarding-concern").sections]
    assert titles == [
        "Overview",
        "Professional's Details",
        "Child / Young Person's Details",
        "Consent",
        "Additional Child / Young Person's Information",
        "Concerns",
        "Contact Information",
        "Supporting Documentation",
        "Declaration & Submit",
    ]


def test_professional_details_prefill_from_the_account(catalogue):
    section = catalogue.get("safeguarding-concern").section("professional")
    assert {f.prefill for f in section.fields} == {
        "account.first_name",
        "account.surname",
        "account.role",
        "account.organisation",
        "account.phone",
        "account.email",
    }


def test_questions_about_the_person_filling_in_say_so_to_the_browser(catalogue):
    """WCAG 1.3.5: each answer prefilled from the account is about the user, so it carries the matching
    autocomplete token ("Role or job title" had none); no other question claims to be the user's."""
    tokens = set(PREFILL_AUTOCOMPLETE.values())
    for definition in catalogue.all():
        for section in definition.sections:
            for f in section.fields:
                if f.prefill:
                    assert f.autocomplete == PREFILL_AUTOCOMPLETE[f.prefill.removeprefix("account.")], \
                        (definition.id, f.name)
                elif f.autocomplete in tokens:
                    raise AssertionError(f"{definition.id}.{f.name} is not the user's {f.autocomplete}")


def test_public_forms_ask_no_professional_details_and_offer_anonymity(catalogue):
    for definition in catalogue.for_audience("public"):
        assert "professional" not in [s.id for s in definition.sections]
        about = definition.section("about-you")
        assert about.field("anonymous").hint


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(DEFINITIONS / "safeguarding-concern.v1.yaml", tmp_path)
    return tmp_path


def edit(path: Path, change):
    raw = yaml.safe_load(path.read_text())
    change(raw)
    path.write_text(yaml.safe_dump(raw, sort_keys=False))


def child_fields(raw):
    return next(s for s in raw["sections"] if s["id"] == "child")["fields"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda raw: child_fields(raw)[0].pop("label"),
            "sections[2].fields[0]: 'label' is a required property",
        ),
        (
            lambda raw: child_fields(raw)[0].update(type="colour"),
            "sections[2].fields[0].type: unknown field type 'colour'",
        ),
        (
            lambda raw: child_fields(raw)[3]["options"][0].update(reveals=["nope"]),
            "sections[2].fields[3].options[0].reveals: reveals unknown field 'nope'",
        ),
        (lambda raw: child_fields(raw)[1].update(name="first_name"), "duplicate field name 'first_name'"),
        (
            lambda raw: child_fields(raw)[0].update(prefill="account.password"),
            "unknown prefill 'account.password'",
        ),
        (
            lambda raw: child_fields(raw)[0].update(prefill="account.first_name"),
            "sections[2].fields[0].autocomplete: a field prefilled from account.first_name",
        ),
        (lambda raw: raw["sections"][3].update(id="child"), "duplicate section id 'child'"),
        (lambda raw: raw.update(version=2), "file name does not match"),
        (
            lambda raw: raw.update(child_name_fields=["child.nickname"]),
            "'child.nickname' does not name a field",
        ),
        (
            lambda raw: raw.update(searched_name_fields=["additional.siblings.nickname"]),
            "searched_name_fields[0]: 'additional.siblings.nickname' does not name a field",
        ),
        (lambda raw: raw["sections"].pop(), "the last two sections must be attachments then declaration"),
        (lambda raw: raw.update(team="police"), "team: 'police' is not one of"),
        (
            lambda raw: child_fields(raw)[0].update(latest_days_ahead=30),
            "sections[2].fields[0].latest_days_ahead: latest_days_ahead is for date fields only",
        ),
        (  # one of several acceptable answers that is not an answer at all would refuse every answer
            lambda raw: child_fields(raw)[3].update(
                must_equal=[child_fields(raw)[3]["options"][0]["value"], "maybe"]),
            "sections[2].fields[3].must_equal: 'maybe' is not one of the options",
        ),
    ],
)
def test_a_broken_definition_names_the_file_and_the_problem(workdir, change, expected):
    edit(workdir / "safeguarding-concern.v1.yaml", change)
    with pytest.raises(FormDefinitionError) as caught:
        load_catalogue(workdir)
    assert str(caught.value).startswith("safeguarding-concern.v1.yaml: ")
    assert expected in str(caught.value)


def test_unreadable_yaml_is_reported_with_the_file_name(tmp_path):
    (tmp_path / "lado.v1.yaml").write_text("id: [unclosed")
    with pytest.raises(FormDefinitionError, match=r"^lado\.v1\.yaml: cannot read"):
        load_catalogue(tmp_path)


def test_older_versions_stay_loadable_and_latest_is_the_default(workdir):
    new = workdir / "safeguarding-concern.v2.yaml"
    shutil.copy(workdir / "safeguarding-concern.v1.yaml", new)
    edit(new, lambda raw: raw.update(version=2, title="Safeguarding Concern (new)"))
    catalogue = load_catalogue(workdir)
    assert catalogue.get("safeguarding-concern").version == 2
    assert catalogue.get("safeguarding-concern", version=1).title == "Child/Young Person Safeguarding Concern"
    assert len(catalogue.all()) == 2 and len(catalogue.for_audience("professional")) == 1
    with pytest.raises(KeyError):
        catalogue.get("safeguarding-concern", version=3)
