"""Draft rules: the purge boundary, days left agreeing with it, optimistic locking by section."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from webapp import formdefs
from webapp.attachments.models import Attachment
from webapp.drafts import services
from webapp.drafts.models import Draft
from webapp.extensions import db

LIFETIME = services.Lifetime(30)
START = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app, make_user):
    user_id = make_user()
    with app.app_context():
        yield user_id
        db.session.remove()


@pytest.fixture(scope="module")
def definition():
    return formdefs.load_catalogue().get("safeguarding-concern")


def saved_at(user_id, definition, when: datetime) -> str:
    with time_machine.travel(when, tick=False):
        return services.create_draft(user_id, definition, LIFETIME).id


def test_purge_boundary_29_days_23_hours_survives_30_days_and_a_minute_goes(ctx, definition):
    young = saved_at(ctx, definition, START - timedelta(days=29, hours=23))
    old = saved_at(ctx, definition, START - timedelta(days=30, minutes=1))
    db.session.add(Attachment(user_id=ctx, draft_id=old, display_name="a.pdf", kind="pdf",
                              content_type="application/pdf", size=1, data=b"x"))
    db.session.commit()
    with time_machine.travel(START, tick=False):
        survivor = db.session.get(Draft, young)
        assert services.days_left(survivor) == 1
        assert services.days_left(db.session.get(Draft, old)) == 0
        assert services.purge_expired_drafts() == 1
        assert services.purge_expired_drafts() == 0  # idempotent
    db.session.expire_all()
    assert db.session.get(Draft, young) is not None
    assert db.session.get(Draft, old) is None
    assert db.session.query(Attachment).filter_by(draft_id=old).count() == 0


def test_purge_works_in_batches(ctx, definition):
    for _ in range(5):
        saved_at(ctx, definition, START - timedelta(days=31))
    with time_machine.travel(START, tick=False):
        assert services.purge_expired_drafts(batch_size=2) == 5
    assert db.session.query(Draft).count() == 0


def test_listing_and_opening_use_the_same_boundary_as_the_purge(ctx, definition):
    young = saved_at(ctx, definition, START - timedelta(days=29, hours=23))
    old = saved_at(ctx, definition, START - timedelta(days=30, minutes=1))
    with time_machine.travel(START, tick=False):
        assert [d.id for d in services.drafts_for(ctx).drafts] == [young]
        assert services.find_draft(old, ctx) is None
        assert services.find_draft(young, ctx) is not None
        assert services.find_draft(young, ctx + 1) is None


def test_days_left_rounds_up():
    draft = Draft(expires_at=datetime(2026, 12, 29, 9, 0))
    assert services.days_left(draft, datetime(2026, 11, 29, 9, 0)) == 30
    assert services.days_left(draft, datetime(2026, 11, 29, 9, 1)) == 30
    assert services.days_left(draft, datetime(2026, 12, 28, 9, 1)) == 1
    assert services.days_left(draft, datetime(2026, 12, 29, 9, 0)) == 0


def test_a_save_extends_the_lifetime(ctx, definition):
    draft_id = saved_at(ctx, definition, START - timedelta(days=20))
    with time_machine.travel(START, tick=False):
        draft = db.session.get(Draft, draft_id)
        services.save_section(draft, definition, "child", {"first_name": "Sam"}, services.IN_PROGRESS, 1,
                              LIFETIME)
        assert services.days_left(draft) == 30
        assert draft.description.endswith("Sam")


def test_conflict_when_the_version_is_stale_and_nothing_changes(ctx, definition):
    draft = services.create_draft(ctx, definition, LIFETIME)
    services.save_section(draft, definition, "child", {"first_name": "A"}, services.IN_PROGRESS, 1, LIFETIME)
    assert draft.version == 2
    for stale in (1, None, 0, 3):
        with pytest.raises(services.Conflict):
            services.save_section(draft, definition, "child", {"first_name": "B"}, services.COMPLETED, stale,
                                  LIFETIME)
    db.session.expire_all()
    fresh = db.session.get(Draft, draft.id)
    assert fresh.answers == {"child": {"first_name": "A"}} and fresh.version == 2


def test_conflict_when_another_writer_won_the_race_on_the_same_section(ctx, definition):
    """Both tabs read version 1; the second UPDATE finds no row at version 1, reads the draft again,
    finds its section saved since, and changes nothing."""
    draft = services.create_draft(ctx, definition, LIFETIME)
    stale_copy = Draft(id=draft.id, version=1, answers={}, section_status={}, section_versions={})
    services.save_section(draft, definition, "child", {"first_name": "A"}, services.IN_PROGRESS, 1, LIFETIME)
    with pytest.raises(services.Conflict):
        services.save_section(stale_copy, definition, "child", {"first_name": "B"}, services.COMPLETED, 1,
                              LIFETIME)
    db.session.expire_all()
    assert db.session.get(Draft, draft.id).answers == {"child": {"first_name": "A"}}


def test_a_race_with_a_save_of_another_section_keeps_both(ctx, definition):
    """Both tabs read version 1, on different sections: the second UPDATE misses, reads the draft
    again and saves on top of the first, keeping the first's answers and status."""
    draft = services.create_draft(ctx, definition, LIFETIME)
    stale_copy = Draft(id=draft.id, version=1, answers={}, section_status={}, section_versions={})
    services.save_section(draft, definition, "child", {"first_name": "A"}, services.IN_PROGRESS, 1, LIFETIME)
    services.save_section(stale_copy, definition, "consent", {"consent": "yes"}, services.COMPLETED, 1,
                          LIFETIME)
    db.session.expire_all()
    saved = db.session.get(Draft, draft.id)
    assert saved.answers == {"child": {"first_name": "A"}, "consent": {"consent": "yes"}}
    assert saved.section_status == {"overview": services.COMPLETED, "child": services.IN_PROGRESS,
                                    "consent": services.COMPLETED}
    assert saved.version == 3 and saved.section_versions == {"child": 2, "consent": 3}


