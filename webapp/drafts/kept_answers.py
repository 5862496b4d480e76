"""Answers posted to a section after its session ended, kept in the signed-out session for after sign-in.

Each page's answers have a key of their own (accounts/kept_for_sign_in.py): two tabs signed out at once
(a laptop woken after the timeout, each tab sending its autosave) each keep theirs.
"""

from flask import session
from werkzeug.datastructures import MultiDict

from webapp.accounts import kept_for_sign_in

#: Entries hold their draft and section too, so answers kept under the one key of sessions written
#: before each page had its own are still found.
KEY = "unsaved_answers"
#: A section's answers are tens of kilobytes at most; anything larger is not a person's page.
PAGE_LIMIT = 200_000
#: Tabs signed out at once, each with a page of its own kept.
MOST_PAGES = 4


def keep(draft_id: str, section_id: str, typed: list[tuple[str, str]], idled_out: bool) -> None:
    """Keep what a section's page posted; a page too large to be a person's is not kept."""
    if sum(len(name) + len(value) for name, value in typed) > PAGE_LIMIT:
        return
    kept_for_sign_in.keep(KEY, f"{draft_id}:{section_id}", {
        "draft_id": draft_id, "section_id": section_id, "form": typed, "idled_out": idled_out}, MOST_PAGES)


def take(draft_id: str, section_id: str) -> MultiDict | None:
    """This section's kept answers, taken from the session (shown once), or None."""
    for key, kept in kept_for_sign_in.kept(KEY):
        if kept.get("draft_id") == draft_id and kept.get("section_id") == section_id:
            session.pop(key)
            return MultiDict([tuple(pair) for pair in kept.get("form", []) if len(pair) == 2])
    return None


def waiting() -> dict | None:
    """What the sign-in page says of the kept pages: how many, and whether the timeout ended the
    session (rather than signing out in another tab, on another device, or a cleared cookie)."""
    entries = kept_for_sign_in.kept(KEY)
    if not entries:
        return None
    return {"pages": len(entries), "idled_out": any(kept.get("idled_out", True) for _, kept in entries)}
