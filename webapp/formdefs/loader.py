"""Loads the versioned definition files once, and refuses to start on any mistake in them.

A typo in a definition would otherwise surface as a broken form in front of someone reporting a
child at risk; failing at start-up with the file and the path of the problem moves that to deploy.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from .fieldtypes import REGISTRY
from .model import PREFILL_AUTOCOMPLETE, PREFILL_KEYS, Block, Field, FormDefinition, Option, Section

# libyaml's parser is several times faster; the pure-Python one gives the same result.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HERE = Path(__file__).parent
DEFINITIONS = HERE / "definitions"
FILENAME_RE = re.compile(r"^(?P<id>[a-z][a-z0-9-]*)\.v(?P<version>[1-9][0-9]*)\.ya?ml$")
REPEATABLE = {
    "text",
    "textarea",
    "date",
    "email",
    "phone",
    "postcode",
    "radios",
    "select",
    "checkboxes",
    "address",
}


class FormDefinitionError(Exception):
    """A definition file is wrong; the message names the file and where in it."""


def _schema() -> dict:
    with open(HERE / "schema.yaml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SafeLoader)  # noqa: S506 (SafeLoader, the C one when built)


def _path(parts) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".") or "(top level)"


def _block(raw) -> Block:
    if isinstance(raw, str):
        return Block("paragraph", raw.strip())
    kind, value = next(iter(raw.items()))
    if kind == "list":
        return Block("list", items=tuple(value))
    return Block(kind, value.strip())


def _field(raw: dict) -> Field:
    options = tuple(
        Option(
            o["value"],
            o["label"],
            o.get("hint"),
            tuple(o.get("reveals", ())),
            o.get("reveal_text"),
            o.get("exclusive", False),
        )
        for o in raw.get("options", ())
    )
    simple = {k: v for k, v in raw.items() if k not in ("options", "fields", "messages")}
    if isinstance(simple.get("must_equal"), list):
        simple["must_equal"] = tuple(simple["must_equal"])
    return Field(
        options=options,
        fields=tuple(_field(f) for f in raw.get("fields", ())),
        messages=tuple(sorted(raw.get("messages", {}).items())),
        **simple,
    )


def _build(raw: dict, source: str) -> FormDefinition:
    sections = tuple(
        Section(
            s["id"],
            s["title"],
            s["kind"],
            tuple(_block(b) for b in s.get("content", ())),
            tuple(_field(f) for f in s.get("fields", ())),
        )
        for s in raw["sections"]
    )
    return FormDefinition(
        raw["id"],
        raw["version"],
        raw["title"],
        raw["audience"],
        raw["team"],
        raw["description"].strip(),
        sections,
        tuple(raw.get("child_name_fields", ())),
        source,
        tuple(raw.get("searched_name_fields", ())),
    )


# A date field's bounds relative to today (model.Field); they mean nothing on another type.
DATE_BOUNDS = ("earliest_years_ago", "earliest_days_ago", "latest_days_ahead")


def _check_fields(fields: list, where: list, problems: list, nested: bool) -> None:
    names: set[str] = set()
    for i, f in enumerate(fields):
        at = [*where, "fields", i]
        if f["name"] in names:
            problems.append((at + ["name"], f"duplicate field name {f['name']!r}"))
        names.add(f["name"])
        if f["type"] not in REGISTRY:
            problems.append(
                (at + ["type"], f"unknown field type {f['type']!r}; known: {', '.join(sorted(REGISTRY))}")
            )
        elif nested and f["type"] not in REPEATABLE:
            problems.append((at + ["type"], f"{f['type']!r} fields cannot go inside an add-another group"))
        prefill = f.get("prefill")
        if prefill is not None and (not prefill.startswith("account.") or prefill[8:] not in PREFILL_KEYS):
            problems.append(
                (at + ["prefill"], f"unknown prefill {prefill!r}; use account.<{'|'.join(PREFILL_KEYS)}>")
            )
        elif prefill is not None and f.get("autocomplete") != PREFILL_AUTOCOMPLETE[prefill[8:]]:
            token = PREFILL_AUTOCOMPLETE[prefill[8:]]
            problems.append((at + ["autocomplete"], f"a field prefilled from {prefill} is about the person "
                                                    f"filling in the form: give it autocomplete: {token}"))
        bounds = [key for key in DATE_BOUNDS if key in f]
        if bounds and f["type"] != "date":
            problems.append((at + [bounds[0]], f"{bounds[0]} is for date fields only"))
        values = [o["value"] for o in f.get("options", ())]
        if len(values) != len(set(values)):
            problems.append((at + ["options"], "option values must be unique"))
        accepted = f.get("must_equal")
        for value in [accepted] if isinstance(accepted, str) else accepted or ():
            if f.get("options") and value not in values:
                problems.append((at + ["must_equal"], f"{value!r} is not one of the options"))
        if f["type"] == "repeat":
            if f.get("min_items", 0) > f.get("max_items", 10):
                problems.append((at + ["min_items"], "min_items is more than max_items"))
            _check_fields(f.get("fields", []), at, problems, nested=True)
        for j, option in enumerate(f.get("options", ())):
            if option.get("reveals") and nested:
                problems.append((at + ["options", j, "reveals"], "reveals are not supported inside a group"))
            for target in option.get("reveals", ()):
                if target not in {g["name"] for g in fields}:
                    problems.append((at + ["options", j, "reveals"], f"reveals unknown field {target!r}"))
                elif target == f["name"]:
                    problems.append((at + ["options", j, "reveals"], "a field cannot reveal itself"))
    revealers: dict[str, str] = {}
    for f in fields:
        for option in f.get("options", ()):
            for target in option.get("reveals", ()):
                if target in revealers and revealers[target] != f["name"]:
                    problems.append((where + ["fields"], f"{target!r} is revealed by two different fields"))
                revealers[target] = f["name"]
    for start in revealers:  # a reveal loop would recurse forever when rendering
        seen, current = set(), start
        while current in revealers:
            if current in seen:
                problems.append((where + ["fields"], f"reveals form a loop through {start!r}"))
                break
            seen.add(current)
            current = revealers[current]


def _semantic_problems(raw: dict, filename: str) -> list[tuple[list, str]]:
    problems: list[tuple[list, str]] = []
    match = FILENAME_RE.match(filename)
    if not match:
        problems.append(([], "file name must be <form id>.v<version>.yaml"))
    elif match["id"] != raw["id"] or int(match["version"]) != raw["version"]:
        problems.append(([], f"file name does not match id {raw['id']!r} and version {raw['version']}"))
    sections = raw["sections"]
    ids = [s["id"] for s in sections]
    for i, section_id in enumerate(ids):
        if section_id in ids[:i]:
            problems.append((["sections", i, "id"], f"duplicate section id {section_id!r}"))
    if sections[0]["kind"] != "overview":
        problems.append((["sections", 0, "kind"], "the first section must be the overview"))
    if [s["kind"] for s in sections[-2:]] != ["attachments", "declaration"]:
        problems.append((["sections"], "the last two sections must be attachments then declaration"))
    for i, s in enumerate(sections):
        if s["kind"] in ("overview", "attachments", "declaration") and s.get("fields"):
            problems.append((["sections", i, "fields"], f"a {s['kind']} section has no fields of its own"))
        _check_fields(s.get("fields", []), ["sections", i], problems, nested=False)
    for key in ("child_name_fields", "searched_name_fields"):
        for i, ref in enumerate(raw.get(key, ())):
            section_id, field_name, *sub = ref.split(".")
            section = next((s for s in sections if s["id"] == section_id), None)
            target = next((f for f in (section or {}).get("fields", ()) if f["name"] == field_name), None)
            if sub and target is not None:
                target = next((f for f in target.get("fields", ()) if f["name"] == sub[0]), None)
            if target is None:
                problems.append(([key, i], f"{ref!r} does not name a field"))
    return problems


def load_definition(path: Path, schema: dict | None = None) -> FormDefinition:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=SafeLoader)  # noqa: S506 (SafeLoader, the C one when built)
    except (OSError, yaml.YAMLError) as error:
        raise FormDefinitionError(f"{path.name}: cannot read: {error}") from error
    validator = jsonschema.Draft202012Validator(schema or _schema())
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{_path(e.absolute_path)}: {e.message}" for e in errors[:10]]
        raise FormDefinitionError(f"{path.name}: " + "; ".join(lines))
    problems = _semantic_problems(raw, path.name)
    if problems:
        raise FormDefinitionError(f"{path.name}: " + "; ".join(f"{_path(p)}: {m}" for p, m in problems))
    return _build(raw, path.name)


@dataclass(frozen=True)
class FormCatalogue:
    """Every version of every form: drafts and submissions keep the version they were started on."""

    definitions: tuple[FormDefinition, ...]

    def get(self, form_id: str, version: int | None = None) -> FormDefinition:
        matching = [d for d in self.definitions if d.id == form_id]
        if version is not None:
            matching = [d for d in matching if d.version == version]
        if not matching:
            raise KeyError(f"no form {form_id!r}" + (f" version {version}" if version else ""))
        return max(matching, key=lambda d: d.version)

    def latest(self) -> list[FormDefinition]:
        return [self.get(form_id) for form_id in dict.fromkeys(d.id for d in self.definitions)]

    def for_audience(self, audience: str) -> list[FormDefinition]:
        return [d for d in self.latest() if d.audience == audience]

    def all(self) -> list[FormDefinition]:
        return list(self.definitions)


ORDER = ("safeguarding-concern", "early-help", "lado", "public-concern", "public-early-help")


def load_catalogue(directory: str | Path | None = None) -> FormCatalogue:
    """Every definition in the folder, checked; loaded once per process while the files are unchanged.

    Parsing and schema-checking every file costs about half a second, and each app (and each test's
    app) asks for the catalogue, so the result is kept, keyed by the files' names, sizes and times.
    """
    folder = Path(directory) if directory else DEFINITIONS
    files = sorted(folder.glob("*.y*ml"))
    signature = tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    return _load_catalogue(folder, signature)


@functools.lru_cache(maxsize=16)
def _load_catalogue(folder: Path, signature: tuple) -> FormCatalogue:
    schema = _schema()
    definitions = [load_definition(p, schema) for p in sorted(folder.glob("*.y*ml"))]
    if not definitions:
        raise FormDefinitionError(f"{folder}: no form definitions found")
    seen: dict[tuple, str] = {}
    for d in definitions:
        if (d.id, d.version) in seen:
            raise FormDefinitionError(
                f"{d.source}: {d.id} v{d.version} is also defined in {seen[(d.id, d.version)]}"
            )
        seen[(d.id, d.version)] = d.source
    definitions.sort(key=lambda d: (ORDER.index(d.id) if d.id in ORDER else len(ORDER), d.id, d.version))
    return FormCatalogue(tuple(definitions))