def test_a_page_older_than_a_save_of_another_section_saves(ctx, definition):
    """Two tabs on different sections of one form: each save is judged by its own section."""
    draft = services.create_draft(ctx, definition, LIFETIME)
    services.save_section(draft, definition, "child", {"first_name": "A"}, services.IN_PROGRESS, 1, LIFETIME)
    services.save_section(draft, definition, "consent", {"consent": "yes"}, services.COMPLETED, 1, LIFETIME)
    with pytest.raises(services.Conflict):  # the consent page, still at version 1, is older than its save
        services.save_section(draft, definition, "consent", {"consent": "no"}, services.COMPLETED, 1,
                              LIFETIME)
    services.save_section(draft, definition, "child", {"first_name": "B"}, services.IN_PROGRESS, 2, LIFETIME)
    db.session.expire_all()
    assert db.session.get(Draft, draft.id).answers == {"child": {"first_name": "B"},
                                                       "consent": {"consent": "yes"}}


def test_a_draft_saved_before_sections_had_versions_refuses_any_older_page(ctx, definition):
    """Nothing says which section its last save changed, so no save from an older page is trusted."""
    draft = services.create_draft(ctx, definition, LIFETIME)
    services.save_section(draft, definition, "child", {"first_name": "A"}, services.IN_PROGRESS, 1, LIFETIME)
    db.session.execute(Draft.__table__.update().values(section_versions=None))
    db.session.commit()
    draft = db.session.get(Draft, draft.id, populate_existing=True)
    with pytest.raises(services.Conflict):
        services.save_section(draft, definition, "consent", {"consent": "yes"}, services.COMPLETED, 1,
                              LIFETIME)
    services.save_section(draft, definition, "consent", {"consent": "yes"}, services.COMPLETED, 2, LIFETIME)
    # Its sections saved before are taken as saved at the version it had: a page older than that,
    # open since before the change, is still refused.
    assert draft.section_versions == {"child": 2, "consent": 3}
    with pytest.raises(services.Conflict):
        services.save_section(draft, definition, "child", {"first_name": "B"}, services.IN_PROGRESS, 1,
                              LIFETIME)


def test_unicode_and_large_answers_are_stored_exactly(ctx, definition):
    draft = services.create_draft(ctx, definition, LIFETIME)
    text = "Zoë \u2603 \U0001f600 ﷽ " * 4000
    services.save_section(draft, definition, "concerns", {"worries": text}, services.IN_PROGRESS, 1, LIFETIME)
    db.session.expire_all()
    assert db.session.get(Draft, draft.id).answers["concerns"]["worries"] == text


def test_neighbours_skip_the_declaration(definition):
    assert services.neighbours(definition, "overview") == (None, "professional")
    assert services.neighbours(definition, "supporting-documentation") == ("contact", None)


def test_purge_job_is_registered():
    from webapp.scheduler.jobs import JOBS

    job = next(j for j in JOBS if j.name == "purge-expired-drafts")
    assert job.run is services.purge_expired_drafts and job.every_seconds <= 24 * 3600
