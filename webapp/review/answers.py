"""What a version says, as sections of labelled rows, and what changed between two versions.

The submissions package owns the renderer shared with the PDF (`webapp.submissions.rendering.
answer_sections`); until it exists this falls back to the form definition's own summary, which gives
the same shape: [{"title": ..., "rows": [{"label": ..., "value": ...}]}].
"""

from dataclasses import dataclass
from functools import lru_cache

from flask import current_app

from webapp.formdefs import load_catalogue, summarise_form


@lru_cache(maxsize=1)
def _fallback_catalogue():
    return load_catalogue()


def catalogue():
    return current_app.extensions.get("form_catalogue") or _fallback_catalogue()


def definition_for(form_id: str, form_version: int | None = None):
    try:
        return catalogue().get(form_id, form_version)
    except (KeyError, LookupError):
        return None


def _summary_sections(version) -> list[dict]:
    definition = definition_for(version.submission.form_id, version.form_version)
    answers = version.answers or {}
    if definition is None:
        return [{"title": section_id, "rows": [{"label": k, "value": str(v)} for k, v in values.items()]}
                for section_id, values in answers.items() if isinstance(values, dict)]
    sections = []
    for section, rows in summarise_form(definition, answers):
        if section.kind == "questions":
            sections.append({"id": section.id, "title": section.title,
                             "rows": [{"label": r.label, "value": r.value_text} for r in rows]})
    return sections


def answer_sections(version) -> list[dict]:
    try:
        from webapp.submissions.rendering import answer_sections as shared
    except ImportError:
        return _summary_sections(version)
    return shared(version)


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    old: str
    new: str

    @property
    def kind(self) -> str:
        if not self.old:
            return "added"
        if not self.new:
            return "removed"
        return "changed"


def _rows(sections: list[dict]) -> dict[tuple[str, str], str]:
    """Key each answer by (section title, label); a repeated label gets a counter so none is lost."""
    out: dict[tuple[str, str], str] = {}
    for section in sections:
        seen: dict[str, int] = {}
        for row in section.get("rows", []):
            label = row["label"]
            seen[label] = seen.get(label, 0) + 1
            key_label = label if seen[label] == 1 else f"{label} ({seen[label]})"
            value = row.get("value")
            out[(section["title"], key_label)] = "" if value is None else str(value)
    return out


BLANKS = {"", "Not answered", "Not provided", "Not given"}


def difference(old_sections: list[dict], new_sections: list[dict]) -> list[Change]:
    """Field-by-field changes, in the order of the newer version, then anything the newer one dropped."""
    old_rows, new_rows = _rows(old_sections), _rows(new_sections)

    def norm(value: str) -> str:
        return "" if value.strip() in BLANKS else value

    changes = []
    for key, new in new_rows.items():
        old = old_rows.get(key, "")
        if norm(old) != norm(new):
            changes.append(Change(key[0], key[1], norm(old), norm(new)))
    for key, old in old_rows.items():
        if key not in new_rows and norm(old):
            changes.append(Change(key[0], key[1], norm(old), ""))
    return changes
