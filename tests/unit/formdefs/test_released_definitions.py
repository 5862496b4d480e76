"""A released form definition never changes in place.

A submission's PDF takes its labels and its declaration words from the definition of the version it
was made with: editing lado.v1.yaml would change what every LADO referral already sent says it asked,
and what its submitter declared. A change of wording is a new version file (lado.v2.yaml), which new
drafts use while older submissions keep v1. A change to words no submission shows (a hint, an error
message) may be made in place, deliberately: its line in the manifest is then recorded again. The
manifest beside this test holds the SHA-256 of each released file, in `sha256sum` format.
"""

import hashlib
import os
from pathlib import Path

from webapp.formdefs.loader import DEFINITIONS

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = Path(__file__).with_name("released_definitions.sha256")

NEW_VERSION = (
    "To change a form's wording, copy it to a new version file (e.g. lado.v1.yaml to lado.v2.yaml, with "
    "'version: 2' inside), change the copy, and record the new file once its wording is final, from "
    f"{DEFINITIONS.relative_to(ROOT)}:\n"
    f"    sha256sum lado.v2.yaml >> {os.path.relpath(MANIFEST, DEFINITIONS)}"
)


def released() -> dict[str, str]:
    """File name: SHA-256, from the manifest."""
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    entries = [line.split(maxsplit=1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): digest for digest, name in entries}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_released_definition_has_changed_or_gone():
    changed = [name for name, digest in released().items()
               if (DEFINITIONS / name).exists() and sha256(DEFINITIONS / name) != digest]
    assert not changed, (
        f"Released form definitions changed in place: {', '.join(changed)}. Submissions made with "
        "these versions are rendered from them, so the change would rewrite what they asked and what "
        f"was declared. Undo the change (git checkout -- <file>). {NEW_VERSION}\n"
        "A change only to words no submission shows (a hint, an error message) may stay in place: "
        "replace the file's line in the manifest with what `sha256sum <file>` prints, and say why in "
        "the commit."
    )
    gone = [name for name in released() if not (DEFINITIONS / name).exists()]
    assert not gone, (
        f"Released form definitions removed: {', '.join(gone)}. Submissions made with them still need "
        "them to show their answers and PDF: restore them."
    )


def test_every_definition_is_recorded_as_released():
    """A file the manifest does not know would go live unguarded: record it when its wording is final."""
    unrecorded = sorted(p.name for p in DEFINITIONS.glob("*.y*ml") if p.name not in released())
    assert not unrecorded, f"Definitions not yet recorded as released: {', '.join(unrecorded)}. {NEW_VERSION}"
