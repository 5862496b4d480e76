"""Development only: a local SMTP sink and /dev/mailbox to read what the portal sent.

Registered only when DEV_MAILBOX is set (DevelopmentConfig), so production has neither the sink nor
the page.
"""

import email
import email.policy
import logging
import socket
from pathlib import Path

from aiosmtpd.controller import Controller
from flask import Blueprint, Flask, abort

from webapp.web.rendering import render_page

log = logging.getLogger(__name__)


class MaildirHandler:
    def __init__(self, directory: Path):
        self.directory = directory
        self.count = len(list(directory.glob("*.eml")))

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.count += 1
        (self.directory / f"{self.count:06d}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) != 0


def start_sink(directory: Path, host: str, port: int) -> Controller | None:
    directory.mkdir(parents=True, exist_ok=True)
    if not _port_free(host, port):
        return None  # another process of this app (the reloader's parent) already runs it
    controller = Controller(MaildirHandler(directory), hostname=host, port=port)
    controller.start()
    log.info("development mail sink on %s:%s", host, port)
    return controller


def read_messages(directory: Path) -> list[dict]:
    messages = []
    for path in sorted(directory.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",))
        messages.append({"id": path.stem, "to": message["To"], "from": message["From"],
                         "subject": message["Subject"], "date": message["Date"],
                         "body": body.get_content() if body else ""})
    return messages


def init_app(app: Flask) -> None:
    directory = Path(app.config["DEV_MAILBOX_DIR"])
    bp = Blueprint("devmail", __name__)

    @app.before_request
    def start_sink_once():
        """Lazily, like the scheduler: CLI commands never serve a request, so never start a sink."""
        if "dev_mail_sink" not in app.extensions:
            app.extensions["dev_mail_sink"] = start_sink(
                directory, app.config["MAIL_SERVER"], app.config["MAIL_PORT"])

    @bp.get("/dev/mailbox")
    def mailbox():
        if not app.config.get("DEV_MAILBOX"):
            abort(404)
        return render_page("dev/mailbox.html", messages=read_messages(directory)[:50])

    app.register_blueprint(bp)
