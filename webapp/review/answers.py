"""What changed between two versions of a submission, field by field and file by file.

The answers themselves are rendered by the submissions package's `answer_sections`, the same
renderer the PDF uses, so the back office and the PDF always say the same thing.
"""

from collections import Counter
from dataclasses import dataclass

from webapp.submissions.rendering import answer_sections, version_declaration
from webapp.submissions.services import catalogue
from webapp.web.dates import file_size

__all__ = ["Change", "answer_sections", "definition_for", "difference", "file_difference",
           "version_declaration"]


def definition_for(form_id: str, form_version: int | None = None):
    try:
        return catalogue().get(form_id, form_version)
    except (KeyError, LookupError):
        return None


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    old: str
    new: str
    # An attached file (`old` or `new` is its name and description) rather than an answer.
    of_file: bool = False

    @property
    def blank(self) -> str:
        """What the page says in place of the side that has nothing."""
        return "Not attached" if self.of_file else "Not answered"

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


FILE_LABEL = "Attached file"


def _file_text(attachment, with_size: bool = False) -> str:
    name = attachment.display_name
    text = f"{name} ({attachment.description})" if attachment.description else name
    return f"{text}, {file_size(attachment.size)}" if with_size else text


def file_difference(old_files: list, new_files: list, section: str) -> list[Change]:
    """The files the newer version added, in its order, then those it no longer has.

    A reopened form's files are copies (each version has rows of its own), so a file is known by its
    name, its description (what the submitter said it is) and its size: one kept as it was is not a
    change, and one described differently is one taken away and one added. "What changed" listed
    answers only, so a body map sent in answer to a request for more information went unmarked there;
    and a photo replaced by another of the same name and description went unmarked until the size was
    compared too (the contents are not read for the page: a file can be megabytes). A file replaced so
    is listed with its size, taken away and added, so the two can be told apart.
    """
    def key(attachment) -> tuple[str, str, int]:
        return attachment.display_name, attachment.description or "", attachment.size

    def missing_from(files: list, others: list) -> list:
        left = Counter(key(a) for a in others)
        out = []
        for attachment in files:
            if left[key(attachment)]:
                left[key(attachment)] -= 1
            else:
                out.append(attachment)
        return out

    added, removed = missing_from(new_files, old_files), missing_from(old_files, new_files)
    replaced = {key(a)[:2] for a in added} & {key(a)[:2] for a in removed}
    return ([Change(section, FILE_LABEL, "", _file_text(a, key(a)[:2] in replaced), of_file=True)
             for a in added]
            + [Change(section, FILE_LABEL, _file_text(a, key(a)[:2] in replaced), "", of_file=True)
               for a in removed])
