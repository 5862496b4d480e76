"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

Tests create tables with create_all for speed; this test is what keeps production's migration path
honest.
"""

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from webapp import create_app
from webapp.extensions import db


def test_upgrade_head_matches_models_and_downgrades_cleanly(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.session.remove()
        if url.startswith("postgresql"):
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.session.remove()
        db.engine.dispose()
