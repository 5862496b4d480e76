"""submissions.searched_names: every name the back office's search finds a submission by

A LADO officer looks a referral up by the person the allegation is about, and a caseworker by a
sibling's or a parent's name; only the first child's name was searchable. Submissions from before this
column are still found by the child's name (the search falls back on it).

Revision ID: a7d3e9c1b5f2
Revises: f3a9c5e1d7b2
Create Date: 2026-11-30 03:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d3e9c1b5f2'
down_revision = 'f3a9c5e1d7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('searched_names', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('searched_names')
