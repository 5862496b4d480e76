"""Field types are code: each maps a definition's `type` to a WTForms field, its rules and its summary text.

Validation deliberately does not use WTForms' own required/choice validators: those read the raw
POST, so they cannot re-check answers loaded from a saved draft. Every rule here reads the field's
`.data`, which is filled the same way from a POST or from stored answers, so the inline check, the
section save and the final submit all run exactly the same code.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from email_validator import EmailNotValidError, validate_email
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from webapp import validation
from webapp.validation import display_phone, e164_phone, parse_phone, phone_refusal, strip_text, unwrap_email

from .model import Field

REGISTRY: dict[str, FieldType] = {}

DEFAULT_MAX = {"text": 200, "textarea": 5000, "email": 254, "phone": 30, "postcode": 10}
PHONE_MESSAGE = f"Enter a phone number, like {validation.PHONE_EXAMPLES}"
POSTCODE_MESSAGE = f"Enter a full UK postcode, like {validation.POSTCODE_EXAMPLE}"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"


def register(cls: type[FieldType]) -> type[FieldType]:
    REGISTRY[cls.name] = cls()
    return cls


def field_type(name: str) -> FieldType:
    return REGISTRY[name]


def counted_length(text: str) -> int:
    """A text's length as the page's character count shows it. GOV.UK Frontend counts as JavaScript
    does, in UTF-16 code units, so an emoji counts as two: counted as one here, a text the count said
    was 10 characters too many was accepted, and the two disagreed."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F) other than tab and the
# line breaks, and lone surrogates (category Cs), as one character class: a regular expression scans an
# answer in C, where asking unicodedata about each character in Python was a measurable part of a save.
BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_characters(value: str) -> bool:
    """NUL and other control characters break databases and PDFs; lone surrogates cannot be encoded."""
    return BAD_CHARACTER.search(value) is not None


class DelegatingValidator:
    """Lets `form.validate()` and WTForms-aware code reach the one set of rules in this module."""

    def __init__(self, fdef: Field):
        self.fdef = fdef

    def __call__(self, form, field):
        errors = field_type(self.fdef.type).validate(self.fdef, field)
        if errors:
            field.errors = []
            raise ValidationError(next(iter(errors.values())))


class FieldType:
    """Base: a single text-like input whose data is a string."""

    name = ""
    summary_blank = "Not answered"

    def make_field(self, fdef: Field):
        return StringField(
            fdef.label,
            description=fdef.hint or "",
            widget=GovTextInput(),
            validators=[DelegatingValidator(fdef)],
        )

    def input_names(self, fdef: Field, name: str) -> list[str]:
        """Names the inputs post under, so "add another" can create an empty item without JS."""
        return [name]

    def first_input_id(self, fdef: Field, name: str) -> str:
        return name

    def error_input_id(self, fdef: Field, name: str, wtfield) -> str:
        """The input an error summary's link moves focus to: the first one in error (GOV.UK)."""
        return self.first_input_id(fdef, name)

    def form_data(self, fdef: Field, answer: Any) -> Any:
        """Stored answer -> what the WTForms field shows when the section is opened again."""
        return answer

    def raw(self, wtfield) -> str:
        return wtfield.data if isinstance(wtfield.data, str) else ""

    def is_blank(self, fdef: Field, wtfield) -> bool:
        return not strip_text(self.raw(wtfield))

    def normalise(self, fdef: Field, text: str) -> str:
        """NFC: "Zoë" typed on a Mac or pasted from a file name can arrive as "Zoe" plus a combining
        diaeresis, which looks the same but counted twice against the limit, and did not match the
        same name typed elsewhere when a caseworker searched for it."""
        return unicodedata.normalize("NFC", strip_text(text))

    def answer(self, fdef: Field, wtfield) -> Any:
        """The value saved: normalised when valid, otherwise what was typed, so nothing is lost."""
        if self.is_blank(fdef, wtfield):
            return None
        text = self.raw(wtfield)
        if self.check(fdef, self.normalise(fdef, text)) is None:
            return self.normalise(fdef, text)
        return text

    def required_message(self, fdef: Field) -> str:
        return fdef.message("required", f"Enter {fdef.noun}")

    def validate(self, fdef: Field, wtfield) -> dict[str, str]:
        if self.is_blank(fdef, wtfield):
            return {wtfield.name: self.required_message(fdef)} if fdef.required else {}
        problem = self.check(fdef, self.normalise(fdef, self.raw(wtfield)))
        if problem is None and not fdef.accepts(self.raw(wtfield)):
            problem = fdef.must_equal_message or f"{capitalise(fdef.noun)} is not an answer we can accept"
        return {wtfield.name: problem} if problem else {}

    def check(self, fdef: Field, value: str) -> str | None:
        limit = fdef.max_length or DEFAULT_MAX.get(self.name, 5000)
        if counted_length(value) > limit:
            return fdef.message("too_long", f"{capitalise(fdef.noun)} must be {limit:,} characters or fewer")
        if bad_characters(value):
            return fdef.message(
                "characters",
                f"{capitalise(fdef.noun)} must not include control characters or unusual symbols",
            )
        return None

    def summary(self, fdef: Field, answer: Any) -> str:
        if answer in (None, "", [], {}):
            return self.summary_blank
        return str(answer)

    def summary_items(self, fdef: Field, answer: Any) -> tuple:
        """The items of an "add another" answer (SummaryItem); no other type has any."""
        return ()


