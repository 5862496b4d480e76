"""`flask seed-demo` makes accounts whose passwords are in this repository: development only."""

from sqlalchemy import func, select

from tests.conftest import POSTGRES_URL
from webapp import create_app
from webapp.accounts.models import User
from webapp.extensions import db


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_seed_demo_refuses_a_production_app(app, tmp_path):
    production = create_app("production", SECRET_KEY="p" * 40, SCHEDULER_ENABLED=False,
                            SQLALCHEMY_DATABASE_URI=POSTGRES_URL or app.config["SQLALCHEMY_DATABASE_URI"])
    result = production.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "PORTAL_ENV=development" in result.output
    assert _users(app) == 0


def test_seed_demo_is_idempotent_where_allowed(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _users(app) == 3
