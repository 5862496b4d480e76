"""Normalising UK postcodes, phone numbers and free text, shared by fixed forms and referral forms.

People type phone numbers with spaces, brackets and +44 (the old portal rejected spaces); the
portal accepts all of those and stores one normalised form.
"""

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

# The shape of a UK postcode (outward code, then digit and two letters). Deliberately not the
# letter-by-letter rules: a real but unusual postcode must never stop a referral.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")


# The examples people are shown for a postcode and a phone number, at registration, in Update Account
# and in every form: one source, so they cannot drift apart again (they had: "AA3 1AB" at
# registration, "SW1A 1AA" in the forms). The phone examples are GOV.UK's (telephone numbers pattern);
# the hint says what may be typed, after whatever a question says about why it asks.
POSTCODE_EXAMPLE = "SW1A 1AA"
PHONE_EXAMPLES = "01632 960 001, 07700 900 982 or +44 808 157 0192"
PHONE_HINT = "You can include spaces."


# British Forces Post Office: a serving family's address ends "BFPO 123" in place of a postcode.
_BFPO = re.compile(r"^BFPO([0-9]{1,4})$")


# A dash between a postcode's two parts (any dash, made a hyphen first): the inward part is a digit and
# two letters.
_POSTCODE_DASH = re.compile(r"\s*-\s*(?=[0-9][A-Za-z]{2}$)")


def normalise_postcode(value: str) -> str | None:
    """'sw1a1aa' -> 'SW1A 1AA', 'bfpo123' -> 'BFPO 123'; None when it is not a UK postcode.

    NFKC folds what looks like a postcode but is not plain ASCII (full-width letters from a pasted
    document, no-break spaces), as it does for phone numbers. A dash between its two parts ("WN1-1AA")
    and a full stop or comma after it (the end of an address line copied) are how people write and
    paste postcodes, and were refused.
    """
    text = unicodedata.normalize("NFKC", value or "").strip().rstrip(".,;").strip()
    text = _POSTCODE_DASH.sub(" ", _DASHES.sub("-", text))
    compact = re.sub(r"\s+", "", text).upper()
    if bfpo := _BFPO.match(compact):
        return f"BFPO {bfpo.group(1)}"
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


# Ofcom keeps these ranges for drama and documentation; phonenumbers calls them invalid, but people
# (and GOV.UK's own examples, which our hints repeat) use them, so they count as well-formed.
DRAMA_RE = re.compile(
    r"^(1632960\d{3}|7700900\d{3}|11[3-8]4960\d{3}|1[2-9]14960\d{3}|2079460\d{3}"
    r"|2890180\d{3}|2920180\d{3}|3069990\d{3}|8081570\d{3}|9098790\d{3})$"
)


# Dashes other than the hyphen-minus: word processors and web pages turn "0161-496" into "0161–496".
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]")


# An office number's extension, written the ways people write it: "ext 123", "ext. 123", "extn 123",
# "extension 123", "x123", "#123", after a comma or not, in brackets or not. Five digits at most: real
# extensions are shorter, and the number with its extension must fit where an account keeps it.
_EXTENSION = re.compile(r"^(.*?)[\s,;(]*(?:ext(?:n|ension)?\.?|x|#)\s*:?\s*([0-9]{1,5})\s*\)?$",
                        re.IGNORECASE)


# Longer than any number with an extension written out in full ("+44 (0)1632 960 001 extension 12345").
MAX_PHONE_TYPED = 60


def parse_uk_phone(text: str) -> phonenumbers.PhoneNumber | None:
    return parse_phone(text)


