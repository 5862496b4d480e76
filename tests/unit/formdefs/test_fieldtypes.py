"""Each field type's rules, with the examples real referrers type."""

import datetime
import time
import unicodedata
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from webapp.formdefs import Field, Option, Section, answers_from_form, build_section_form, validate_section
from webapp.formdefs.fieldtypes import bad_characters, field_type


def check(field, **posted):
    """Post one field; return (errors, answers) as the runner would see them."""
    section = Section("s", "S", fields=(field,))
    form = build_section_form(section, MultiDict(posted))
    return validate_section(section, form), answers_from_form(section, form)


PHONE = Field("phone", "phone", "Phone number", required=True, error_name="your phone number")


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("01632 960 001", "+441632960001", "01632 960001"),
        ("+44 7700 900982", "+447700900982", "07700 900982"),
        ("(01632) 960001", "+441632960001", "01632 960001"),
        ("07700900982", "+447700900982", "07700 900982"),
        ("020 7946 0000", "+442079460000", "020 7946 0000"),
        ("0161-496-0000", "+441614960000", "0161 496 0000"),
        # Copied from an email signature or a web page: no-break spaces, en dashes, full-width digits.
        ("01632\u00a0960\u00a0001", "+441632960001", "01632 960001"),
        ("07700\u202f900982", "+447700900982", "07700 900982"),
        ("0161\u2013496\u20130000", "+441614960000", "0161 496 0000"),
        ("\uff10\uff17\uff17\uff10\uff10 900982", "+447700900982", "07700 900982"),
        # Typed on an Arabic or a Bengali keyboard, as a date can be.
        ("\u0660\u0667\u0667\u0660\u0660\u0669\u0660\u0660\u0669\u0668\u0662", "+447700900982",
         "07700 900982"),
        ("\u09e6\u09ed\u09ed\u09e6\u09e6 \u09ef\u09e6\u09e6\u09ef\u09ee\u09e8", "+447700900982",
         "07700 900982"),
        # A desk phone's extension, however it is written, is kept: without it no one reaches the person.
        # It is shown written out, not as libphonenumber's "x123", which not everyone knows to dial.
        ("01632 960001 ext 123", "+441632960001 x123", "01632 960001 extension 123"),
        ("01632 960001 ext. 123", "+441632960001 x123", "01632 960001 extension 123"),
        ("01632 960001, extension 4", "+441632960001 x4", "01632 960001 extension 4"),
        ("+44 (0)1632 960 001 x123", "+441632960001 x123", "01632 960001 extension 123"),
        ("01632 960001 #12345", "+441632960001 x12345", "01632 960001 extension 12345"),
        ("01632 960001 (ext 123)", "+441632960001 x123", "01632 960001 extension 123"),
        ("+33 1 23 45 67 89 ext 7", "+33123456789 x7", "+33 1 23 45 67 89 extension 7"),
        # A parent or relative abroad: any number valid in its country, written with its country code.
        ("+33 1 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
        ("0033 (0)1 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
        ("+353 1 234 5678", "+35312345678", "+353 1 234 5678"),
        ("+48 512 345 678", "+48512345678", "+48 512 345 678"),
    ],
)
def test_uk_phone_numbers_are_accepted_and_normalised(typed, stored, shown):
    errors, answers = check(PHONE, phone=typed)
    assert errors == {}
    assert answers == {"phone": stored}
    assert field_type("phone").summary(PHONE, stored) == shown
    section = Section("s", "S", fields=(PHONE,))
    assert build_section_form(section, data=answers)["phone"].data == shown


@pytest.mark.parametrize(
    "typed",
    ["12345", "+33 1 23", "+999 123 456", "call me", "0770090098", "ext 4", "07700 900982 ext 123456"],
)
def test_bad_phone_numbers_are_rejected_with_an_example(typed):
    errors, answers = check(PHONE, phone=typed)
    assert errors == {"phone": "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"}
    assert answers == {"phone": typed}  # kept as typed so nothing is lost on save


