"""answer_sections: the labels and titles of the definition version the answers were given to."""

import dataclasses
from types import SimpleNamespace

from webapp import formdefs
from webapp.submissions import rendering, services


def test_answer_sections_use_the_version_answered(app):
    real = formdefs.load_catalogue()
    v1 = real.get("safeguarding-concern", 1)
    child = v1.section("child")
    fields = tuple(dataclasses.replace(f, label=f"New {f.label}") for f in child.fields)
    renamed = dataclasses.replace(child, title="About the child (v2)", fields=fields)
    sections = tuple(renamed if s.id == "child" else s for s in v1.sections)
    v2 = dataclasses.replace(v1, version=2, sections=sections)
    catalogue = formdefs.FormCatalogue((*real.definitions, v2))
    version = SimpleNamespace(submission=SimpleNamespace(form_id="safeguarding-concern"), form_version=1,
                              answers={"child": {"first_name": "Amy", "surname": "Smith"}})
    with app.app_context():
        app.extensions["form_catalogue"] = catalogue
        old = rendering.answer_sections(version)
        version.form_version = 2
        new = rendering.answer_sections(version)
    assert [s["title"] for s in old][:2] == ["Professional's Details", "Child / Young Person's Details"]
    assert {"label": "First name", "value": "Amy", "items": ()} in old[1]["rows"]
    assert new[1]["title"] == "About the child (v2)"
    assert {"label": "New First name", "value": "Amy", "items": ()} in new[1]["rows"]
    # Only question sections: no overview, attachments or declaration.
    titles = [s["title"] for s in old]
    assert "Overview" not in titles and "Declaration & Submit" not in titles


def test_reference_suffix_and_reason_labels():
    assert services.version_reference("CP-2026-000123", 1) == "CP-2026-000123"
    assert services.version_reference("CP-2026-000123", 2) == "CP-2026-000123-v2"
    assert services.reason_label("insufficient_detail") == "Insufficient detail"
    assert services.reason_label("Something new") == "Something new"
