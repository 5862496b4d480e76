"""Immutable in-memory shape of a form definition.

Definitions are loaded once at start-up and shared between requests and threads, so every
object here is frozen and uses tuples: nothing a request does can change the form another
request sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AUDIENCES = ("professional", "public")
TEAMS = ("social-care", "early-help", "lado")
SECTION_KINDS = ("overview", "questions", "attachments", "declaration")
#: The account details a field may be prefilled from, each with the autocomplete token that names the
#: same purpose (WCAG 1.3.5): a question about the person filling in the form says so to browsers and
#: assistive tools. Questions about the child or anyone else take no such token.
PREFILL_AUTOCOMPLETE = {
    "first_name": "given-name",
    "surname": "family-name",
    "role": "organization-title",
    "organisation": "organization",
    "phone": "tel",
    "email": "email",
}
PREFILL_KEYS = tuple(PREFILL_AUTOCOMPLETE)


def mid_sentence(label: str) -> str:
    """A label as words inside a sentence ("Change child's first name"): its first letter lower-cased,
    unless it starts an abbreviation, which keeps its capitals ("HR contact", not "hR contact")."""
    first_word = label.split(" ", 1)[0]
    if len(first_word) > 1 and first_word[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


@dataclass(frozen=True)
class Block:
    """A piece of guidance text; kinds mirror the GOV.UK components used to show them."""

    kind: str  # paragraph | heading | list | warning | inset
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str | None = None
    reveals: tuple[str, ...] = ()
    reveal_text: str | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str
    hint: str | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    rows: int | None = None
    width: str | None = None
    not_future: bool = False
    not_past: bool = False
    # Bounds relative to today, for dates a typing slip makes impossible (a child born in 1915, a
    # baby due in 2062): the earliest and latest date a person could mean.
    earliest_years_ago: int | None = None
    earliest_days_ago: int | None = None
    latest_days_ahead: int | None = None
    not_known: str | None = None
    prefill: str | None = None
    error_name: str | None = None
    # The answer the form can go on with (or one of several); any other is refused with the message.
    must_equal: str | tuple[str, ...] | None = None
    must_equal_message: str | None = None
    messages: tuple[tuple[str, str], ...] = ()
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int = 10
    item_label: str | None = None
    autocomplete: str | None = None

    @property
    def noun(self) -> str:
        """The words an error message uses for this field ("the child's first name")."""
        if self.error_name:
            return self.error_name
        return mid_sentence(self.label)

    def message(self, key: str, default: str) -> str:
        return dict(self.messages).get(key, default)

    def accepts(self, value: Any) -> bool:
        """Whether this answer lets the form go on (always, without a must_equal)."""
        if self.must_equal is None:
            return True
        return value in ((self.must_equal,) if isinstance(self.must_equal, str) else self.must_equal)

    def option(self, value: Any) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def subfield(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    kind: str = "questions"
    content: tuple[Block, ...] = ()
    fields: tuple[Field, ...] = ()

    @property
    def saves_itself(self) -> bool:
        """Whether what is typed here is saved in the background (the autosave, and before an idle
        timeout): questions are; an overview has nothing to save, and Supporting Documentation's file
        and its description go only with a press of a button."""
        return bool(self.fields)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.id} has no field {name!r}")

    def revealed_by(self) -> dict[str, tuple[str, str]]:
        """Map a revealed field to the (parent field, option value) that shows it."""
        out: dict[str, tuple[str, str]] = {}
        for parent in self.fields:
            for option in parent.options:
                for child in option.reveals:
                    out[child] = (parent.name, option.value)
        return out

    def top_level_fields(self) -> tuple[Field, ...]:
        hidden = self.revealed_by()
        return tuple(f for f in self.fields if f.name not in hidden)

    def display_order(self) -> tuple[Field, ...]:
        """Fields in the order a reader meets them: each revealed field straight after its parent."""
        ordered: list[Field] = []

        def visit(f: Field) -> None:
            ordered.append(f)
            for option in f.options:
                for child in option.reveals:
                    visit(self.field(child))

        for f in self.top_level_fields():
            visit(f)
        return tuple(ordered)


@dataclass(frozen=True)
class FormDefinition:
    id: str
    version: int
    title: str
    audience: str
    team: str
    description: str
    sections: tuple[Section, ...]
    child_name_fields: tuple[str, ...] = ()
    source: str = field(default="", compare=False)
    searched_name_fields: tuple[str, ...] = ()

    def section(self, section_id: str) -> Section:
        for candidate in self.sections:
            if candidate.id == section_id:
                return candidate
        raise KeyError(f"{self.id} v{self.version} has no section {section_id!r}")


@dataclass(frozen=True)
class SummaryItem:
    """One item of an "add another" answer ("Child 2"), with (label, text) for each sub-question
    answered: so a page can show each child or agency as a block of its own."""

    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SummaryRow:
    label: str
    value_text: str
    field_name: str
    #: An "add another" answer's items (value_text says the same in lines); empty for other answers.
    items: tuple[SummaryItem, ...] = ()
