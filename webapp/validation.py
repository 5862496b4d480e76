"""Normalising UK postcodes, phone numbers and free text, shared by fixed forms and referral forms.

People type phone numbers with spaces, brackets and +44 (the old portal rejected spaces); the
portal accepts all of those and stores one normalised form.
"""

import re
import unicodedata

import phonenumbers

# The GOV.UK pattern for UK postcodes, including BFPO-style GIR 0AA.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")


def normalise_postcode(value: str) -> str | None:
    """'sw1a1aa' -> 'SW1A 1AA'; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_phone(value: str) -> str | None:
    """A UK number in national format ('01632 960001', '07700 900982'); None when not valid."""
    try:
        number = phonenumbers.parse(value or "", "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number) or number.country_code != 44:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def has_control_characters(value: str, allow_newlines: bool = False) -> bool:
    """Control characters and bidi overrides have no place in a name or an address."""
    if not allow_newlines and _LINE_BREAK.search(value or ""):
        return True
    return bool(_CONTROL.search(value or ""))


def clean_text(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())
