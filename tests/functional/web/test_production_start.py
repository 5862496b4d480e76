"""A production start with a missing or insecure setting stops with a message, not a stack trace.

Without SECRET_KEY each gunicorn worker made up its own key, so a form signed by one worker failed its
CSRF check on another; without DATABASE_URL the portal quietly made an empty SQLite file on one host.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import free_port
from webapp import create_app

ROOT = Path(__file__).resolve().parents[3]
GOOD = {"SECRET_KEY": "s" * 40, "SCHEDULER_ENABLED": False}


def _refused(capsys, **overrides) -> str:
    with pytest.raises(SystemExit) as stopped:
        create_app("production", **overrides)
    assert stopped.value.code == 4  # gunicorn's "App failed to load": its master stops, no restart loop
    return capsys.readouterr().err


@pytest.mark.parametrize("key", [None, "", "short", "test-secret-key",
                                 "development-only-secret-key-do-not-use-in-production"])
def test_a_missing_short_or_published_secret_key_is_refused(capsys, tmp_path, key):
    err = _refused(capsys, **{**GOOD, "SECRET_KEY": key},
                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert "SECRET_KEY" in err and "Traceback" not in err


@pytest.mark.parametrize("url", [None, "", "postgres://u:hunter2@db/portal", "nonsense",
                                 "mysql://u:hunter2@db/portal"])  # no MySQL driver installed
def test_a_missing_or_unusable_database_url_is_refused_without_echoing_it(capsys, url):
    err = _refused(capsys, **GOOD, SQLALCHEMY_DATABASE_URI=url)
    assert "DATABASE_URL" in err and "hunter2" not in err


@pytest.mark.parametrize("uri", ["", "redsi://u:hunter2@cache:6379", "nonsense"])
def test_an_unusable_rate_limit_storage_is_refused(capsys, tmp_path, uri):
    err = _refused(capsys, **GOOD, RATELIMIT_STORAGE_URI=uri,
                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert "RATELIMIT_STORAGE_URI" in err and "hunter2" not in err


def test_the_development_mailbox_is_refused(capsys, tmp_path):
    err = _refused(capsys, **GOOD, DEV_MAILBOX=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert "DEV_MAILBOX" in err


def test_good_settings_start(tmp_path):
    app = create_app("production", **GOOD, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-portal_session"


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DATABASE_URL", "PORTAL_ENV", "TEST_DATABASE_URL"}}
    return subprocess.run(args, cwd=ROOT, env={**clean, "PYTHONPATH": str(ROOT), **env},  # noqa: S603
                          capture_output=True, text=True, timeout=60, check=False)


def test_gunicorn_without_secret_key_stops_with_one_clear_message():
    """As the README says to start it, with SECRET_KEY forgotten: the master stops, it does not loop."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    done = _run([gunicorn, "-w", "2", "-b", f"127.0.0.1:{free_port()}", "webapp:create_app()"],
                DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:1/portal")
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    assert f'File "{ROOT / "webapp"}' not in done.stderr  # no stack trace from the portal
    assert "App failed to load" in done.stderr


def test_a_good_secret_key_from_the_environment_is_accepted():
    """The key the operator sets is not mistaken for the published development key."""
    done = _run([str(Path(sys.executable).parent / "flask"), "--app", "webapp", "routes"],
                SECRET_KEY="k" * 40, DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:1/portal")
    assert done.returncode == 0, done.stderr


def test_start_up_warnings_are_timestamped_like_every_other_line():
    done = _run([str(Path(sys.executable).parent / "flask"), "--app", "webapp", "routes"],
                SECRET_KEY="k" * 40, DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:1/portal",
                SESSION_COOKIE_SECURE="0")
    warning = [line for line in done.stderr.splitlines() if "SESSION_COOKIE_SECURE is off" in line]
    assert warning and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[\d+\] WARNING webapp: ", warning[0])


@pytest.mark.parametrize("env, named", [({"SECRET_KEY": "s" * 40}, "DATABASE_URL is not set"),
                                        ({"PORTAL_ENV": "prod"}, "PORTAL_ENV must be one of"),
                                        ({"MAIL_PORT": "twenty-five"}, "MAIL_PORT must be a whole number")])
def test_flask_commands_name_the_wrong_setting(env, named):
    done = _run([str(Path(sys.executable).parent / "flask"), "--app", "webapp", "db", "current"], **env)
    assert done.returncode != 0
    assert named in done.stderr
    assert "Traceback" not in done.stderr


def test_settings_that_work_but_hurt_are_warned_about(tmp_path, caplog):
    create_app("production", **GOOD, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}",
               SESSION_COOKIE_SECURE=False, PORTAL_BASE_URL="http://127.0.0.1:5000",
               RATELIMIT_STORAGE_URI="memory://")
    warnings = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    for setting in ("SESSION_COOKIE_SECURE", "PORTAL_BASE_URL", "RATELIMIT_STORAGE_URI"):
        assert setting in warnings
    caplog.clear()
    create_app("production", **GOOD, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}",
               PORTAL_BASE_URL="https://portal.council.example", RATELIMIT_STORAGE_URI="redis://cache:6379")
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
