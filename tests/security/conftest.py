"""Shared by the security suite: two accounts with records of their own, and a database snapshot that
shows whether an attempt changed anything."""

from sqlalchemy import select

from webapp.extensions import db

#: Sessions change on every request by design (idle deadlines); everything else must not move.
VOLATILE_TABLES = {"web_sessions"}


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table (but sessions), in a stable order."""
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            rows = db.session.execute(select(table)).all()
            out[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
        db.session.remove()
        return out


def session_handle(app, user_id: int) -> str:
    """The handle (Where you are signed in) of a new session of the account, on a device of its own."""
    from tests.conftest import sign_in
    from webapp.accounts import devices
    from webapp.accounts.models import User

    with app.app_context():
        email = db.session.get(User, user_id).email
        sign_in(app.test_client(), email)
        return devices.signed_in_devices(user_id, None)[0].handle