def parse_phone(text: str, *, international: bool = False) -> phonenumbers.PhoneNumber | None:
    """A UK number from what people type: spaces, brackets, dashes, dots and +44 all allowed.

    A number copied from an email signature or a web page often carries no-break or thin spaces, en
    dashes or full-width digits that look exactly like the plain ones: NFKC folds the spaces and
    digits, and the dashes become hyphens, so what looks right is accepted. Digits of other scripts
    count as the digits they are.

    A professional's desk phone often has an extension, and without it the council cannot reach them:
    it is kept (GOV.UK's guidance is to let people type numbers the way they know them).

    With `international`, a number written with its country code (+33 or 0033) that is valid in that
    country is accepted too: a parent or relative of a child can live abroad.
    """
    text = _ascii_digits(_DASHES.sub("-", unicodedata.normalize("NFKC", text or "")))
    text = re.sub(r"\s", " ", text).strip()
    if len(text) > MAX_PHONE_TYPED:  # before the extension pattern, which backtracks on long runs
        return None
    extension = None
    if match := _EXTENSION.match(text):
        text, extension = match.group(1), match.group(2)
    if not re.fullmatch(r"[0-9+()\-. ]{5,30}", text.strip()):
        return None
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 44:
        if not (international and phonenumbers.is_valid_number(number)):
            return None
    elif not (phonenumbers.is_valid_number(number) or DRAMA_RE.match(str(number.national_number))):
        return None
    if extension:
        number.extension = extension
    return number


# Two numbers in one answer ("0161 496 0000 / 07700 900123", "01942 123456 or 07700 900123"): the
# question takes one, and the usual "Enter a phone number, like …" did not say what was wrong.
_TWO_NUMBERS = re.compile(r"\d[\d ()+.-]{5,}\s*(?:/|,|;|&|\bor\b|\band\b)\s*[(+]?\d[\d ()+.-]{5,}",
                          re.IGNORECASE)
ONE_PHONE_NUMBER = "Enter one phone number only"


def _ascii_digits(text: str) -> str:
    """Digits of any script as 0 to 9: a number typed on an Arabic or a Bengali keyboard (٠٧٧٠٠…) was
    refused, where a date typed so was accepted."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def phone_refusal(text: str, usual: str) -> str:
    """The message for a phone answer that was refused: the usual one, unless it holds two numbers.
    Only text of two numbers' length is looked into: the pattern backtracks on a long run of spaces."""
    text = text or ""
    return ONE_PHONE_NUMBER if len(text) <= 2 * MAX_PHONE_TYPED and _TWO_NUMBERS.search(text) else usual


def e164_phone(number: phonenumbers.PhoneNumber) -> str:
    """The stored form of a number: E.164, with " x123" after it when it has an extension."""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164} x{number.extension}" if number.extension else e164


def readable_phone(number: phonenumbers.PhoneNumber) -> str:
    """A number as people here read it: UK numbers in national format (01632 960001), others with
    their country code, and an extension written out ("01632 960001 extension 204"). libphonenumber
    writes a UK extension "x204", which a person phoning from the page may not know to dial."""
    style = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 44 else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    without_extension = phonenumbers.PhoneNumber()
    without_extension.merge_from(number)
    without_extension.extension = None
    written = phonenumbers.format_number(without_extension, style)
    return f"{written} extension {number.extension}" if number.extension else written


def display_phone(value: str) -> str:
    """A stored number (either stored form, E.164 or national, with " x123" for an extension) as
    `readable_phone` writes it; what cannot be read as a number is shown as it is."""
    number = parse_phone(value or "", international=True)
    return value if number is None else readable_phone(number)


def normalise_phone(value: str) -> str | None:
    """A UK number in national format ('01632 960001', '07700 900982', '01632 960001 x123'); None when
    not valid."""
    number = parse_uk_phone(value)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


_DIRECTION_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def has_direction_controls(value: str) -> bool:
    """Invisible characters that reorder the text after them (bidi embeddings, overrides, isolates).
    Refused as control characters; a person who pasted one cannot see it, so they are told apart."""
    return bool(_DIRECTION_CONTROL.search(value or ""))


def has_control_characters(value: str, allow_newlines: bool = False) -> bool:
    """Control characters and bidi overrides have no place in a name or an address."""
    if not allow_newlines and _LINE_BREAK.search(value or ""):
        return True
    return bool(_CONTROL.search(value or ""))


# Characters that take no space on screen: a zero-width space, zero-width (non-)joiner, word joiner
# and byte-order mark. Pasted text often starts or ends with one; an answer of nothing else looks blank.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Every character str.strip() removes (all below U+3001), and the invisible ones: str.strip(chars) is
# linear, where a regular expression for "a run at the end" backtracked over a long run in the middle.
_STRIP = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + _INVISIBLE


