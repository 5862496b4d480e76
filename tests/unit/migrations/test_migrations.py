"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

Tests create tables with create_all for speed; this test is what keeps production's migration path
honest.
"""

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from webapp import create_app
from webapp.extensions import db

# Alembic leaves server defaults out of the comparison unless asked; types and nullability are in by
# default in this version, and said here so an upgrade of Alembic cannot quietly drop them.
COMPARE = {"compare_type": True, "compare_server_default": True}


def _differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts=COMPARE), db.metadata)


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
        differences = _differences()
        assert differences == [], f"models and migrations differ (flask db migrate): {differences}"
        # Each migration's downgrade on its own, newest first, then all the way up again.
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        for revision in script.walk_revisions():
            downgrade(revision=revision.down_revision or "base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()
        assert _differences() == []
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()
