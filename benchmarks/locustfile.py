"""Simulated portal users for the latency benchmark (run by benchmarks/latency.py, in its own process).

Each user signs in, starts a safeguarding concern, then keeps saving the Concerns section (through
htmx, as a browser with JavaScript would) and opening Submitted Forms.
"""

import itertools
import os
import re

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION = re.compile(r'name="draft_version" value="(\d+)"')
# Read from the undecoded body: the load generator shares the server's cores, so it keeps its own work small.
VERSION_BYTES = re.compile(rb'name="draft_version" value="(\d+)"')
_numbers = itertools.count()
PASSWORD = os.environ.get("BENCH_PASSWORD", "benchmark password long")
SECTION = "concerns"


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) or match.group(2)


# Seconds between one action and the next: people filling in a form (the latency run), or as fast as
# possible (the saturation run that measures throughput against the ceiling).
WAIT = between(*(float(x) for x in os.environ.get("BENCH_WAIT", "1,3").split(",")))


class Ceiling(HttpUser):
    wait_time = WAIT

    @task
    def hello(self):
        self.client.get("/", name="ceiling /")


class SignedInUser(HttpUser):
    """Signs in and starts a safeguarding concern; the classes below say what it then does."""

    abstract = True
    wait_time = WAIT

    def on_start(self):
        self.number = next(_numbers)
        self.sign_in()
        page = self.client.get("/forms/safeguarding-concern", name="form overview").text
        response = self.client.post("/forms/safeguarding-concern/start", name="start form",
                                    data={"csrf_token": _csrf(page)})
        self.draft_url = response.url.rsplit("/", 1)[0]
        self.token = _csrf(page)
        page = self.client.get(f"{self.draft_url}/{SECTION}", name="section page").text
        self.version = VERSION.search(page).group(1)
        self.saves = 0

    def sign_in(self):
        page = self.client.get("/sign-in", name="sign-in page").text
        self.client.post("/sign-in", name="sign in", data={
            "csrf_token": _csrf(page), "email": f"bench{self.number}@example.com", "password": PASSWORD})


class PortalUser(SignedInUser):
    """The mix: mostly saving sections, sometimes reopening one, Submitted Forms, signing in again."""

    @task(1)
    def sign_in_again(self):
        """People come back: a fresh session signs in (Argon2 verification included)."""
        self.client.cookies.clear()
        self.sign_in()
        page = self.client.get(f"{self.draft_url}/{SECTION}", name="section page").text
        self.token = _csrf(page)
        self.version = VERSION.search(page).group(1)

    @task(10)
    def save_section(self):
        self.saves += 1
        response = self.client.post(
            f"{self.draft_url}/{SECTION}", name="section save",
            headers={"HX-Request": "true", "X-CSRFToken": self.token},
            data={"draft_version": self.version, "action": "next",
                  "worries": f"Bruising seen on both arms during PE (revision {self.saves}).",
                  "what_changed": "The child said they did not want to go home today.",
                  "impact": "The child is withdrawn and tired in class."})
        match = VERSION_BYTES.search(response.content)
        if match:
            self.version = match.group(1).decode()

    @task(4)
    def section_page(self):
        self.client.get(f"{self.draft_url}/{SECTION}", name="section page")

    @task(2)
    def submitted_forms(self):
        self.client.get("/submitted", name="submitted forms")


# One endpoint at a time, for each endpoint's own throughput at saturation (compared with the ceiling).
# Each user still signs in and starts a draft first (on_start, before the statistics are reset).

class SectionSaveOnly(SignedInUser):
    tasks = [PortalUser.save_section]


class SectionPageOnly(SignedInUser):
    tasks = [PortalUser.section_page]


class SubmittedFormsOnly(SignedInUser):
    tasks = [PortalUser.submitted_forms]


class SignInOnly(SignedInUser):
    tasks = [PortalUser.sign_in_again]
