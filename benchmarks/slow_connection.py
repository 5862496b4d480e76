"""Slow connection: Chromium with network emulation at 400 kbit/s and 400 ms round trip.

Measures (targets from issue 7): the time until a form section is usable on a first visit with an
empty cache (< 3 s), and the time from leaving a field to its inline validation message (< 1 s).
"Usable" means the page's load event has fired (HTML, CSS and scripts in) and its first field can be
typed into.
"""

import statistics
import time

from playwright.sync_api import sync_playwright

from e2e.conftest import CHROMIUM_ARGS, LiveServer
from tests.support import csrf_token

from .common import fresh_app, print_table, write_result
from .page_weight import _make_user

KBIT = 1000 / 8  # bytes per second in one kbit/s
CONDITIONS = {"offline": False, "latency": 400, "downloadThroughput": 400 * KBIT,
              "uploadThroughput": 400 * KBIT}
RUNS = 3


def _draft_section_url(app) -> str:
    client = app.test_client()
    with app.app_context():
        user_id = _make_user(email="slow@example.com", is_professional=True, role="Teacher",
                             organisation="School", phone="01632 960001")
    with client.session_transaction() as session:
        session["user_id"] = user_id
    page = client.get("/forms/safeguarding-concern").get_data(as_text=True)
    response = client.post("/forms/safeguarding-concern/start", data={"csrf_token": csrf_token(page)})
    return response.headers["Location"].rsplit("/", 1)[0] + "/professional"


def run() -> dict:
    app = fresh_app(SESSION_COOKIE_SECURE=False)
    section_path = _draft_section_url(app)
    server = LiveServer(app).start()
    first_loads, inline_checks = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for _ in range(RUNS):
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{server.url}/sign-in")
                page.get_by_label("Email address").fill("slow@example.com")
                page.get_by_label("Password", exact=True).fill("benchmark password long")
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state("load")
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.clearBrowserCache")
                cdp.send("Network.emulateNetworkConditions", CONDITIONS)
                started = time.perf_counter()
                page.goto(f"{server.url}{section_path}", wait_until="load")
                page.get_by_label("First name").click()
                first_loads.append(time.perf_counter() - started)

                phone = page.get_by_label("Phone number")
                phone.fill("12345")
                started = time.perf_counter()
                page.keyboard.press("Tab")
                page.locator("#field-phone .govuk-error-message").wait_for(state="visible", timeout=10_000)
                inline_checks.append(time.perf_counter() - started)
                context.close()
            browser.close()
    finally:
        server.stop()
    figures = {
        "conditions": "400 kbit/s down and up, 400 ms round trip, empty cache",
        "section_usable_seconds": round(statistics.median(first_loads), 2),
        "section_usable_runs": [round(x, 2) for x in first_loads],
        "inline_message_seconds": round(statistics.median(inline_checks), 2),
        "inline_message_runs": [round(x, 2) for x in inline_checks],
    }
    figures["section_usable_ok"] = figures["section_usable_seconds"] < 3
    figures["inline_message_ok"] = figures["inline_message_seconds"] < 1
    print_table("Slow connection (400 kbit/s, 400 ms RTT; median of 3)", [
        ("form section usable (first visit)", figures["section_usable_seconds"], "< 3 s",
         "ok" if figures["section_usable_ok"] else "OVER"),
        ("inline validation message", figures["inline_message_seconds"], "< 1 s",
         "ok" if figures["inline_message_ok"] else "OVER")], ("measure", "seconds", "target", "result"))
    write_result("slow_connection", figures)
    return figures


if __name__ == "__main__":
    run()