@pytest.mark.parametrize("typed", ["0161 496 0000 / 07700 900123", "01942 123456 or 07700 900123",
                                   "07700900123, 01942123456"])
def test_two_numbers_in_one_answer_are_asked_for_one(typed):
    """The usual "Enter a phone number, like …" did not say what was wrong with two good numbers."""
    errors, answers = check(PHONE, phone=typed)
    assert errors == {"phone": "Enter one phone number only"}
    assert answers == {"phone": typed}


@pytest.mark.parametrize("filler", [" ", ",", "(", "x", "\u200b", " / "])
def test_a_long_paste_is_answered_at_once(filler):
    """Patterns for "a run at the end" (trimming, a phone's extension) backtracked over a long run of
    spaces or commas in the middle: 100 KB of them kept a worker busy for minutes."""
    typed = "0" + filler * 100_000 + "1"
    started = time.perf_counter()
    errors, _ = check(PHONE, phone=typed)
    assert errors == {"phone": "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"}
    errors, _ = check(TEXT, notes=typed)
    assert errors == {"notes": "Notes must be 5,000 characters or fewer"}
    assert time.perf_counter() - started < 1


def test_a_text_is_as_long_as_the_character_count_shows():
    """The page's character count (GOV.UK Frontend) counts an emoji as two characters; so does the check."""
    errors, _ = check(TEXT, notes="é" * 4990 + "\U0001F622" * 5)
    assert errors == {}
    errors, _ = check(TEXT, notes="é" * 4990 + "\U0001F622" * 6)
    assert errors == {"notes": "Notes must be 5,000 characters or fewer"}


def test_missing_required_phone():
    assert check(PHONE, phone="  ")[0] == {"phone": "Enter your phone number"}


POSTCODE = Field("postcode", "postcode", "Postcode", required=True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        (" m1  1ae ", "M1 1AE"),
        ("b338th", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
        ("gir0aa", "GIR 0AA"),
        # A forces family's address: BFPO and a number, in place of a postcode.
        ("BFPO 123", "BFPO 123"),
        ("bfpo1234", "BFPO 1234"),
        (" Bfpo  5 ", "BFPO 5"),
        # Pasted from a document in full-width letters or with a no-break space: looks right, so it is.
        ("\uff37\uff2e\uff11 \uff11\uff21\uff21", "WN1 1AA"),
        ("WN1\u00a01AA", "WN1 1AA"),
        # Written with a dash between its parts, or copied with the full stop that ended an address.
        ("wn1-1aa", "WN1 1AA"),
        ("WN1 \u2013 1AA", "WN1 1AA"),
        ("WN1 1AA.", "WN1 1AA"),
        ("sw1a1aa,", "SW1A 1AA"),
    ],
)
def test_postcodes_are_normalised(typed, stored):
    assert check(POSTCODE, postcode=typed) == ({}, {"postcode": stored})


@pytest.mark.parametrize("typed", ["SW1A", "12345", "SW1A 1AAA", "Q1A 1AA!", "BFPO", "BFPO 12345", "BFPO A1",
                                   "WN1--1AA", "WN-11AA"])
def test_bad_postcodes_are_rejected(typed):
    assert check(POSTCODE, postcode=typed)[0] == {"postcode": "Enter a full UK postcode, like SW1A 1AA"}


DOB = Field("dob", "date", "Date of birth", required=True, not_future=True)
DUE = Field("due", "date", "Expected due date", required=True)


def date_parts(name, day, month, year):
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


