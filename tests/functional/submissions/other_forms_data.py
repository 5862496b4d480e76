"""Valid answers to every question of the four forms other than the safeguarding concern, as a browser
posts them: every revealed question answered (one option of each radio; the others are checked one by
one in test_other_forms.py) and every add-another group with two items. Shared by the functional and
e2e tests."""

import datetime
import re

# An unborn baby is due within the next ten months: four months from the day the tests run, so the
# answer stays one the form accepts.
DUE = datetime.date.today() + datetime.timedelta(days=120)

ACCOUNTS = {"early-help": "professional", "lado": "professional",
            "public-concern": "public", "public-early-help": "public"}

PROFESSIONAL = {
    "first_name": "Priya", "last_name": "Shah", "role": "Designated Safeguarding Lead",
    "organisation": "Meadow Primary School", "phone": "01942 000001", "email": "teacher@example.com",
}


def _agencies(prefix="agencies"):
    return {f"{prefix}-0-agency": "Wigan School Nursing Service", f"{prefix}-0-contact_name": "Nurse Kaur",
            f"{prefix}-0-contact_details": "01942 000300",
            f"{prefix}-1-agency": "Brighter Futures Youth Club", f"{prefix}-1-contact_name": "Dev Patel",
            f"{prefix}-1-contact_details": "dev@youthclub.example"}


