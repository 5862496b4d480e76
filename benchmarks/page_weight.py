"""Page weight: bytes transferred for each key page on a first visit (empty cache) and a repeat
visit, and the size of each htmx fragment, all compressed as the portal serves them.

Budgets (DESIGN.md): first load < 60 KB, repeat visit < 15 KB, fragment < 4 KB.
Counted: response headers and bodies of the page and every asset it loads (stylesheets, scripts and
the ES modules they import), as Chromium would fetch them with `Accept-Encoding: br, gzip`.
"""

import re
from urllib.parse import urljoin

from flask import url_for

from webapp.clock import utcnow
from webapp.extensions import db

from .common import fresh_app, print_table, write_result

FIRST_LOAD_BUDGET = 60 * 1024
REPEAT_BUDGET = 15 * 1024
FRAGMENT_BUDGET = 4 * 1024
ENCODINGS = {"Accept-Encoding": "br, gzip"}
ASSET_RE = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/assets/[^"]+)"')
IMPORT_RE = re.compile(r"""(?:import|from)\s*['"]([^'"]+)['"]""")


def _transferred(response) -> int:
    headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items()) + 17
    return headers + len(response.get_data())


def _assets(client, html: str) -> list[tuple[str, int, str]]:
    seen, queue, found = set(), ASSET_RE.findall(html), []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers=ENCODINGS)
        found.append((url, _transferred(response), response.headers.get("Cache-Control", "")))
        if url.endswith(".mjs"):
            raw = client.get(url).get_data(as_text=True)
            queue += [urljoin(url, path) for path in IMPORT_RE.findall(raw) if path.startswith((".", "/"))]
    return found


def measure_page(client, url: str) -> dict:
    response = client.get(url, headers=ENCODINGS)
    assert response.status_code == 200, (url, response.status_code)
    html_bytes = _transferred(response)
    raw_html = client.get(url).get_data(as_text=True)
    assets = _assets(client, raw_html)
    first = html_bytes + sum(size for _, size, _ in assets)
    # A repeat visit re-fetches only the HTML and any asset without a long cache lifetime.
    repeat = html_bytes + sum(size for _, size, cache in assets if "immutable" not in cache)
    return {"url_kind": url.split("?")[0], "html": html_bytes, "first_load": first, "repeat_visit": repeat,
            "first_load_ok": first < FIRST_LOAD_BUDGET, "repeat_ok": repeat < REPEAT_BUDGET}


def _make_user(**fields):
    from flask import current_app

    from webapp.accounts.models import User
    from webapp.accounts.passwords import hash_password

    user = User(password_hash=hash_password("benchmark password long"), email_verified_at=utcnow(),
                terms_version=current_app.config["TERMS_VERSION"], terms_accepted_at=utcnow(),
                first_name="Priya", surname="Shah", street="1 School Lane", town="Wigan", postcode="WN1 1AA",
                **fields)
    db.session.add(user)
    db.session.commit()
    return user.id


def _sign_in(client, user_id: int, staff: bool = False) -> None:
    with client.session_transaction() as session:
        session["user_id"] = user_id
        session["staff"] = staff


def run() -> dict:
    app = fresh_app()
    pages, fragments = {}, {}
    with app.app_context():
        professional = _make_user(email="pro@example.com", is_professional=True, role="Teacher",
                                  organisation="School")
        staff = _make_user(email="staff@example.com", is_staff=True, team="social-care")
    anonymous = app.test_client()
    with app.test_request_context():
        public_urls = {"Portal home": url_for("main.home"), "Sign in": url_for("accounts.sign_in"),
                       "Register step 1": url_for("accounts.register_details")}
    for name, url in public_urls.items():
        pages[name] = measure_page(anonymous, url)

    pages.update(_registration_steps(app))
    signed_in = app.test_client()
    _sign_in(signed_in, professional)
    pages.update(_signed_in_pages(app, signed_in, fragments))
    back_office = app.test_client()
    _sign_in(back_office, staff, staff=True)
    if "review.queue" in app.view_functions:
        with app.test_request_context():
            pages["Back-office queue"] = measure_page(back_office, url_for("review.queue"))

    rows = [(name, f"{p['first_load'] / 1024:.1f}", f"{p['repeat_visit'] / 1024:.1f}",
             "ok" if p["first_load_ok"] and p["repeat_ok"] else "OVER") for name, p in pages.items()]
    print_table("Page weight (KB, compressed as served; budgets 60 first / 15 repeat)", rows,
                ("page", "first load", "repeat", "budget"))
    frag_rows = [(name, f"{size / 1024:.2f}", "ok" if size < FRAGMENT_BUDGET else "OVER")
                 for name, size in fragments.items()]
    print_table("htmx fragments (KB; budget 4)", frag_rows, ("fragment", "size", "budget"))
    figures = {"pages": pages, "fragments": {k: {"bytes": v, "ok": v < FRAGMENT_BUDGET}
                                             for k, v in fragments.items()}}
    write_result("page_weight", figures)
    return figures


def _registration_steps(app) -> dict:
    from tests.support import csrf_token

    client = app.test_client()
    page = client.get("/register").get_data(as_text=True)
    client.post("/register", data={"csrf_token": csrf_token(page), "first_name": "Sam", "surname": "Jones",
                                   "is_professional": "no", "street": "2 High St", "town": "Wigan",
                                   "postcode": "WN2 2BB"})
    results = {"Register step 2": measure_page(client, "/register/account")}
    page = client.get("/register/account").get_data(as_text=True)
    client.post("/register/account", data={"csrf_token": csrf_token(page), "email": "new@example.com",
                                           "password": "a long enough passphrase",
                                           "confirm_password": "a long enough passphrase"})
    results["Register step 3"] = measure_page(client, "/register/verify")
    return results


def _signed_in_pages(app, client, fragments: dict) -> dict:
    """Pages behind sign-in, measured when the part of the portal that serves them exists."""
    from benchmarks.portal_pages import signed_in_pages

    return signed_in_pages(app, client, fragments, measure_page)


if __name__ == "__main__":
    run()