@time_machine.travel(datetime.date(2026, 3, 1))
def test_date_rules():
    assert check(DOB, **date_parts("dob", "31", "2", "2020"))[0] == {
        "dob": "Date of birth must be a real date"
    }
    assert check(DOB, **date_parts("dob", "2", "3", "2026"))[0] == {
        "dob": "Date of birth must be today or in the past"
    }
    assert check(DOB, **date_parts("dob", "", "", ""))[0] == {"dob": "Enter date of birth"}
    assert check(DOB, **date_parts("dob", "1", "", "20"))[0] == {"dob": "Date of birth must include a month"}
    assert check(DOB, **date_parts("dob", "1", "2", "20"))[0] == {"dob": "Year must include 4 numbers"}
    assert check(DOB, **date_parts("dob", "29", "2", "2024")) == ({}, {"dob": "2024-02-29"})
    assert check(DOB, **date_parts("dob", "1", "3", "2026")) == ({}, {"dob": "2026-03-01"})
    # an unborn child's expected date is allowed in the future
    assert check(DUE, **date_parts("due", "14", "8", "2026")) == ({}, {"due": "2026-08-14"})


# A child's date of birth and an unborn baby's due date, bounded as the shipped forms bound them.
CHILD_DOB = Field("dob", "date", "Date of birth", required=True, not_future=True, earliest_years_ago=25)
BOUNDED_DUE = Field("due", "date", "Expected due date", required=True, earliest_days_ago=42,
                    latest_days_ahead=300, error_name="expected due date")


@time_machine.travel(datetime.date(2026, 3, 1))
@pytest.mark.parametrize(("field", "day", "month", "year", "message"), [
    # A slip of the century: a child born in 1915 is not a child Children's Services can help.
    (CHILD_DOB, "14", "2", "1915", "Date of birth must be the same as or after 1 March 2001"),
    (CHILD_DOB, "28", "2", "2001", "Date of birth must be the same as or after 1 March 2001"),
    # A baby more than six weeks past its due date has been born; one due in 2062 is a slip of the year.
    (BOUNDED_DUE, "17", "1", "2026", "Expected due date must be the same as or after 18 January 2026"),
    (BOUNDED_DUE, "14", "8", "2062", "Expected due date must be the same as or before 26 December 2026"),
    (BOUNDED_DUE, "27", "12", "2026", "Expected due date must be the same as or before 26 December 2026"),
])
def test_a_date_no_one_could_mean_names_the_limit(field, day, month, year, message):
    errors, answers = check(field, **date_parts(field.name, day, month, year))
    assert errors == {field.name: message}
    assert answers == {field.name: {"day": day, "month": month, "year": year}}  # kept as typed


@time_machine.travel(datetime.date(2026, 3, 1))
@pytest.mark.parametrize(("field", "day", "month", "year"), [
    (CHILD_DOB, "1", "3", "2001"), (CHILD_DOB, "1", "3", "2026"),
    (BOUNDED_DUE, "18", "1", "2026"), (BOUNDED_DUE, "1", "3", "2026"), (BOUNDED_DUE, "26", "12", "2026"),
])
def test_the_limits_themselves_are_accepted(field, day, month, year):
    assert check(field, **date_parts(field.name, day, month, year))[0] == {}


@time_machine.travel(datetime.date(2028, 2, 29))
def test_twenty_five_years_before_a_leap_day_is_the_28th_of_february():
    assert check(CHILD_DOB, **date_parts("dob", "27", "2", "2003"))[0] == {
        "dob": "Date of birth must be the same as or after 28 February 2003"}
    assert check(CHILD_DOB, **date_parts("dob", "28", "2", "2003"))[0] == {}


@time_machine.travel(datetime.date(2026, 3, 1))
def test_a_form_can_word_the_limit_its_own_way():
    due = Field("due", "date", "When is the baby due?", latest_days_ahead=300,
                messages=(("too_late", "The baby cannot be due after {date}"),))
    assert check(due, **date_parts("due", "1", "1", "2027"))[0] == {
        "due": "The baby cannot be due after 26 December 2026"}


