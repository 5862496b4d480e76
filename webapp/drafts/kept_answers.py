"""Answers posted to a section after its session ended, kept in the signed-out session for after sign-in.

Each page's answers go under a key of their own (the draft's and the section's id in it). With one key
for all, two tabs signed out at once (a laptop woken after the timeout, each tab sending its autosave)
kept only the answers of the one that arrived last; the session now writes each request's own keys on
top of the others' (accounts/sessions.py), so both stay. A session that ends holds a few pages at most:
beyond that the oldest go, as a session is read on every request and must stay small.
"""

from flask import session
from werkzeug.datastructures import MultiDict

#: Before each page had its own key, this was the one key; its entries hold their draft and section
#: too, so answers kept by a session written before the change are still found.
KEY = "unsaved_answers"
#: A section's answers are tens of kilobytes at most; anything larger is not a person's page.
PAGE_LIMIT = 200_000
#: Tabs signed out at once, each with a page of its own kept.
MOST_PAGES = 4


def _key(draft_id: str, section_id: str) -> str:
    return f"{KEY}:{draft_id}:{section_id}"


def _entries() -> list[tuple[str, dict]]:
    """The kept pages, oldest first (the session keeps its keys in the order they were added)."""
    return [(key, value) for key, value in session.items()
            if (key == KEY or key.startswith(KEY + ":")) and isinstance(value, dict)]


def keep(draft_id: str, section_id: str, typed: list[tuple[str, str]], idled_out: bool) -> None:
    """Keep what a section's page posted; a page too large to be a person's is not kept."""
    if sum(len(name) + len(value) for name, value in typed) > PAGE_LIMIT:
        return
    key = _key(draft_id, section_id)
    session.pop(key, None)  # kept again: now the newest
    session[key] = {"draft_id": draft_id, "section_id": section_id, "form": typed, "idled_out": idled_out}
    for old_key, _ in _entries()[:-MOST_PAGES]:
        session.pop(old_key)


def take(draft_id: str, section_id: str) -> MultiDict | None:
    """This section's kept answers, taken from the session (shown once), or None."""
    for key, kept in _entries():
        if kept.get("draft_id") == draft_id and kept.get("section_id") == section_id:
            session.pop(key)
            return MultiDict([tuple(pair) for pair in kept.get("form", []) if len(pair) == 2])
    return None


def waiting() -> dict | None:
    """What the sign-in page says of the kept pages: how many, and whether the timeout ended the
    session (rather than signing out in another tab, on another device, or a cleared cookie)."""
    entries = _entries()
    if not entries:
        return None
    return {"pages": len(entries), "idled_out": any(kept.get("idled_out", True) for _, kept in entries)}
