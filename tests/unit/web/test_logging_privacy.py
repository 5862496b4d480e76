"""A database error that reaches a log line says what failed, never the values it was writing."""

import pytest
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import User
from webapp.extensions import db


def test_database_errors_do_not_quote_the_values(app, make_user):
    make_user(email="jordan.ellison-hart@example.com")
    with app.app_context():
        db.session.add(User(email="jordan.ellison-hart@example.com", password_hash="x", first_name="Jordan",
                            surname="Ellison-Hart"))
        with pytest.raises(IntegrityError) as raised:
            db.session.commit()
        db.session.rollback()
    assert "Ellison-Hart" not in str(raised.value)
    assert "parameters hidden" in str(raised.value)