ANSWERS = {
    "early-help": {
        "professional": PROFESSIONAL,
        "child": {
            "first_name": "Mia", "surname": "Okoro-Lind", "other_names": "Mimi", "dob_status": "born",
            "date_of_birth-day": "9", "date_of_birth-month": "6", "date_of_birth-year": "2019",
            "gender": "female", "address-line1": "7 Canal Row", "address-town": "Leigh",
            "address-postcode": "WN7 4XY", "ethnicity": "black", "first_language": "Yoruba",
            "interpreter": "yes", "interpreter_language": "Yoruba for mum",
            "disability": "yes", "disability_details": "Speech and language delay, waiting for assessment",
            "school": "Canal Side Nursery", "gp": "Leigh Family Practice",
        },
        "consent": {
            "consent": "yes", "consent_given_by": "Grace Okoro (mother)",
            "consent_date-day": "2", "consent_date-month": "3", "consent_date-year": "2026",
            "young_person_consent": "under_16",
            "sharing_agencies": ["school", "health", "other"], "sharing_other": "Leigh Young Carers Project",
        },
        "additional": {
            "siblings-0-first_name": "Theo", "siblings-0-surname": "Okoro-Lind",
            "siblings-0-date_of_birth-day": "1", "siblings-0-date_of_birth-month": "5",
            "siblings-0-date_of_birth-year": "2015", "siblings-0-relationship": "Brother",
            "siblings-1-first_name": "Ada", "siblings-1-date_of_birth-not_known": "yes",
            "siblings-1-relationship": "Half-sister",
            "parents-0-name": "Grace Okoro", "parents-0-relationship": "Mother",
            "parents-0-parental_responsibility": "yes",
            "parents-1-name": "Martin Lind", "parents-1-relationship": "Father",
            "parents-1-parental_responsibility": "not_known", "parents-1-address-line1": "22 Bolton Road",
            "parents-1-address-town": "Atherton", "parents-1-address-postcode": "M46 9AA",
            "parents-1-phone": "07700 900123",
            "other_household": "Grandmother Ruth stays most weekends",
        },
        "concerns": {
            "support_type": ["parenting", "young_carer", "other"], "support_other": "Help with a house move",
            "needs": "Mum is caring for Theo after his operation and Mia's nursery attendance has dropped.",
            "tried": "Nursery key worker has met mum twice; attendance improved for a week.",
            "family_views": "Mum wants help with routines and someone to talk to.",
            "child_views": "Mia says she misses nursery and her friend Zara.",
            "strengths": "Warm relationship with grandmother Ruth.",
        },
        "contact": {"contact_method": "phone", "contact_times": "Weekday afternoons", **_agencies()},
    },
    "lado": {
        "professional": {**PROFESSIONAL, "organisation_type": "school",
                         "safeguarding_lead": "Ann Hall, deputy head, 01942 000010",
                         "hr_contact": "Wigan Schools HR, hr@schools.example"},
        "subject": {
            "first_name": "Gareth", "surname": "Pemberton", "date_of_birth-day": "12",
            "date_of_birth-month": "11", "date_of_birth-year": "1984", "job_title": "Football coach",
            "employer": "Meadow Primary School", "employment_basis": "agency",
            "address-not_known": "yes", "other_work": "yes",
            "other_work_details": "Runs Saturday training at Hindley Juniors FC",
        },
        "children": {
            "children-0-first_name": "Kai", "children-0-surname": "Whitlow",
            "children-0-date_of_birth-day": "4", "children-0-date_of_birth-month": "9",
            "children-0-date_of_birth-year": "2014", "children-0-gender": "male",
            "children-0-address-line1": "3 Elm Close", "children-0-address-town": "Hindley",
            "children-0-address-postcode": "WN2 3QQ", "children-0-needs": "ADHD",
            "children-1-first_name": "Rosa", "children-1-surname": "Beaumont",
            "children-1-date_of_birth-not_known": "yes", "children-1-gender": "female",
        },
        "allegation": {
            "date-day": "20", "date-month": "2", "date-year": "2026", "place": "The school sports hall",
            "category": ["physical", "conduct"],
            "description": "Kai said the coach grabbed him by the neck and pushed him against the wall bars.",
            "how_reported": "Kai told his class teacher the next morning.",
            "who_told": "The headteacher and Kai's mother.",
            "action_taken": "The agency has been asked not to send him while we wait for advice.",
        },
        "contact": {"contact_method": "email", "contact_times": "Before 9am", **_agencies()},
    },
    "public-concern": {
        "child": {
            "first_name": "Leo", "surname": "Farrant", "dob_status": "not_known",
            "approximate_age": "about 4", "address-line1": "12 Poplar Street", "address-town": "Wigan",
            "address-postcode": "WN5 0AB", "school": "Poplar Street Nursery",
        },
        "about-you": {
            "relationship": "other", "relationship_other": "I run the corner shop he comes into",
            "anonymous": "no", "phone": "07700 900456", "safe_to_contact": "no",
            "contact_times": "Weekday evenings",
        },
        "concerns": {
            "worries": "Leo comes into the shop alone late at night in pyjamas asking for food.",
            "when": "Three times in the last fortnight",
            "child_said": "He said mummy is asleep and will not wake up.",
            "others": "His mum and a baby sister",
            "other_info": "The flat's curtains are always closed.",
        },
    },
    "public-early-help": {
        "about-you": {"relationship": "other", "anonymous": "no", "phone": "07700 900789",
                      "contact_times": "After 3pm on weekdays"},
        "child": {
            "first_name": "Baby", "surname": "Hurst", "dob_status": "unborn",
            "due_date-day": str(DUE.day), "due_date-month": str(DUE.month), "due_date-year": str(DUE.year),
            "address-line1": "5 Mill Lane", "address-town": "Ince", "address-postcode": "WN3 4EE",
            "school": "Not at school yet",
        },
        "support": {
            "support_type": ["money_housing", "wellbeing", "other"],
            "support_other": "Getting ready for the new baby",
            "needs": "My daughter is 19, pregnant and has been sofa surfing since Christmas.",
            "tried": "She went to the housing office once.",
            "what_would_help": "A safe place to live and someone to help her get ready.",
            "other_services-0-agency": "Community midwife",
            "other_services-0-contact_details": "Midwife Jones",
            "other_services-1-agency": "Citizens Advice",
            "other_services-1-contact_details": "advice@ca.example",
        },
        "consent": {"consent": "yes"},
    },
}


def expected_texts(section, posted: dict) -> list[str]:
    """What the person typed or chose, as words a reader should find on Check your answers and in the PDF."""
    texts = []

    def add(f, key):
        value = posted.get(key)
        if value is None:
            return
        if f.type in ("radios", "select", "checkboxes"):
            chosen = value if isinstance(value, list) else [value]
            texts.extend(o.label for o in f.options if o.value in chosen)
        elif f.type in ("text", "textarea", "email"):
            texts.append(value)

    for f in section.fields:
        if f.type == "repeat":
            for key in posted:
                match = re.fullmatch(rf"{f.name}-\d+-([a-z_]+)", key)
                if match and match.group(1) in {sub.name for sub in f.fields}:
                    add(f.subfield(match.group(1)), key)
        elif f.type == "address":
            texts.extend(posted[k] for k in (f"{f.name}-line1", f"{f.name}-town") if k in posted)
        else:
            add(f, f.name)
    return texts