def strip_text(value: str | None) -> str:
    """Like str.strip(), and invisible characters at either end go too: a required name of nothing but
    zero-width spaces was accepted, and a referral reached the council with a child's name that shows
    as blank."""
    return (value or "").strip(_STRIP)


def clean_text(value: str | None) -> str:
    return unicodedata.normalize("NFC", strip_text(value))


# A phone's keyboard types "O’Brien" with a curly apostrophe, a desktop "O'Brien" with a straight one,
# some keyboards "O´Brien" or "O`Brien" with an accent, and a caseworker taking a referral on the phone
# types "OBrien" or "O Brien".
APOSTROPHES = ("'", "\u2019", "\u2018", "\u02bc", "\u02bb", "\u00b4", "`")
# "Smith-Jones" is heard on the phone as "Smith Jones", and typed with whichever dash a keyboard makes.
DASHES = ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212")


def fold_for_search(text: str | None, *, keep_dashes: bool = False) -> str:
    """Text as a search compares it: lower case, without accents or apostrophes, a dash as a space. A
    caseworker types a name as it was heard on the phone ("Zoe OBrien", "Smith Jones"), the referrer
    as the family spell it ("Zoë O’Brien", "Smith-Jones"): a second referral about the same child must
    not look like the first. "O'Brien", "O’Brien" and "OBrien" all fold to "obrien"; the search looks
    for each word typed anywhere in the names, so "o brien" finds it too. Only a letter and its marks
    are split (ø and ł stay as they are). `keep_dashes` is for a search's own words, where a dash may be
    part of a reference ("2026-00012"). Spaces are collapsed to one.
    """
    plain = text or ""
    for apostrophe in APOSTROPHES:  # before decomposing: "´" would come apart into a space and a mark
        plain = plain.replace(apostrophe, "")
    decomposed = unicodedata.normalize("NFKD", plain)
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    if not keep_dashes:
        for dash in DASHES:
            plain = plain.replace(dash, " ")
    return " ".join(plain.lower().split())  # "Smith - Jones" is "smith jones" too


# An address copied from Outlook or a web page: "Priya Shah <priya.shah@example.com>", "mailto:…".
_NAMED_ADDRESS = re.compile(r"^[^<>]*<\s*([^<>\s]+@[^<>\s]+)\s*>$")


def unwrap_email(text: str) -> str:
    """The address itself from a name-and-address or a mailto: link; anything else as it was.

    Only text of an address's length is looked into: the pattern backtracks on a long paste of "a@a@…".
    """
    if len(text) <= 400 and (match := _NAMED_ADDRESS.match(text)):
        text = match.group(1)
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text


_SPACE_BESIDE_AT_OR_DOT = re.compile(r"\s*([@.])\s*")
_AFTER_ADDRESS = ".,; "


def normalise_email(value: str | None) -> str:
    """One spelling per mailbox: trimmed, lower case, and the domain in its standard form.

    Mail goes to a domain typed in full-width letters (ｅｘａｍｐｌｅ.com) or in its ASCII form
    (xn--exmple-cua.com) exactly as to the plain one, so comparing the text as typed let one mailbox
    hold two accounts, and sign-in with the other spelling fail. Text that is not an address comes
    back trimmed and lower-cased, for the format check to refuse.

    An address copied from the end of a sentence ("email me at jo@example.com."), or finished with a
    phone keyboard's double-space full stop, and spaces a keyboard put beside the @ or a dot
    ("jo @ example. com"), were refused as "not in the correct format" at registration, and at sign-in
    counted as a wrong password towards the lock. No address ends in a full stop, comma or semicolon
    or has a space there, so they go; an address that was valid is unchanged.
    """
    text = clean_text(value)
    if len(text) <= 400:  # the pattern backtracks on a long run of spaces; longer is refused anyway
        text = _SPACE_BESIDE_AT_OR_DOT.sub(r"\1", text)
    text = unwrap_email(text.rstrip(_AFTER_ADDRESS)).rstrip(_AFTER_ADDRESS).lower()
    try:
        return validate_email(text, check_deliverability=False, allow_smtputf8=False).normalized.lower()
    except EmailNotValidError:
        return text
