"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

Tests create tables with create_all for speed; this test is what keeps production's migration path
honest.
"""

import os
from datetime import datetime

import pytest
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


@pytest.fixture
def empty_database(tmp_path):
    """An app in its context on a database with no tables (the PostgreSQL one emptied first)."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.session.remove()
        if url.startswith("postgresql"):
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_head_matches_models_and_downgrades_cleanly(empty_database):
    app = empty_database
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


def test_names_already_sent_are_folded_for_search(empty_database):
    """Submissions sent before names were folded are found by a name typed without accents, those sent
    before `searched_names` existed by their child's name."""
    upgrade(revision="b9e4f1c7d3a8")
    insert = text("INSERT INTO submissions (id, reference, form_id, form_title, team, child_name, "
                  "searched_names, status, first_submitted_at, last_submitted_at) VALUES (:id, :id, "
                  "'lado', 'LADO Referral', 'lado', :child, :names, 'submitted', :at, :at)")
    at = datetime(2026, 11, 1, 9, 0)
    db.session.execute(insert, {"id": "with-names", "child": "Siân Nguyễn",
                                "names": "Siân Nguyễn Zoë O\u2019Brien", "at": at})
    db.session.execute(insert, {"id": "older", "child": "Zoë Åberg", "names": None, "at": at})
    db.session.commit()
    upgrade(revision="d5a8c3f1e9b7")
    folded = dict(db.session.execute(text("SELECT id, searched_names FROM submissions")).all())
    assert folded == {"with-names": "sian nguyen zoe o'brien", "older": "zoe aberg"}
    db.session.remove()
    downgrade(revision="base")


#: A submission as a migration finds it: only the columns every revision since the names' has.
INSERT_SOCIAL_CARE_SUBMISSION = text(
    "INSERT INTO submissions (id, reference, form_id, form_title, team, child_name, searched_names, status, "
    "first_submitted_at, last_submitted_at) VALUES (:id, :id, 'social-care', 'Safeguarding Concern', "
    "'social-care', :child, :names, 'submitted', :at, :at)")


def test_names_already_sent_are_folded_again_without_apostrophes(empty_database):
    """Names stored with an apostrophe before it was dropped from the fold are found by a name typed
    without one: "zoe obrien" finds "Zoë O’Brien" sent before the change."""
    upgrade(revision="b2e7d4a9c6f1")
    insert = INSERT_SOCIAL_CARE_SUBMISSION
    at = datetime(2026, 11, 1, 9, 0)
    db.session.execute(insert, {"id": "apostrophe", "child": "Zoë O\u2019Brien",
                                "names": "zoe o'brien liam o'connor", "at": at})
    db.session.execute(insert, {"id": "plain", "child": "Siân Nguyễn", "names": "sian nguyen", "at": at})
    db.session.commit()
    upgrade(revision="f6d9a589e32c")
    folded = dict(db.session.execute(text("SELECT id, searched_names FROM submissions")).all())
    assert folded == {"apostrophe": "zoe obrien liam oconnor", "plain": "sian nguyen"}
    found = db.session.execute(text("SELECT id FROM submissions WHERE searched_names LIKE '%obrien%'"))
    assert found.scalars().all() == ["apostrophe"]
    db.session.remove()
    downgrade(revision="base")


def test_names_already_sent_are_folded_again_with_a_dash_as_a_space(empty_database):
    """"smith-jones" finds "Aisha Smith–Jones" sent before the change, as it finds one sent after."""
    upgrade(revision="a4c8e2f6b1d9")
    insert = INSERT_SOCIAL_CARE_SUBMISSION
    at = datetime(2026, 11, 1, 9, 0)
    db.session.execute(insert, {"id": "dashed", "child": "Aisha Smith\u2013Jones",
                                "names": "aisha smith\u2013jones kerry smith-jones", "at": at})
    db.session.execute(insert, {"id": "plain", "child": "Siân Nguyễn", "names": "sian nguyen", "at": at})
    db.session.commit()
    upgrade()
    folded = dict(db.session.execute(text("SELECT id, searched_names FROM submissions")).all())
    assert folded == {"dashed": "aisha smith jones kerry smith jones", "plain": "sian nguyen"}
    db.session.remove()
    downgrade(revision="base")
