"""The portal's request class: form fields and query parameters never carry a NUL character.

No keyboard types a NUL; one arrives only pasted from a damaged document or sent on purpose. PostgreSQL
refuses to store it in a text column, so a child's name with one in it turned a section save into a
server error. Dropping the character where the request is parsed keeps the rest of what was typed
(nothing a person sent is lost to an error), and every view, form and query sees clean text.
"""

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

NUL = "\x00"


def _without_nul(value):
    return value.replace(NUL, "") if isinstance(value, str) else value


class NulFreeMultiDict(ImmutableMultiDict):
    """request.form and request.args (and request.files, whose keys are field names)."""

    def __init__(self, mapping=None):
        if isinstance(mapping, MultiDict):
            mapping = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            mapping = [(key, value) for key, values in mapping.items()
                       for value in (values if isinstance(values, list | tuple) else [values])]
        super().__init__([(_without_nul(key), _without_nul(value)) for key, value in mapping or ()])


class PortalRequest(Request):
    parameter_storage_class = NulFreeMultiDict


def page_number(value: str | None) -> int:
    """A list's ?page=: a whole number, or 1 for anything else.

    `str.isdigit` is true of "²" and "①", which `int` refuses: such a page number was a server error.
    Only ASCII digits count.
    """
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 7 else 1
