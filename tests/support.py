"""Helpers shared by functional and e2e tests: a real SMTP sink, free ports, form posting."""

import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    """aiosmtpd's Controller(port=0) does not work (ENVIRONMENT.md): pick a port first."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ReceivedEmail:
    to: list[str]
    subject: str
    sender: str
    body: str

    def code(self) -> str:
        match = re.search(r"\b(\d{8})\b", self.body)
        assert match, f"no 8-digit code in: {self.body}"
        return match.group(1)


@dataclass
class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps what it receives, for tests to read."""

    port: int
    messages: list[ReceivedEmail] = field(default_factory=list)
    controller: Controller | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        with self.lock:
            self.messages.append(ReceivedEmail(to=list(envelope.rcpt_tos), subject=str(message["Subject"]),
                                               sender=str(message["From"]),
                                               body=body.get_content() if body else ""))
        return "250 OK"

    def start(self) -> "SmtpSink":
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[ReceivedEmail]:
        with self.lock:
            return [m for m in self.messages if address in m.to]

    def wait_for(self, address: str, subject: str | None = None, timeout: float = 10.0) -> ReceivedEmail:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.to(address) if subject is None or m.subject == subject]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"no email to {address} with subject {subject!r}; got {self.messages}")


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def at_the_same_moment(monkeypatch, module, name: str, sends: list[Callable]) -> list:
    """Run each of `sends` (a request) in a thread of its own, every one held just after it first
    calls `module.name` until all have called it: so all read the same state before any of them
    writes, as requests arriving together can. Later calls are not held. Returns what each send
    returned."""
    everyone_there = threading.Barrier(len(sends), timeout=10)
    released = threading.Event()
    real = getattr(module, name)

    def held(*args, **kwargs):
        result = real(*args, **kwargs)
        if not released.is_set():
            everyone_there.wait()
            released.set()
        return result

    monkeypatch.setattr(module, name, held)
    results = [None] * len(sends)

    def run(number):
        results[number] = sends[number]()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    monkeypatch.setattr(module, name, real)
    return results


@contextmanager
def sessions_saved_in_order(saves_last: Callable[[], bool]) -> Iterator[None]:
    """While open, a request for which `saves_last()` is true (it may look at flask.request) writes its
    session back only after another request has written its own. With at_the_same_moment, which holds
    requests until all have read the session, this sets which of two requests at once finishes last."""
    from webapp.accounts.sessions import DatabaseSessionInterface

    real_save = DatabaseSessionInterface._save
    first_saved = threading.Event()

    def save_in_order(interface, app, session, response):
        if saves_last():
            assert first_saved.wait(10), "no other request wrote its session"
        real_save(interface, app, session, response)
        first_saved.set()

    DatabaseSessionInterface._save = save_in_order
    try:
        yield
    finally:
        DatabaseSessionInterface._save = real_save


class StatementCounter:
    """Counts the SQL statements sent while it is open: a page that sends one more per row it lists (an
    N+1) shows up as a count that grows with the rows, whatever the machine's speed."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _seen(self, *args) -> None:
        self.count += 1

    def __enter__(self) -> "StatementCounter":
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)


def statements_for(app, client, url: str, headers: dict | None = None) -> int:
    """How many SQL statements one GET of `url` sends (it must answer 200)."""
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.status_code)
    return counter.count


def error_summary_links(html: str) -> list[tuple[str, str]]:
    """The error summary's entries as (href, text), in order: what a screen reader lists first."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, flags=re.S)
    if summary is None:
        return []
    return [(href, re.sub(r"\s+", " ", label).strip())
            for href, label in re.findall(r'<a href="([^"]*)">(.*?)</a>', summary.group(0), flags=re.S)]
