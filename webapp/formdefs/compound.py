"""Field types made of several inputs: date, address and "add another" repeating groups.

Date and address post as `<name>-<part>` keys, the names GOV.UK's date input and address pattern
use, and keep those parts as a dict in `.data`, so a half-typed date survives a save and is shown
back exactly as it was typed.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field as WTField
from wtforms import FieldList, FormField
from wtforms import Form as WTForm
from wtforms.utils import unset_value

from webapp.clock import utcnow
from webapp.validation import strip_text
from webapp.web.dates import uk_local

from .fieldtypes import POSTCODE_MESSAGE, FieldType, capitalise, field_type, normalise_postcode, register
from .model import Field, SummaryItem

NOT_KNOWN = "not-known"
EARLIEST = datetime.date(1900, 1, 1)
YEAR_DIGITS = "Year must include 4 numbers"

# GOV.UK's date input: people type the month as a name too ("Jan", "january", "Sept."); accept them.
MONTHS = {name: number for number in range(1, 13)
          for name in (datetime.date(2000, number, 1).strftime("%B").lower(),
                       datetime.date(2000, number, 1).strftime("%b").lower())}
MONTHS["sept"] = 9


def month_number(text: str) -> int:
    """'3', '03', 'Mar', 'march' or 'Sept.' -> 3; ValueError for anything else (a ValueError as int())."""
    text = text.strip()
    name = text.rstrip(".").lower()
    if name in MONTHS:
        return MONTHS[name]
    return number(text)


def number(text: str) -> int:
    """A date part of digits only. int() also reads "1_0" as 10 and "+1" or " -1" as numbers, so a
    typing slip became a different date without a word: such a part is not a real date."""
    text = text.strip()
    if not text.isdecimal():
        raise ValueError(text)
    return int(text)


def long_date(day: datetime.date) -> str:
    """GOV.UK's way of writing a date in a message: 1 January 1900."""
    return f"{day.day} {day:%B %Y}"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def date_bounds(fdef: Field, on: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    """The earliest and latest date the field accepts on the given day, each None where unbounded."""
    earliest = None
    if fdef.earliest_years_ago is not None:
        earliest = years_before(on, fdef.earliest_years_ago)
    if fdef.earliest_days_ago is not None:
        by_days = on - datetime.timedelta(days=fdef.earliest_days_ago)
        earliest = by_days if earliest is None else max(earliest, by_days)
    latest = None if fdef.latest_days_ahead is None else on + datetime.timedelta(days=fdef.latest_days_ahead)
    return earliest, latest


def today() -> datetime.date:
    """Today's date in the UK, where the referrer is: the servers' clock runs in UTC, an hour behind
    all summer, so date.today() made a birth or an incident just after midnight "in the future"."""
    return uk_local(utcnow()).date()


def typed_any(wtfield, parts: tuple[str, ...]) -> bool:
    return any(strip_text(wtfield.data.get(p, "")) for p in parts)


def not_both(fdef: Field) -> str:
    """A date or address typed in AND its "not known" box ticked: which one was meant is the person's
    to say. The "not known" used to win, and what they had typed was dropped without a word."""
    return f"Enter {fdef.noun} or select '{fdef.not_known}', not both"


# A whole date typed into one of the three boxes: "1/2/2015", "01.02.2015", "1-2-2015", "1 Feb 2015".
# Only text of a date's length is looked into.
_SEPARATOR = r"(?:\s*[/.\-\u2013]\s*|\s+)"
WHOLE_DATE = re.compile(rf"(\d{{1,2}}){_SEPARATOR}(\d{{1,2}}|[A-Za-z]{{3,9}}\.?){_SEPARATOR}(\d{{2,4}})")


def split_whole_date(data: dict) -> dict:
    """A date typed whole into one box, the others left empty, as its day, month and year.

    People write a date "1/2/2015", and a browser's autofill or a paste puts it all in the first box:
    it was refused as "must include a month and year", with the date they had typed in the Day box.
    A date typed so is now read as the three parts, and shown in its three boxes; anything else is
    left as it was typed, for the usual checks to say what is wrong (a two-digit year included)."""
    typed = [p for p in DateType.PARTS if strip_text(data.get(p, ""))]
    if len(typed) != 1:
        return data
    text = strip_text(unicodedata.normalize("NFKC", data[typed[0]]))
    match = WHOLE_DATE.fullmatch(text) if len(text) <= 20 else None
    if not match:
        return data
    return {**data, "day": match.group(1), "month": match.group(2), "year": match.group(3)}


class PartsField(WTField):
    """One logical answer typed into several inputs."""

    parts: tuple[str, ...] = ()

    def __init__(self, label=None, validators=None, parts=(), tidy=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = tuple(parts)
        self.tidy = tidy

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.object_data = None if data is unset_value else data
        if formdata is not None and any(f"{self.name}-{p}" in formdata for p in self.parts):
            self.data = {p: formdata.get(f"{self.name}-{p}", "") for p in self.parts}
        else:
            self.data = dict(self.object_data) if isinstance(self.object_data, dict) else {}
        self.data = {p: str(self.data.get(p) or "") for p in self.parts}
        if self.tidy is not None:
            self.data = self.tidy(self.data)
        self.raw_data = [self.data.get("day"), self.data.get("month"), self.data.get("year")]

    def _value(self):
        return ""


class DateWidget(GovDateInput):
    """GOV.UK date input; names follow `<name>-day` so the posted parts reach PartsField."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["namePrefix"] = field.name
        for item, part in zip(params["items"], ("day", "month", "year"), strict=True):
            item["name"] = part
        return params


@register
class DateType(FieldType):
    name = "date"
    PARTS = ("day", "month", "year")

    def make_field(self, fdef: Field):
        from .fieldtypes import DelegatingValidator

        return PartsField(
            fdef.label,
            description=fdef.hint or "",
            parts=(*self.PARTS, "not_known"),
            tidy=split_whole_date,
            widget=DateWidget(),
            validators=[DelegatingValidator(fdef)],
        )

    def input_names(self, fdef: Field, name: str) -> list[str]:
        return [f"{name}-{p}" for p in self.PARTS]

    def first_input_id(self, fdef: Field, name: str) -> str:
        return f"{name}-day"

    def parts_in_error(self, data: dict, message: str = "") -> tuple[str, ...]:
        """GOV.UK date input: a date missing some of its parts has only those in error (what "must
        include a year" asks for), a message about one part ("Year must include 4 numbers") only that
        part; otherwise the date as a whole is. `_fields.html` marks the same parts, telling parts apart
        by emptiness and the message alone as its cached rendering requires (a part of spaces counts
        as given, so the whole date is marked)."""
        if message.startswith(YEAR_DIGITS):
            return ("year",)
        missing = tuple(p for p in self.PARTS if not data.get(p))
        return missing if 0 < len(missing) < len(self.PARTS) else self.PARTS

    def error_input_id(self, fdef: Field, name: str, wtfield) -> str:
        message = next(iter(self.validate(fdef, wtfield).values()), "")
        return f"{name}-{self.parts_in_error(wtfield.data or {}, message)[0]}"

    def form_data(self, fdef: Field, answer: Any) -> Any:
        if answer == NOT_KNOWN:
            return {"not_known": "yes"}
        if isinstance(answer, str):
            try:
                parsed = datetime.date.fromisoformat(answer)
            except ValueError:
                return {}
            return {"day": str(parsed.day), "month": str(parsed.month), "year": str(parsed.year)}
        return answer if isinstance(answer, dict) else {}

    def is_not_known(self, fdef: Field, wtfield) -> bool:
        return bool(fdef.not_known and wtfield.data.get("not_known"))

    def is_blank(self, fdef: Field, wtfield) -> bool:
        if self.is_not_known(fdef, wtfield):
            return False
        return not any(wtfield.data.get(p, "").strip() for p in self.PARTS)

    def parse(self, wtfield) -> datetime.date | None:
        try:
            day, year = (number(wtfield.data.get(p, "")) for p in ("day", "year"))
            month = month_number(wtfield.data.get("month", ""))
            if len(wtfield.data["year"].strip()) != 4:
                return None
            return datetime.date(year, month, day)
        except (ValueError, KeyError):
            return None

    def short_year(self, wtfield) -> bool:
        """A year of two digits ("15" for 2015): GOV.UK asks for all four rather than guess the century."""
        year = wtfield.data.get("year", "").strip()
        return year.isdigit() and len(year) < 4

    def validate(self, fdef: Field, wtfield) -> dict[str, str]:
        noun = capitalise(fdef.noun)
        if self.is_not_known(fdef, wtfield):
            return {wtfield.name: not_both(fdef)} if typed_any(wtfield, self.PARTS) else {}
        if self.is_blank(fdef, wtfield):
            return {wtfield.name: self.required_message(fdef)} if fdef.required else {}
        missing = [p for p in self.PARTS if not wtfield.data.get(p, "").strip()]
        if missing:
            return {wtfield.name: f"{noun} must include a {' and '.join(missing)}"}
        if self.short_year(wtfield):
            return {wtfield.name: YEAR_DIGITS}
        parsed = self.parse(wtfield)
        if parsed is None:
            return {wtfield.name: fdef.message("invalid", f"{noun} must be a real date")}
        if parsed < EARLIEST:
            return {wtfield.name: f"{noun} must be the same as or after 1 January 1900"}
        if fdef.not_future and parsed > today():
            return {wtfield.name: fdef.message("future", f"{noun} must be today or in the past")}
        if fdef.not_past and parsed < today():
            return {wtfield.name: fdef.message("past", f"{noun} must be today or in the future")}
        earliest, latest = date_bounds(fdef, today())
        if earliest is not None and parsed < earliest:
            message = fdef.message("too_early", f"{noun} must be the same as or after {{date}}")
            return {wtfield.name: message.replace("{date}", long_date(earliest))}
        if latest is not None and parsed > latest:
            message = fdef.message("too_late", f"{noun} must be the same as or before {{date}}")
            return {wtfield.name: message.replace("{date}", long_date(latest))}
        return {}

    def answer(self, fdef: Field, wtfield) -> Any:
        if self.is_not_known(fdef, wtfield):
            if typed_any(wtfield, self.PARTS):  # both: kept as they were, to be asked which
                return {**{p: wtfield.data.get(p, "") for p in self.PARTS}, "not_known": "yes"}
            return NOT_KNOWN
        if self.is_blank(fdef, wtfield):
            return None
        parsed = self.parse(wtfield)
        if parsed is not None and not self.validate(fdef, wtfield):
            return parsed.isoformat()
        return {p: wtfield.data.get(p, "") for p in self.PARTS}

    def summary(self, fdef: Field, answer: Any) -> str:
        if answer == NOT_KNOWN:
            return fdef.not_known or "Not known"
        if isinstance(answer, str):
            try:
                parsed = datetime.date.fromisoformat(answer)
            except ValueError:
                return answer
            return f"{parsed.day} {parsed:%B %Y}"
        if isinstance(answer, dict):
            return "/".join(answer.get(p, "") for p in self.PARTS)
        return self.summary_blank


@register
class AddressType(FieldType):
    name = "address"
    PARTS = ("line1", "line2", "town", "postcode")
    LABELS = {
        "line1": "Address line 1",
        "line2": "Address line 2 (optional)",
        "town": "Town or city",
        "postcode": "Postcode",
    }

    def named(self, part: str) -> str:
        """A box as an error message names it: "Address line 2 must be…", without "(optional)"."""
        return self.LABELS[part].removesuffix(" (optional)")

    def make_field(self, fdef: Field):
        from .fieldtypes import DelegatingValidator

        return PartsField(
            fdef.label,
            description=fdef.hint or "",
            parts=(*self.PARTS, "not_known"),
            validators=[DelegatingValidator(fdef)],
        )

    def input_names(self, fdef: Field, name: str) -> list[str]:
        return [f"{name}-{p}" for p in self.PARTS]

    def first_input_id(self, fdef: Field, name: str) -> str:
        return f"{name}-line1"

    def form_data(self, fdef: Field, answer: Any) -> Any:
        if answer == NOT_KNOWN:
            return {"not_known": "yes"}
        return answer if isinstance(answer, dict) else {}

    def is_not_known(self, fdef: Field, wtfield) -> bool:
        return bool(fdef.not_known and wtfield.data.get("not_known"))

    def is_blank(self, fdef: Field, wtfield) -> bool:
        if self.is_not_known(fdef, wtfield):
            return False
        return not any(strip_text(wtfield.data.get(p, "")) for p in self.PARTS)

    def validate(self, fdef: Field, wtfield) -> dict[str, str]:
        if self.is_not_known(fdef, wtfield):
            return {f"{wtfield.name}-line1": not_both(fdef)} if typed_any(wtfield, self.PARTS) else {}
        if self.is_blank(fdef, wtfield):
            if not fdef.required:
                return {}
            return {f"{wtfield.name}-line1": fdef.message("required", f"Enter {fdef.noun}")}
        errors: dict[str, str] = {}
        wanted = {
            "line1": f"Enter the first line of {fdef.noun}",
            "town": f"Enter the town or city for {fdef.noun}",
            "postcode": f"Enter the postcode for {fdef.noun}",
        }
        for part in self.PARTS:
            value = strip_text(wtfield.data.get(part, ""))
            if part in wanted and not value:
                errors[f"{wtfield.name}-{part}"] = wanted[part]
            elif len(value) > 100:
                errors[f"{wtfield.name}-{part}"] = f"{self.named(part)} must be 100 characters or fewer"
            elif field_type("text").check(fdef, value):
                errors[f"{wtfield.name}-{part}"] = f"{self.named(part)} must not include control characters"
        postcode = wtfield.data.get("postcode", "").strip()
        if postcode and field_type("postcode").check(fdef, normalise_postcode(postcode)):
            errors[f"{wtfield.name}-postcode"] = POSTCODE_MESSAGE
        return errors

    def answer(self, fdef: Field, wtfield) -> Any:
        if self.is_not_known(fdef, wtfield):
            if typed_any(wtfield, self.PARTS):  # both: kept as they were, to be asked which
                return {**{p: wtfield.data.get(p, "") for p in self.PARTS}, "not_known": "yes"}
            return NOT_KNOWN
        if self.is_blank(fdef, wtfield):
            return None
        value = {p: unicodedata.normalize("NFC", strip_text(wtfield.data.get(p, ""))) for p in self.PARTS}
        value["postcode"] = normalise_postcode(value["postcode"])
        return value

    def summary(self, fdef: Field, answer: Any) -> str:
        if answer == NOT_KNOWN:
            return fdef.not_known or "Not known"
        if isinstance(answer, dict):
            return "\n".join(answer[p] for p in self.PARTS if answer.get(p))
        return self.summary_blank


def item_form_class(fdef: Field) -> type[WTForm]:
    attrs = {sub.name: field_type(sub.type).make_field(sub) for sub in fdef.fields}
    return type(f"Item_{fdef.name}", (WTForm,), attrs)


@register
class RepeatType(FieldType):
    """An "add another" group; items are WTForms sub-forms posted as `<group>-<index>-<field>`."""

    name = "repeat"

    def make_field(self, fdef: Field):
        return FieldList(
            FormField(item_form_class(fdef)),
            fdef.label,
            description=fdef.hint or "",
            min_entries=max(fdef.min_items, 1),
            max_entries=fdef.max_items,
        )

    def input_names(self, fdef: Field, name: str) -> list[str]:
        return [n for sub in fdef.fields for n in field_type(sub.type).input_names(sub, f"{name}-{sub.name}")]

    def first_input_id(self, fdef: Field, name: str) -> str:
        first = fdef.fields[0]
        return field_type(first.type).first_input_id(first, f"{name}-0-{first.name}")

    def form_data(self, fdef: Field, answer: Any) -> Any:
        items = answer if isinstance(answer, list) else []
        return [
            {sub.name: field_type(sub.type).form_data(sub, item.get(sub.name)) for sub in fdef.fields}
            for item in items
            if isinstance(item, dict)
        ]

    def item_is_blank(self, fdef: Field, entry) -> bool:
        return all(field_type(sub.type).is_blank(sub, entry.form[sub.name]) for sub in fdef.fields)

    def counted(self, fdef: Field, wtfield) -> list:
        """Items that count: blank items beyond the minimum are an unused "add another", not an answer."""
        return [
            e for i, e in enumerate(wtfield.entries) if i < fdef.min_items or not self.item_is_blank(fdef, e)
        ]

    def is_blank(self, fdef: Field, wtfield) -> bool:
        return not any(not self.item_is_blank(fdef, e) for e in wtfield.entries)

    def validate(self, fdef: Field, wtfield) -> dict[str, str]:
        errors: dict[str, str] = {}
        counted = self.counted(fdef, wtfield)
        if fdef.required and not counted:
            first = field_type(fdef.fields[0].type)
            return {wtfield.name: fdef.message("required", first.required_message(fdef.fields[0]))}
        for entry in counted:
            for sub in fdef.fields:
                errors.update(field_type(sub.type).validate(sub, entry.form[sub.name]))
        if len(counted) > fdef.max_items:
            errors[wtfield.name] = f"You can add up to {fdef.max_items} {fdef.item_label or 'items'}"
        return errors

    def answer(self, fdef: Field, wtfield) -> Any:
        items = [
            {sub.name: field_type(sub.type).answer(sub, entry.form[sub.name]) for sub in fdef.fields}
            for entry in self.counted(fdef, wtfield)
        ]
        return items or None

    def summary_items(self, fdef: Field, answer: Any) -> tuple[SummaryItem, ...]:
        """Each item with the sub-questions answered in it; summary() is the same, in lines."""
        if not isinstance(answer, list):
            return ()
        return tuple(
            SummaryItem(
                f"{capitalise(fdef.item_label or 'item')} {number}",
                tuple((sub.label, field_type(sub.type).summary(sub, item.get(sub.name)))
                      for sub in fdef.fields if item.get(sub.name) not in (None, "", [])),
            )
            for number, item in enumerate((i for i in answer if isinstance(i, dict)), start=1)
        )

    def summary(self, fdef: Field, answer: Any) -> str:
        if not answer:
            return "None added"
        return "\n".join(f"{item.title}: " + "; ".join(f"{label}: {text}" for label, text in item.rows)
                         for item in self.summary_items(fdef, answer))