@time_machine.travel(datetime.date(2026, 3, 1))
@pytest.mark.parametrize(("month", "number"), [
    ("Jan", 1), ("january", 1), ("JANUARY", 1), ("Sept", 9), ("sep.", 9), ("September", 9), (" dec ", 12),
    ("03", 3), ("\uff13", 3),
])
def test_a_month_typed_as_a_name_or_a_number_is_accepted(month, number):
    assert check(DOB, **date_parts("dob", "14", month, "2017")) == ({}, {"dob": f"2017-{number:02}-14"})


@time_machine.travel(datetime.date(2026, 3, 1))
@pytest.mark.parametrize(("day", "month", "year", "message"), [
    ("14", "2", "17", "Year must include 4 numbers"),
    ("14", "2", "217", "Year must include 4 numbers"),
    ("14", "2", "0099", "Date of birth must be the same as or after 1 January 1900"),
    ("14", "2", "1899", "Date of birth must be the same as or after 1 January 1900"),
    ("29", "2", "2023", "Date of birth must be a real date"),
    ("14", "Febtember", "2017", "Date of birth must be a real date"),
    ("14", "2", "2027", "Date of birth must be today or in the past"),
    # int() reads these as numbers: "1_0" would have been stored as the 10th without a word.
    ("1_0", "2", "2017", "Date of birth must be a real date"),
    ("+1", "2", "2017", "Date of birth must be a real date"),
    ("14", "-2", "2017", "Date of birth must be a real date"),
    ("14", "2", "2_17", "Date of birth must be a real date"),
])
def test_each_wrong_date_gets_its_own_gov_uk_message(day, month, year, message):
    errors, answers = check(DOB, **date_parts("dob", day, month, year))
    assert errors == {"dob": message}
    assert answers == {"dob": {"day": day, "month": month, "year": year}}  # kept as typed


