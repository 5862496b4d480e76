"""Page-or-fragment rendering and the security header policy, without a database."""

from flask import Flask

from webapp.extensions import htmx
from webapp.web import security
from webapp.web.rendering import render_page_or_fragment


def make_app(tmp_path):
    (tmp_path / "page.html").write_text("<html>{% include 'part.html' %}</html>")
    (tmp_path / "part.html").write_text("<div id='part'>{{ word }}</div>")
    app = Flask(__name__, template_folder=str(tmp_path))
    htmx.init_app(app)
    security.init_app(app)

    @app.get("/thing")
    def thing():
        return render_page_or_fragment("page.html", "part.html", word="hello")

    return app


def test_full_page_without_htmx_and_fragment_with_it(tmp_path):
    client = make_app(tmp_path).test_client()
    page = client.get("/thing")
    fragment = client.get("/thing", headers={"HX-Request": "true"})
    assert page.get_data(as_text=True) == "<html><div id='part'>hello</div></html>"
    assert fragment.get_data(as_text=True) == "<div id='part'>hello</div>"
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_policy_has_no_unsafe_sources():
    policy = security.CONTENT_SECURITY_POLICY
    assert "unsafe" not in policy
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy


def test_hsts_follows_config(tmp_path):
    app = make_app(tmp_path)
    assert "Strict-Transport-Security" not in app.test_client().get("/thing").headers
    app.config["HSTS"] = True
    assert "Strict-Transport-Security" in app.test_client().get("/thing").headers