@register
class TextType(FieldType):
    name = "text"


@register
class TextareaType(FieldType):
    name = "textarea"

    def make_field(self, fdef: Field):
        widget = GovCharacterCount() if fdef.max_length else GovTextArea()
        return TextAreaField(
            fdef.label, description=fdef.hint or "", widget=widget, validators=[DelegatingValidator(fdef)]
        )

    def normalise(self, fdef: Field, text: str) -> str:
        # Browsers post CRLF; storing LF keeps the character count the user saw.
        return unicodedata.normalize("NFC", strip_text(text.replace("\r\n", "\n")))


@register
class EmailType(FieldType):
    name = "email"

    def normalise(self, fdef: Field, text: str) -> str:
        """Professionals paste their address from Outlook as "Name <address>": the address is kept."""
        return unwrap_email(super().normalise(fdef, text))

    def check(self, fdef: Field, value: str) -> str | None:
        problem = super().check(fdef, value)
        if problem:
            return problem
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            return fdef.message("invalid", EMAIL_MESSAGE)
        return None


@register
class PhoneType(FieldType):
    name = "phone"

    def normalise(self, fdef: Field, text: str) -> str:
        number = parse_phone(text, international=True)
        if number is None:
            return text.strip()
        return e164_phone(number)

    def check(self, fdef: Field, value: str) -> str | None:
        if parse_phone(value, international=True) is None:
            return phone_refusal(value, fdef.message("invalid", PHONE_MESSAGE))
        return None

    def form_data(self, fdef: Field, answer: Any) -> Any:
        return display_phone(answer) if isinstance(answer, str) else answer

    def summary(self, fdef: Field, answer: Any) -> str:
        return display_phone(answer) if answer else self.summary_blank


def normalise_postcode(text: str) -> str:
    """The normalised postcode, or what was typed (kept so the person sees it with the error)."""
    return validation.normalise_postcode(text) or text.strip()


@register
class PostcodeType(FieldType):
    name = "postcode"

    def normalise(self, fdef: Field, text: str) -> str:
        return normalise_postcode(text)

    def check(self, fdef: Field, value: str) -> str | None:
        if validation.normalise_postcode(value) is None:
            return fdef.message("invalid", POSTCODE_MESSAGE)
        return None


class ChoiceType(FieldType):
    """Radios and select: one value from the definition's options."""

    def choices(self, fdef: Field) -> list[SelectChoice]:
        return [SelectChoice(o.value, o.label) for o in fdef.options]

    def required_message(self, fdef: Field) -> str:
        return fdef.message("required", f"Select {fdef.noun}")

    def check(self, fdef: Field, value: str) -> str | None:
        if fdef.option(value) is None:
            return self.required_message(fdef)
        return None

    def answer(self, fdef: Field, wtfield) -> Any:
        value = self.raw(wtfield)
        return value if fdef.option(value) else None

    def summary(self, fdef: Field, answer: Any) -> str:
        option = fdef.option(answer)
        return option.label if option else self.summary_blank


@register
class RadiosType(ChoiceType):
    name = "radios"

    def make_field(self, fdef: Field):
        return RadioField(
            fdef.label,
            description=fdef.hint or "",
            choices=self.choices(fdef),
            validate_choice=False,
            widget=GovRadioInput(),
            validators=[DelegatingValidator(fdef)],
        )

    def first_input_id(self, fdef: Field, name: str) -> str:
        return name


@register
class SelectType(ChoiceType):
    name = "select"

    def make_field(self, fdef: Field):
        return SelectField(
            fdef.label,
            description=fdef.hint or "",
            choices=[SelectChoice("", "Choose an option")] + self.choices(fdef),
            validate_choice=False,
            widget=GovSelect(),
            validators=[DelegatingValidator(fdef)],
        )


@register
class CheckboxesType(ChoiceType):
    name = "checkboxes"

    def make_field(self, fdef: Field):
        return SelectMultipleField(
            fdef.label,
            description=fdef.hint or "",
            choices=self.choices(fdef),
            validate_choice=False,
            widget=GovCheckboxesInput(),
            validators=[DelegatingValidator(fdef)],
        )

    def values(self, wtfield) -> list[str]:
        data = wtfield.data
        if isinstance(data, str):
            data = [data]
        return [v for v in (data or []) if isinstance(v, str)]

    def is_blank(self, fdef: Field, wtfield) -> bool:
        return not self.values(wtfield)

    def validate(self, fdef: Field, wtfield) -> dict[str, str]:
        values = self.values(wtfield)
        if not values:
            return {wtfield.name: self.required_message(fdef)} if fdef.required else {}
        if any(fdef.option(v) is None for v in values):
            return {wtfield.name: self.required_message(fdef)}
        exclusive = [v for v in values if fdef.option(v).exclusive]
        if exclusive and len(values) > 1:
            label = fdef.option(exclusive[0]).label
            return {wtfield.name: f"Select '{label}' on its own, or other answers without it"}
        return {}

    def answer(self, fdef: Field, wtfield) -> Any:
        order = [o.value for o in fdef.options]
        values = [v for v in order if v in self.values(wtfield)]
        return values or None

    def summary(self, fdef: Field, answer: Any) -> str:
        if not answer:
            return self.summary_blank
        return "\n".join(fdef.option(v).label for v in answer if fdef.option(v))


# Compound types register themselves on import.
from . import compound  # noqa: E402,F401
