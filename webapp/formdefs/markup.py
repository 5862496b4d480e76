"""Each field's GOV.UK markup, rendered once per shape and filled in with the answers per request.

Rendering a field through the GOV.UK Frontend macros is the most expensive thing the portal's busiest
requests do: a character count alone calls a dozen nested macros, and a section has ten or more
fields, so the section page and the section save spent most of their time there. Yet the markup is a
pure function of the field's definition, the errors shown and the *shape* of the answers (which inputs
are empty, which of the definition's options are chosen, how many "add another" items there are);
typed text only ever appears escaped, as an input's value or a textarea's content.

So `render_field` asks the macro (`govuk_field` in partials/forms/_fields.html, still the one source
of the markup) to render each shape once, with a placeholder wherever typed text would go, keeps that
skeleton in a per-process LRU cache, and fills the placeholders with the escaped answers on each
request. Neither a skeleton nor a cache key holds anything a person typed: keys hold only emptiness,
option values from the definition and the validation messages (which never quote an answer).

The filling is a single pass over the skeleton, so typed text that looks like a placeholder stays
text. tests/unit/formdefs/test_markup.py renders every field of every form both ways, empty, filled
with hostile text and with errors, and requires the same bytes. The one intended difference: the
macros indent() nested markup, which used to shift every line of a multi-line answer in a revealed
textarea on each render; typed text is now filled in after that, so it comes back exactly as typed.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from jinja2 import Environment
from markupsafe import Markup, escape

from .model import Field, Section

MACROS = "partials/forms/_fields.html"
OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters: never in a definition or a message
SLOT = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")
URL_SLOT = "@validate_url"
TYPED = ("typed text",)  # the shape of a non-empty answer: equal to no option value, bool or None
CACHE_SIZE = 2048


class Uncacheable(Exception):
    """An answer of a type the walk does not know: render it directly rather than guess."""


@dataclass(frozen=True, slots=True)
class StandInField:
    """What the macro reads of a WTForms field, with placeholders in place of typed text."""

    name: str
    data: Any = None
    entries: tuple[StandInEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class StandInEntry:
    form: StandInForm


class StandInForm:
    """The fields one render may read; any other name is a KeyError, never a silent real value."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, StandInField]):
        self.fields = fields

    def __getitem__(self, name: str) -> StandInField:
        return self.fields[name]


class Walk:
    """One field's answers (and those of the fields it reveals, or its items): shape, text, stand-ins."""

    __slots__ = ("shape", "texts", "names")

    def __init__(self):
        self.shape: list = []
        self.texts: dict[str, str] = {}
        self.names: list[str] = []

    def field(self, form, field_def: Field, section: Section | None, stand_ins: dict) -> None:
        wtfield = form[field_def.name]
        self.names.append(wtfield.name)
        if field_def.type == "repeat":
            entries = []
            self.shape.append(("items", len(wtfield.entries)))
            for entry in wtfield.entries:
                fields: dict[str, StandInField] = {}
                for sub in field_def.fields:
                    self.field(entry.form, sub, None, fields)
                entries.append(StandInEntry(StandInForm(fields)))
            stand_ins[field_def.name] = StandInField(wtfield.name, None, tuple(entries))
        else:
            literals = {option.value for option in field_def.options}
            data = self.value(wtfield.data, wtfield.name, literals)
            stand_ins[field_def.name] = StandInField(wtfield.name, data)
        if section is not None:
            for option in field_def.options:
                for child in option.reveals:
                    self.field(form, section.field(child), section, stand_ins)

    def value(self, value: Any, path: str, literals: set[str]) -> Any:
        """The stand-in for one answer; records its shape, and its text under `path`."""
        if isinstance(value, str):
            if value in literals or not value:
                self.shape.append(value)
                return value
            self.shape.append(TYPED)
            self.texts[path] = value
            return f"{OPEN}{path}{CLOSE}"
        if value is None or isinstance(value, bool):
            self.shape.append(value)
            return value
        if isinstance(value, dict):
            self.shape.append(("{", tuple(sorted(value))))
            return {key: self.value(value[key], f"{path}.{key}", literals) for key in sorted(value)}
        if isinstance(value, list | tuple):
            self.shape.append(("[", len(value)))
            return [self.value(item, f"{path}.{index}", literals) for index, item in enumerate(value)]
        raise Uncacheable(type(value).__name__)


class FieldMarkup:
    """The `render_field` Jinja global: GOV.UK field markup from cached skeletons."""

    def __init__(self, env: Environment, size: int = CACHE_SIZE):
        self.env = env
        self.skeletons: LRUCache = LRUCache(maxsize=size)
        self.lock = threading.Lock()

    def macro(self):
        return self.env.get_template(MACROS).module.govuk_field

    def __call__(self, form, field_def: Field, errors: dict | None = None, section: Section | None = None,
                 validate_url: str | None = None) -> Markup:
        errors = errors or {}
        if self.env.auto_reload:  # templates may change under a developer: always render afresh
            return self.macro()(form, field_def, errors, section, validate_url)
        walk = Walk()
        stand_ins: dict[str, StandInField] = {}
        try:
            walk.field(form, field_def, section, stand_ins)
        except Uncacheable:
            return self.macro()(form, field_def, errors, section, validate_url)
        prefixes = tuple(f"{name}-" for name in walk.names)
        shown_errors = tuple(sorted((key, message) for key, message in errors.items()
                                    if key in walk.names or key.startswith(prefixes)))
        key = (id(field_def), id(section), walk.names[0], validate_url is not None, tuple(walk.shape),
               shown_errors)
        with self.lock:
            cached = self.skeletons.get(key)
        # The entry keeps its field and section alive, so their ids cannot be reused while it exists.
        if cached is None or cached[0] is not field_def or cached[1] is not section:
            url = f"{OPEN}{URL_SLOT}{CLOSE}" if validate_url is not None else None
            skeleton = str(self.macro()(StandInForm(stand_ins), field_def, dict(shown_errors), section, url))
            cached = (field_def, section, skeleton)
            with self.lock:
                self.skeletons[key] = cached
        texts = walk.texts
        if validate_url is not None:
            texts[URL_SLOT] = validate_url

        def text(match: re.Match) -> str:
            return escape(texts.get(match.group(1), match.group(0)))

        # The skeleton was autoescaped by Jinja; every piece of text put into it is escaped by text().
        return Markup(SLOT.sub(text, cached[2]))  # noqa: S704  # nosec


def install(env: Environment) -> FieldMarkup:
    """Make `render_field` a global of `env` (the app's, or a test's own environment)."""
    from .model import mid_sentence

    renderer = FieldMarkup(env)
    env.globals["render_field"] = renderer
    env.filters["mid_sentence"] = mid_sentence
    return renderer
