"""What a signed-out session keeps for after sign-in, one session key for each page it came from.

A form sent after the session ended (answers in a section, a caseworker's response) waits in the
signed-out session until the person signs in again. With one key for each kind, a second tab's form
replaced the first's; with a key for each page, both stay, and the session merges two requests' keys
when they arrive together (accounts/sessions.py). The session is read on every request, so only the
few pages sent last are kept, the oldest going first.
"""

from flask import session


def keep(prefix: str, page: str, value: dict, most: int) -> None:
    """Keep `value` for `page` (replacing what it kept before), and at most `most` pages in all."""
    key = f"{prefix}:{page}"
    session.pop(key, None)  # kept again: now the newest
    session[key] = value
    for old_key, _ in kept(prefix)[:-most]:
        session.pop(old_key)


def kept(prefix: str) -> list[tuple[str, dict]]:
    """(key, value) of each page kept under `prefix`, oldest first (a session keeps its keys in the
    order they were added). The bare prefix is a key too: the one key of sessions written before
    each page had its own."""
    return [(key, value) for key, value in session.items()
            if (key == prefix or key.startswith(prefix + ":")) and isinstance(value, dict)]
