"""End-to-end fixtures: the portal served on 127.0.0.1 in a thread, Debian's Chromium, a real SMTP
sink, and an axe-core check for every page a test visits."""

import contextlib
import itertools
import os
import re
import threading
import time
import weakref
from html import escape
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from e2e.people import make_professional
from tests.conftest import POSTGRES_URL, database_beside, reset_database  # noqa: F401
from tests.support import SmtpSink, free_port
from webapp import create_app
from webapp.extensions import db

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]


# The tests' own submissions (made directly, not through the portal's counter) are numbered from
# 700000, far above what the counter reaches in a run. Random numbers collided: a few hundred drawn
# from a hundred thousand in one server's database, and a test failed on the unique reference.
_references = itertools.count(700_000)


def unique_reference() -> str:
    """A reference no other submission in this worker's live server has."""
    return f"CP-2026-{next(_references):06d}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            "args": CHROMIUM_ARGS}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def e2e_sink():
    sink = SmtpSink(port=free_port()).start()
    yield sink
    sink.stop()


# On PostgreSQL the live servers have a database of their own beside the worker's (`test_gw0_e2e`).
# They keep their rows for the whole run, while every functional test in the same worker empties the
# worker's database, reference counter included, and leaves its own rows behind: a form submitted
# through a live server was then given a reference a functional test's submission already had, and
# the submit failed on the unique reference (CI, PostgreSQL, one run in several).
E2E_POSTGRES_URL = database_beside(POSTGRES_URL, "e2e") if POSTGRES_URL else None


@pytest.fixture(scope="session")
def live_server_factory(tmp_path_factory, e2e_sink):
    """Start a portal with config overrides (e.g. a short idle timeout); all are stopped at the end."""
    servers = []

    def start(**overrides):
        config = {"MAIL_PORT": e2e_sink.port, "MAIL_SERVER": "127.0.0.1", "RATELIMIT_ENABLED": False,
                  "SQLALCHEMY_DATABASE_URI": E2E_POSTGRES_URL
                  or f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'portal.db'}"}
        config.update(overrides)
        app = create_app("test", **config)
        with app.app_context():
            if not servers or not POSTGRES_URL:
                reset_database()
        server = LiveServer(app).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
        with server.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_server_factory):
    return live_server_factory()


@pytest.fixture(scope="session")
def axe():
    return Axe()


#: Browser contexts opened with JavaScript off (axe-core cannot run inside them).
NO_JS_CONTEXTS: "weakref.WeakSet" = weakref.WeakSet()


@pytest.fixture
def check_a11y(axe, browser):
    """Run axe-core on the page as it is now; fail with axe's own report if anything is violated.

    axe-core runs as page script, and evaluating script in a context with JavaScript disabled never
    returns. For those pages it checks a copy: the served HTML with its scripts removed, in a page of
    a scripting context, with a <base> at the page's address so its stylesheets and images are the
    real ones. The copy is set as the page's content rather than served through request routing,
    which would turn the browser's cache off and fetch every stylesheet and font again for each check.
    """
    scripting = {}

    def run(page, label):
        results = axe.run(page)
        assert results.violations_count == 0, f"{label or page.url}\n{results.generate_report()}"

    def check(page, label: str = ""):
        if page.context not in NO_JS_CONTEXTS:
            # The page as its scripts leave it (GOV.UK Frontend's components, htmx), and a test that
            # goes on to use them after the check does not race them.
            page.wait_for_load_state("load")
            run(page, label)
            return
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
        html = re.sub(r"<head\b[^>]*>", lambda head: f'{head.group(0)}<base href="{escape(page.url)}">', html,
                      count=1, flags=re.I)
        if "page" not in scripting:
            scripting["page"] = browser.new_context(java_script_enabled=True).new_page()
        copy = scripting["page"]
        copy.set_content(html)
        run(copy, f"{label} (JavaScript off)")

    yield check
    if "page" in scripting:
        scripting["page"].context.close()


@pytest.fixture(params=["js", "no-js"])
def js_mode(request):
    return request.param


#: Written to the console (and so to the journal) by every page with JavaScript: what each press of
#: the mouse and each form sent landed on, so a press that sent nothing shows whether it reached the
#: button. Elements are named by tag, id, name and a button's value, never by what a box holds.
PRESSES_TO_CONSOLE = """
(() => {
  const name = (el) => !el || !el.tagName ? String(el) : el.tagName.toLowerCase() +
    (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '') +
    (el.tagName === 'BUTTON' && el.value ? '[value=' + el.value + ']' : '');
  for (const type of ['mousedown', 'click']) {
    document.addEventListener(type, (e) => console.debug(
      `${type} at ${e.clientX},${e.clientY} on ${name(e.target)}`), true);
  }
  document.addEventListener('submit', (e) => console.debug(
    `submit of ${name(e.target)} by ${name(e.submitter)}${e.defaultPrevented ? ' (prevented)' : ''}`), true);
  document.addEventListener('htmx:afterSwap', (e) => console.debug(`swapped ${name(e.target)}`));
})();
"""


class BrowserJournal:
    """What a page asked the server for and what came back, and what its scripts wrote to the console,
    each line timed from the page's opening: printed under a test that fails, so a failure seen once in
    CI (a press that sent nothing, an answer never shown) can be read afterwards. Paths only: the
    addresses hold ids, never answers."""

    def __init__(self, page):
        self.started = time.monotonic()
        self.lines: list[str] = []
        page.on("request", lambda r: self.add(f"-> {r.method} {self.path(r.url)}"))
        page.on("response", lambda r: self.add(f"<- {r.status} {r.request.method} {self.path(r.url)}"))
        page.on("requestfailed", lambda r: self.add(f"xx {r.method} {self.path(r.url)}: {r.failure}"))
        page.on("console", lambda m: self.add(f"console.{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.add(f"page error: {e}"))
        page.add_init_script(script=PRESSES_TO_CONSOLE)

    @staticmethod
    def path(url: str) -> str:
        return urlsplit(url).path

    def add(self, line: str) -> None:
        if "/assets/" not in line and "/static/" not in line:
            self.lines.append(f"{time.monotonic() - self.started:8.3f}s {line}")


#: The journals of the pages the running test opened (own_browser and the page fixture add them).
_journals: list[BrowserJournal] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for number, journal in enumerate(_journals, start=1):
            lines = "\n".join(journal.lines[-300:])
            report.sections.append((f"page {number}: its requests and console", lines))
    if report.when == "teardown":
        _journals.clear()


@contextlib.contextmanager
def own_browser(browser, js_mode):
    """A page in a browser context of its own, with JavaScript on or off (axe checks know which)."""
    context = browser.new_context(java_script_enabled=js_mode == "js", base_url=None)
    if js_mode != "js":
        NO_JS_CONTEXTS.add(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _journals.append(BrowserJournal(page))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(page):
    """pytest-playwright's page, with a journal printed under a test that fails (most tests use it: a
    CI run's failure in one of them had only the server's log to show)."""
    _journals.append(BrowserJournal(page))
    return page


@pytest.fixture
def journey_page(browser, js_mode):
    """A fresh browser context with JavaScript on or off, as the parametrised test asks."""
    with own_browser(browser, js_mode) as page:
        yield page


@pytest.fixture
def professional(live_server):
    """The email address of a new professional's account (password: e2e.people.PASSWORD)."""
    return make_professional(live_server.app)