@time_machine.travel(datetime.datetime(2026, 6, 15, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False)
def test_today_is_todays_date_in_the_uk_on_a_server_running_in_utc():
    """At 00:30 on 16 June in the UK (23:30 on the 15th in UTC, the servers' clock), a baby born
    that night, or an incident that morning, was 'in the future'."""
    incident = Field("date", "date", "When did it happen?", required=True, not_future=True,
                     error_name="the date of the incident")
    assert check(incident, **date_parts("date", "16", "6", "2026")) == ({}, {"date": "2026-06-16"})
    assert check(incident, **date_parts("date", "17", "6", "2026"))[0] == {
        "date": "The date of the incident must be today or in the past"}
    soon = Field("day", "date", "Meeting date", not_past=True)
    assert check(soon, **date_parts("day", "15", "6", "2026"))[0] == {
        "day": "Meeting date must be today or in the future"}


def test_an_invalid_date_is_kept_as_typed_and_shown_back():
    errors, answers = check(DOB, **date_parts("dob", "31", "2", "2020"))
    assert answers == {"dob": {"day": "31", "month": "2", "year": "2020"}}
    section = Section("s", "S", fields=(DOB,))
    form = build_section_form(section, data=answers)
    assert validate_section(section, form) == errors


def test_a_date_or_address_typed_in_with_not_known_ticked_asks_which_and_keeps_both():
    field = Field("dob", "date", "Date of birth", not_known="Date of birth not known")
    errors, answers = check(field, **{"dob-not_known": "yes", **date_parts("dob", "3", "4", "2016")})
    assert errors == {"dob": "Enter date of birth or select 'Date of birth not known', not both"}
    assert answers == {"dob": {"day": "3", "month": "4", "year": "2016", "not_known": "yes"}}
    address = Field("address", "address", "Address", not_known="I do not know the address",
                    error_name="the child's address")
    errors, answers = check(address, **{"address-not_known": "yes", "address-line1": "2 Mill Street"})
    assert errors == {
        "address-line1": "Enter the child's address or select 'I do not know the address', not both"}
    assert answers["address"]["line1"] == "2 Mill Street"


def test_date_not_known_satisfies_a_required_date():
    field = Field("dob", "date", "Date of birth", required=True, not_known="Date of birth not known")
    assert check(field, **{"dob-not_known": "yes", "dob-day": ""}) == ({}, {"dob": "not-known"})
    assert field_type("date").summary(field, "not-known") == "Date of birth not known"
    assert field_type("date").summary(field, "2024-02-09") == "9 February 2024"


EMAIL = Field("email", "email", "Email", required=True, error_name="your email address")


def test_email():
    assert check(EMAIL, email=" jo@example.gov.uk ") == ({}, {"email": "jo@example.gov.uk"})
    # Copied from Outlook or a web page: the address itself is what was meant.
    assert check(EMAIL, email="Jo Smith <jo@example.gov.uk>") == ({}, {"email": "jo@example.gov.uk"})
    assert check(EMAIL, email="mailto:jo@example.gov.uk") == ({}, {"email": "jo@example.gov.uk"})
    assert check(EMAIL, email="Jo <not an address>")[0] == {
        "email": "Enter an email address in the correct format, like name@example.com"
    }
    assert check(EMAIL, email="jo@")[0] == {
        "email": "Enter an email address in the correct format, like name@example.com"
    }


CHOICES = (Option("a", "Apple"), Option("b", "Banana"), Option("none", "None of these", exclusive=True))


def test_radios_and_select_accept_only_their_options():
    for kind in ("radios", "select"):
        field = Field(
            "fruit", kind, "Fruit", required=True, options=CHOICES, messages=(("required", "Select a fruit"),)
        )
        assert check(field, fruit="a") == ({}, {"fruit": "a"})
        assert check(field, fruit="zzz")[0] == {"fruit": "Select a fruit"}
        assert check(field)[0] == {"fruit": "Select a fruit"}


def test_checkboxes_allow_several_in_option_order_and_an_exclusive_answer_alone():
    field = Field("fruit", "checkboxes", "Fruit", required=True, options=CHOICES)
    section = Section("s", "S", fields=(field,))
    form = build_section_form(section, MultiDict([("fruit", "b"), ("fruit", "a")]))
    assert validate_section(section, form) == {}
    assert answers_from_form(section, form) == {"fruit": ["a", "b"]}
    form = build_section_form(section, MultiDict([("fruit", "a"), ("fruit", "none")]))
    assert "on its own" in validate_section(section, form)["fruit"]
    assert field_type("checkboxes").summary(field, ["a", "b"]) == "Apple\nBanana"


def test_address_parts_postcode_and_not_known():
    field = Field(
        "address",
        "address",
        "Home address",
        required=True,
        error_name="the child's address",
        not_known="I do not know the address",
    )
    errors, answers = check(
        field, **{"address-line1": "1 High St", "address-town": "Wigan", "address-postcode": "wn11aa"}
    )
    assert errors == {}
    assert answers == {"address": {"line1": "1 High St", "line2": "", "town": "Wigan", "postcode": "WN1 1AA"}}
    errors, _ = check(field, **{"address-line1": "1 High St", "address-postcode": "nope"})
    assert errors == {
        "address-town": "Enter the town or city for the child's address",
        "address-postcode": "Enter a full UK postcode, like SW1A 1AA",
    }
    assert check(field, **{"address-line1": ""})[0] == {"address-line1": "Enter the child's address"}
    assert check(field, **{"address-not_known": "yes"}) == ({}, {"address": "not-known"})
    too_long = {"address-line1": "1 High St", "address-line2": "x" * 101, "address-town": "Wigan",
                "address-postcode": "WN1 1AA"}
    assert check(field, **too_long)[0] == {"address-line2": "Address line 2 must be 100 characters or fewer"}


TEXT = Field("notes", "textarea", "Notes", max_length=5000)
LINE = Field("name", "text", "Name", error_name="the child's first name", required=True, max_length=100)


def test_text_limits_and_messages():
    assert check(LINE, name="")[0] == {"name": "Enter the child's first name"}
    assert check(LINE, name="x" * 101)[0] == {
        "name": "The child's first name must be 100 characters or fewer"}
    assert check(LINE, name="  Zoë  ") == ({}, {"name": "Zoë"})
    assert "control characters" in check(LINE, name="a\x00b")[0]["name"]


def test_accented_letters_typed_as_a_letter_and_a_combining_mark_are_stored_as_one():
    """A Mac, or a name pasted from a file name, can send "e" + U+0301 for "é": it looks the same, so
    it must count once against the limit and be stored as the "é" a search for the name would type."""
    decomposed = unicodedata.normalize("NFD", "Siân Zoë Nguyễn")
    assert decomposed != "Siân Zoë Nguyễn"
    assert check(LINE, name=decomposed) == ({}, {"name": "Siân Zoë Nguyễn"})
    at_limit = unicodedata.normalize("NFD", "é" * 100)  # 200 code points, 100 letters on screen
    assert check(LINE, name=at_limit) == ({}, {"name": "é" * 100})
    assert check(TEXT, notes=unicodedata.normalize("NFD", "Zoë\r\nsaid")) == ({}, {"notes": "Zoë\nsaid"})
    address = Field("address", "address", "Address", required=True)
    _, answers = check(address, **{"address-line1": unicodedata.normalize("NFD", "1 Rue Hélène"),
                                   "address-town": "Wigan", "address-postcode": "WN1 1AA"})
    assert answers["address"]["line1"] == "1 Rue Hélène"


def test_an_answer_of_invisible_characters_is_blank_and_they_are_trimmed_from_the_ends():
    """A zero-width space or a byte-order mark takes no room on screen: a required name of nothing else
    was accepted, and the council received a child with a blank name."""
    assert check(LINE, name="\u200b\u200b")[0] == {"name": "Enter the child's first name"}
    assert check(LINE, name=" \ufeff\u2060 ")[0] == {"name": "Enter the child's first name"}
    assert check(LINE, name="\ufeffSam\u200b ") == ({}, {"name": "Sam"})
    assert check(TEXT, notes="\u200b\r\n\u200b") == ({}, {})
    address = Field("address", "address", "Address", required=True)
    errors, _ = check(address, **{"address-line1": "\u200b", "address-town": "Wigan",
                                  "address-postcode": "WN1 1AA"})
    assert errors == {"address-line1": "Enter the first line of address"}


def test_every_control_character_and_lone_surrogate_is_refused_and_nothing_else():
    """Compared with Unicode's own categories over every code point: tab and line breaks are typed
    text; any other control character (Cc) or a lone surrogate (Cs) is refused."""
    refused = {c for c in range(0x110000) if bad_characters(chr(c))}
    expected = {c for c in range(0x110000)
                if unicodedata.category(chr(c)) in ("Cc", "Cs") and chr(c) not in "\t\n\r"}
    assert refused == expected
    assert not bad_characters("Zoë said: \u202eevil\u202c and 😀\nnext line\ttab")


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(min_size=1).map(lambda s: s * (100_000 // len(s) + 1)),
        st.text(alphabet=st.characters(codec="utf-8")).map(lambda s: s + "\x00"),
    )
)
def test_any_free_text_is_stored_exactly_or_rejected_with_a_message(typed):
    for field in (TEXT, LINE):
        section = Section("s", "S", fields=(field,))
        form = build_section_form(section, MultiDict({field.name: typed}))
        errors = validate_section(section, form)
        answers = answers_from_form(section, form)
        if errors:
            assert all(isinstance(m, str) and m for m in errors.values())
            continue
        normalised = field_type(field.type).normalise(field, typed)
        assert answers.get(field.name) == (normalised or None)
        again = build_section_form(section, data=answers)
        assert answers_from_form(section, again) == answers
        assert validate_section(section, again) == {}
