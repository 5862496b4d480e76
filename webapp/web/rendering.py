"""Choose between a full page and its htmx fragment from one place (DESIGN.md convention 2)."""

from flask import make_response, render_template

from webapp.extensions import htmx


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render the fragment for htmx requests and the page otherwise.

    The page `{% include %}`s the fragment, so both come from one source; `Vary: HX-Request` stops a
    cache from serving one in place of the other.
    """
    template = fragment if htmx and not htmx.boosted else page
    response = make_response(render_template(template, **context), status)
    response.headers.add("Vary", "HX-Request")
    return response


def render_page(page: str, status: int = 200, **context):
    return make_response(render_template(page, **context), status)
