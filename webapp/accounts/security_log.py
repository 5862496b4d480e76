"""Security events in the operator's log (ASVS 5.0 16.2 and 16.3): every sign-in step, its outcome
and what else changes how an account is reached.

One line per event on the `webapp.security` logger, as `key=value` pairs an operator can search:
the event, its outcome, the account's id (never its email address: a failed sign-in's address may
be anything a person typed, even a child's name), the kind of account, and the client's network
address. Every value is chosen by the code or is a number, so nobody can write a line of their own
into the log; the timestamp comes from the log format.
"""

import logging
import re

from flask import has_request_context, request

log = logging.getLogger("webapp.security")

_NOT_AN_ADDRESS = re.compile(r"[^0-9A-Fa-f:.]")


def _client_address() -> str:
    if not has_request_context() or not request.remote_addr:
        return "-"
    return _NOT_AN_ADDRESS.sub("", request.remote_addr)[:45] or "-"


def _route() -> str:
    """The route's pattern (/drafts/<draft_id>/<section_id>), never the path a client sent."""
    rule = request.url_rule if has_request_context() else None
    return rule.rule if rule is not None else "-"


def record(event: str, outcome: str, *, user_id: int | None = None, staff: bool | None = None,
           level: int = logging.INFO) -> None:
    """Log one security event; `event` and `outcome` are fixed words from the calling code."""
    kind = "-" if staff is None else ("staff" if staff else "citizen")
    log.log(level, "event=%s outcome=%s account=%s kind=%s address=%s route=%s", event, outcome,
            user_id if user_id is not None else "-", kind, _client_address(), _route())
