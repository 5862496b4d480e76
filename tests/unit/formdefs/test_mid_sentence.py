"""Labels used inside sentences: error messages and the hidden text of Check your answers' Change links."""

import pytest

from webapp.formdefs.model import mid_sentence


@pytest.mark.parametrize(("label", "words"), [
    ("Child's first name", "child's first name"),
    ("Name and contact details of your HR contact", "name and contact details of your HR contact"),
    ("GP surgery", "GP surgery"),
    ("HR contact", "HR contact"),
    ("A", "a"),
    ("", ""),
])
def test_a_label_mid_sentence_keeps_its_abbreviations(label, words):
    """Whole-label lower-casing read "hr contact" to screen reader users; the first letter alone made
    "hR contact"."""
    assert mid_sentence(label) == words
