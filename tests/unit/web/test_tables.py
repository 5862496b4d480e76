"""Every data table sits in the scrolling box of partials/web/_table.html (WCAG 1.4.10 Reflow): a table
placed straight in a page made the whole page scroll sideways on a phone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_table_is_inside_a_table_container():
    unwrapped = []
    for path in sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("partials/**/*.html")]):
        if "pdf" in path.parts or "emails" in path.parts:
            continue  # printed, not shown on a screen
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            before = text[:match.start()]
            opened = before.rfind("{% call table_container(")
            closed = before.rfind("{% endcall %}")
            if opened == -1 or closed > opened:
                unwrapped.append(f"{path.relative_to(ROOT)}:{before.count(chr(10)) + 1}")
    assert not unwrapped, unwrapped
