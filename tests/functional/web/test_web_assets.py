"""Our own scripts as served: minified as they are first served, so the source keeps its comments."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[3] / "static"


def served_script(client, page: str, name: str) -> bytes:
    html = client.get(page).get_data(as_text=True)
    url = re.search(rf'<script[^>]+src="(/assets/[0-9a-f]+/js/{re.escape(name)})"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    return response.data


def test_a_script_is_served_without_its_comments_and_far_lighter(client):
    """The comments that say why each piece is there were half of what a page's scripts weighed."""
    source = (STATIC / "js" / "portal.js").read_bytes()
    served = served_script(client, "/", "portal.js")
    assert b"// " in source and not re.search(rb"^\s*//", served, re.M)
    assert len(served) < 0.7 * len(source)


@pytest.mark.skipif(shutil.which("node") is None, reason="node checks the script's syntax")
def test_a_minified_script_is_still_a_script(client, tmp_path):
    served = tmp_path / "portal.js"
    served.write_bytes(served_script(client, "/", "portal.js"))
    assert subprocess.run(["node", "--check", str(served)], capture_output=True).returncode == 0
