"""Reading a responsive table (partials/web/_table.html) out of a page, for the functional tests of the
pages that have one: below the tablet breakpoint each row reads as a card, each cell led by a label
naming its column, and the table keeps explicit roles so that it stays a table for screen readers.

A table is found by its name as a screen reader gives it: its caption, or the text of the element its
aria-labelledby points to (the heading above it)."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

LABEL_CLASS = "app-responsive-table__label"


@dataclass
class Cell:
    tag: str
    role: str | None
    label: str | None = None  # the text of its narrow-screen label, if it has one
    label_hidden: bool = False  # the label is aria-hidden (the column header already names the cell)


@dataclass
class Table:
    caption: str = ""
    labelled_by: str | None = None
    markup: str = ""  # from <table> to </table>
    classes: str = ""
    roles: list[str] = field(default_factory=list)  # of the table, its row groups and rows, in order
    headers: list[str] = field(default_factory=list)  # column headings as the eye reads them ("" if hidden)
    header_roles: list[str | None] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.table: Table | None = None
        self.in_caption = self.in_head = False
        self.header: list[str] | None = None  # the text of the column header being read
        self.hidden_depth = 0  # inside a govuk-visually-hidden span (of a column header)
        self.label: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table":
            self.table = Table(classes=attrs.get("class") or "", roles=[attrs.get("role")],
                               labelled_by=attrs.get("aria-labelledby"))
            self.tables.append(self.table)
        if self.table is None:
            return
        if tag == "caption":
            self.in_caption = True
        elif tag in ("thead", "tbody"):
            self.in_head = tag == "thead"
            self.table.roles.append(attrs.get("role"))
        elif tag == "tr":
            self.table.roles.append(attrs.get("role"))
            if not self.in_head:
                self.table.rows.append([])
        elif tag in ("th", "td") and self.in_head:
            self.header = []
            self.table.header_roles.append(attrs.get("role"))
        elif tag in ("th", "td"):
            self.table.rows[-1].append(Cell(tag, attrs.get("role")))
        elif tag == "span":
            if self.hidden_depth or "govuk-visually-hidden" in classes:
                self.hidden_depth += 1
            if LABEL_CLASS in classes:
                self.label = []
                self.table.rows[-1][-1].label_hidden = attrs.get("aria-hidden") == "true"

    def handle_endtag(self, tag):
        if self.table is None:
            return
        if tag == "table":
            self.table = None
        elif tag == "caption":
            self.in_caption = False
        elif tag == "thead":
            self.in_head = False
        elif tag in ("th", "td") and self.header is not None:
            self.table.headers.append(" ".join("".join(self.header).split()))
            self.header = None
        elif tag == "span":
            if self.hidden_depth:
                self.hidden_depth -= 1
            if self.label is not None:
                self.table.rows[-1][-1].label = "".join(self.label)
                self.label = None

    def handle_data(self, data):
        if self.table is None:
            return
        if self.in_caption:
            self.table.caption += data
        elif self.header is not None and not self.hidden_depth:
            self.header.append(data)
        elif self.label is not None:
            self.label.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def accessible_name(html: str, table: Table) -> str:
    """What a screen reader names the table: aria-labelledby wins over the caption, as in the browser."""
    if table.labelled_by:
        named_by = re.search(rf'<(\w+)[^>]*\bid="{re.escape(table.labelled_by)}"[^>]*>(.*?)</\1>', html, re.S)
        assert named_by, f"nothing has the id {table.labelled_by!r} that names a table"
        return _squash(re.sub(r"<[^>]+>", "", named_by.group(2)))
    return _squash(table.caption)


def read_table(html: str, caption: str) -> Table:
    """The table of the page whose accessible name is `caption`, with its markup."""
    reader = _Reader()
    reader.feed(html)
    tables = [table for table in reader.tables if accessible_name(html, table) == caption]
    assert len(tables) == 1, f"no single table named {caption!r}"
    table = tables[0]
    table.markup = re.findall(r"<table\b.*?</table>", html, re.S)[reader.tables.index(table)]
    return table


def assert_rows_read_as_labelled_cards(html: str, caption: str) -> Table:
    """Every cell of every row is labelled with its column's visible heading ("Status: "), hidden from
    screen readers (which announce the column header instead), except in a column whose heading is
    itself hidden (an action link that names itself); and the table keeps its roles whatever CSS does to
    its display."""
    table = read_table(html, caption)
    assert "app-responsive-table" in table.classes.split()
    assert table.roles[0] == "table"
    assert set(table.roles[1:]) == {"rowgroup", "row"}
    assert set(table.header_roles) == {"columnheader"}
    assert table.rows, f"{caption!r} has no rows"
    for row in table.rows:
        assert len(row) == len(table.headers)
        for cell, heading in zip(row, table.headers, strict=True):
            assert cell.role == ("rowheader" if cell.tag == "th" else "cell")
            if heading:
                assert cell.label == f"{heading}: ", (caption, heading, cell)
                assert cell.label_hidden, (caption, heading)
            else:
                assert cell.label is None, (caption, heading, cell)
    return table
