"""A caseworker's response keeps its paragraphs, and loses only stray spacing."""

import pytest

from webapp.review.services import tidy_paragraphs


@pytest.mark.parametrize("typed, kept", [
    ("Accepted  \t passed to the Hub ", "Accepted passed to the Hub"),
    ("First.\n\n\n\nSecond.", "First.\n\nSecond."),
    ("\n  \nFirst.\n   \nSecond.\n\n", "First.\n\nSecond."),
    ("Line one\nline two", "Line one\nline two"),
    ("   \n \n", ""),
    (None, ""),
])
def test_tidy_paragraphs(typed, kept):
    assert tidy_paragraphs(typed) == kept
