"""Fingerprinted, minified, precompressed static assets with a one-year cache lifetime.

Each file under static/ is served at /assets/<digest>/<path>; the digest changes when the content
does, so browsers may cache for a year and a repeat visit costs only the HTML. Files are compressed
once per process (Brotli, else gzip) rather than on every request: send_file responses bypass
Flask-Compress, and the assets never change while the process runs.
"""

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import rjsmin
from flask import Blueprint, Flask, Response, abort, request

ONE_YEAR = 365 * 24 * 3600
_RELATIVE_IMPORT = re.compile(r"""(\bfrom\s*['"])(\.{1,2}/[^'"]+)(['"])""")
COMPRESSIBLE = {".css", ".js", ".mjs", ".svg", ".json", ".txt"}


@dataclass
class Asset:
    content: bytes
    digest: str
    content_type: str
    encoded: dict[str, bytes] = field(default_factory=dict)

    def body_for(self, accept_encoding: str, suffix: str) -> tuple[bytes, str | None]:
        if suffix not in COMPRESSIBLE:
            return self.content, None
        for encoding in ("br", "gzip"):
            if encoding in accept_encoding:
                if encoding not in self.encoded:
                    self.encoded[encoding] = (brotli.compress(self.content, quality=11) if encoding == "br"
                                              else gzip.compress(self.content, 9, mtime=0))
                return self.encoded[encoding], encoding
        return self.content, None


def _minified(script: bytes) -> bytes:
    """Our own scripts without their comments and spaces: the comments say why each piece is there,
    which a reader of the source needs and a browser on a slow connection does not (they were half of
    what a form section's scripts weighed). Done as the file is first served, never a build step that
    could serve a stale copy of an edited script. The vendors' files come minified already."""
    return rjsmin.jsmin(script.decode()).encode()


class AssetManifest:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self._assets: dict[str, Asset] = {}

    def get(self, path: str) -> Asset:
        if path not in self._assets:
            # A NUL (ValueError) or a name longer than the file system allows (OSError) in a typed or
            # tampered address is simply not one of our files: a 404, never a server error.
            try:
                file = (self.root / path).resolve()
                found = file.is_file() and self.root in file.parents
            except (OSError, ValueError):
                found = False
            if not found:
                raise FileNotFoundError(path)
            content = file.read_bytes()
            if file.suffix in (".js", ".mjs") and not file.name.endswith(".min.js"):
                content = _minified(content)
            if file.suffix == ".mjs":
                content = self._fingerprint_imports(file, content)
            content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if file.suffix == ".mjs":
                content_type = "text/javascript"
            self._assets[path] = Asset(content, hashlib.sha256(content).hexdigest()[:12], content_type)
        return self._assets[path]

    def _fingerprint_imports(self, file: Path, content: bytes) -> bytes:
        """Point an ES module's relative imports at fingerprinted URLs, so they cache for a year too."""

        def replace(match: re.Match) -> str:
            target = (file.parent / match.group(2)).resolve().relative_to(self.root).as_posix()
            return f"{match.group(1)}{self.url(target)}{match.group(3)}"

        return _RELATIVE_IMPORT.sub(replace, content.decode()).encode()

    def url(self, path: str) -> str:
        return f"/assets/{self.get(path).digest}/{path}"


def init_app(app: Flask) -> None:
    manifest = AssetManifest(Path(app.root_path).parent / "static")
    bp = Blueprint("assets", __name__)

    @bp.get("/assets/<digest>/<path:path>")
    def serve_asset(digest: str, path: str):
        try:
            asset = manifest.get(path)
        except FileNotFoundError:
            abort(404)
        body, encoding = asset.body_for(request.headers.get("Accept-Encoding", ""), Path(path).suffix)
        response = Response(body, content_type=asset.content_type)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        # An old digest still gets the current file, but must not be cached as if it were immutable.
        current = digest == asset.digest
        cache = f"public, max-age={ONE_YEAR}, immutable" if current else "no-cache"
        response.headers["Cache-Control"] = cache
        return response

    app.register_blueprint(bp)
    app.add_template_global(manifest.url, "asset_url")
