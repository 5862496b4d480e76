"""Fingerprinted static assets with a one-year cache lifetime.

Each file under static/ is served at /assets/<digest>/<path>; the digest changes when the content
does, so browsers may cache for a year and a repeat visit costs only the HTML.
"""

import hashlib
from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory

ONE_YEAR = 365 * 24 * 3600


class AssetManifest:
    def __init__(self, root: Path):
        self.root = root
        self._digests: dict[str, str] = {}

    def digest(self, path: str) -> str:
        if path not in self._digests:
            file = (self.root / path).resolve()
            if not file.is_file() or self.root.resolve() not in file.parents:
                raise FileNotFoundError(path)
            self._digests[path] = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
        return self._digests[path]

    def url(self, path: str) -> str:
        return f"/assets/{self.digest(path)}/{path}"


def init_app(app: Flask) -> None:
    manifest = AssetManifest(Path(app.root_path).parent / "static")
    bp = Blueprint("assets", __name__)

    @bp.get("/assets/<digest>/<path:path>")
    def serve_asset(digest: str, path: str):
        try:
            current = manifest.digest(path)
        except FileNotFoundError:
            abort(404)
        response = send_from_directory(manifest.root, path, max_age=ONE_YEAR if digest == current else 0)
        if digest == current:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response

    app.register_blueprint(bp)
    app.add_template_global(manifest.url, "asset_url")
